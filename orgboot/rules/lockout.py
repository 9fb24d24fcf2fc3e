"""Lockout: no policy of org.yaml may cut the organization off from its own accounts.

Checked with the policy evaluator on the organization the spec deploys (analysis/offline.py), for
every member account and for an account joining any OU later, with each account's SCP and RCP
chain from the root down:
- break-glass reaches the account: the management account can assume the account's access role,
  and the role can act (guardrails exempt it where break-glass needs it, docs/guardrails.md);
- orgboot can deploy the account: the StackSets execution role can deploy each member role where
  its StackSet targets (guardrails exempt it where it deploys);
- every grant works where it says, the everyday ones (may_assume) and break-glass (break_glass);
- IAM Identity Center's sign-in works where it assigns a permission set: no RCP denies
  sts:AssumeRoleWithSAML on the role it provisions (an identity perimeter written on sts:* does:
  a federated sign-in carries no aws:PrincipalOrgID);
- the global services (IAM, Organizations, STS, Support) keep working under a region deny;
- the groups that the administrator role and the support role name can assume them in the
  management account, signed in with MFA.
A failure names the accounts, the policy that denies, where it is attached, its statement, and
what would fix it.
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from orgboot.analysis.offline import MANAGEMENT_ACCOUNT, SIGNED_IN_WITH_MFA, Account, OfflineOrganization, managed_policy
from orgboot.aws import stacksets
from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.aws.regions import HOME_REGION
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, OrganizationPolicies, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import Policy
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers
from orgboot.spec.problems import Loc

NO_MFA: dict[str, ContextValue] = {"aws:MultiFactorAuthPresent": "false"}
STACKSET_ACTIONS = stacksets.STACK_ACTIONS + stacksets.ROLE_HANDLER_ACTIONS
# Global services whose endpoints live in us-east-1 (Organizations User Guide, "Deny access to AWS
# based on the requested AWS Region", Considerations; docs/sources/policy-evaluation.md, fact 137).
# (Not sts:GetCallerIdentity: it needs no permission and no policy can deny it, STS API Reference.)
GLOBAL_ACTIONS = ("iam:ListRoles", "organizations:DescribeOrganization", "sts:GetSessionToken", "support:DescribeCases")
ADMINISTRATOR = Caller(f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/orgboot-deployer", MANAGEMENT_ACCOUNT, "user")


@dataclass(frozen=True)
class _Failure:
    loc: Loc
    what: str  # "cannot assume OrganizationAccountAccessRole"
    why: str  # the decision, in words, with the statement
    fix: str
    at: tuple[str, int, str] | None = None  # the denying statement in its policy file


def _administrator_access() -> tuple[Policy, ...]:
    """AdministratorAccess from the catalogue, read when first needed, not at import (the
    catalogue is 400 KB to decompress, which --version and schema should not pay)."""
    return (managed_policy("AdministratorAccess"),)


def no_lockout(spec: OrgSpec) -> Iterator[Problem]:
    offline = OfflineOrganization(spec)
    # Only the stand-ins and the accounts that differ from them are evaluated.
    organization = offline.organization_policies(offline.evaluated)
    failures: dict[_Failure, list[Account]] = defaultdict(list)
    for account in offline.evaluated:
        for failure in _check_account(offline, organization, account):
            failures[failure] += offline.decided_by(account)
    for failure, affected in failures.items():
        yield Problem(failure.loc, f"{_who(affected)} {failure.what}: {failure.why}; {failure.fix}", at=failure.at)
    yield from _management_roles(offline)


def _management_roles(offline: OfflineOrganization) -> Iterator[Problem]:
    """Each group a role of the management account names (the administrator role, the support
    role) can assume it, signed in with MFA: administrators reach the management account only so."""
    baseline = offline.spec.management_baseline
    human = {**SIGNED_IN_WITH_MFA, "aws:RequestedRegion": HOME_REGION, **offline.context(None, None)}
    for section, entry in (("admin_role", baseline.admin_role), ("support_role", baseline.support_role)):
        if entry is None:
            continue
        role = offline.management_roles[entry.name]
        for index, group in enumerate(entry.assumable_by):
            arn = f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/{entry.name}"
            decision = evaluate(
                Request(offline.group_member(group), "sts:AssumeRole", arn, MANAGEMENT_ACCOUNT, human),
                Applicable(identity=offline.group_policies(group), trust=role.trust),
            )
            if not decision.allowed:
                yield Problem(
                    ("management_baseline", section, "assumable_by", index),
                    f"{group} cannot assume {entry.name}, signed in with MFA: {decision.reason}; fix the group's policy that denies"
                    " it, or take the group off assumable_by",
                )


def _who(accounts: list[Account]) -> str:
    real = [a.key for a in accounts if a.key]
    if real:
        shown = ", ".join(str(key) for key in real[:5]) + (f" and {len(real) - 5} more" if len(real) > 5 else "")
        return f"in account{'s' if len(real) > 1 else ''} {shown},"
    return f"in any account that joins {', '.join(a.ou for a in accounts[:3])},"


def _failure(decision: Decision, spec: OrgSpec, loc: Loc, what: str, fix: str, *, at_policy: bool = True) -> _Failure:
    """A check that failed, and why in words. A deny by an organization policy is placed at that
    policy's entry in org.yaml (unless `at_policy` is False: the check's own entry is the place) and
    at the denying statement's line in the policy file, when a file holds it (guardrails have none)."""
    if decision.decision != "explicit_deny":
        return _Failure(loc, what, decision.reason, fix)
    statement = decision.statements[0]
    kind = statement.policy.kind
    if kind not in ("scp", "rcp"):  # only organization policies are entries of spec.policies
        return _Failure(loc, what, f"policy {statement.label} denies it", fix)
    policy = spec.policies.get(statement.policy.name)
    at = None
    if policy is not None and policy.document.file:
        at = (policy.document.file, policy.document.line_of(("Statement", statement.index)), f"Statement.{statement.index}")
    where = (spec.document_loc(statement.policy.name) or loc) if at_policy else loc
    return _Failure(where, what, f"{kind.upper()} {statement.label} denies it", fix, at)


def _check_account(offline: OfflineOrganization, organization: OrganizationPolicies, account: Account) -> Iterator[_Failure]:
    spec = offline.spec
    access_role = next(
        (name for name in account.roles if name == (spec.accounts[account.key].role_name if account.key else None) or name == ACCESS_ROLE),
        None,
    )
    region: dict[str, ContextValue] = {"aws:RequestedRegion": HOME_REGION}
    # People sign in with MFA; role sessions that services or tools start do not (facts 116-117).
    human = {**SIGNED_IN_WITH_MFA, **region, **offline.context(None, account)}
    session = {**NO_MFA, **region, **offline.context(account, account)}
    account_loc: Loc = ("accounts", account.key) if account.key else ("organizational_units",)
    if access_role is not None:  # an invited account may have none: nothing to lock out of
        yield from _access_path(offline, organization, account, access_role, human, session, account_loc)

    # StackSets deploy each member role through the execution role, under the account's SCPs.
    executor = offline.stacksets_execution_role(account)
    for role in account.roles:
        # Identity Center provisions its roles itself, through its service-linked role (the managed
        # policy AWSSSOServiceRolePolicy creates roles under aws-reserved/sso.amazonaws.com/), which
        # SCPs do not restrict (fact 29): no StackSet deploys them.
        if role == access_role or account.roles[role].permission_set:
            continue
        for action in STACKSET_ACTIONS:
            # The stack operations run in the rollout's region; IAM is global, in us-east-1.
            if action.startswith("cloudformation:"):
                resource, stack_region = "*", spec.member_roles.rollout.region
            else:
                resource, stack_region = f"arn:aws:iam::{account.id}:role/{role}", HOME_REGION
            decision = evaluate(
                Request(executor, action, resource, account.id, {**session, "aws:RequestedRegion": stack_region}),
                Applicable(identity=_administrator_access()),
                organization,
            )
            if not decision.allowed:
                yield _failure(
                    decision,
                    spec,
                    ("member_roles", "catalogue", role, "targets"),
                    f"StackSet {stacksets.role_stack_set_name(role)} cannot deploy ({action})",
                    f"exempt arn:aws:iam::*:role/{stacksets.EXECUTION_ROLE_PATTERN} with ArnNotLike on aws:PrincipalArn,"
                    " or take the OU out of the role's targets",
                )
                break

    # Every grant works where it says, everyday and break-glass alike.
    for group_name, group in spec.management_baseline.groups.items():
        policies = offline.group_policies(group_name)
        grants = [("may_assume", "", index, grant) for index, grant in enumerate(group.may_assume)]
        grants += [("break_glass", " for break-glass", index, grant) for index, grant in enumerate(group.break_glass)]
        for section, kind, index, grant in grants:
            role = grant.role  # an account whose access role has another name simply has no such role
            covered = any(covers(ou, account.ou) for ou in grant.ous)
            if not covered or role not in account.roles:
                continue
            decision = evaluate(
                Request(offline.group_member(group_name), "sts:AssumeRole", f"arn:aws:iam::{account.id}:role/{role}", account.id, human),
                Applicable(identity=policies, trust=account.roles[role].trust),
                organization,
            )
            if not decision.allowed:
                yield _failure(
                    decision,
                    spec,
                    ("management_baseline", "groups", group_name, section, index, "role"),
                    f"{group_name} cannot assume {role} as granted{kind}",
                    "fix the trust or the denying policy, or drop the grant",
                    at_policy=False,
                )

    yield from _identity_center_sign_in(offline, organization, account, region)

    # Global services keep working under a region deny (a deny conditioned on aws:RequestedRegion).
    workload = Caller(f"arn:aws:iam::{account.id}:role/any-workload", account.id, "role")
    cut_off, denial = [], None
    for action in GLOBAL_ACTIONS:
        decision = evaluate(Request(workload, action, "*", account.id, session), Applicable(identity=_administrator_access()), organization)
        if decision.decision == "explicit_deny" and any(_on_region(st.condition) for st in decision.statements):
            cut_off.append(action)
            denial = denial or decision
    if denial:
        yield _failure(
            denial,
            spec,
            account_loc,
            f"the global services are cut off ({', '.join(cut_off)} in {HOME_REGION})",
            "exempt them with NotAction (iam:*, organizations:*, sts:*, support:* and the others AWS Control Tower's"
            " region deny lists), or allow us-east-1",
        )


def _identity_center_sign_in(
    offline: OfflineOrganization, organization: OrganizationPolicies, account: Account, region: Mapping[str, ContextValue]
) -> Iterator[_Failure]:
    """People sign in through IAM Identity Center with sts:AssumeRoleWithSAML on the role of a
    permission set assigned in the account. No credentials sign that call, so no SCP restricts the
    caller (SCPs restrict principals of member accounts, fact 30), but RCPs restrict requests to
    STS on the account's roles (STS is among the services that support RCPs, fact 51), and the
    request carries no aws:PrincipalOrgID: an identity perimeter written on sts:* refuses the sign-in
    (AWS's data perimeter examples leave AssumeRoleWithSAML out; policy/guardrails/
    data_perimeter_identities.py does too). Offline the caller stands in as the account's SAML
    provider, outside any account, so a negated condition on a principal key holds as it does for
    the absent key."""
    spec = offline.spec
    center = spec.identity_center
    if center is None:
        return
    provider = Caller(f"arn:aws:iam::{account.id}:saml-provider/AWSSSO_DO_NOT_DELETE", None, "user")
    context = {**region, "aws:SecureTransport": "true", **_resource_keys(offline, account)}
    for permission_set in sorted({name for _, name in account.assignments}):
        role = account.permission_set_role(permission_set)
        if role is None:
            continue
        request = Request(provider, "sts:AssumeRoleWithSAML", role.arn(account.id), account.id, context)
        decision = evaluate(request, Applicable(trust=role.trust), organization)
        if decision.decision == "explicit_deny" and any(st.policy.kind == "rcp" for st in decision.statements):
            index = next(i for i, a in enumerate(center.assignments) if a.permission_set == permission_set)
            yield _failure(
                decision,
                spec,
                ("identity_center", "assignments", index, "permission_set"),
                f"Identity Center cannot sign anyone in as permission set {permission_set} (sts:AssumeRoleWithSAML)",
                "leave sts:AssumeRoleWithSAML out of the deny's actions, as AWS's data perimeter examples do (a federated"
                " sign-in carries no aws:PrincipalOrgID)",
            )


def _resource_keys(offline: OfflineOrganization, account: Account) -> dict[str, ContextValue]:
    """The resource's organization keys (the role is the account's): the principal's are absent."""
    keys = offline.context(account, account)
    return {key: value for key, value in keys.items() if key.startswith("aws:Resource")}


def _access_path(
    offline: OfflineOrganization,
    organization: OrganizationPolicies,
    account: Account,
    access_role: str,
    human: dict[str, ContextValue],
    session: dict[str, ContextValue],
    account_loc: Loc,
) -> Iterator[_Failure]:
    """Break-glass reaches the account: the management account (its administrators, and the groups
    it grants break_glass) assumes the account's access role, and the role can act there."""
    spec = offline.spec
    role_arn = f"arn:aws:iam::{account.id}:role/{access_role}"
    region: dict[str, ContextValue] = {"aws:RequestedRegion": HOME_REGION}
    # The management account reaches the account through its access role...
    assume = evaluate(
        Request(ADMINISTRATOR, "sts:AssumeRole", role_arn, account.id, human),
        Applicable(identity=_administrator_access(), trust=account.roles[access_role].trust),
        organization,
    )
    if not assume.allowed:
        yield _failure(
            assume,
            spec,
            account_loc,
            f"break-glass is cut off: the management account cannot assume {access_role}",
            f"exempt arn:aws:iam::*:role/{access_role} (a condition on aws:PrincipalArn) or move the deny elsewhere",
        )
    # ...and the role can act there.
    access = Caller(role_arn, account.id, "role")
    act = evaluate(
        Request(access, "iam:ListRoles", "*", account.id, session), Applicable(identity=account.roles[access_role].identity), organization
    )
    if act.decision == "explicit_deny":
        yield _failure(
            act,
            spec,
            account_loc,
            f"break-glass is cut off: {access_role} can do nothing",
            f"exempt arn:aws:iam::*:role/{access_role} with ArnNotLike on aws:PrincipalArn, as the quarantine guardrail does"
            " for break-glass",
        )

    # Nor may principals of this account be denied the access path: SCPs never restrict the
    # management account (fact 28), so such a deny stops only delegated administrators and
    # security tooling in member accounts, and is a lockout in waiting.
    delegate = Caller(f"arn:aws:iam::{account.id}:role/delegated-administrator", account.id, "role")
    outward = {**NO_MFA, **region, **offline.context(account, None)}
    chained = evaluate(
        Request(delegate, "sts:AssumeRole", f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/{access_role}", MANAGEMENT_ACCOUNT, outward),
        Applicable(identity=_administrator_access()),
        organization,
    )
    other_role = evaluate(
        Request(delegate, "sts:AssumeRole", f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/any-other-role", MANAGEMENT_ACCOUNT, outward),
        Applicable(identity=_administrator_access()),
        organization,
    )
    # Only a deny aimed at the access role: a quarantine or a region deny stops every role alike.
    if chained.decision == "explicit_deny" and chained.statements[0].policy.kind == "scp" and other_role.decision != "explicit_deny":
        yield _failure(
            chained,
            spec,
            account_loc,
            f"principals cannot assume {access_role} in other accounts",
            "SCPs never restrict the management account, so this only cuts delegated administrators and security"
            f" tooling off the organization's access path; protect {access_role} from change instead of denying its use",
        )


def _on_region(condition: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(isinstance(keys, Mapping) and any(str(key).lower() == "aws:requestedregion" for key in keys) for keys in condition.values())
