"""May this principal do this here? One question against the organization a spec deploys, offline.

Who asks (`principal`):
- a group of the management baseline (one of its members) or a user it declares (its groups'
  policies together). In a member account they work through the roles they may assume there, so
  the question is asked once per role: sts:AssumeRole from the management account, then the
  request as that role (a route). In the management account they make the request themselves, and
  through the roles people assume there (the administrator role, the support role), each a route;
- a role orgboot deploys in the account (a member role, the access role), or the support role or
  the administrator role in the management account;
- any ARN, taken as allowed by its own identity policies, so that only the organization's and the
  resource's policies decide. Its account field says where it is (`in_arn`);
- an IAM Identity Center group (its display name, as org.yaml assigns it): one of its members,
  signed in through the identity provider, works through the permission sets assigned to the group
  in the account, each a route (the request as the role Identity Center provisions for the set;
  there is no step in to decide, the assignment is the grant);
- a permission set: the role Identity Center provisions for it in the account, where it is assigned.
A name that means two of these (an IAM group and an Identity Center group, a member role and a
permission set) is refused, with the prefixed forms that tell them apart: `iam-group:NAME`,
`user:NAME`, `role:NAME`, `ic-group:NAME`, `permission-set:NAME`.

Nothing is assumed silently: every context key the answer fills in that the question did not give
(the region, TLS, the organization keys, MFA, an external ID), and the resource `*` when none is
given, is in `Answer.assumed`, with why and, for a group's routes, the step it is filled in for.
Policies and accounts are named as every answer names them (labels.py): "guardrail region-deny",
"account shop-prod", never a guardrail document's key or an offline stand-in ID.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from orgboot.analysis.labels import Labeller
from orgboot.analysis.offline import MANAGEMENT_ACCOUNT, SIGNED_IN_WITH_MFA, Account, OfflineOrganization, Role
from orgboot.aws import iam_catalog
from orgboot.aws.identity_center import permission_set_of_role
from orgboot.aws.regions import HOME_REGION, PARTITION, commercial_regions
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, OrganizationPolicies, Request, evaluate, request_context
from orgboot.policy.lint import lint
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.spec import OrgSpec
from orgboot.spec.fields import covers
from orgboot.suggest import did_you_mean

MANAGEMENT = "management"
THIS_ACCOUNT = "ACCOUNT"  # in an ARN: the account the question names (--account, --resource-account)
# A principal orgboot does not deploy is taken as allowed by its own identity policies, so that
# only the organization's and the resource's policies decide.
_ALLOWED_BY_ITSELF = parse(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyRef("its own identity policies, assumed to allow", "identity"),
)
ANY_RESOURCE = "*"
# The steps of a group's or user's routes, for the keys each is answered with.
ASSUMING, AS_THE_ROLE = "sts:AssumeRole from the management account", "the request as the role"
DIRECTLY = "the request made directly"  # in the management account, the route without a role
# Prefixes that say which meaning of a name the question means, when the name has several.
IAM_GROUP, USER, ROLE, IC_GROUP, PERMISSION_SET = "iam-group", "user", "role", "ic-group", "permission-set"
KINDS = (IAM_GROUP, USER, ROLE, IC_GROUP, PERMISSION_SET)
# A principal no exemption names: the same request made by it shows the denies an exemption let
# the real principal through.
_NOT_EXEMPT = "orgboot-simulate-anyone-else"
# Offline, a third party's trust policy compares sts:ExternalId with the deploy-time parameter
# (`${ExternalId}`, iam.trust_third_party). The evaluator reads it as a policy variable, so a value
# for that name stands for the parameter's deployed value.
_EXTERNAL_ID_PARAMETER, _AGREED_EXTERNAL_ID = "ExternalId", "the-external-id-given-at-deploy"


class SimulationError(ValueError):
    """A question that names what the spec does not have; `key` is the part of the question."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Assumed:
    """A context key the answer filled in because the question did not give it."""

    key: str  # a context key, or "resource" for the resource `*` of a question that names none
    value: ContextValue
    why: str
    step: str = ""  # ASSUMING or AS_THE_ROLE when a group's two steps fill the key differently; "" for every step


@dataclass(frozen=True)
class Escaped:
    """A deny of an organization policy the request escaped only because it exempts the principal."""

    policy: str  # the library guardrail's name, or a written policy's name in AWS
    exempt: str  # who is exempt: the role's name
    source: str = "guardrail"  # or the written policy's type: "SCP", "RCP" (labels.py)

    @property
    def label(self) -> str:
        return f"{self.source} {self.policy} would deny; {self.exempt} is exempt"


@dataclass(frozen=True)
class Route:
    """One way the principal makes the request: directly (role None), or as a role it assumes."""

    role: str | None  # for an Identity Center group's route: the permission set
    assume: Decision | None  # sts:AssumeRole of the role from the management account (None for Identity Center)
    decision: Decision | None  # the request itself; None when the role cannot be assumed
    escaped: tuple[Escaped, ...] = ()
    identity_center: bool = False  # through a permission set assigned to an Identity Center group

    @property
    def allowed(self) -> bool:
        return self.decision is not None and self.decision.allowed

    @property
    def way(self) -> str:
        """ "as Admin", "through permission set PlatformAdmin", or "directly"."""
        if self.identity_center:
            return f"through permission set {self.role}"
        return f"as {self.role}" if self.role else "directly"


@dataclass(frozen=True)
class Answer:
    principal: str  # how the question's principal was read: "group Admins (one of its members)", ...
    routes: tuple[Route, ...]
    assumed: tuple[Assumed, ...]
    through_roles: bool = False  # a group or user: one route per role there (and, in the management account, one without)
    notes: tuple[str, ...] = ()
    labels: Labeller = field(default_factory=Labeller)  # how its texts name policies and accounts
    identity_center: bool = False  # an Identity Center group: one route per permission set assigned to it there

    @property
    def allowed(self) -> bool:
        return any(route.allowed for route in self.routes)

    @property
    def reached(self) -> tuple[Route, ...]:
        return tuple(route for route in self.routes if route.decision is not None)

    @property
    def decision(self) -> str:
        """allow, explicit_deny or implicit_deny: for routes, allow if any allows, explicit_deny
        only if every role reached is explicitly denied."""
        if self.allowed:
            return "allow"
        reached = self.reached
        every_explicit = reached and all(r.decision and r.decision.decision == "explicit_deny" for r in reached)
        return "explicit_deny" if every_explicit else "implicit_deny"

    @property
    def why(self) -> str:
        """The summary, with the statements that decided a direct request."""
        if self.through_roles or not self.routes:
            return self.summary
        decision = self.routes[0].decision
        return self.labels.why(decision) if decision else self.summary

    @property
    def summary(self) -> str:
        """ "allowed as Admin; denied as ReadOnly", or "the group can assume no role there"; for
        a direct request, the decision's reason."""
        if not self.through_roles:
            decision = self.routes[0].decision
            return self.labels.text(decision.reason) if decision else ""
        if not self.reached:
            if self.identity_center:
                return "no permission set is assigned to the group there"
            return f"the {self.principal.split()[0]} can assume no role there"
        return "; ".join(f"{'allowed' if route.allowed else 'denied'} {route.way}" for route in self.reached)


@dataclass(frozen=True)
class _Place:
    """Where a principal or a resource is: a member account of the spec, the management account,
    or an account outside the organization (a third party's, kept as given)."""

    account: Account | None
    id: str
    inside: bool = True

    @property
    def label(self) -> str:
        return f"account {self.account.key}" if self.account else "the management account" if self.inside else f"account {self.id}"


@dataclass(frozen=True)
class _Principal:
    label: str
    caller: Caller
    place: _Place
    applicable: Applicable
    person: bool = False  # a group member or user of the management baseline: signed in with MFA
    through_roles: bool = False
    identity_center_group: str | None = None  # a member of this Identity Center group (through its permission sets)


@dataclass
class _Assumptions:
    """The context keys filled in (by step), and the question's own keys (case-insensitive, fact
    74); the notes the answer adds, naming policies and accounts with `labels`."""

    given: Mapping[str, ContextValue]
    labels: Labeller
    step: str = ""  # the step of a route being decided: ASSUMING, AS_THE_ROLE, or "" for a direct request
    filled: dict[tuple[str, str, str], Assumed] = field(default_factory=dict)
    notes: dict[str, None] = field(default_factory=dict)

    def fill(self, key: str, value: ContextValue, why: str) -> dict[str, ContextValue]:
        if key.lower() in {k.lower() for k in self.given}:
            return {}
        self.filled.setdefault((self.step, key, str(value)), Assumed(key, value, why, self.step))
        return {key: value}

    def listed(self) -> tuple[Assumed, ...]:
        """Each key once per step: once for all when every step filled it alike, else with its step."""
        by_key: dict[str, list[Assumed]] = {}
        for assumed in self.filled.values():
            by_key.setdefault(assumed.key, []).append(assumed)
        steps = {assumed.step for assumed in self.filled.values() if assumed.step}  # "": the question's own (its resource)
        listed: list[Assumed] = []
        for entries in by_key.values():
            alike = len({str(e.value) for e in entries}) == 1 and {e.step for e in entries} == steps
            listed += [replace(entries[0], step="")] if alike else entries
        return tuple(listed)


def simulate(
    spec: OrgSpec,
    *,
    account: str,
    principal: str,
    action: str,
    resource: str = ANY_RESOURCE,
    resource_account: str | None = None,
    region: str | None = None,
    context: Mapping[str, ContextValue] | None = None,
) -> Answer:
    _check_action(action)
    given = dict(context or {})
    if region is not None:
        _check_region(region)
        named = next((v for k, v in given.items() if k.lower() == "aws:requestedregion"), region)
        if named != region:
            raise SimulationError(f"--region {region} and --context aws:RequestedRegion={named} disagree: give one", "region")
        given["aws:RequestedRegion"] = region
    offline = OfflineOrganization(spec)
    accounts = {str(a.key): a for a in offline.accounts if a.key}
    stand_ins = {a.id: key for key, a in accounts.items()} | {MANAGEMENT_ACCOUNT: MANAGEMENT}
    labels = Labeller({key: spec.policy_name(key) for key in spec.organization_policies}, stand_ins)
    by_id = {str(spec.accounts[a.key].account_id): a for a in accounts.values() if a.key and spec.accounts[a.key].account_id}
    where = _place(accounts, account, "account")
    who = _principal(offline, where, principal, by_id, labels)
    # A third party's principal is outside the organization: --account names where its request goes.
    owner = _place(accounts, resource_account, "resource_account") if resource_account else where
    owner, resource = _resource(resource, owner, resource_account is not None, by_id)
    assumptions = _Assumptions(given, labels)
    if resource == ANY_RESOURCE:
        why = "no --resource given: any resource; a statement scoped to specific resources may decide otherwise"
        assumptions.filled[("", "resource", ANY_RESOURCE)] = Assumed("resource", ANY_RESOURCE, why)
    organization = offline.organization_policies(offline.accounts)
    if who.identity_center_group is not None:
        # People of Identity Center reach an account (the management account too) only through the
        # permission sets assigned to their group there: they have no IAM identity to act as directly.
        group = who.identity_center_group
        through = _through_permission_sets(offline, group, where, action, resource, owner, assumptions, organization)
        return Answer(who.label, tuple(through), assumptions.listed(), True, tuple(assumptions.notes), labels, identity_center=True)
    # People reach a member account through its roles; the management account directly, and
    # through the roles people assume there, when it has any (Identity Center's are not theirs).
    roles = {
        name: role
        for name, role in (where.account.roles if where.account is not None else offline.management_roles).items()
        if not role.permission_set
    }
    through_roles = who.through_roles and (where.account is not None or bool(roles))
    routes: tuple[Route, ...] = ()
    if where.account is None or not through_roles:
        assumptions.step = DIRECTLY if through_roles else ""
        decision = _decide(offline, who, action, resource, owner, assumptions, organization)
        _scoped_denies(offline, who, action, resource, owner, assumptions, organization, decision)
        routes = (Route(None, None, decision, _escaped(decision, who, action, resource, owner, assumptions, offline, organization)),)
    if through_roles:
        routes += tuple(_through(offline, who, where, roles, action, resource, owner, assumptions, organization))
    return Answer(who.label, routes, assumptions.listed(), through_roles, tuple(assumptions.notes), labels)


def _through(
    offline: OfflineOrganization,
    who: _Principal,
    where: _Place,
    roles: Mapping[str, Role],
    action: str,
    resource: str,
    owner: _Place,
    assumptions: _Assumptions,
    organization: OrganizationPolicies,
) -> list[Route]:
    """A person of the management baseline: each role of the account (`where`), assumed from the
    management account (as the access matrix decides a grant), then the request as that role."""
    routes = []
    for name, role in sorted(roles.items()):
        arn = role.arn(where.id)
        assumptions.step = ASSUMING
        assume = _decide(offline, who, "sts:AssumeRole", arn, where, assumptions, organization)
        if not assume.allowed:
            routes.append(Route(name, assume, None))
            continue
        # The session carries the MFA its user signed in with, passed on in AssumeRole (facts 115, 118).
        as_role = _Principal(f"role {name}", Caller(arn, where.id, "role"), where,
                             Applicable(identity=role.identity, boundary=role.boundary), person=True)  # fmt: skip
        assumptions.step = AS_THE_ROLE
        decision = _decide(offline, as_role, action, resource, owner, assumptions, organization)
        _scoped_denies(offline, as_role, action, resource, owner, assumptions, organization, decision)
        routes.append(
            Route(name, assume, decision, _escaped(decision, as_role, action, resource, owner, assumptions, offline, organization))
        )
    return routes


def _through_permission_sets(
    offline: OfflineOrganization,
    group: str,
    where: _Place,
    action: str,
    resource: str,
    owner: _Place,
    assumptions: _Assumptions,
    organization: OrganizationPolicies,
) -> list[Route]:
    """A member of an Identity Center group: the request as the role of each permission set assigned
    to the group in the account (`where`), in a federated session (no MFA keys: offline.py)."""
    assignments = where.account.assignments if where.account is not None else offline.management_assignments
    routes = []
    for permission_set in sorted({name for assigned, name in assignments if assigned == group}):
        as_role = _permission_set_principal(offline, where, permission_set)
        assumptions.step = ""
        decision = _decide(offline, as_role, action, resource, owner, assumptions, organization)
        _scoped_denies(offline, as_role, action, resource, owner, assumptions, organization, decision)
        escaped = _escaped(decision, as_role, action, resource, owner, assumptions, offline, organization)
        routes.append(Route(permission_set, None, decision, escaped, identity_center=True))
    return routes


def _permission_set_principal(offline: OfflineOrganization, where: _Place, permission_set: str) -> _Principal:
    """The role Identity Center provisions for `permission_set` in `where`, which must be assigned there."""
    if where.account is not None:
        role = where.account.permission_set_role(permission_set)
    else:
        role = next((r for r in offline.management_roles.values() if r.permission_set == permission_set), None)
    if role is None:
        assigned = _assigned_in(offline, permission_set)
        raise SimulationError(
            f"permission set {permission_set} is not assigned in {where.label}, so it has no role there"
            f" (assigned in: {', '.join(assigned) or 'no account'}); ask about an account it is assigned in",
            "principal",
        )
    caller = Caller(role.arn(where.id), where.id, "role")
    label = f"permission set {permission_set} (role {role.name} in {where.label})"
    return _Principal(label, caller, where, Applicable(role.identity, role.boundary))


def _assigned_in(offline: OfflineOrganization, permission_set: str) -> list[str]:
    """The account keys (and `management`) a permission set is assigned in, for a message."""
    found = offline.spec.identity_center_assignments()
    return [key for key, pairs in found.items() if any(name == permission_set for _, name in pairs)]


def _decide(
    offline: OfflineOrganization,
    who: _Principal,
    action: str,
    resource: str,
    owner: _Place,
    assumptions: _Assumptions,
    organization: OrganizationPolicies,
) -> Decision:
    context = _context(offline, who, action, resource, owner, assumptions)
    applicable = who.applicable
    role = _role_assumed(offline, action, resource, owner)
    if role:
        applicable = Applicable(applicable.identity, applicable.boundary, trust=role.trust)
    request = Request(who.caller, action, resource, owner.id, context)
    decision = evaluate(request, applicable, organization)
    present = request_context(request, owner.id)
    for statement in decision.statements:
        for block in statement.condition.values():
            for key in block:
                if key.lower() not in present:
                    assumptions.notes[
                        f"{key} is not in the request, and {assumptions.labels.statement(statement)} tests it:"
                        f" give --context {key}=VALUE if the request carries it"
                    ] = None
    return decision


def _context(
    offline: OfflineOrganization, who: _Principal, action: str, resource: str, owner: _Place, assumptions: _Assumptions
) -> dict[str, ContextValue]:
    fill = assumptions.fill
    context = dict(assumptions.given)
    context |= fill("aws:RequestedRegion", *_default_region(offline.spec, who.place, owner))
    # "This key is always included in the request context" (fact 120); the people and tools the
    # question speaks for call through the SDKs or the console, over TLS.
    context |= fill("aws:SecureTransport", "true", "requests go over TLS (the SDKs and the console use HTTPS)")
    organization = offline.context(who.place.account, owner.account)
    stand_in = " (offline, stand-in IDs for those AWS gives at deploy)"
    if who.place.inside:  # a third party's principal is in no organization of ours (facts 107, 108)
        context |= fill("aws:PrincipalOrgID", organization["aws:PrincipalOrgID"], f"the principal is in the organization{stand_in}")
        context |= fill("aws:PrincipalOrgPaths", organization["aws:PrincipalOrgPaths"], f"the principal is in {who.place.label}{stand_in}")
    if owner.inside:
        context |= fill("aws:ResourceOrgID", organization["aws:ResourceOrgID"], f"the resource is in the organization{stand_in}")
        context |= fill("aws:ResourceOrgPaths", organization["aws:ResourceOrgPaths"], f"the resource is in {owner.label}{stand_in}")
    if who.person:
        why = "a person of the management baseline, signed in with MFA just now (and passing it on when assuming a role)"
        for key, value in SIGNED_IN_WITH_MFA.items():
            context |= fill(key, value, why)
    role = _role_assumed(offline, action, resource, owner)
    if role and not who.person and _tests_external_id(role):  # a person of ours is no third party
        why = f"the external ID {role.name}'s trust policy requires (a deploy-time parameter, unknown offline: any other value is wrong)"
        context |= fill("sts:ExternalId", _AGREED_EXTERNAL_ID, why)
        context[_EXTERNAL_ID_PARAMETER] = _AGREED_EXTERNAL_ID
    return context


def _tests_external_id(role: Role) -> bool:
    return any(key.lower() == "sts:externalid" for st in role.trust.statements for block in st.condition.values() for key in block)


def _default_region(spec: OrgSpec, *places: _Place) -> tuple[str, str]:
    """The first region the organization allows where the request happens: the region-deny
    guardrails over the principal's and the resource's accounts (in the order org.yaml writes
    them), else orgboot's home region."""
    allowed: list[tuple[str, ...]] = []
    over: list[str] = []
    for place in places:
        if place.account is None:
            continue
        for key, use in spec.guardrails.items():
            regions = getattr(use, "allowed_regions", None)
            if use.guardrail == "region-deny" and regions and any(_targets(t, place.account) for t in use.targets):
                allowed.append(tuple(regions))
                over.append(f"{key} over {place.label}")
    if not allowed:
        return HOME_REGION, "no region-deny applies here: orgboot's home region (--region to ask about another)"
    common = [region for region in allowed[0] if all(region in regions for regions in allowed)] or list(allowed[0])
    return common[0], f"the first region {' and '.join(dict.fromkeys(over))} allows (--region to ask about another)"


def _targets(target: str, account: Account) -> bool:
    return target == account.key or covers(target, account.ou)


def _role_assumed(offline: OfflineOrganization, action: str, resource: str, owner: _Place) -> Role | None:
    """The role an sts:AssumeRole request names, if orgboot deploys it in the resource's account."""
    prefix = f"arn:aws:iam::{owner.id}:role/"
    if action.lower() != "sts:assumerole" or not owner.inside or not resource.startswith(prefix):
        return None
    roles = owner.account.roles if owner.account is not None else offline.management_roles
    return roles.get(resource[len(prefix) :].rsplit("/", 1)[-1])


def _escaped(
    decision: Decision,
    who: _Principal,
    action: str,
    resource: str,
    owner: _Place,
    assumptions: _Assumptions,
    offline: OfflineOrganization,
    organization: OrganizationPolicies,
) -> tuple[Escaped, ...]:
    """The organization policies' denies an allowed request escaped through an exemption: those
    that deny the same request made by a principal no exemption names (a deny exempts by
    aws:PrincipalArn, the role's ARN for its sessions too: IAM User Guide, "AWS global condition
    context keys")."""
    caller = who.caller
    if not decision.allowed or caller.kind not in ("role", "user") or caller.account is None:
        return ()
    # Anyone else: without the path too, which an exemption may name (Identity Center's roles).
    other = f"{caller.arn.split(f':{caller.kind}/', 1)[0]}:{caller.kind}/{_NOT_EXEMPT}"
    anyone_else = _Principal(who.label, Caller(other, caller.account, caller.kind), who.place, who.applicable, who.person)
    denied = _decide(offline, anyone_else, action, resource, owner, assumptions, organization)
    if denied.decision != "explicit_deny":
        return ()
    name = caller.arn.rsplit("/", 1)[-1]
    if permission_set := permission_set_of_role(name):
        name = f"permission set {permission_set}"
    found = {assumptions.labels.source(st): None for st in denied.statements if st.policy.kind in ("scp", "rcp")}
    return tuple(Escaped(policy, name, source) for source, policy in found)


def _scoped_denies(
    offline: OfflineOrganization,
    who: _Principal,
    action: str,
    resource: str,
    owner: _Place,
    assumptions: _Assumptions,
    organization: OrganizationPolicies,
    decision: Decision,
) -> None:
    """A question on the resource `*` meets no statement scoped to specific resources (require-imdsv2
    denies ec2:RunInstances on instance/*, not on *). Asks again on a resource of each type the
    action acts on (Service Authorization Reference), and notes each deny the answer would then
    meet: the question should give --resource."""
    if resource != ANY_RESOURCE or decision.decision == "explicit_deny":
        return
    service, _, name = action.partition(":")
    context = _context(offline, who, action, resource, owner, assumptions)
    region = next((str(v) for k, v in context.items() if k.lower() == "aws:requestedregion"), HOME_REGION)
    for kind, arn_format in iam_catalog.resource_arns(service, name):
        concrete = _resource_of(arn_format, region, owner.id)
        denied = evaluate(Request(who.caller, action, concrete, owner.id, context), who.applicable, organization)
        if denied.decision == "explicit_deny":
            like = _resource_of(arn_format, region, THIS_ACCOUNT if owner.inside else owner.id)
            by = " and ".join(assumptions.labels.statement(st) for st in denied.statements)
            assumptions.notes[f"on {kind} resources (like {like}), {by} would deny it: give --resource"] = None


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def _resource_of(arn_format: str, region: str, account: str) -> str:
    """An ARN of the format the Service Authorization Reference gives, in `region` and `account`."""
    filled = {"Partition": PARTITION, "Region": region, "Account": account}
    return _PLACEHOLDER.sub(lambda found: filled.get(found.group(1), "example"), arn_format)


def _check_region(region: str) -> None:
    """A region AWS has (botocore's endpoint data), so that a typo is not answered as a region
    every region deny refuses."""
    known = commercial_regions()
    if region not in known:
        suggestion = did_you_mean(region, known) or f" (regions look like {HOME_REGION}: {', '.join(sorted(known)[:4])}, ...)"
        raise SimulationError(f"--region {region}: AWS has no such region{suggestion}", "region")


def _check_action(action: str) -> None:
    """A request is one action AWS knows: the lint's action check (the Service Authorization
    Reference), so a typo is not answered with a confident implicit deny."""
    if "*" in action or "?" in action:
        raise SimulationError(f"'{action}': a request is one action, without wildcards", "action")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    for finding in lint(document, "identity"):
        if finding.path[:3] == ("Statement", 0, "Action"):
            raise SimulationError(finding.message, "action")


_ACCOUNT_ID = re.compile(r"\d{12}")


def in_arn(arn: str, key: str, here: _Place, by_id: Mapping[str, Account]) -> tuple[str, _Place]:
    """An ARN's account field read as the question means it: ACCOUNT (or nothing) is `here`, the
    account the question names; an account ID the spec gives an account (`account_id`) is that
    account; any other 12-digit ID is an account outside the organization, a third party's, kept
    as given. Offline the spec's accounts have stand-in IDs: the ARN is returned with its account's."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise SimulationError(f"'{arn}' is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", key)
    written = parts[4]
    if written in ("", THIS_ACCOUNT):
        place = here
    elif written in by_id:
        place = _Place(by_id[written], by_id[written].id)
    elif _ACCOUNT_ID.fullmatch(written):
        return arn, _Place(None, written, inside=False)
    else:
        names = "--account" if key == "principal" else "--resource-account, else --account,"
        raise SimulationError(
            f"'{arn}': the account field '{written}' is neither {THIS_ACCOUNT} (the account {names} names) nor an account ID of 12 digits",
            key,
        )
    if written:
        parts[4] = place.id
    return ":".join(parts), place


def _resource(resource: str, owner: _Place, owner_given: bool, by_id: Mapping[str, Account]) -> tuple[_Place, str]:
    if resource == "*" or not resource.startswith("arn:"):
        return owner, resource
    arn, place = in_arn(resource, "resource", owner, by_id)
    if owner_given and place != owner:
        raise SimulationError(f"--resource {resource} is in {place.label}, but --resource-account says {owner.label}", "resource")
    return place, arn


def _place(accounts: Mapping[str, Account], key: str, part: str) -> _Place:
    if key == MANAGEMENT:
        return _Place(None, MANAGEMENT_ACCOUNT)
    if key not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise SimulationError(
            f"no account '{key}' in the spec{did_you_mean(key, [*accounts, MANAGEMENT])} (accounts: {known}; or '{MANAGEMENT}')", part
        )
    return _Place(accounts[key], accounts[key].id)


def _principal(offline: OfflineOrganization, where: _Place, principal: str, by_id: Mapping[str, Account], labels: Labeller) -> _Principal:
    if principal.startswith("arn:"):
        arn, place = in_arn(principal, "principal", where, by_id)
        if place.inside and place != where:
            raise SimulationError(f"--principal {principal} is in {place.label}, but --account says {where.label}", "principal")
        kind = "user" if ":user/" in arn else "root" if arn.endswith(":root") else "role"
        if ":role/aws-service-role/" in arn:  # the path IAM gives every service-linked role (IAM User Guide,
            kind = "service-linked-role"  # "Using service-linked roles"); SCPs and RCPs do not restrict them (facts 29, 50)
        label = labels.text(arn) if place.inside else f"{arn} (outside the organization)"
        return _Principal(label, Caller(arn, place.id, kind), place, Applicable(identity=(_ALLOWED_BY_ITSELF,)))  # type: ignore[arg-type]
    kind, separator, name = principal.partition(":")
    if separator and kind in KINDS:
        meanings = _meanings(offline, where, name)
        if kind not in meanings:
            raise SimulationError(f"'{principal}': {_no_such(kind, name, where)}", "principal")
        return _as(offline, where, name, kind)
    meanings = _meanings(offline, where, principal)
    if len(meanings) > 1:
        spelled = " or ".join(f"--principal {kind}:{principal} ({_KIND_WORDS[kind]})" for kind in meanings)
        raise SimulationError(f"'{principal}' names {len(meanings)} principals here: say which, {spelled}", "principal")
    if meanings:
        return _as(offline, where, principal, meanings[0])
    baseline = offline.spec.management_baseline
    roles = sorted(name for name, role in _roles_at(offline, where).items() if not role.permission_set)
    center = offline.spec.identity_center
    groups = list(dict.fromkeys(a.group for a in center.assignments)) if center else []
    sets = list(center.permission_sets) if center else []
    known = [*roles, *baseline.groups, *baseline.users, *groups, *sets]
    raise SimulationError(
        f"'{principal}' is no role orgboot deploys in {where.label}, nor a group or user of the management baseline,"
        f" nor an Identity Center group or permission set{did_you_mean(principal, known)} (known: {', '.join(known) or 'none'});"
        " give an ARN instead",
        "principal",
    )


_KIND_WORDS = {
    ROLE: "the role orgboot deploys there",
    IAM_GROUP: "the group of the management baseline",
    USER: "the user of the management baseline",
    IC_GROUP: "the Identity Center group",
    PERMISSION_SET: "the permission set's role",
}


def _roles_at(offline: OfflineOrganization, where: _Place) -> Mapping[str, Role]:
    return where.account.roles if where.account is not None else offline.management_roles


def _meanings(offline: OfflineOrganization, where: _Place, name: str) -> list[str]:
    """What a name may mean in the question, in the order a plain name was always read (a role of
    a member account, a group, a user, a role of the management account), then Identity Center's:
    its groups and its permission sets."""
    baseline, center = offline.spec.management_baseline, offline.spec.identity_center
    role = _roles_at(offline, where).get(name)
    found = [IAM_GROUP] if name in baseline.groups else []
    found += [USER] if name in baseline.users else []
    if role is not None and not role.permission_set:  # a member account's role before a group; the management account's after
        found.insert(0 if where.account is not None else len(found), ROLE)
    if center is not None:
        found += [IC_GROUP] if any(assignment.group == name for assignment in center.assignments) else []
        found += [PERMISSION_SET] if name in center.permission_sets else []
    # A role, a group and a user of one name were always read in that order: only Identity Center's
    # meanings make a name ambiguous.
    return found if {IC_GROUP, PERMISSION_SET} & set(found) else found[:1]


def _no_such(kind: str, name: str, where: _Place) -> str:
    return {
        ROLE: f"no role {name} that orgboot deploys in {where.label}",
        IAM_GROUP: f"no group {name} in the management baseline",
        USER: f"no user {name} in the management baseline",
        IC_GROUP: f"no Identity Center group {name} in identity_center.assignments",
        PERMISSION_SET: f"no permission set {name} in identity_center.permission_sets",
    }[kind]


def _as(offline: OfflineOrganization, where: _Place, name: str, kind: str) -> _Principal:
    """The principal `name` means as `kind` (one of _meanings)."""
    baseline = offline.spec.management_baseline
    management = _Place(None, MANAGEMENT_ACCOUNT)
    if kind == ROLE:
        role = _roles_at(offline, where)[name]
        arn = role.arn(where.id)
        return _Principal(f"role {name} in {where.label if where.account else MANAGEMENT}", Caller(arn, where.id, "role"), where,
                          Applicable(role.identity, role.boundary))  # fmt: skip
    if kind == IAM_GROUP:
        identity = offline.group_policies(name)
        return _Principal(f"group {name} (one of its members)", offline.group_member(name), management,
                          Applicable(identity=identity), person=True, through_roles=True)  # fmt: skip
    if kind == USER:
        groups = baseline.users[name].groups
        identity = tuple({id(p): p for group in groups for p in offline.group_policies(group)}.values())
        caller = Caller(f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/{name}", MANAGEMENT_ACCOUNT, "user")
        return _Principal(f"user {name} (in {', '.join(groups)})", caller, management, Applicable(identity=identity), True, True)
    if kind == IC_GROUP:
        # No IAM identity: the routes are the permission sets' roles (_through_permission_sets).
        caller = Caller(f"arn:aws:iam::{where.id}:role/identity-center-group/{name}", where.id, "role")
        return _Principal(f"Identity Center group {name} (one of its members)", caller, where, Applicable(), through_roles=True,
                          identity_center_group=name)  # fmt: skip
    return _permission_set_principal(offline, where, name)
