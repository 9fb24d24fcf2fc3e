"""AWS's policy evaluation logic, offline: may this principal make this request?

A request (who, which action, on which resource, with which context keys) is decided against the
policies that apply: the caller's identity policies and permissions boundary, the resource's
policy (a role's trust policy for sts:AssumeRole; a KMS key's key policy, which must allow for
IAM policies to count), and the SCPs and RCPs attached from the organization root down to the
caller's and the resource's accounts. The answer is allow, explicit deny or implicit deny, with
the statements that decided it and the steps on the way; sts:GetCallerIdentity is always allowed.

Sources: IAM User Guide, "Policy evaluation logic", "Determining whether a request is allowed or
denied within an account", "Cross-account policy evaluation logic"; Organizations User Guide,
"Service control policies", "SCP evaluation", "Resource control policies". The facts, with their
quotes, are numbered in docs/sources/policy-evaluation.md; comments below cite them as (fact N).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from orgboot.aws import iam_catalog
from orgboot.policy.conditions import condition_holds
from orgboot.policy.matching import Caller, PrincipalMatch, any_action_matches, not_principal_exempts, principal_match, resource_matches
from orgboot.policy.statements import Policy, Statement

DecisionKind = Literal["allow", "explicit_deny", "implicit_deny"]
ContextValue = str | tuple[str, ...]


@dataclass(frozen=True)
class Request:
    caller: Caller
    action: str
    resource: str = "*"
    resource_account: str | None = None  # None: the caller's own account
    context: Mapping[str, ContextValue] = field(default_factory=dict)  # global and service keys, any case


@dataclass(frozen=True)
class Level:
    """One level of the organization (the root, an OU, the account) and the policies attached there."""

    label: str
    policies: tuple[Policy, ...]


@dataclass(frozen=True)
class OrganizationPolicies:
    """The SCP and RCP chains of each member account, root first (the management account has none)."""

    management_account: str
    scps: Mapping[str, tuple[Level, ...]] = field(default_factory=dict)
    rcps: Mapping[str, tuple[Level, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Applicable:
    """The policies of the caller and of the resource that apply to a request."""

    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    resource: Policy | None = None  # a resource-based policy; for a KMS key, its key policy (see is_kms_key)
    trust: Policy | None = None  # the role's trust policy, when the request assumes a role


@dataclass(frozen=True)
class Step:
    label: str  # "SCP at OU Workloads", "identity policies", "trust policy of Admin"
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Decision:
    decision: DecisionKind
    statements: tuple[Statement, ...]  # the deciding ones: the denies, or the allows that granted
    reason: str
    steps: tuple[Step, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @property
    def why(self) -> str:
        """The reason, with the statements that decided it: "explicitly denied (deny-all attached
        to OU Suspended: statement 'DenyAll')"."""
        return f"{self.reason} ({'; '.join(st.label for st in self.statements)})" if self.statements else self.reason


def scps_apply(caller: Caller, organization: OrganizationPolicies | None) -> bool:
    """SCPs restrict IAM users, roles and the root user of member accounts (fact 30), never the
    management account (fact 28), service-linked roles (fact 29) or service principals."""
    return (
        organization is not None
        and caller.kind in ("user", "role", "root")
        and caller.account is not None
        and caller.account != organization.management_account
        and caller.account in organization.scps
    )


def rcps_apply(caller: Caller, action: str, resource_account: str | None, organization: OrganizationPolicies | None) -> bool:
    """RCPs restrict requests to resources of member accounts (facts 40-43), whoever the caller
    (fact 42, services included: fact 52), except service-linked roles (fact 50), and only for
    the services that support RCPs (fact 51)."""
    return (
        organization is not None
        and resource_account is not None
        and resource_account != organization.management_account
        and resource_account in organization.rcps
        and caller.kind != "service-linked-role"
        and action.split(":", 1)[0].lower() in iam_catalog.rcp_services()
    )


def evaluate(request: Request, applicable: Applicable, organization: OrganizationPolicies | None = None) -> Decision:
    caller = request.caller
    if request.action.lower() == "sts:getcalleridentity":
        # STS API Reference, GetCallerIdentity: "No permissions are required to perform this
        # operation. If an administrator attaches a policy to your identity that explicitly denies
        # access to the sts:GetCallerIdentity action, you can still perform this operation."
        return Decision("allow", (), "sts:GetCallerIdentity needs no permission and cannot be denied")
    resource_account = request.resource_account or caller.account
    context = request_context(request, resource_account)
    scp_levels = organization.scps[caller.account] if organization and caller.account and scps_apply(caller, organization) else ()
    rcp_levels = (
        organization.rcps[resource_account]
        if organization and resource_account and rcps_apply(caller, request.action, resource_account, organization)
        else ()
    )
    resource_policy = applicable.trust or applicable.resource
    caller_side = [*applicable.identity, *([applicable.boundary] if applicable.boundary else [])]
    everything = [
        *caller_side,
        *([resource_policy] if resource_policy else []),
        *(p for level in (*scp_levels, *rcp_levels) for p in level.policies),
    ]

    has_boundary = applicable.boundary is not None

    def matching(policies: Sequence[Policy], effect: str) -> tuple[Statement, ...]:
        return tuple(st for p in policies for st in p.statements if st.effect == effect and _applies(st, request, context, has_boundary))

    # 1. An explicit deny in any applicable policy decides (fact 2).
    if denies := matching(everything, "Deny"):
        return Decision("explicit_deny", denies, "explicitly denied")

    steps: list[Step] = []
    # 2-3. RCPs, then SCPs: an Allow at every level from the root down (facts 3, 4, 24, 44).
    for kind, levels in (("RCP", rcp_levels), ("SCP", scp_levels)):
        for level in levels:
            allows = matching(level.policies, "Allow")
            if not allows:
                return Decision("implicit_deny", (), f"no {kind} attached to {level.label} allows it", tuple(steps))
            steps.append(Step(f"{kind} at {level.label}", allows))

    # 4. The resource's policy: which of its Allow statements name the caller, and how.
    granted: list[tuple[Statement, PrincipalMatch]] = []
    if resource_policy:  # a trust policy is the role's resource policy (fact 126)
        for st in resource_policy.statements:
            if st.effect == "Allow" and _applies(st, request, context, has_boundary) and st.principals is not None:
                how = principal_match(st.principals, caller)
                if how:
                    granted.append((st, how))
    if granted and resource_policy:
        steps.append(Step(f"{resource_policy.ref.kind} policy {resource_policy.ref.name}", tuple(st for st, _ in granted)))

    # 5-6. Identity policies, limited by a permissions boundary (facts 12, 14). The root user has
    # full access by default (fact 1); a service principal has no identity policies.
    identity_allows = matching(applicable.identity, "Allow")
    boundary_allows = matching([applicable.boundary], "Allow") if applicable.boundary else ()
    boundary_ok = applicable.boundary is None or bool(boundary_allows)
    identity_ok = (caller.kind == "root" or bool(identity_allows)) and boundary_ok
    if identity_allows:
        steps.append(Step("identity policies", identity_allows))

    cross_account = caller.is_service or resource_account != caller.account
    if caller.is_service:
        if granted:  # named, or everyone: a service has no identity policies to delegate to
            return Decision("allow", tuple(st for st, _ in granted), "the resource policy allows the service", tuple(steps))
        return Decision("implicit_deny", (), "no resource policy allows the service", tuple(steps))
    standalone = [st for st, how in granted if not cross_account and _grant_stands_alone(how, caller, boundary_ok)]
    if standalone:
        return Decision("allow", tuple(standalone), "the resource policy allows the caller", tuple(steps))
    if applicable.trust is not None and not granted:
        # A role's trust policy must allow the caller, even in its own account (facts 6, 127).
        return Decision("implicit_deny", (), f"{applicable.trust.ref.name} does not allow {caller.arn}", tuple(steps))
    if is_kms_key(request.resource) and not granted:
        # A KMS key's policy must allow (fact 6), the caller or its account (fact 130): see is_kms_key.
        needed = f"allow {caller.arn}, itself or through its account, before IAM policies grant anything on a KMS key"
        if resource_policy is None:
            return Decision("implicit_deny", (), f"no key policy of {request.resource} is known: it must {needed}", tuple(steps))
        return Decision("implicit_deny", (), f"{resource_policy.ref.name} does not {needed}", tuple(steps))
    if cross_account and not granted:
        # Cross-account: the resource's side must allow too (fact 18).
        return Decision("implicit_deny", (), f"no resource policy in account {resource_account} allows {caller.arn}", tuple(steps))
    if not identity_ok:
        if caller.kind != "root" and not identity_allows:
            return Decision("implicit_deny", (), "no identity policy allows it", tuple(steps))
        return Decision("implicit_deny", (), "the permissions boundary does not allow it", tuple(steps))
    return Decision("allow", identity_allows + tuple(st for st, _ in granted), "allowed", tuple(steps))


def _grant_stands_alone(how: PrincipalMatch, caller: Caller, boundary_ok: bool) -> bool:
    """Whether a resource-policy Allow of the caller's own account grants without its identity
    policies. IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or deny
    access", resource-based policies: a grant to the IAM user or to the role session itself is not
    limited by an implicit deny in the identity policies or the permissions boundary (facts 9, 10);
    a grant to an IAM role ARN "is limited by an implicit deny in a permissions boundary" (fact 7);
    "Permissions boundaries and session policies do not limit permissions granted using the
    aws:PrincipalArn condition key with a wildcard(*) in the Principal element" (fact 8), and
    "AWS JSON policy elements: Principal", All principals: with "*", "For IAM users and role
    principals within your account, no other permissions are required" (fact 70). A grant to the
    account delegates to the identity policies (fact 63)."""
    if how in ("everyone", "session"):
        return True
    if how == "direct":
        return caller.kind not in ("role", "service-linked-role") or boundary_ok
    return False


# KMS key ARNs: arn:aws:kms:us-east-1:111122223333:key/1234abcd-... (aliases are not keys: their
# access is decided by IAM policies alone).
_KMS_KEY = re.compile(r"arn:[^:]+:kms:[^:]*:[^:]*:key/.+")


def is_kms_key(resource: str) -> bool:
    """Whether `resource` is a KMS key, whose key policy must allow for IAM policies to apply: "Unless
    the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key.
    Without permission from the key policy, IAM policies that allow permissions have no effect."
    (AWS KMS Developer Guide, "Key policies in AWS KMS"; fact 6). Callers pass the key policy as
    the request's resource policy (Applicable.resource); a key policy that allows the account
    (Principal arn:aws:iam::ACCOUNT:root) lets that account's IAM policies grant (fact 130)."""
    return _KMS_KEY.fullmatch(resource) is not None


def _applies(statement: Statement, request: Request, context: Mapping[str, ContextValue], has_boundary: bool = False) -> bool:
    """Whether a statement's Action, Resource, Principal and Condition all match the request."""
    if statement.actions is not None:
        if not any_action_matches(statement.actions, request.action):
            return False
    elif statement.not_actions is None or any_action_matches(statement.not_actions, request.action):
        return False
    variables = context if statement.variables else None
    if statement.resources is not None:
        if not any(resource_matches(r, request.resource, variables) for r in statement.resources if isinstance(r, str)):
            return False
    elif statement.not_resources is not None:
        if any(resource_matches(r, request.resource, variables) for r in statement.not_resources if isinstance(r, str)):
            return False
    elif statement.policy.kind != "resource":
        return False  # identity policies, SCPs and RCPs need Resource or NotResource (facts 49, 56)
    if statement.not_principals is not None and not_principal_exempts(statement.not_principals, request.caller, has_boundary):
        return False
    if statement.policy.kind == "rcp" and statement.principals is not None and not statement.principals.everyone:
        return False  # an RCP's Principal can only be "*" (fact 47)
    if (
        statement.policy.kind == "resource"
        and statement.principals is not None
        and not principal_match(statement.principals, request.caller)
    ):
        return False  # a resource policy's statement is about the principals it names, allow or deny
    return condition_holds(statement.condition, context, statement.variables)


def request_context(request: Request, resource_account: str | None) -> dict[str, ContextValue]:
    """The request's context keys (lower-cased: key names are case-insensitive, fact 74) with the
    principal keys AWS adds to every signed request (facts 104-106, 110-113, 123); the organization
    keys (facts 107, 108, 124) come with the request's context, from whoever knows the organization."""
    caller = request.caller
    derived: dict[str, ContextValue] = {}
    if caller.is_service:
        derived |= {"aws:principalisawsservice": "true", "aws:principalservicename": caller.arn}
    else:
        kind = {"user": "User", "role": "AssumedRole", "root": "Account", "service-linked-role": "AssumedRole"}[caller.kind]
        derived |= {"aws:principalarn": caller.arn, "aws:principaltype": kind, "aws:principalisawsservice": "false"}
        if caller.account:
            derived["aws:principalaccount"] = caller.account
        if caller.kind == "user":
            derived["aws:username"] = caller.arn.rsplit("/", 1)[-1]
    if resource_account:
        derived["aws:resourceaccount"] = resource_account
    return derived | {key.lower(): value for key, value in request.context.items()}
