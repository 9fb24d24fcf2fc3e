"""Building blocks of the org.yaml model shared by its sections: the base model and field checks
whose messages say what AWS accepts."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema

from orgboot.aws import managed_policies, quotas
from orgboot.aws.organizations import ROOT
from orgboot.aws.regions import known_region
from orgboot.suggest import did_you_mean


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def check_ou_path(path: str) -> str:
    names = path.split("/")
    if path == ROOT:
        raise ValueError(f"'{ROOT}' is the organization root, not an OU: it exists already")
    if (repaired := repaired_ou_path(path)) != path and repaired is not None and _valid_ou_path(repaired):
        # One message at the entry says what to write; references to the repaired path are taken
        # as meant (declared_ou_paths), so nothing else is reported for it.
        raise ValueError(
            f"'{path}' is not an OU path: {_slip(path)}; write '{repaired}' (names separated by '/', the first one under the root)"
        )
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


def repaired_ou_path(path: str) -> str | None:
    """The path a slip of the pen most likely meant: without slashes around it or doubled, and
    without spaces around its names. None when no name is left."""
    names = [name.strip() for name in path.split("/") if name.strip()]
    return "/".join(names) or None


def _slip(path: str) -> str:
    if path.startswith("/") and path.endswith("/"):
        return "it starts and ends with '/'"
    if path.startswith("/"):
        return "it starts with '/'"
    if path.endswith("/"):
        return "it ends with '/'"
    return "it has an empty name or spaces around a name"


def _valid_ou_path(path: str) -> bool:
    try:
        check_ou_path(path)
    except ValueError:
        return False
    return True


OuPath = Annotated[str, AfterValidator(check_ou_path)]


@dataclass(frozen=True)
class DeclaredOu:
    """An entry of organizational_units: an OU's path and, when given, its key. The key replaces the
    OU's own name in its identity, so that the name can change while the identity stays."""

    path: str
    key: str | None = None

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


_OU_ENTRY_EXAMPLE = "`- Workloads/Production: {key: Prod}`"


def check_ou_key(key: Any, path: str) -> str:
    """An OU's key is one name of its identity: what an OU name may be (no '/', no surrounding spaces)."""
    if not isinstance(key, str) or not key or key != key.strip() or "/" in key or len(key) > quotas.OU_NAME_MAX:
        raise ValueError(
            f"OU '{path}': key {key!r} is not a key; a key is a name like an OU's (no '/', no spaces around it, up to"
            f" {quotas.OU_NAME_MAX} characters), like {_OU_ENTRY_EXAMPLE}"
        )
    return key


def parse_ou_entry(value: Any) -> DeclaredOu:
    """`Workloads/Prod`, or `Workloads/Production: {key: Prod}`: a path, or a path with its key."""
    if isinstance(value, DeclaredOu):
        return value
    if isinstance(value, str):
        return DeclaredOu(check_ou_path(value))
    if not isinstance(value, dict) or len(value) != 1:
        what = f"a mapping of {len(value)} entries" if isinstance(value, dict) else f"{value!r}"
        raise ValueError(
            f"an entry of organizational_units is an OU path ('Workloads/Prod') or one path with its key ({_OU_ENTRY_EXAMPLE}),"
            f" not {what}: one entry per OU"
        )
    ((path, options),) = value.items()
    if not isinstance(path, str):
        raise ValueError(f"{path!r} is not an OU path: write names separated by '/', like {_OU_ENTRY_EXAMPLE}")
    check_ou_path(path)
    if not isinstance(options, dict):
        raise ValueError(f"OU '{path}': write its key as a mapping, like {_OU_ENTRY_EXAMPLE} (or the path alone, without ':')")
    if unknown := sorted(str(option) for option in options if option != "key"):
        raise ValueError(
            f"OU '{path}': unknown key '{unknown[0]}'{did_you_mean(unknown[0], ['key'])}; an OU entry takes only its key,"
            f" like {_OU_ENTRY_EXAMPLE}"
        )
    if "key" not in options:
        raise ValueError(f"OU '{path}': write its key, like {_OU_ENTRY_EXAMPLE} (or the path alone, without ':')")
    return DeclaredOu(path, check_ou_key(options["key"], path))


def _ou_entry_form(entry: DeclaredOu) -> str | dict[str, dict[str, str]]:
    return entry.path if entry.key is None else {entry.path: {"key": entry.key}}


# What the JSON schema says of an entry (`orgboot schema`): the validator above is a function.
_OU_ENTRY_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "description": "An OU path, nested with '/', like Workloads/Prod; parents are implied"},
        {
            "type": "object",
            "description": "An OU path with its key, like `Workloads/Production: {key: Prod}`: the key stands for the OU's name in"
            " its identity, so a rename keeps the OU (see docs/organization.md)",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": {
                "type": "object",
                "properties": {"key": {"type": "string", "minLength": 1, "maxLength": quotas.OU_NAME_MAX, "pattern": "^[^/]+$"}},
                "required": ["key"],
                "additionalProperties": False,
            },
        },
    ]
}

OuEntry = Annotated[
    DeclaredOu,
    PlainValidator(parse_ou_entry),
    PlainSerializer(_ou_entry_form),
    WithJsonSchema(_OU_ENTRY_SCHEMA),
]


def declared_ou_paths(entries: Any, *, valid_only: bool = False) -> frozenset[str]:
    """The OU paths the raw organizational_units declare, with their parents, as references to them
    are checked: a slipped path ('/Workloads') counts as what it meant, since its entry reports it.
    `valid_only`: only paths validate accepts, the ones a suggestion may propose."""
    paths = []
    for entry in entries if isinstance(entries, list) else []:
        raw = next(iter(entry), None) if isinstance(entry, dict) and len(entry) == 1 else entry
        repaired = repaired_ou_path(raw) if isinstance(raw, str) and raw != ROOT else None
        if repaired is not None and (not valid_only or _valid_ou_path(repaired)):
            paths.append(repaired)
    return frozenset(implied_ou_paths(paths))


def implied_ou_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The OUs `paths` declare, with their parents, parents first."""
    found: dict[str, None] = {}
    for path in paths:
        names = path.split("/")
        for depth in range(1, len(names) + 1):
            found.setdefault("/".join(names[:depth]))
    return tuple(sorted(found, key=lambda p: (p.count("/"), p)))


def ou_identities(entries: Iterable[DeclaredOu]) -> dict[str, str]:
    """Each OU's path (declared or implied) -> its identity: its parent's identity, '/', and its key,
    or its own name when it has none. Without keys an identity is the path; with one, renaming the
    OU (or a parent) keeps it, and so the OU's CloudFormation resource (logical_ids.ou)."""
    entries = tuple(entries)
    keys = {entry.path: entry.key for entry in entries if entry.key is not None}
    identities: dict[str, str] = {}
    for path in implied_ou_paths(entry.path for entry in entries):  # parents first
        parent, _, name = path.rpartition("/")
        own = keys.get(path, name)
        identities[path] = f"{identities[parent]}/{own}" if parent else own
    return identities


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


Region = Annotated[str, AfterValidator(known_region)]
