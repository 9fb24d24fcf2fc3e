"""Who can become what, where: the access matrix, decided by the policy evaluator.

Computed twice, the same way: from a spec, offline (what the organization will allow once
deployed), and from state read from AWS (what it allows now). A group member is taken as signed
in with MFA; each member account's SCP and RCP chain applies; a role appears where the group's
policies and the role's trust both let the member in.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from orgboot.analysis.offline import SIGNED_IN_WITH_MFA, Account, OfflineOrganization, organization_context
from orgboot.policy.evaluation import Applicable, ContextValue, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import Policy, PolicyRef, parse
from orgboot.spec import OrgSpec
from orgboot.state.baseline import Baseline
from orgboot.state.member_roles import RoleView
from orgboot.state.organization import Organization


@dataclass(frozen=True)
class Access:
    group: str
    role: str
    accounts: tuple[str, ...]  # names of the accounts where the group can become the role


def _rows(group: str, reached: dict[str, list[str]]) -> list[Access]:
    return [Access(group, role, tuple(sorted(reached[role]))) for role in sorted(reached)]


def _context(organization_id: str, caller_path: str, resource_path: str) -> dict[str, ContextValue]:
    """A group member's request from the management account, signed in with MFA, on a resource of
    a member account."""
    return organization_context(organization_id, caller_path, resource_path) | SIGNED_IN_WITH_MFA


def spec_access(spec: OrgSpec) -> list[Access]:
    """The access matrix of the organization `spec` deploys, offline. An account that behaves as
    the stand-in of its OU (offline.py) is decided by the stand-in: thousands of accounts cost what
    their OUs cost."""
    offline = OfflineOrganization(spec)
    distinct = {account.key for account in offline.distinct}
    stand_in = {account.ou: account for account in offline.placeholders}
    organization = offline.organization_policies([*offline.placeholders, *offline.distinct])
    matrix = []
    for group in spec.management_baseline.groups:
        policies = offline.group_policies(group)

        def roles_reached(account: Account, policies: tuple[Policy, ...] = policies, group: str = group) -> list[str]:
            caller, context = offline.group_member(group), offline.context(None, account) | SIGNED_IN_WITH_MFA
            reached = []
            for role_name, role in account.roles.items():
                request = Request(caller, "sts:AssumeRole", f"arn:aws:iam::{account.id}:role/{role_name}", account.id, context)
                if evaluate(request, Applicable(identity=policies, trust=role.trust), organization).allowed:
                    reached.append(role_name)
            return reached

        by_ou = {ou: roles_reached(account) for ou, account in stand_in.items()}
        reached: dict[str, list[str]] = {}
        for account in offline.accounts:
            for role_name in roles_reached(account) if account.key in distinct else by_ou[account.ou]:
                reached.setdefault(role_name, []).append(account.name)
        matrix += _rows(group, reached)
    return matrix


def state_access(baseline: Baseline, organization: Organization, member_roles: Mapping[str, Mapping[str, RoleView]]) -> list[Access]:
    """The access matrix of a deployed organization, from what AWS holds."""
    management = organization.management_account_id
    paths = organization.org_paths()
    management_path = paths.get(management, f"{organization.id}/{organization.root.id}/{management}/")
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    policies = organization.policies_for(list(member_roles))
    matrix = []
    for group_name, group in baseline.groups.items():
        identity = tuple(parse(document, PolicyRef(name, "identity")) for name, document in group.documents)
        caller = Caller(f"arn:aws:iam::{management}:user/member-of-{group_name}", management, "user")
        reached: dict[str, list[str]] = {}
        for account_id, roles in member_roles.items():
            for role_name, role in roles.items():
                trust = parse(role.trust, PolicyRef(f"trust policy of {role_name}", "resource"))
                context = _context(organization.id, management_path, paths[account_id])
                request = Request(caller, "sts:AssumeRole", f"arn:aws:iam::{account_id}:role/{role_name}", account_id, context)
                if evaluate(request, Applicable(identity=identity, trust=trust), policies).allowed:
                    reached.setdefault(role_name, []).append(names[account_id])
        matrix += _rows(group_name, reached)
    return matrix
