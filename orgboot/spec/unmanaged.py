"""unmanaged in org.yaml: what exists in the organization that orgboot does not manage, written by
`orgboot import` so that nothing is lost and nothing is touched. orgboot never deploys any of it;
validation reads it (a policy may stay attached to an unmanaged account, a name orgboot would create
must not be taken already) and `orgboot drift` compares it with what AWS holds."""

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from orgboot.aws.policy_types import PolicyTypeName
from orgboot.aws.stacksets import (
    ACCOUNT_SETTINGS_STACK_SET,
    CONFIG_AGGREGATOR_STACK_SET,
    CONFIG_BUCKET_STACK_SET,
    role_stack_set_name,
    security_service_stack_set_name,
)
from orgboot.aws.trail_logs import LOG_ARCHIVE_STACK_SET
from orgboot.spec.account_settings import settings_regions
from orgboot.spec.baseline import REQUIRE_MFA_POLICY_NAME
from orgboot.spec.fields import AccountId, Model, check_listed_once
from orgboot.spec.references import OuRef, check_target

if TYPE_CHECKING:
    from orgboot.spec.model import OrgSpec

# Why orgboot leaves an account alone.
MANAGEMENT_ACCOUNT = "management account"
NOT_ACTIVE = "not active"


class UnmanagedAccount(Model):
    """An account orgboot does not manage: the management account (CloudFormation cannot hold it:
    deleting an AWS::Organizations::Account closes it), or one that is not ACTIVE (the Account
    provider reads it as not found, so it cannot be imported)."""

    id: AccountId
    name: str
    email: str
    ou: OuRef
    state: str = "ACTIVE"
    why: Literal["management account", "not active"]


class UnmanagedPolicy(Model):
    """A policy of a type orgboot does not manage yet, or one AWS manages: left as it is."""

    id: str
    name: str
    type: str
    targets: tuple[Annotated[str, AfterValidator(check_target)], ...] = ()
    why: str


class DelegatedAdministrator(Model):
    account: str = Field(description="An account key (accounts or unmanaged.accounts) or an account ID")
    service: str


ExistingNames = Annotated[tuple[str, ...], AfterValidator(check_listed_once)]


class ManagementAccountNames(Model):
    """Names already taken in the management account, of the kinds orgboot creates there: a
    stack that creates one of them by the same name fails (AlreadyExists), so validation refuses it."""

    iam_groups: ExistingNames = ()
    iam_users: ExistingNames = ()
    iam_roles: ExistingNames = ()
    iam_policies: ExistingNames = Field((), description="Customer managed policies")
    trails: ExistingNames = ()
    budgets: ExistingNames = ()
    stack_sets: ExistingNames = ()


UnmanagedKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class Unmanaged(Model):
    accounts: dict[UnmanagedKey, UnmanagedAccount] = Field(default_factory=dict)
    policies: dict[str, UnmanagedPolicy] = Field(default_factory=dict)
    policy_types: Annotated[tuple[PolicyTypeName | str, ...], AfterValidator(check_listed_once)] = Field(
        (), description="Policy types enabled on the root that orgboot does not manage: it never enables or disables them"
    )
    delegated_administrators: tuple[DelegatedAdministrator, ...] = ()
    trusted_services: Annotated[tuple[str, ...], AfterValidator(check_listed_once)] = ()
    management_account_names: ManagementAccountNames = ManagementAccountNames()


# (where org.yaml says it, the name, what it is, the field of ManagementAccountNames)
CreatedName = tuple[tuple[str, ...], str, str, str]


def created_names(spec: "OrgSpec") -> list[CreatedName]:
    """Every fixed name orgboot's stacks create in the management account for `spec`:
    ManagementBaselineStack's IAM names, budget and trail; the StackSets, which live in the
    management account whatever accounts they deploy to (MemberRolesStack's roles; the trail's log
    archive, stacks/organization_trail.py; AccountSettingsStack's member settings and Config bucket
    and aggregator; SecurityServicesStack's one per service)."""
    baseline, security = spec.management_baseline, spec.security_baseline
    names: list[CreatedName] = [
        *((("management_baseline", "groups", group), group, "IAM group", "iam_groups") for group in baseline.groups),
        *((("management_baseline", "users", user), user, "IAM user", "iam_users") for user in baseline.users),
        *(
            (("member_roles", "catalogue", role), role_stack_set_name(role), "StackSet", "stack_sets")
            for role in spec.member_roles.catalogue
        ),
        # ManagementBaselineStack always creates the groups' MFA policy.
        (("management_baseline",), REQUIRE_MFA_POLICY_NAME, "IAM policy", "iam_policies"),
    ]
    stack_sets: list[tuple[tuple[str, ...], str]] = []
    if baseline.organization_trail and baseline.organization_trail.log_archive:
        stack_sets.append((("management_baseline", "organization_trail", "log_archive"), LOG_ARCHIVE_STACK_SET))
    if settings_regions(security, spec.security_regions):
        stack_sets.append((("security_baseline",), ACCOUNT_SETTINGS_STACK_SET))
    if security.config is not None:
        stack_sets += [
            (("security_baseline", "config"), CONFIG_BUCKET_STACK_SET),
            (("security_baseline", "config"), CONFIG_AGGREGATOR_STACK_SET),
        ]
    for service in ("guardduty", "security_hub", "access_analyzer"):
        if getattr(security, service) is not None:
            stack_sets.append((("security_baseline", service), security_service_stack_set_name(service)))
    names += [(loc, name, "StackSet", "stack_sets") for loc, name in stack_sets]
    if baseline.billing:
        names.append((("management_baseline", "billing"), baseline.billing.budget_name, "budget", "budgets"))
    if baseline.support_role:
        names.append((("management_baseline", "support_role", "name"), baseline.support_role.name, "IAM role", "iam_roles"))
    if baseline.admin_role:
        names.append((("management_baseline", "admin_role", "name"), baseline.admin_role.name, "IAM role", "iam_roles"))
    if baseline.organization_trail:
        names.append((("management_baseline", "organization_trail", "name"), baseline.organization_trail.name, "trail", "trails"))
    return names
