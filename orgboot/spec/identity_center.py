"""identity_center in org.yaml: IAM Identity Center permission sets, and assignments of Identity
Center groups to them on accounts, OUs (every account below, including accounts added later) or
Root. AWS's limits are in orgboot/aws/identity_center.py, with their sources."""

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, WithJsonSchema, model_validator

from orgboot.aws import identity_center as aws
from orgboot.aws import managed_policies
from orgboot.aws.organizations import ROOT
from orgboot.spec.documents import DocumentFile
from orgboot.spec.fields import ManagedPolicyRef, Model, Region, check_listed_once, covers, in_range
from orgboot.spec.layout import ASSIGNMENT_STACKS_MAX
from orgboot.spec.references import check_target, declared
from orgboot.suggest import did_you_mean

if TYPE_CHECKING:
    from orgboot.spec.model import OrgSpec

# The target of an assignment that names the management account (it is in no OU, Root's member
# accounts exclude it, and it has no key in `accounts`).
MANAGEMENT = "management"


def _check_permission_set_name(name: str) -> str:
    if not re.fullmatch(aws.PERMISSION_SET_NAME_PATTERN, name) or len(name) > aws.PERMISSION_SET_NAME_MAX:
        others = sorted({character for character in name if not re.fullmatch(aws.PERMISSION_SET_NAME_PATTERN, character)})
        what = f", and {' '.join(repr(c) for c in others)} cannot be in it" if others else ""
        raise ValueError(
            f"permission set name {name!r} must be 1-{aws.PERMISSION_SET_NAME_MAX} letters, digits and + = , . @ _ -"
            f" (AWS's CreatePermissionSet): it has {len(name)} characters{what}"
        )
    return name


PermissionSetName = Annotated[
    str,
    AfterValidator(_check_permission_set_name),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": aws.PERMISSION_SET_NAME_MAX, "pattern": aws.PERMISSION_SET_NAME_PATTERN}
    ),
]


def _check_relay_state(url: str) -> str:
    if not 1 <= len(url) <= aws.RELAY_STATE_MAX:
        raise ValueError(f"relay_state is {len(url)} characters; AWS accepts 1-{aws.RELAY_STATE_MAX}")
    if others := sorted({character for character in url if not re.fullmatch(aws.RELAY_STATE_PATTERN, character)}):
        raise ValueError(
            f"relay_state cannot hold {' '.join(repr(c) for c in others)}: AWS takes a console URL of letters, digits, spaces"
            " and & $ @ # \\ / % ? = ~ - _ ' \" | ! : , . ; * + [ ] ( ) { } (percent-encode the rest)"
        )
    return url


RelayState = Annotated[
    str,
    AfterValidator(_check_relay_state),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": aws.RELAY_STATE_MAX, "pattern": aws.RELAY_STATE_PATTERN}),
]


def _check_aws_managed(policy: str) -> str:
    """A permission set's managed_policies are AWS managed only: a customer managed policy is
    referenced by name and path (AttachManagedPolicyToPermissionSet takes an AWS managed policy ARN)."""
    if policy.startswith("arn:") and not policy.startswith(managed_policies.ARN_PREFIX):
        name = policy.rpartition("/")[2]
        raise ValueError(
            f"'{policy}' is not an AWS managed policy: a permission set takes customer managed policies by name and path,"
            f" as they exist in each account it is assigned in; write customer_managed_policies: [{{name: {name}, path: /}}]"
        )
    return policy


AwsManagedPolicyRef = Annotated[ManagedPolicyRef, AfterValidator(_check_aws_managed)]


class CustomerManagedPolicyRef(Model):
    """A customer managed policy by name and path: IAM Identity Center attaches the policy of that
    name and path in each account the permission set is assigned in, and AWS fails the assignment
    where it does not exist (API Reference, CustomerManagedPolicyReference)."""

    name: Annotated[str, StringConstraints(pattern=aws.IAM_POLICY_NAME_PATTERN, min_length=1, max_length=aws.IAM_POLICY_NAME_MAX)] = Field(
        description="The policy's name, 1-128 of letters, digits and + = , . @ _ -"
    )
    path: Annotated[str, StringConstraints(pattern=aws.IAM_POLICY_PATH_PATTERN, min_length=1, max_length=aws.IAM_POLICY_PATH_MAX)] = Field(
        "/", description="The policy's path: '/' or like /boundaries/ (starts and ends with '/')"
    )


def _listed_once(policies: tuple[CustomerManagedPolicyRef, ...]) -> tuple[CustomerManagedPolicyRef, ...]:
    for policy in policies:
        if policies.count(policy) > 1:
            raise ValueError(f"{{name: {policy.name}, path: {policy.path}}} is listed {policies.count(policy)} times; list it once")
    return policies


class PermissionsBoundary(Model):
    """The permissions boundary of the provisioned roles: an AWS managed policy or a customer managed one."""

    managed_policy: AwsManagedPolicyRef | None = Field(None, description="An AWS managed policy, by name or ARN")
    customer_managed_policy: CustomerManagedPolicyRef | None = Field(
        None, description="A customer managed policy by name and path, which must exist in every account assigned"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "PermissionsBoundary":
        if (self.managed_policy is None) == (self.customer_managed_policy is None):
            raise ValueError(
                "a permissions boundary is one policy: give managed_policy (an AWS managed policy, like PowerUserAccess)"
                " or customer_managed_policy ({name: ..., path: /}), not " + ("both" if self.managed_policy is not None else "neither")
            )
        return self


class PermissionSet(Model):
    """A permission set, provisioned by IAM Identity Center as a role (AWSReservedSSO_<name>_<suffix>)
    in each account it is assigned in. Its name (the key) is create-only in AWS: renaming it replaces it."""

    description: Annotated[str, StringConstraints(min_length=1, max_length=aws.DESCRIPTION_MAX, pattern=aws.DESCRIPTION_PATTERN)] | None = (
        Field(None, description=f"1-{aws.DESCRIPTION_MAX} characters (Latin-1)")
    )
    managed_policies: Annotated[tuple[AwsManagedPolicyRef, ...], AfterValidator(check_listed_once)] = Field(
        (), description="AWS managed policies, by name (AdministratorAccess, job-function/ViewOnlyAccess) or ARN"
    )
    customer_managed_policies: Annotated[tuple[CustomerManagedPolicyRef, ...], AfterValidator(_listed_once)] = Field(
        (), description="Customer managed policies by name and path: AWS requires them in every account the set is assigned in"
    )
    inline_policy: DocumentFile | None = Field(
        None, description="Path of the inline policy's JSON file, relative to org.yaml (linted like every IAM policy)"
    )
    permissions_boundary: PermissionsBoundary | None = None
    session_hours: Annotated[
        int,
        in_range(*aws.SESSION_HOURS, "session_hours"),
        WithJsonSchema({"type": "integer", "minimum": aws.SESSION_HOURS[0], "maximum": aws.SESSION_HOURS[1]}),
    ] = Field(aws.SESSION_HOURS_DEFAULT, description="How long a sign-in lasts, 1-12 hours (SessionDuration PT1H..PT12H)")
    relay_state: RelayState | None = Field(
        None, description=f"Where the console opens after sign-in, a URL of 1-{aws.RELAY_STATE_MAX} characters"
    )

    @property
    def session_duration(self) -> str:
        return aws.session_duration(self.session_hours)

    @property
    def managed_policy_count(self) -> int:
        """The AWS managed and customer managed policies together, as AWS's quota counts them."""
        return len(self.managed_policies) + len(self.customer_managed_policies)


def check_permission_set_reference(name: str, info: ValidationInfo) -> str:
    names = declared(info, "permission_set_names")
    if names is not None and name not in names:
        known = ", ".join(sorted(names)) or "none"
        raise ValueError(
            f"permission set '{name}' is not declared{did_you_mean(name, names)} (declared: {known});"
            " give a key of identity_center.permission_sets"
        )
    return name


PermissionSetRef = Annotated[str, AfterValidator(check_permission_set_reference)]


def _check_assignment_target(target: str, info: ValidationInfo) -> str:
    """Root (every member account), an OU path (every account below), an account key, or
    `management` (the management account, which no OU holds)."""
    accounts = declared(info, "account_keys")
    unmanaged = declared(info, "unmanaged_account_keys") or frozenset()
    if target == MANAGEMENT:
        if accounts is not None and MANAGEMENT in accounts:
            raise ValueError(
                f"'{MANAGEMENT}' names the management account in assignments, and an account has that key too: rename the account"
            )
        return target
    if target in unmanaged and (accounts is None or target not in accounts):
        raise ValueError(
            f"account '{target}' is unmanaged: orgboot assigns permission sets only in accounts it manages"
            " (move it to accounts, or assign it outside orgboot)"
        )
    try:
        return check_target(target, info)
    except ValueError:
        ous = declared(info, "valid_ou_paths") or declared(info, "ou_paths") or frozenset()
        hint = did_you_mean(target, ous | (accounts or frozenset()) | {ROOT, MANAGEMENT})
        raise ValueError(f"target '{target}' is neither {ROOT}, a declared OU path, an account key nor '{MANAGEMENT}'{hint}") from None


def _check_group_name(name: str) -> str:
    if not name.strip() or name != name.strip():
        raise ValueError(f"group {name!r}: give the Identity Center group's display name, without spaces around it")
    return name


class Assignment(Model):
    """One Identity Center group given one permission set in every account the targets reach."""

    group: Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_check_group_name)] = Field(
        description="The Identity Center group's display name (as the identity provider syncs it); resolved to its ID at deploy"
    )
    permission_set: PermissionSetRef = Field(description="A key of identity_center.permission_sets")
    targets: Annotated[tuple[Annotated[str, AfterValidator(_check_assignment_target)], ...], AfterValidator(check_listed_once)] = Field(
        min_length=1,
        description=f"{ROOT} (every member account), OU paths (every account below, including ones added later), account keys,"
        f" or '{MANAGEMENT}' (the management account)",
    )


class IdentityCenter(Model):
    """IAM Identity Center: its organization instance (found at deploy in `region`), permission
    sets and assignments. See docs/identity-center.md."""

    region: Region = Field(description="The home region of the organization instance of IAM Identity Center: its stacks deploy there")
    assignment_stacks: int | None = Field(
        None,
        ge=1,
        le=ASSIGNMENT_STACKS_MAX,
        description="Spread the assignments over this many stacks, by a hash of the account key (for thousands of"
        " assignments). Set once, like organization.account_stacks: see docs/scale.md",
    )
    permission_sets: dict[PermissionSetName, PermissionSet] = Field(
        default_factory=dict, description="Permission sets by name (their name in AWS, create-only: a rename replaces the set)"
    )
    assignments: tuple[Assignment, ...] = Field(
        (), description="Each entry: an Identity Center group, a permission set, and the accounts, OUs or Root it is assigned on"
    )

    def session_duration(self, name: str) -> str:
        """The SessionDuration of the permission set `name`: PT1H..PT12H."""
        return self.permission_sets[name].session_duration


Pair = tuple[str, str]  # (group display name, permission set name)


def expand_assignments(spec: "OrgSpec") -> dict[str, tuple[Pair, ...]]:
    """Account key (or `management`) -> the (group, permission set) pairs assigned there: each
    target expanded over spec.accounts (Root: every account; an OU: every account below it; an
    account key: itself), without duplicates, sorted. Accounts that get none are left out."""
    center = spec.identity_center
    if center is None:
        return {}
    found: dict[str, set[Pair]] = {}
    for assignment in center.assignments:
        pair = (assignment.group, assignment.permission_set)
        for key in accounts_reached(spec, assignment.targets):
            found.setdefault(key, set()).add(pair)
    return {key: tuple(sorted(found[key])) for key in sorted(found)}


def accounts_reached(spec: "OrgSpec", targets: tuple[str, ...]) -> tuple[str, ...]:
    """The account keys (and `management`) that assignment targets reach, in spec order."""
    reached: dict[str, None] = {}
    for target in targets:
        if target == MANAGEMENT:
            reached.setdefault(MANAGEMENT)
        elif target in spec.accounts:
            reached.setdefault(target)
        elif target == ROOT or target in spec.ou_paths:
            for key, account in spec.accounts.items():
                if covers(target, account.ou):
                    reached.setdefault(key)
    return tuple(reached)


def assignments_for_ou(spec: "OrgSpec", ou_path: str) -> tuple[Pair, ...]:
    """The (group, permission set) pairs an account placed in `ou_path` would get: the assignments
    targeting Root or an OU that holds it (not those naming accounts). What an account added to the
    spec later will have, for the offline analysis's stand-ins."""
    center = spec.identity_center
    if center is None:
        return ()
    found = {
        (assignment.group, assignment.permission_set)
        for assignment in center.assignments
        if any(target != MANAGEMENT and target not in spec.accounts and covers(target, ou_path) for target in assignment.targets)
    }
    return tuple(sorted(found))
