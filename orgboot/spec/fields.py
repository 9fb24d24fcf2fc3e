"""Building blocks of the org.yaml model shared by its sections: the base model and field checks
whose messages say what AWS accepts."""

import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from orgboot.aws import managed_policies, quotas
from orgboot.aws.organizations import ROOT
from orgboot.suggest import did_you_mean


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def check_ou_path(path: str) -> str:
    names = path.split("/")
    if path == ROOT:
        raise ValueError(f"'{ROOT}' is the organization root, not an OU: it exists already")
    for name in names:
        if not name or name != name.strip():
            raise ValueError(
                f"'{path}' is not an OU path: write names separated by '/', like 'Workloads/Prod',"
                " without empty names or surrounding spaces"
            )
        if len(name) > quotas.OU_NAME_MAX:
            raise ValueError(f"OU name '{name[:20]}...' is longer than {quotas.OU_NAME_MAX} characters")
    if len(names) > quotas.MAX_OU_DEPTH:
        raise ValueError(
            f"'{path}' is nested {len(names)} levels deep; AWS allows at most {quotas.MAX_OU_DEPTH} levels of OUs under the root"
        )
    return path


OuPath = Annotated[str, AfterValidator(check_ou_path)]


def implied_ou_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The OUs `paths` declare, with their parents, parents first."""
    found: dict[str, None] = {}
    for path in paths:
        names = path.split("/")
        for depth in range(1, len(names) + 1):
            found.setdefault("/".join(names[:depth]))
    return tuple(sorted(found, key=lambda p: (p.count("/"), p)))


def covers(target: str, ou: str) -> bool:
    """Whether the OU `target` (or the root) holds the OU `ou`, itself included."""
    return target == ROOT or ou == target or ou.startswith(target + "/")


def parent_of(ou_path: str) -> str:
    return ou_path.rpartition("/")[0] or ROOT


def check_email(email: str) -> str:
    if not email.isascii():
        position, character = next((i, c) for i, c in enumerate(email) if not c.isascii())
        raise ValueError(
            f"'{email}' has a character that is not ASCII at position {position + 1} ({character!r}, U+{ord(character):04X}):"
            " CreateAccount accepts 7-bit ASCII only (a lookalike letter?)"
        )
    if not re.match(quotas.EMAIL_PATTERN, email):
        raise ValueError(f"'{email}' is not an email address (expected name@domain.tld)")
    if not (quotas.EMAIL_MIN <= len(email) <= quotas.EMAIL_MAX):
        raise ValueError(f"'{email}' is {len(email)} characters; AWS accepts {quotas.EMAIL_MIN}-{quotas.EMAIL_MAX}")
    return email


Email = Annotated[str, AfterValidator(check_email)]


def check_account_name(name: str) -> str:
    if not re.match(quotas.ACCOUNT_NAME_PATTERN, name):
        raise ValueError(
            f"account name {name!r} must be 1-50 printable ASCII characters"
            f" (it has {len(name)}{', some not printable ASCII' if not name.isascii() else ''})"
        )
    return name


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > quotas.TAGS_PER_RESOURCE:
        raise ValueError(f"{len(tags)} tags; AWS allows at most {quotas.TAGS_PER_RESOURCE}")
    for key, value in tags.items():
        if not 1 <= len(key) <= quotas.TAG_KEY_MAX or key.lower().startswith("aws:"):
            raise ValueError(f"tag key {key!r} must be 1-{quotas.TAG_KEY_MAX} characters, not starting with 'aws:'")
        if len(value) > quotas.TAG_VALUE_MAX:
            raise ValueError(f"tag {key!r}: value longer than {quotas.TAG_VALUE_MAX} characters")
    return tags


Tags = Annotated[dict[str, str], AfterValidator(check_tags)]


def check_listed_once(items: tuple[str, ...]) -> tuple[str, ...]:
    for item in items:
        if items.count(item) > 1:
            raise ValueError(f"'{item}' is listed {items.count(item)} times; list it once")
    return items


def in_range(low: int, high: int, what: str) -> Any:
    """A validator refusing integers outside AWS's range, with the range in the message."""

    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{what} {value} is outside AWS's range {low}-{high}")
        return value

    checker: Callable[[int], int] = check
    return AfterValidator(checker)


AccountId = Annotated[str, StringConstraints(pattern=quotas.ACCOUNT_ID_PATTERN)]

IamName = Annotated[str, StringConstraints(pattern=quotas.IAM_NAME_PATTERN, max_length=quotas.IAM_ROLE_NAME_MAX)]


def check_managed_policy(name: str) -> str:
    if name.startswith("arn:"):
        return name  # an ARN is taken as given: customer managed, or newer than our catalogue
    if not managed_policies.exists(name):
        raise ValueError(
            f"'{name}' is not an AWS managed policy{did_you_mean(name, managed_policies.catalogue())}; give its name"
            " (AdministratorAccess, job-function/Billing) or a full ARN"
        )
    return name


ManagedPolicyRef = Annotated[str, AfterValidator(check_managed_policy)]
