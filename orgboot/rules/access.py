"""Access that says the whole truth: a grant the organization policies leave (next to) nothing of.

A grant that validates (the group can assume the role: rules/lockout.py) may still give nothing: a
change freeze that exempts only orgboot's roles reaches PlatformAdmins' Admin and Developers'
ReadOnly alike. This warning rule asks the policy evaluator what the SCPs and RCPs leave of each
granted role where the grant reaches (analysis/residual.py: probe actions drawn from what the
role's own policies allow), per OU stand-in and per account that differs from it, as lockout
does, so thousands of accounts cost what their OUs cost. IAM Identity Center's assignments alike: the
role of the permission set, in a federated session, where the assignment reaches.

Not reported: what the `quarantine` guardrail takes. Taking everything from everyone in its OU is
what it is for, and a grant on Root reaches a quarantine OU as a matter of course; the access
matrix still shows it ("denied by guardrail quarantine").
"""

from collections.abc import Iterator

from orgboot.analysis.access import Residuals, offline_session
from orgboot.analysis.offline import FEDERATED_SESSION, SIGNED_IN_WITH_MFA, Account, OfflineOrganization
from orgboot.analysis.residual import Residual
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers

QUARANTINE = "guardrail quarantine"


def grants_leave_something(spec: OrgSpec) -> Iterator[Problem]:
    offline = OfflineOrganization(spec)
    organization = offline.organization_policies(offline.evaluated)
    residuals = Residuals(organization, {key: spec.policy_name(key) for key in spec.organization_policies})
    for group_name, group in spec.management_baseline.groups.items():
        sections = (("may_assume", "grant", group.may_assume), ("break_glass", "break-glass grant", group.break_glass))
        for section, kind, grants in sections:
            for index, grant in enumerate(grants):
                for account in offline.evaluated:
                    if grant.role not in account.roles or not any(covers(ou, account.ou) for ou in grant.ous):
                        continue
                    left = residuals.of(offline_session(account, grant.role), offline.context(account, account) | SIGNED_IN_WITH_MFA)
                    if not left.nearly_everything or set(left.by) <= {QUARANTINE}:
                        continue
                    reached = offline.decided_by(account)
                    message = f"{_possessive(group_name)} {kind} of {grant.role} {_where(reached)} {_taken(left)}"
                    yield Problem(("management_baseline", "groups", group_name, section, index, "role"), message)
    yield from _assignments_leave_something(spec, offline, residuals)


def _assignments_leave_something(spec: OrgSpec, offline: OfflineOrganization, residuals: Residuals) -> Iterator[Problem]:
    """Each Identity Center assignment, where it reaches a member account: what the organization
    policies leave of the permission set's role there (the management account has none to take)."""
    center = spec.identity_center
    if center is None:
        return
    for account in offline.evaluated:
        for group, permission_set in account.assignments:
            role = account.permission_set_role(permission_set)
            if role is None:
                continue
            left = residuals.of(offline_session(account, role.name), offline.context(account, account) | FEDERATED_SESSION)
            if not left.nearly_everything or set(left.by) <= {QUARANTINE}:
                continue
            index = next(
                (
                    i
                    for i, a in enumerate(center.assignments)
                    if (a.group, a.permission_set) == (group, permission_set) and any(_reaches(t, account) for t in a.targets)
                ),
                0,
            )
            reached = offline.decided_by(account)
            message = f"{_possessive(group)} assignment of permission set {permission_set} {_where(reached)} {_taken(left)}"
            yield Problem(("identity_center", "assignments", index, "permission_set"), message)


def _reaches(target: str, account: Account) -> bool:
    """Whether an assignment's target reaches the account (an OU stand-in: by OU only)."""
    return target == account.key or covers(target, account.ou)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _where(accounts: list[Account]) -> str:
    """Where, in words: "in account prod (Workloads/Prod)", "in any account that joins Sandbox"."""
    ou = accounts[0].ou
    real = [str(account.key) for account in accounts if account.key]
    if not real:
        return f"in any account that joins {ou}"
    shown = ", ".join(real[:5]) + (f" and {len(real) - 5} more" if len(real) > 5 else "")
    return f"in account{'s' if len(real) > 1 else ''} {shown} ({ou})"


def _taken(left: Residual) -> str:
    by = " and ".join(left.by)
    if left.everything:
        return f"is denied every probed action by {by}: the grant gives nothing there ({left.probed} actions its policies allow probed)"
    return f"is denied {left.denied} of the {left.probed} probed actions its policies allow, by {by}: the grant gives next to nothing there"
