"""Who can administer each account: the admin paths into it, decided with the policy evaluator.

An admin path is a way people of the spec reach an account as a principal that administers it:
- an IAM group of the management baseline, as a role it can assume there (a member role, or the
  access role through a break-glass grant, marked as such), or as a role of the management account
  it assumes there (the administrator role, the support role; break-glass too when the group is a
  break-glass group: break-glass grants and no everyday one);
- an Identity Center group, as the role of a permission set assigned to it there.
The reach is the access matrix's (access.py: the group's policies and the role's trust decide an
IAM group's step in; an assignment is an Identity Center group's).

What "administers" means: the role's session may grant any permission in the account, that is, the
evaluator allows it iam:CreateRole, iam:PutRolePolicy and iam:AttachRolePolicy on a new role of the
account (ADMIN_PROBES), with its identity policies, its permissions boundary and, in a member
account, the SCPs and RCPs over it. Whoever may create a role with any policy is an administrator
however narrow their own policies look, and whoever may not is not, however wide: PowerUserAccess
(every action but IAM's) is not, a boundary of PowerUserAccess takes AdministratorAccess's away, and
a change freeze that denies the role everything leaves no path. These are the IAM calls of the
lockout checks' StackSets deployment (orgboot/aws/stacksets.py ROLE_HANDLER_ACTIONS), the ones
orgboot itself needs to administer an account. Asked on a role name nothing protects (the
protect-orgboot-roles guardrail guards orgboot's own roles, not every role), in us-east-1 (IAM is
global), in the role's session: signed in with MFA for an IAM group's, federated for Identity
Center's (offline.py).

Not counted: the root user, and principals the spec does not declare (a third party's role, a
workload's): they exist outside orgboot's grants.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from orgboot.analysis.access import Access, spec_access
from orgboot.analysis.offline import FEDERATED_SESSION, MANAGEMENT_ACCOUNT, SIGNED_IN_WITH_MFA, Account, OfflineOrganization, Role
from orgboot.aws.regions import HOME_REGION
from orgboot.policy.evaluation import Applicable, ContextValue, OrganizationPolicies, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.spec import OrgSpec

ADMIN_PROBES = ("iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy")
_NEW_ROLE = "orgboot-admin-probe"  # a role name no guardrail protects
MANAGEMENT = "management"  # the management account among the keys, as `orgboot simulate --account` names it


@dataclass(frozen=True, order=True)
class AdminPath:
    identity_center: bool  # an Identity Center group through a permission set, or an IAM group as a role
    group: str
    role: str  # the role, or the permission set
    break_glass: bool = False

    @property
    def label(self) -> str:
        if self.identity_center:
            return f"Identity Center group {self.group} through permission set {self.role}"
        return f"IAM group {self.group} as {self.role}{' (break-glass)' if self.break_glass else ''}"


def administers(role: Role, account_id: str, context: Mapping[str, ContextValue], organization: OrganizationPolicies | None) -> bool:
    """Whether the role's session may grant any permission in its account (ADMIN_PROBES)."""
    caller = Caller(role.arn(account_id), account_id, "role")
    resource = f"arn:aws:iam::{account_id}:role/{_NEW_ROLE}"
    here = {**context, "aws:RequestedRegion": HOME_REGION}
    applicable = Applicable(role.identity, role.boundary)
    return all(evaluate(Request(caller, action, resource, account_id, here), applicable, organization).allowed for action in ADMIN_PROBES)


def admin_paths(spec: OrgSpec, access: Sequence[Access] | None = None) -> dict[str, frozenset[AdminPath]]:
    """Account key (and `management`) -> the admin paths into it. `access`: the spec's access
    matrix, when it is known already. An account that behaves as its OU's stand-in is decided by
    the stand-in (offline.py), so thousands of accounts cost what their OUs cost."""
    offline = OfflineOrganization(spec)
    rows = spec_access(spec) if access is None else access
    organization = offline.organization_policies(offline.evaluated)
    distinct = {account.key for account in offline.distinct}
    stand_in = {account.ou: account for account in offline.placeholders}
    deciding = {account.name: (account if account.key in distinct else stand_in[account.ou]) for account in offline.accounts}
    key_of = {account.name: str(account.key) for account in offline.accounts}
    decided: dict[tuple[str, str], bool] = {}

    def member(account: Account, row: Access) -> bool:
        role = account.permission_set_role(row.role) if row.identity_center else account.roles.get(row.role)
        if role is None:
            return False
        if (account.id, role.name) not in decided:
            session = offline.context(account, account) | (FEDERATED_SESSION if role.permission_set else SIGNED_IN_WITH_MFA)
            decided[(account.id, role.name)] = administers(role, account.id, session, organization)
        return decided[(account.id, role.name)]

    def at_home(row: Access) -> bool:  # no SCP or RCP applies in the management account (fact 28)
        role = _management_role(offline, row)
        if role is None:
            return False
        session = offline.context(None, None) | (FEDERATED_SESSION if row.identity_center else SIGNED_IN_WITH_MFA)
        return administers(role, MANAGEMENT_ACCOUNT, session, None)

    paths: dict[str, set[AdminPath]] = defaultdict(set)
    for row in rows:
        path = AdminPath(row.identity_center, row.group, row.role, row.break_glass or _break_glass_group(spec, row))
        if row.management:
            if at_home(row):
                paths[MANAGEMENT].add(path)
            continue
        for name in row.accounts:
            if name in deciding and member(deciding[name], row):
                paths[key_of[name]].add(path)
    return {key: frozenset(found) for key, found in paths.items()}


def _break_glass_group(spec: OrgSpec, row: Access) -> bool:
    """A role of the management account that a break-glass group assumes (a group with break-glass
    grants and no everyday one, as the example keeps BreakGlass) is break-glass too: the row is not
    marked (only the access role's grants are), but no one works through it day to day."""
    group = spec.management_baseline.groups.get(row.group) if row.management and not row.identity_center else None
    return group is not None and bool(group.break_glass) and not group.may_assume


def _management_role(offline: OfflineOrganization, row: Access) -> Role | None:
    """The management account's role a row names: an IAM role by name, or a permission set's."""
    for role in offline.management_roles.values():
        named = role.permission_set == row.role if row.identity_center else not role.permission_set and role.name == row.role
        if named:
            return role
    return None
