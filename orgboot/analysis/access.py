"""Who can become what, where: the access matrix, decided by the policy evaluator.

Computed twice, the same way: from a spec, offline (what the organization will allow once
deployed), and from state read from AWS (what it allows now). A group member is taken as signed
in with MFA; each member account's SCP and RCP chain applies; a role appears where the group's
policies and the role's trust both let the member in.

The roles people assume in the management account itself (the administrator role, the support
role) are rows too, marked `management`: there no SCP or RCP applies, so nothing exempts or denies.

People who sign in through IAM Identity Center are rows too, marked `identity_center`: the group is
the Identity Center group's display name, the role the permission set's name, the accounts those
its assignments reach (an assignment is the grant: the group's members federate from the identity
provider into the role Identity Center provisions, so no IAM policy of ours decides the step in).
What the organization policies leave of the set's role, and what exempts it, are decided as for an
IAM group's role, on the provisioned role's ARN (its path included) and a federated session.

Each row also says what the role may do beyond everyone else: break-glass (a grant of the access
role, kept apart from everyday grants) and the guardrails (or written policies) whose denies
exempt the role by aws:PrincipalArn in the accounts reached, read from the very statements that
apply there; and what the organization policies leave of it there (residual.py): a role a change
freeze denies everything is reached, and gives nothing.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from orgboot.analysis.labels import Labeller
from orgboot.analysis.offline import (
    FEDERATED_SESSION,
    MANAGEMENT_ACCOUNT,
    SIGNED_IN_WITH_MFA,
    Account,
    OfflineOrganization,
    customer_managed,
    managed_policy,
    organization_context,
    stand_in_suffix,
)
from orgboot.analysis.residual import Residual, RoleSession, residual
from orgboot.aws import identity_center as ic
from orgboot.aws.identity_center import permission_set_of_role
from orgboot.policy.evaluation import Applicable, ContextValue, OrganizationPolicies, Request, evaluate
from orgboot.policy.iam import BREAK_GLASS_SID
from orgboot.policy.matching import Caller
from orgboot.policy.principal_exemptions import principal_exemptions
from orgboot.policy.statements import Policy, PolicyRef, parse
from orgboot.spec import OrgSpec
from orgboot.state.baseline import Baseline
from orgboot.state.member_roles import RoleView
from orgboot.state.organization import Organization

if TYPE_CHECKING:  # state/identity_center.py imports botocore, which reports (importing this) may not
    from orgboot.state.identity_center import IdentityCenterView


@dataclass(frozen=True)
class Exemption:
    """A policy whose deny lets the role through (a condition on aws:PrincipalArn)."""

    source: str  # "guardrail", or the written policy's type: "SCP", "RCP"
    name: str  # the library guardrail's name, or the written policy's
    accounts: tuple[str, ...]  # names of the accounts reached where it exempts the role

    @property
    def label(self) -> str:
        return f"{self.source} {self.name}"


@dataclass(frozen=True)
class Denial:
    """What the organization policies take of a grant in some of the accounts it reaches: `denied`
    of the `probed` actions the role's own policies allow (residual.py), and what denies them."""

    by: tuple[str, ...]  # "SCP prod-freeze", "guardrail quarantine", "no SCP attached to OU X allows it"
    denied: int
    probed: int
    accounts: tuple[str, ...]  # names of the accounts where it is so

    @property
    def everything(self) -> bool:
        return self.denied == self.probed

    @property
    def label(self) -> str:
        """Says it as the matrix shows it: "denied by SCP prod-freeze", "partly denied by guardrail
        region-deny (3 of 12 probed actions)"."""
        by = " and ".join(self.by)
        if self.everything:
            return f"denied by {by}"
        return f"partly denied by {by} ({self.denied} of {self.probed} probed actions)"


@dataclass(frozen=True)
class Access:
    group: str
    role: str
    accounts: tuple[str, ...]  # names of the accounts where the group can become the role
    break_glass: bool = False  # granted as break-glass (the access role), not as an everyday grant
    exempt_from: tuple[Exemption, ...] = ()
    denied: tuple[Denial, ...] = ()  # what the organization policies take of it, by account
    management: bool = False  # a role of the management account (accounts is then empty)
    # an Identity Center group (its display name) and permission set (`role`: the set's name)
    identity_center: bool = False

    @property
    def source(self) -> str:
        """How the group reaches the role: "IAM group" or "Identity Center group"."""
        return "Identity Center group" if self.identity_center else "IAM group"


@dataclass(frozen=True)
class _Reach:
    """A role reached in one account: the policies exempting it there, and what is left of it."""

    exemptions: tuple[tuple[str, str], ...]
    left: Residual


def _rows(group: str, reached: Mapping[str, Mapping[str, _Reach]], break_glass: set[str], identity_center: bool = False) -> list[Access]:
    """`reached`: role (a permission set, for an Identity Center group) -> account name -> what
    exempts the role there and what is left of it."""
    rows = []
    for role in sorted(reached):
        where: dict[tuple[str, str], list[str]] = defaultdict(list)
        taken: dict[tuple[tuple[str, ...], int, int], list[str]] = defaultdict(list)
        for account, reach in reached[role].items():
            for exemption in reach.exemptions:
                where[exemption].append(account)
            if reach.left.denied:
                taken[(reach.left.by, reach.left.denied, reach.left.probed)].append(account)
        exempt = tuple(Exemption(source, name, tuple(sorted(where[(source, name)]))) for source, name in sorted(where))
        denied = tuple(Denial(by, d, p, tuple(sorted(taken[(by, d, p)]))) for by, d, p in sorted(taken, key=lambda k: (-k[1] / k[2], k)))
        rows.append(Access(group, role, tuple(sorted(reached[role])), role in break_glass, exempt, denied, identity_center=identity_center))
    return rows


def _management_rows(
    group: str, caller: Caller, identity: tuple[Policy, ...], roles: Mapping[str, Policy], context: Mapping[str, ContextValue], account: str
) -> list[Access]:
    """The roles of the management account (name -> trust policy) that the group's member assumes."""
    rows = []
    for name, trust in sorted(roles.items()):
        request = Request(caller, "sts:AssumeRole", f"arn:aws:iam::{account}:role/{name}", account, context)
        if evaluate(request, Applicable(identity=identity, trust=trust)).allowed:
            rows.append(Access(group, name, (), management=True))
    return rows


def _context(organization_id: str, caller_path: str, resource_path: str) -> dict[str, ContextValue]:
    """A group member's request from the management account, signed in with MFA, on a resource of
    a member account."""
    return organization_context(organization_id, caller_path, resource_path) | SIGNED_IN_WITH_MFA


def exemptions(
    policies: OrganizationPolicies, account_id: str, role_arn: str, names: Mapping[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    """The (source, name) of each organization policy over the account whose deny exempts the role
    by aws:PrincipalArn. A guardrail document's statements name their guardrail by their Sids;
    `names` gives a written policy's name in AWS by the name the policies carry (its key offline)."""
    labeller = Labeller(names or {})
    found: dict[tuple[str, str], None] = {}
    for level in (*policies.scps.get(account_id, ()), *policies.rcps.get(account_id, ())):
        for policy in level.policies:
            for statement in policy.statements:
                if any(exemption.exempts(role_arn) for exemption in principal_exemptions(statement)):
                    found[labeller.source(statement)] = None
    return tuple(found)


class Residuals:
    """What the organization policies leave of each role in each account, each decided once however
    many groups reach it."""

    def __init__(self, organization: OrganizationPolicies, names: Mapping[str, str] | None = None) -> None:
        self.organization = organization
        self._labeller = Labeller(names or {})
        self._found: dict[tuple[str, str], Residual] = {}

    def of(self, role: RoleSession, context: Mapping[str, ContextValue]) -> Residual:
        key = (role.account, role.name)
        if key not in self._found:
            self._found[key] = residual(role, self.organization, context, self._labeller)
        return self._found[key]


def offline_session(account: Account, role_name: str) -> RoleSession:
    role = account.roles[role_name]
    return RoleSession(account.id, role_name, role.identity, role.boundary, role.path)


def spec_access(spec: OrgSpec) -> list[Access]:
    """The access matrix of the organization `spec` deploys, offline. An account that behaves as
    the stand-in of its OU (offline.py) is decided by the stand-in: thousands of accounts cost what
    their OUs cost."""
    offline = OfflineOrganization(spec)
    distinct = {account.key for account in offline.distinct}
    stand_in = {account.ou: account for account in offline.placeholders}
    organization = offline.organization_policies(offline.evaluated)
    names = {key: spec.policy_name(key) for key in spec.organization_policies}
    residuals = Residuals(organization, names)
    matrix = []
    trusts = {name: role.trust for name, role in offline.management_roles.items()}
    at_home = offline.context(None, None) | SIGNED_IN_WITH_MFA
    for group in spec.management_baseline.groups:
        policies = offline.group_policies(group)
        matrix += _management_rows(group, offline.group_member(group), policies, trusts, at_home, MANAGEMENT_ACCOUNT)

        def roles_reached(account: Account, policies: tuple[Policy, ...] = policies, group: str = group) -> dict[str, _Reach]:
            caller, context = offline.group_member(group), offline.context(None, account) | SIGNED_IN_WITH_MFA
            session = offline.context(account, account) | SIGNED_IN_WITH_MFA
            reached = {}
            for role_name, role in account.roles.items():
                if role.permission_set:  # Identity Center's: its SAML trust admits no IAM principal
                    continue
                role_arn = role.arn(account.id)
                request = Request(caller, "sts:AssumeRole", role_arn, account.id, context)
                if evaluate(request, Applicable(identity=policies, trust=role.trust), organization).allowed:
                    left = residuals.of(offline_session(account, role_name), session)
                    reached[role_name] = _Reach(exemptions(organization, account.id, role_arn, names), left)
            return reached

        by_ou = {ou: roles_reached(account) for ou, account in stand_in.items()}
        reached: dict[str, dict[str, _Reach]] = defaultdict(dict)
        for account in offline.accounts:
            for role_name, reach in (roles_reached(account) if account.key in distinct else by_ou[account.ou]).items():
                reached[role_name][account.name] = reach
        break_glass = {grant.role for grant in spec.management_baseline.groups[group].break_glass}
        matrix += _rows(group, reached, break_glass)
    return matrix + identity_center_access(offline, organization, residuals, names)


def identity_center_access(
    offline: OfflineOrganization, organization: OrganizationPolicies, residuals: "Residuals", names: Mapping[str, str]
) -> list[Access]:
    """The rows of the Identity Center groups, offline: per group (in the order org.yaml first
    assigns it) and permission set, the management account (a row of its own: no SCP or RCP
    applies there) and the member accounts its assignments reach, each decided by its OU's
    stand-in unless it differs (an assignment of its own, a policy of its own)."""
    center = offline.spec.identity_center
    if center is None:
        return []
    distinct = {account.key for account in offline.distinct}

    def reach(account: Account) -> dict[tuple[str, str], _Reach]:
        session = offline.context(account, account) | FEDERATED_SESSION
        found = {}
        for group, permission_set in account.assignments:
            role = account.permission_set_role(permission_set)
            assert role is not None  # offline.py provisions a role for each set assigned
            left = residuals.of(offline_session(account, role.name), session)
            found[(group, permission_set)] = _Reach(exemptions(organization, account.id, role.arn(account.id), names), left)
        return found

    by_ou = {account.ou: reach(account) for account in offline.placeholders}
    reached: dict[str, dict[str, dict[str, _Reach]]] = defaultdict(lambda: defaultdict(dict))
    for account in offline.accounts:
        for (group, permission_set), found in (reach(account) if account.key in distinct else by_ou[account.ou]).items():
            reached[group][permission_set][account.name] = found
    at_home: dict[str, set[str]] = defaultdict(set)
    for group, permission_set in offline.management_assignments:
        at_home[group].add(permission_set)
    rows = []
    for group in dict.fromkeys(assignment.group for assignment in center.assignments):
        rows += [Access(group, name, (), management=True, identity_center=True) for name in sorted(at_home.get(group, ()))]
        rows += _rows(group, reached.get(group, {}), set(), identity_center=True)
    return rows


def state_access(
    baseline: Baseline,
    organization: Organization,
    member_roles: Mapping[str, Mapping[str, RoleView]],
    identity_center: "IdentityCenterView | None" = None,
) -> list[Access]:
    """The access matrix of a deployed organization, from what AWS holds; with the assignments of
    IAM Identity Center when `identity_center` is read (state/identity_center.py)."""
    management = organization.management_account_id
    paths = organization.org_paths()
    management_path = paths.get(management, f"{organization.id}/{organization.root.id}/{management}/")
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    policies = organization.policies_for(list(member_roles))
    residuals = Residuals(policies)
    matrix = []
    # Any role of the management account a member may assume: a role trusting a service admits no user.
    trusts = {name: parse(role["trust"], PolicyRef(f"trust policy of {name}", "resource")) for name, role in baseline.roles.items()}
    at_home = _context(organization.id, management_path, management_path)
    for group_name, group in baseline.groups.items():
        identity = tuple(parse(document, PolicyRef(name, "identity")) for name, document in group.documents)
        caller = Caller(f"arn:aws:iam::{management}:user/member-of-{group_name}", management, "user")
        matrix += _management_rows(group_name, caller, identity, trusts, at_home, management)
        reached: dict[str, dict[str, _Reach]] = defaultdict(dict)
        for account_id, roles in member_roles.items():
            for role_name, role in roles.items():
                if permission_set_of_role(role_name):  # Identity Center's: its SAML trust admits no IAM principal
                    continue
                trust = parse(role.trust, PolicyRef(f"trust policy of {role_name}", "resource"))
                context = _context(organization.id, management_path, paths[account_id])
                role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
                request = Request(caller, "sts:AssumeRole", role_arn, account_id, context)
                if evaluate(request, Applicable(identity=identity, trust=trust), policies).allowed:
                    session = _context(organization.id, paths[account_id], paths[account_id])
                    left = residuals.of(_state_session(account_id, role_name, role), session)
                    reached[role_name][names[account_id]] = _Reach(exemptions(policies, account_id, role_arn), left)
        matrix += _rows(group_name, reached, _break_glass_roles(identity))
    if identity_center is not None and identity_center.enabled:
        matrix += _state_identity_center(identity_center, organization, member_roles, policies, residuals)
    return matrix


def _state_identity_center(
    view: "IdentityCenterView",
    organization: Organization,
    member_roles: Mapping[str, Mapping[str, RoleView]],
    policies: OrganizationPolicies,
    residuals: Residuals,
) -> list[Access]:
    """The rows of Identity Center's assignments as AWS holds them: per group (a user assigned
    directly is a row too, "user <name>") and permission set, the accounts assigned. The role is
    the one read from the account (AWSReservedSSO_<set>_<suffix>), else the permission set's
    policies as Identity Center holds them (a customer managed one, unknown here, allows nothing)."""
    management = organization.management_account_id
    paths = organization.org_paths()
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    path = ic.role_path(view.region)
    rows = []
    for (principal, permission_set), account_ids in view.grants().items():
        who = principal.name or principal.id
        group = who if principal.type == ic.PRINCIPAL_TYPE_GROUP else f"user {who}"
        if management in account_ids:
            rows.append(Access(group, permission_set, (), management=True, identity_center=True))
        reached: dict[str, dict[str, _Reach]] = defaultdict(dict)
        for account_id in account_ids:
            if account_id == management or account_id not in paths:
                continue
            session = _permission_set_session(view, permission_set, account_id, member_roles.get(account_id, {}), path)
            context = organization_context(organization.id, paths[account_id], paths[account_id]) | FEDERATED_SESSION
            left = residuals.of(session, context)
            found = exemptions(policies, account_id, session.caller.arn)
            reached[permission_set][names.get(account_id, account_id)] = _Reach(found, left)
        rows += _rows(group, reached, set(), identity_center=True)
    return rows


def _permission_set_session(
    view: "IdentityCenterView", permission_set: str, account_id: str, roles: Mapping[str, RoleView], path: str
) -> RoleSession:
    for name, role in roles.items():
        if permission_set_of_role(name) == permission_set:
            return replace(_state_session(account_id, name, role), path=path)
    held = view.permission_sets.get(permission_set)
    name = ic.role_name(permission_set, stand_in_suffix(permission_set))
    if held is None:
        return RoleSession(account_id, name, (), None, path)
    identity = [managed_policy(arn) for arn in held.managed_policies]
    identity += [customer_managed(f"{ref.path}{ref.name}", "identity") for ref in held.customer_managed_policies]
    if held.inline_policy is not None:
        identity.append(parse(dict(held.inline_policy), PolicyRef(f"{permission_set}-inline", "identity")))
    boundary = None
    if held.boundary is not None and held.boundary.managed_policy_arn:
        boundary = managed_policy(held.boundary.managed_policy_arn, "boundary")
    elif held.boundary is not None and held.boundary.customer_managed_policy is not None:
        ref = held.boundary.customer_managed_policy
        boundary = customer_managed(f"{ref.path}{ref.name}", "boundary")
    return RoleSession(account_id, name, tuple(identity), boundary, path)


def _state_session(account_id: str, role_name: str, role: RoleView) -> RoleSession:
    identity = tuple(parse(document, PolicyRef(name, "identity")) for name, document in role.policies)
    boundary = parse(role.boundary, PolicyRef(f"boundary of {role_name}", "boundary")) if role.boundary else None
    return RoleSession(account_id, role_name, identity, boundary)


def _break_glass_roles(policies: Iterable[Policy]) -> set[str]:
    """The roles a group's policies grant as break-glass: orgboot writes those grants with their
    own Sid (policy/iam.py), on arn:aws:iam::*:role/<name>."""
    return {
        str(resource).rsplit("/", 1)[-1]
        for policy in policies
        for statement in policy.statements
        if statement.effect == "Allow" and (statement.sid or "").startswith(BREAK_GLASS_SID)
        for resource in statement.resources or ()
    }
