"""Exemptions by role name (a negated condition on aws:PrincipalArn in an SCP or RCP deny) must name
a role that exists, and nobody else may be able to create one of that name.

- A warning: an exemption naming a role no account has, as far as orgboot knows what is deployed
  (the access role, the member roles where they are targeted, the StackSets execution roles, the
  management baseline's support and administrator roles, and the roles AWS itself creates under
  its reserved paths).
  A misspelt name exempts nobody, and the role it meant stays denied.
- An error: a guardrail exempting a role by name where nothing stops an administrator of the
  account from creating a role of that name, or rewriting the trust of the one there, and acting
  through the exemption. Decided with the policy evaluator: a role holding AdministratorAccess in
  a stand-in account of the guardrail's target asks for iam:CreateRole and
  iam:UpdateAssumeRolePolicy on the exempt name; protect-orgboot-roles (or a written SCP, or a
  quarantine, which lets nobody else act) must deny both. Protection is never added silently:
  the fix is the user's to write.
"""

from collections.abc import Iterator
from typing import Any

from orgboot.analysis.offline import SIGNED_IN_WITH_MFA, Account, OfflineOrganization, managed_policy
from orgboot.aws import account_settings, stacksets
from orgboot.aws.identity_center import role_name
from orgboot.aws.organizations import ROOT
from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.policy.evaluation import Applicable, OrganizationPolicies, Request, evaluate
from orgboot.policy.guardrails import REGISTRY
from orgboot.policy.matching import Caller, arn_like
from orgboot.policy.principal_exemptions import PrincipalExemption, principal_exemptions
from orgboot.policy.statements import PolicyRef, Statement, as_tuple, parse
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import parent_of
from orgboot.spec.guardrails import orgboot_roles, with_exempted
from orgboot.spec.security_services import run_by_stack_sets

PROTECTION = "protect-orgboot-roles"
# How an administrator of a member account would come to act as an exempt role: create one of that
# name, trusting themselves, or make the one there trust them.
TAKEOVER = ("iam:CreateRole", "iam:UpdateAssumeRolePolicy")
# Roles AWS creates in member accounts under paths of its own, which no spec lists: IAM Identity
# Center's permission-set roles ("Referencing permission sets in resource policies, Amazon EKS, and
# AWS KMS", IAM Identity Center User Guide: aws-reserved/sso.amazonaws.com/) and service-linked
# roles ("Using service-linked roles", IAM User Guide: path /aws-service-role/).
AWS_ROLE_PATHS = ("aws-reserved/sso.amazonaws.com/", "aws-service-role/")
_ANY_ACCOUNT = "111111111111"


def _role_part(pattern: str) -> str | None:
    """The role name (with its path) an aws:PrincipalArn value names, or None for a user, a root,
    a session or a policy variable."""
    if "${" in pattern or ":role/" not in pattern:
        return None
    return pattern.split(":role/", 1)[1]


def exempt_patterns(statement: Statement) -> Iterator[PrincipalExemption]:
    """The aws:PrincipalArn values a Deny statement lets through (a negated operator: ArnNotLike,
    StringNotEquals, ...): the enumeration the access matrix uses too."""
    return principal_exemptions(statement)


def known_roles(spec: OrgSpec, offline: OfflineOrganization) -> list[str]:
    """The roles orgboot knows exist in member accounts (and the management account's own)."""
    # With its path (Identity Center's roles have one): an exemption must name it to match aws:PrincipalArn.
    # A permission set's role by its name with AWS's suffix left open (unknown before provisioning).
    names = {
        role.path.lstrip("/") + (role_name(role.permission_set, "*") if role.permission_set else name)
        for account in (*offline.placeholders, *offline.accounts)
        for name, role in account.roles.items()
    }
    names.add(stacksets.EXECUTION_ROLE_PATTERN)
    names.add(account_settings.FUNCTION_ROLE_PATTERN)
    if spec.management_baseline.support_role:
        names.add(spec.management_baseline.support_role.name)
    if spec.management_baseline.admin_role:
        names.add(spec.management_baseline.admin_role.name)
    return sorted(names)


def _instance(name: str) -> str:
    """A role name a pattern of names stands for: stacksets-exec-* -> stacksets-exec-anything."""
    return name.replace("*", "anything").replace("?", "x")


def _names_a_known_role(role: str, known: list[str]) -> bool:
    if role.startswith(AWS_ROLE_PATHS):
        return True
    pattern = f"arn:{PARTITION}:iam::*:role/{role}"
    return any(arn_like(pattern, f"arn:{PARTITION}:iam::{_ANY_ACCOUNT}:role/{_instance(name)}") for name in known)


def exemptions_name_known_roles(spec: OrgSpec) -> Iterator[Problem]:
    """A warning rule: each exemption (a written SCP's or RCP's, a guardrail's exempt_roles) names a
    role some account has."""
    offline = OfflineOrganization(spec)
    known = known_roles(spec, offline)
    deploys = f"orgboot deploys {', '.join(known)}, and AWS creates service-linked and IAM Identity Center roles besides"
    for key, policy in spec.policies.items():
        if policy.type not in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            continue
        document = parse(policy.document.content, PolicyRef(key, "scp" if policy.type == "SERVICE_CONTROL_POLICY" else "rcp"))
        kind = "SCP" if policy.type == "SERVICE_CONTROL_POLICY" else "RCP"
        for statement in document.statements:
            for exempt in exempt_patterns(statement):
                role = _role_part(exempt.pattern)
                if role is None or _names_a_known_role(role, known):
                    continue
                path = _condition_path(policy.document.content, statement.index, exempt.pattern)
                at = (policy.document.file, policy.document.line_of(path), ".".join(str(p) for p in path)) if policy.document.file else None
                yield Problem(
                    spec.document_loc(key),
                    f"{kind} {key} exempts {exempt.pattern}, a role no account has: {deploys}; a misspelt name exempts nobody",
                    at=at,
                )
    for key, use in spec.guardrails.items():
        for index, role in enumerate(getattr(use, "exempt_roles", ())):
            if not _names_a_known_role(role, known):
                yield Problem(
                    ("guardrails", key, "exempt_roles", index),
                    f"guardrail {use.guardrail} exempts {role}, a role no account has: {deploys}; a misspelt name exempts nobody",
                )


def _condition_path(document: Any, index: int, value: str) -> tuple[str | int, ...]:
    """Where in the document the exempt value is written: Statement.i.Condition.<operator>.<key>, and
    the value's index when the key holds a list (its own line, where the role is named)."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    statement = statements[index] if isinstance(statements, list) and index < len(statements) else statements
    base: tuple[str | int, ...] = ("Statement", index) if isinstance(statements, list) else ("Statement",)
    condition = statement.get("Condition") if isinstance(statement, dict) else None
    for operator, keys in (condition or {}).items():
        for key, values in keys.items() if isinstance(keys, dict) else ():
            if isinstance(values, list) and value in values:
                return (*base, "Condition", operator, key, values.index(value))
            if value in (as_tuple(values) or ()):
                return (*base, "Condition", operator, key)
    return (*base, "Condition")


# The error: a guardrail's exemptions, protected where it applies ---------------------------------


def exempted_roles_protected(spec: OrgSpec) -> Iterator[Problem]:
    if not spec.guardrails:
        return
    offline = OfflineOrganization(spec)
    stand_in = {account.ou: account for account in offline.placeholders}
    by_key = {account.key: account for account in offline.accounts}
    organization = offline.organization_policies(offline.evaluated)
    roles = with_exempted(orgboot_roles(spec.accounts, spec.member_roles, run_by_stack_sets(spec.security_baseline)), spec.guardrails)
    for key, use in spec.guardrails.items():
        exempted: dict[str, None] = {}
        for document in REGISTRY[use.guardrail].statements(use, roles):
            for statement in parse({"Version": "2012-10-17", "Statement": [document]}, PolicyRef(key, "scp")).statements:
                exempted.update({role: None for e in exempt_patterns(statement) if (role := _role_part(e.pattern)) is not None})
        if not exempted:
            continue
        for target in use.targets:
            account = by_key.get(target) or stand_in.get(target)
            if account is None:
                continue
            open_names = [(name, action) for name in exempted if (action := _takeover(organization, account, name))]
            if open_names:
                yield Problem(("guardrails", key), _unprotected(spec, use.guardrail, target, account, open_names))


def _takeover(organization: OrganizationPolicies, account: Account, name: str) -> str | None:
    """The first TAKEOVER action an administrator of the account may make on a role of the name."""
    administrator = Caller(f"arn:{PARTITION}:iam::{account.id}:role/account-administrator", account.id, "role")
    for action in TAKEOVER:
        request = Request(
            administrator,
            action,
            f"arn:{PARTITION}:iam::{account.id}:role/{_instance(name)}",
            account.id,
            {**SIGNED_IN_WITH_MFA, "aws:RequestedRegion": HOME_REGION, "aws:SecureTransport": "true"},
        )
        if evaluate(request, Applicable(identity=(managed_policy("AdministratorAccess"),)), organization).allowed:
            return action
    return None


def _unprotected(spec: OrgSpec, guardrail: str, target: str, account: Account, open_names: list[tuple[str, str]]) -> str:
    names = " and ".join(name for name, _ in open_names)
    name, action = open_names[0]
    verb = "creating" if action == "iam:CreateRole" else "taking over"
    ancestors = _ancestors(spec, target, account)
    protected_here = [
        k for k, use in spec.guardrails.items() if use.guardrail == PROTECTION and any(t == target or t in ancestors for t in use.targets)
    ]
    why = (
        f"guardrail {guardrail} exempts {names} by name in {target}, and nothing there stops an administrator of an account"
        f" from {verb} a role of that name ({action} on {_instance(name)} is allowed) and escaping the guardrail through it"
    )
    if protected_here:  # a gap in protect-orgboot-roles itself: it protects every name a guardrail exempts
        return f"{why}; {PROTECTION} ({protected_here[0]}) applies there but does not protect it: report this as a bug in orgboot"
    where = f" or an ancestor of it ({', '.join(ancestors)})" if ancestors else ""
    return f"{why}; add {PROTECTION} with targets [{target}]{where}"


def _ancestors(spec: OrgSpec, target: str, account: Account) -> list[str]:
    """The OUs (and Root) above the target, nearest first."""
    if target == ROOT:
        return []
    ou = account.ou if target in spec.accounts else parent_of(target)
    found = []
    while ou != ROOT:
        found.append(ou)
        ou = parent_of(ou)
    return [*found, ROOT]
