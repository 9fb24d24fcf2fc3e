"""management_baseline in org.yaml: the management account's own security baseline."""

import hashlib
import json
import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo

from orgboot.aws import quotas
from orgboot.aws.cis_monitoring import BreakGlassWatch
from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.spec.documents import DocumentFile
from orgboot.spec.fields import Email, IamName, ManagedPolicyRef, Model, check_listed_once, in_range
from orgboot.spec.references import GroupRef, OuRef, check_role_reference, declared
from orgboot.spec.trail import LogArchive, TrailRetention


class PasswordPolicy(Model):
    """IAM account password policy. Defaults follow CIS AWS Foundations."""

    minimum_length: Annotated[int, in_range(6, 128, "minimum_length")] = 14
    require_uppercase: bool = True
    require_lowercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    allow_users_to_change: bool = True
    max_age_days: Annotated[int, in_range(1, 1095, "max_age_days")] | None = 90
    reuse_prevention: Annotated[int, in_range(1, 24, "reuse_prevention")] | None = 24
    hard_expiry: bool = False


class Billing(Model):
    """Billing alarm (CloudWatch, us-east-1) and a monthly budget, both e-mailing `notify`."""

    alarm_threshold_usd: float = Field(gt=0, description="Alarm when estimated charges exceed this")
    monthly_budget_usd: float = Field(gt=0)
    actual_threshold_percent: float = Field(80, gt=0, le=1000, description="Of the budget, actual spend")
    forecast_threshold_percent: float = Field(100, gt=0, le=1000, description="Of the budget, forecast spend")
    notify: Annotated[tuple[Email, ...], AfterValidator(check_listed_once)] = Field(
        min_length=1, max_length=10, description="E-mail addresses (a budget notification takes at most 10)"
    )

    @property
    def budget_name(self) -> str:
        """The budget's name, changing whenever its notifications do. NotificationsWithSubscribers and
        BudgetName are both create-only (AWS::Budgets::Budget schema): a change of notifications
        replaces the budget, and CloudFormation refuses to replace a resource that keeps its custom
        name. A name that follows the notifications makes that replacement possible."""
        notifications = json.dumps([self.actual_threshold_percent, self.forecast_threshold_percent, list(self.notify)])
        return f"monthly-cost-{hashlib.sha256(notifications.encode()).hexdigest()[:8]}"


class AssumeGrant(Model):
    """A group may assume `role` in member accounts: under `ous`, or everywhere if omitted."""

    role: Annotated[IamName, AfterValidator(check_role_reference)]
    ous: tuple[OuRef, ...] = Field((ROOT,), description=f"OU paths, or {ROOT} for every member account")


class Group(Model):
    managed_policies: tuple[ManagedPolicyRef, ...] = ()
    inline_policies: tuple[DocumentFile, ...] = ()
    require_mfa: bool = Field(True, description="Deny everything but MFA self-service until signed in with MFA")
    may_assume: tuple[AssumeGrant, ...] = Field((), description="Everyday grants: roles of member_roles.catalogue")
    break_glass: tuple[AssumeGrant, ...] = Field(
        (),
        description="Break-glass grants: the access role (OrganizationAccountAccessRole, or an account's role_name), which some"
        " guardrails exempt (docs/guardrails.md); for incidents, kept apart from everyday grants so reviewers see it",
    )

    @property
    def grants(self) -> tuple[AssumeGrant, ...]:
        """Every grant, everyday and break-glass: all the group's switch-roles policy names."""
        return (*self.may_assume, *self.break_glass)


class User(Model):
    """An IAM user: a name and its groups. Passwords and keys never go in templates."""

    groups: tuple[GroupRef, ...] = Field(min_length=1)


class SupportRole(Model):
    """The role CIS asks for to manage incidents with AWS Support (AWSSupportAccess)."""

    name: IamName = "AWSSupport"
    assumable_by: tuple[GroupRef, ...] = Field(min_length=1)


def _check_admin_role_name(name: str, info: ValidationInfo) -> str:
    member_roles = (declared(info, "role_names") or frozenset()) | {ACCESS_ROLE}
    if name in member_roles:
        raise ValueError(
            f"'{name}' is the name of a role in member accounts; a grant of that role (arn:aws:iam::*:role/{name} within the"
            " organization's paths, which include the management account) would reach the administrator role too:"
            " give it another name"
        )
    return name


class AdminRole(Model):
    """CIS AWS Foundations 5.0, 1.15: administrators of the management account assume this role
    (AdministratorAccess), trusted by the management account with MFA, instead of holding
    AdministratorAccess on their group."""

    name: Annotated[IamName, AfterValidator(_check_admin_role_name)] = "ManagementAdmin"
    assumable_by: tuple[GroupRef, ...] = Field(min_length=1, description="Groups whose members may assume it")
    max_session_hours: Annotated[int, in_range(*quotas.ROLE_SESSION_HOURS, "max_session_hours")] = 1
    mfa_max_age_seconds: Annotated[int, in_range(60, 129_600, "mfa_max_age_seconds")] | None = Field(
        None, description="Refuse sessions whose MFA sign-in is older than this"
    )


def _check_trail_name(name: str) -> str:
    if not re.fullmatch(quotas.TRAIL_NAME_PATTERN, name) or re.fullmatch(r"\d+(\.\d+){3}", name):
        raise ValueError(
            f"'{name}' is not a trail name: 3-128 of letters, digits, '.', '_' and '-', starting and ending with a letter or"
            " digit, no two of '.', '_', '-' side by side, and not an IP address (CloudTrail CreateTrail)"
        )
    return name


class CisMonitoring(Model):
    """CIS AWS Foundations 5.0 section 4: the trail also delivers to a CloudWatch Logs group, with a
    metric filter and an alarm for each of 4.1-4.15 (orgboot/aws/cis_monitoring.py), e-mailing `notify`."""

    notify: Annotated[tuple[Email, ...], AfterValidator(check_listed_once)] = Field(
        min_length=1, description="E-mail addresses subscribed to the security topic the CIS alarms notify"
    )


class OrganizationTrail(Model):
    """An organization CloudTrail trail: all regions, log file validation, its logs encrypted with a
    KMS key that rotates, in a bucket whose access is logged to a second bucket (CIS 3.1-3.6)."""

    name: Annotated[str, AfterValidator(_check_trail_name)] = "organization-trail"
    cis_monitoring: CisMonitoring | None = Field(
        None, description="Deliver the trail to CloudWatch Logs too, with the CIS 4.1-4.15 metric filters and alarms"
    )
    log_archive: LogArchive | None = Field(
        None, description="Keep the logs in this member account and region; in the management account, us-east-1, if omitted"
    )
    retention: TrailRetention | None = Field(None, description="When log files move to Glacier and expire; kept for good if omitted")


def _check_alias(alias: str) -> str:
    if not re.fullmatch(quotas.ACCOUNT_ALIAS_PATTERN, alias):
        raise ValueError(
            f"'{alias}' is not an account alias: 3-63 lowercase letters, digits and single hyphens, starting and ending"
            " with a letter or digit (IAM CreateAccountAlias)"
        )
    return alias


# The customer managed policy the baseline's groups share when they require MFA (ManagementBaselineStack).
# Its description as every orgboot release so far has deployed it.
_FIRST_REQUIRE_MFA_DESCRIPTION = "Deny everything but MFA self-service until signed in with MFA"
REQUIRE_MFA_POLICY_DESCRIPTION = _FIRST_REQUIRE_MFA_DESCRIPTION


def require_mfa_policy_name(description: str) -> str:
    """The RequireMFA policy's name, which follows its description. ManagedPolicyName, Description
    and Path are create-only (AWS::IAM::ManagedPolicy schema; IAM's policy description is
    immutable), so a new description replaces the policy, and CloudFormation refuses to replace a
    resource that keeps its custom name ("cannot update a stack when a custom-named resource
    requires replacing"): a new description comes with a new name, and the replacement (created
    first, the groups moved to it by ARN, the old one deleted) goes through. The document is not
    in the name: a new document is a new policy version, in place. The description every release
    has deployed keeps the name it has, RequireMFA, so existing deploys change nothing."""
    if description == _FIRST_REQUIRE_MFA_DESCRIPTION:
        return "RequireMFA"
    return f"RequireMFA-{hashlib.sha256(description.encode()).hexdigest()[:8]}"


REQUIRE_MFA_POLICY_NAME = require_mfa_policy_name(REQUIRE_MFA_POLICY_DESCRIPTION)


class ManagementBaseline(Model):
    """The management account's own security baseline."""

    account_alias: Annotated[str, AfterValidator(_check_alias)] | None = None
    password_policy: PasswordPolicy | None = Field(
        PasswordPolicy(),
        description="CIS defaults unless given; null leaves the account's password policy as it is (an adopted account without one)",
    )
    billing: Billing | None = None
    groups: dict[Annotated[str, StringConstraints(pattern=quotas.IAM_NAME_PATTERN, max_length=quotas.IAM_GROUP_NAME_MAX)], Group] = Field(
        default_factory=dict
    )
    users: dict[IamName, User] = Field(default_factory=dict)
    support_role: SupportRole | None = None
    admin_role: AdminRole | None = Field(
        None, description="CIS 1.15: an MFA-protected administrator role in the management account, not AdministratorAccess on groups"
    )
    organization_trail: OrganizationTrail | None = None

    @property
    def break_glass_groups(self) -> tuple[str, ...]:
        """The groups with break-glass grants: nobody is in them day to day, so a member added is
        the glass breaking (the CIS monitoring's break-glass alarm watches AddUserToGroup on them)."""
        return tuple(name for name, group in self.groups.items() if group.break_glass)

    @property
    def break_glass_roles(self) -> tuple[str, ...]:
        """The roles the break-glass grants name (the access roles), in every member account."""
        return tuple(dict.fromkeys(grant.role for name in self.break_glass_groups for grant in self.groups[name].break_glass))

    @property
    def break_glass_management_roles(self) -> tuple[str, ...]:
        """This account's support and administrator roles when every group that may assume them is
        a break-glass group, so that assuming one is breaking the glass too. A role an everyday
        group may assume is not one: its daily use would raise the alarm."""
        glass = set(self.break_glass_groups)
        roles = (self.support_role, self.admin_role)
        return tuple(role.name for role in roles if role is not None and glass and set(role.assumable_by) <= glass)

    @property
    def break_glass_watch(self) -> BreakGlassWatch | None:
        """What the CIS monitoring's break-glass alarm watches, or None without break-glass grants."""
        if not self.break_glass_groups:
            return None
        return BreakGlassWatch(self.break_glass_groups, self.break_glass_roles, self.break_glass_management_roles)
