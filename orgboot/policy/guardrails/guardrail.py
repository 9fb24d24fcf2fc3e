"""What a guardrail is: a named, parameterised organization policy orgboot writes, with the AWS page
it is written from, and the roles orgboot itself depends on, which guardrails exempt or protect.

Each guardrail exempts only what orgboot needs for that guardrail, and says why in its module:
- the StackSets execution roles (stacksets-exec-*), where a deny would stop them deploying the
  member roles (CloudFormation User Guide, "Activate trusted access for StackSets with AWS
  Organizations": service-managed StackSets deploy through that role, which SCPs restrict, unlike
  the service-linked role that creates it);
- the access role (OrganizationAccountAccessRole or an account's role_name), only where
  break-glass needs it: the access role is reached only through break-glass grants
  (management_baseline.groups.*.break_glass), never through everyday ones, so what it is exempt
  from is what an incident may need, not what daily administration may do.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from orgboot.aws import account_settings, identity_center, quotas, stacksets
from orgboot.aws.regions import HOME_REGION, PARTITION

Statement = dict[str, Any]
ROOT_USER_ARNS = f"arn:{PARTITION}:iam::*:root"  # aws:PrincipalArn of any account's root user
RoleName = Annotated[str, StringConstraints(pattern=quotas.ROLE_NAME_PATTERN)]
PermissionSetName = Annotated[
    str, StringConstraints(pattern=identity_center.PERMISSION_SET_NAME_PATTERN, max_length=identity_center.PERMISSION_SET_NAME_MAX)
]


class Parameters(BaseModel):
    """A guardrail's parameters, as org.yaml gives them beside its targets."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Exemptable(Parameters):
    exempt_roles: tuple[RoleName, ...] = ()  # more roles (a security team's, say) the guardrail lets through
    # IAM Identity Center permission sets whose provisioned roles the guardrail lets through: those roles
    # live under the path aws-reserved/sso.amazonaws.com/ with a suffix AWS picks, so no role name can
    # name them (orgboot/aws/identity_center.py role_arn_pattern). That each is a declared permission set is
    # the spec's to check (spec/guardrails.py).
    exempt_permission_sets: tuple[PermissionSetName, ...] = ()

    @property
    def exempt_principals(self) -> tuple[str, ...]:
        """What the guardrail's deny lets through besides orgboot's own roles: exempt_roles by name,
        and the roles of exempt_permission_sets by their ARN pattern (role_arns takes both)."""
        return (*self.exempt_roles, *(identity_center.role_arn_pattern(name) for name in self.exempt_permission_sets))


@dataclass(frozen=True)
class OrgbootRoles:
    """The roles in member accounts that orgboot's own deploys and break-glass go through."""

    access_roles: tuple[str, ...]  # OrganizationAccountAccessRole, and any account's role_name
    member_roles: tuple[str, ...]  # member_roles.catalogue, rolled out by StackSets
    trusted_accounts: tuple[str, ...] = ()  # third parties the member roles trust
    stacksets_region: str = HOME_REGION  # where the StackSets deploy the member roles (member_roles.rollout.region)
    exempted: tuple[str, ...] = ()  # the roles the guardrails' exempt_roles name, which protect-orgboot-roles protects too
    # Whether orgboot's StackSets run security services in member accounts (security_baseline), which
    # protect-security-services then lets their execution roles turn off.
    security_services: bool = False

    @property
    def stacksets_execution(self) -> tuple[str, ...]:
        """The roles service-managed StackSets deploy the member roles through, in every account."""
        return (stacksets.EXECUTION_ROLE_PATTERN,)

    @property
    def account_settings(self) -> tuple[str, ...]:
        """The roles of the function the account-settings StackSet deploys into every account, one
        per region (orgboot/aws/account_settings.py): it sets S3 Block Public Access and EBS
        encryption, and starts and stops the Config recorder, which have no CloudFormation type."""
        return (account_settings.FUNCTION_ROLE_PATTERN,)

    @property
    def break_glass(self) -> tuple[str, ...]:
        """The roles break-glass grants reach: the access roles."""
        return self.access_roles


def role_arns(names: Iterable[str]) -> list[str]:
    """The ARN patterns of roles of these names in any member account; an ARN pattern (a permission
    set's provisioned role, under its path) as it is."""
    return [name if name.startswith("arn:") else f"arn:{PARTITION}:iam::*:role/{name}" for name in dict.fromkeys(names)]


def unless_principal(roles: Iterable[str]) -> dict[str, Any]:
    """The condition that exempts principals in `roles` (aws:PrincipalArn is the role's ARN for its
    sessions too: IAM User Guide, "AWS global condition context keys", aws:PrincipalArn)."""
    return {"ArnNotLike": {"aws:PrincipalArn": role_arns(roles)}}


def deny(sid: str, actions: str | Iterable[str], *, resources: str | list[str] = "*", unless: Iterable[str] = ()) -> Statement:
    """A Deny statement of an SCP, letting the roles named in `unless` through."""
    statement: Statement = {
        "Sid": sid,
        "Effect": "Deny",
        "Action": actions if isinstance(actions, str) else list(actions),
        "Resource": resources,
    }
    if exempt := list(unless):
        statement["Condition"] = unless_principal(exempt)
    return statement


@dataclass(frozen=True)
class Guardrail:
    name: str
    policy_type: Literal["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
    why: str  # one line, for the README and reports
    source: str  # the AWS page the statements follow
    statements: Callable[[Any, OrgbootRoles], list[Statement]]
    parameters: type[Parameters] = Parameters
    # The Sids its statements may carry, unique in the library: a statement of a deployed document
    # tells which guardrail it belongs to (the access matrix's "exempt from" reads them back).
    sids: tuple[str, ...] = ()
