"""The typed, frozen model of org.yaml: the single source of truth every other view derives from.

Field-level checks (formats, ranges, policy files) live here so pydantic reports all of them at
once; checks that relate several entries (references, duplicates) live in rules.py.
"""

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from orgboot import aws_managed_policies, limits

ROOT = "Root"

PolicyType = Literal[
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_ou_path(path: str) -> str:
    names = path.split("/")
    if path == ROOT:
        raise ValueError(f"'{ROOT}' is the organization root, not an OU: it exists already")
    for name in names:
        if not name or name != name.strip():
            raise ValueError(
                f"'{path}' is not an OU path: write names separated by '/', like 'Workloads/Prod',"
                " without empty names or surrounding spaces"
            )
        if len(name) > limits.OU_NAME_MAX:
            raise ValueError(f"OU name '{name[:20]}...' is longer than {limits.OU_NAME_MAX} characters")
    if len(names) > limits.MAX_OU_DEPTH:
        raise ValueError(
            f"'{path}' is nested {len(names)} levels deep; AWS allows at most"
            f" {limits.MAX_OU_DEPTH} levels of OUs under the root"
        )
    return path


OuPath = Annotated[str, AfterValidator(_check_ou_path)]


def _check_email(email: str) -> str:
    if not re.match(limits.EMAIL_PATTERN, email):
        raise ValueError(f"'{email}' is not an email address (expected name@domain.tld)")
    if not (limits.EMAIL_MIN <= len(email) <= limits.EMAIL_MAX):
        raise ValueError(
            f"'{email}' is {len(email)} characters; AWS accepts"
            f" {limits.EMAIL_MIN}-{limits.EMAIL_MAX}"
        )
    return email


def _check_account_name(name: str) -> str:
    if not re.match(limits.ACCOUNT_NAME_PATTERN, name):
        raise ValueError(
            f"account name {name!r} must be 1-50 printable ASCII characters"
            f" (it has {len(name)}{', some not printable ASCII' if not name.isascii() else ''})"
        )
    return name


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > limits.TAGS_PER_RESOURCE:
        raise ValueError(f"{len(tags)} tags; AWS allows at most {limits.TAGS_PER_RESOURCE}")
    for key, value in tags.items():
        if not 1 <= len(key) <= limits.TAG_KEY_MAX or key.lower().startswith("aws:"):
            raise ValueError(f"tag key {key!r} must be 1-{limits.TAG_KEY_MAX} characters, not starting with 'aws:'")
        if len(value) > limits.TAG_VALUE_MAX:
            raise ValueError(f"tag {key!r}: value longer than {limits.TAG_VALUE_MAX} characters")
    return tags


Tags = Annotated[dict[str, str], AfterValidator(_check_tags)]


@dataclass(frozen=True)
class PolicyDocument:
    """A policy file as written (path relative to org.yaml) and its parsed JSON."""

    path: str
    content: dict[str, Any]

    @property
    def minified(self) -> str:
        # AWS counts whitespace toward the size limit, so documents are stored minified.
        return json.dumps(self.content, separators=(",", ":"), sort_keys=False)


def _load_policy_document(value: Any, info: ValidationInfo) -> PolicyDocument:
    if not isinstance(value, str):
        raise ValueError("give the path of a JSON file, like policies/deny-leave-organization.json")
    base_dir = Path((info.context or {}).get("base_dir", "."))
    file = base_dir / value
    if not file.is_file():
        raise ValueError(f"policy file '{value}' not found (looked in {file.parent.resolve()})")
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"'{value}' is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except UnicodeDecodeError:
        raise ValueError(f"'{value}' is not UTF-8 text") from None
    if not isinstance(content, dict):
        raise ValueError(f"'{value}' must hold a JSON object, not {type(content).__name__}")
    return PolicyDocument(path=value, content=content)


DocumentFile = Annotated[
    PolicyDocument,
    BeforeValidator(_load_policy_document),
    WithJsonSchema({"type": "string", "description": "Path of the policy JSON file, relative to org.yaml"}),
]


def _declared(info: ValidationInfo, kind: str) -> frozenset[str] | None:
    """Names declared elsewhere in the same org.yaml (see loader.declared_names), so references
    are checked field by field, all in one pass. None when validating without a whole file."""
    return (info.context or {}).get(kind)


def _closest(name: str, candidates: frozenset[str]) -> str:
    match = difflib.get_close_matches(name, sorted(candidates), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _check_ou_reference(ou: str, info: ValidationInfo) -> str:
    ous = _declared(info, "ou_paths")
    if ous is not None and ou != ROOT and ou not in ous:
        raise ValueError(
            f"OU '{ou}' is not declared{_closest(ou, ous | {ROOT})}; add it to organizational_units or use {ROOT}"
        )
    return ou


def _check_target(target: str, info: ValidationInfo) -> str:
    ous, accounts = _declared(info, "ou_paths"), _declared(info, "account_keys")
    if ous is None or accounts is None or target == ROOT:
        return target
    if target in ous and target in accounts:
        raise ValueError(f"'{target}' is both an OU path and an account key; rename one of them")
    if target not in ous | accounts:
        hint = _closest(target, ous | accounts | {ROOT})
        raise ValueError(f"target '{target}' is neither {ROOT}, a declared OU path nor an account key{hint}")
    return target


def _check_listed_once(items: tuple[str, ...]) -> tuple[str, ...]:
    for item in items:
        if items.count(item) > 1:
            raise ValueError(f"'{item}' is listed {items.count(item)} times; list it once")
    return items


def _check_type_enabled(policy_type: str, info: ValidationInfo) -> str:
    enabled = _declared(info, "policy_types")
    if enabled is not None and policy_type not in enabled:
        raise ValueError(f"policy type {policy_type} is not enabled; add it to organization.policy_types")
    return policy_type


class Organization(Model):
    feature_set: Literal["ALL"] = Field("ALL", description="Only ALL supports organization policies")
    policy_types: tuple[PolicyType, ...] = Field(
        (), description="Policy types to enable on the root; every declared policy's type must be here"
    )


class Account(Model):
    name: Annotated[str, AfterValidator(_check_account_name)] = Field(description="Display name, 1-50 printable ASCII")
    email: Annotated[str, AfterValidator(_check_email)] = Field(description="Root user email, unique in AWS")
    ou: Annotated[str, AfterValidator(_check_ou_reference)] = Field(description=f"OU path such as Workloads/Prod, or {ROOT}")
    tags: Tags = Field(default_factory=dict)
    role_name: Annotated[str, StringConstraints(pattern=limits.ROLE_NAME_PATTERN)] | None = Field(
        None, description="Role AWS creates in the new account for the management account"
        " (default OrganizationAccountAccessRole). Set at creation only."
    )


class Policy(Model):
    type: Annotated[PolicyType, AfterValidator(_check_type_enabled)]
    description: Annotated[str, StringConstraints(max_length=limits.POLICY_DESCRIPTION_MAX)] = ""
    document: DocumentFile
    targets: Annotated[
        tuple[Annotated[str, AfterValidator(_check_target)], ...], AfterValidator(_check_listed_once)
    ] = Field(
        min_length=1, description=f"{ROOT}, OU paths (Workloads/Prod) or account keys"
    )


def _in_range(low: int, high: int, what: str):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{what} {value} is outside AWS's range {low}-{high}")
        return value

    return AfterValidator(check)


IamName = Annotated[str, StringConstraints(pattern=limits.IAM_NAME_PATTERN, max_length=64)]


def _check_group_reference(group: str, info: ValidationInfo) -> str:
    groups = _declared(info, "group_names")
    if groups is not None and group not in groups:
        raise ValueError(f"group '{group}' is not declared{_closest(group, groups)}; declare it under management_baseline.groups")
    return group


GroupRef = Annotated[str, AfterValidator(_check_group_reference)]


def _check_managed_policy(name: str) -> str:
    if name.startswith("arn:"):
        return name  # an ARN is taken as given: customer managed, or newer than our catalogue
    if not aws_managed_policies.exists(name):
        raise ValueError(
            f"'{name}' is not an AWS managed policy{aws_managed_policies.closest(name)}; give its name"
            " (AdministratorAccess, job-function/Billing) or a full ARN"
        )
    return name


ManagedPolicyRef = Annotated[str, AfterValidator(_check_managed_policy)]


class PasswordPolicy(Model):
    """IAM account password policy. Defaults follow CIS AWS Foundations."""

    minimum_length: Annotated[int, _in_range(6, 128, "minimum_length")] = 14
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    allow_users_to_change: bool = True
    max_age_days: Annotated[int, _in_range(1, 1095, "max_age_days")] | None = 90
    reuse_prevention: Annotated[int, _in_range(1, 24, "reuse_prevention")] | None = 24
    hard_expiry: bool = False


class Billing(Model):
    """Billing alarm (CloudWatch, us-east-1) and a monthly budget, both e-mailing `notify`."""

    alarm_threshold_usd: float = Field(gt=0, description="Alarm when estimated charges exceed this")
    monthly_budget_usd: float = Field(gt=0)
    actual_threshold_percent: float = Field(80, gt=0, le=1000, description="Of the budget, actual spend")
    forecast_threshold_percent: float = Field(100, gt=0, le=1000, description="Of the budget, forecast spend")
    notify: tuple[Annotated[str, AfterValidator(_check_email)], ...] = Field(
        min_length=1, max_length=10, description="E-mail addresses (a budget notification takes at most 10)"
    )


class AssumeGrant(Model):
    """A group may assume `role` in member accounts: under `ous`, or everywhere if omitted."""

    role: IamName
    ous: tuple[Annotated[str, AfterValidator(_check_ou_reference)], ...] = Field(
        (ROOT,), description=f"OU paths, or {ROOT} for every member account"
    )


class Group(Model):
    managed_policies: tuple[ManagedPolicyRef, ...] = ()
    inline_policies: tuple[DocumentFile, ...] = ()
    require_mfa: bool = Field(True, description="Deny everything but MFA self-service until signed in with MFA")
    may_assume: tuple[AssumeGrant, ...] = ()


class User(Model):
    """An IAM user: a name and its groups. Passwords and keys never go in templates."""

    groups: tuple[GroupRef, ...] = Field(min_length=1)


class SupportRole(Model):
    """The role CIS asks for to manage incidents with AWS Support (AWSSupportAccess)."""

    name: IamName = "AWSSupport"
    assumable_by: tuple[GroupRef, ...] = Field(min_length=1)


class OrganizationTrail(Model):
    """An organization CloudTrail trail: all regions, log file validation, its own S3 bucket."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")] = "organization-trail"


class ManagementBaseline(Model):
    """The management account's own security baseline."""

    account_alias: Annotated[str, StringConstraints(pattern=limits.ACCOUNT_ALIAS_PATTERN)] | None = None
    password_policy: PasswordPolicy = PasswordPolicy()
    billing: Billing | None = None
    groups: dict[Annotated[str, StringConstraints(pattern=limits.IAM_NAME_PATTERN, max_length=128)], Group] = Field(default_factory=dict)
    users: dict[IamName, User] = Field(default_factory=dict)
    support_role: SupportRole | None = None
    organization_trail: OrganizationTrail | None = None


def _check_role_target(target: str, info: ValidationInfo) -> str:
    accounts = _declared(info, "account_keys") or frozenset()
    if target.lower() in ("management", "management-account") or target in accounts:
        raise ValueError(
            f"'{target}' is an account; roles deploy to OUs (or {ROOT}) through service-managed StackSets,"
            " which reach every account in them and never the management account"
        )
    return _check_ou_reference(target, info)


def _check_trusted_account(account_id: str) -> str:
    if "*" in account_id:
        raise ValueError("a wildcard principal would let anyone assume the role; give the 12-digit account ID")
    if not re.fullmatch(r"\d{12}", account_id):
        raise ValueError(f"'{account_id}' is not an AWS account ID (12 digits)")
    return account_id


ACCESS_ROLE = "OrganizationAccountAccessRole"  # AWS creates it in every account it creates


def _check_not_access_role(name: str) -> str:
    if name == ACCESS_ROLE:
        raise ValueError(f"{ACCESS_ROLE} already exists in every account AWS created; give the role another name")
    return name


class RoleTrust(Model):
    """Who may assume the role. Default: the management account, signed in with MFA. A third
    party (another AWS account) must present an external ID, given at deploy time."""

    third_party_account: Annotated[str, AfterValidator(_check_trusted_account)] | None = Field(
        None, description="12-digit account ID of the third party; requires sts:ExternalId"
    )
    mfa_max_age_seconds: Annotated[int, _in_range(60, 129_600, "mfa_max_age_seconds")] | None = Field(
        None, description="Refuse MFA sessions older than this (management-account trust only)"
    )

    @model_validator(mode="after")
    def _one_kind_of_trust(self) -> "RoleTrust":
        if self.third_party_account and self.mfa_max_age_seconds:
            raise ValueError("mfa_max_age_seconds applies to the management account's trust, not to a third party's")
        return self


class Role(Model):
    """A role deployed into every account of the target OUs by its own StackSet."""

    description: Annotated[str, StringConstraints(max_length=1000)] = ""
    managed_policies: tuple[ManagedPolicyRef, ...] = ()
    inline_policies: tuple[DocumentFile, ...] = ()
    permissions_boundary: ManagedPolicyRef | None = None
    max_session_hours: Annotated[int, _in_range(1, 12, "max_session_hours")] = 1
    trust: RoleTrust = RoleTrust()
    targets: tuple[Annotated[str, AfterValidator(_check_role_target)], ...] = Field(
        min_length=1, description=f"OU paths or {ROOT}; the management account is never a target"
    )


class RolloutSettings(Model):
    """How StackSets roll roles out. Roles are global: one region is enough, and more would fail."""

    region: str = Field("us-east-1", pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    max_concurrent_percentage: Annotated[int, _in_range(1, 100, "max_concurrent_percentage")] = 25
    failure_tolerance_percentage: Annotated[int, _in_range(0, 100, "failure_tolerance_percentage")] = 0
    retain_stacks_on_account_removal: bool = Field(
        False, description="Keep the roles in an account that leaves the target OUs"
    )


class MemberRoles(Model):
    rollout: RolloutSettings = RolloutSettings()
    catalogue: dict[Annotated[IamName, AfterValidator(_check_not_access_role)], Role] = Field(default_factory=dict)


AccountKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
PolicyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=128)]


class OrgSpec(Model):
    """org.yaml. Keys of `accounts` and `policies` are forever: they name CloudFormation resources."""

    organization: Organization = Organization()
    organizational_units: tuple[OuPath, ...] = Field(
        (), description="OU paths, nested with '/', up to 5 levels; parents are implied"
    )
    accounts: dict[AccountKey, Account] = Field(default_factory=dict)
    policies: dict[PolicyKey, Policy] = Field(default_factory=dict)
    management_baseline: ManagementBaseline = ManagementBaseline()
    member_roles: MemberRoles = MemberRoles()

    @property
    def ou_paths(self) -> tuple[str, ...]:
        """Every OU, declared or implied as a parent, parents before children."""
        return implied_ou_paths(self.organizational_units)


def implied_ou_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """The OUs `paths` declare, with their parents, parents first."""
    found: dict[str, None] = {}
    for path in paths:
        names = path.split("/")
        for depth in range(1, len(names) + 1):
            found.setdefault("/".join(names[:depth]))
    return tuple(sorted(found, key=lambda p: (p.count("/"), p)))


def parent_of(ou_path: str) -> str:
    return ou_path.rpartition("/")[0] or ROOT
