"""Groups of the management account: what IAM accepts on one group."""

from collections import defaultdict
from collections.abc import Iterator

from orgboot.analysis.grants import access_roles, assumes_on_its_own, guarded_roles, management_role_arns, org_paths, switch_policy
from orgboot.aws import quotas
from orgboot.policy import iam as iam_documents
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers


def group_managed_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    """IAM attaches at most 10 managed policies to a group; orgboot's RequireMFA policy is one."""
    for name, group in spec.management_baseline.groups.items():
        count = len(group.managed_policies) + (1 if group.require_mfa else 0)
        if count > quotas.GROUP_MANAGED_POLICIES_MAX:
            mfa = " (RequireMFA, which require_mfa attaches, is one of them)" if group.require_mfa else ""
            yield Problem(
                ("management_baseline", "groups", name, "managed_policies"),
                f"{count} managed policies{mfa}; IAM attaches at most {quotas.GROUP_MANAGED_POLICIES_MAX} to a group:"
                " combine some into an inline policy file",
            )


def group_inline_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    """A group's inline policies together (its files and the switch-roles policy orgboot writes,
    sized with the longest organization paths AWS can give) must fit IAM's 5,120 characters:
    otherwise the deploy fails and the grants cannot be enforced."""
    baseline = spec.management_baseline
    paths = org_paths(f"{quotas.LONGEST_ORG_ID}/{quotas.LONGEST_ROOT_ID}/", defaultdict(lambda: quotas.LONGEST_OU_ID), spec.ou_paths)
    roles = guarded_roles(spec)
    role_arns = management_role_arns(baseline, "0" * 12)
    for name, group in baseline.groups.items():
        switch = switch_policy(name, baseline, paths, roles, *role_arns)
        # An empty switch-roles policy is not deployed (stacks/management_baseline_stack.py).
        switch_size = len(iam_documents.minified(switch)) if switch["Statement"] else 0
        size = sum(len(document.minified) for document in group.inline_policies) + switch_size
        if size > quotas.GROUP_INLINE_POLICIES_MAX:
            denied = f" and {len(roles)} managed roles" if assumes_on_its_own(group) else ""
            yield Problem(
                ("management_baseline", "groups", name),
                f"up to {size} characters of inline policies (its files, and the switch-roles policy for"
                f" {len(group.grants)} grants{denied}); IAM allows {quotas.GROUP_INLINE_POLICIES_MAX}"
                " per group: move files into managed policies, or grant whole parent OUs",
            )


def users_keep_every_grant(spec: OrgSpec) -> Iterator[Problem]:
    """A group that could assume roles on its own is denied the managed roles outside its grants
    (analysis/grants.py), and that deny holds for its members whatever their other groups grant:
    a user in two groups must not lose a grant to the other group's deny, or the access matrix
    would promise what IAM refuses."""
    groups = spec.management_baseline.groups
    denied = {name for name, group in groups.items() if assumes_on_its_own(group)}  # once, not once per member
    for user_name, user in spec.management_baseline.users.items():
        for fenced in (name for name in user.groups if name in denied):
            fence = groups[fenced].grants
            for other in (name for name in user.groups if name != fenced):
                for grant in groups[other].grants:
                    within = [g_ou for g in fence if g.role == grant.role for g_ou in g.ous]
                    lost = [ou for ou in grant.ous if not any(covers(allowed, ou) for allowed in within)]
                    if lost:
                        beyond = f" beyond {', '.join(within)}" if within else ""
                        yield Problem(
                            ("management_baseline", "users", user_name, "groups"),
                            f"{user_name} would not get {grant.role} in {', '.join(lost)}{beyond}, which {other} grants: the policies of"
                            f" {fenced} allow sts:AssumeRole, so orgboot denies {fenced} every managed role outside its grants,"
                            f" and that deny holds for {user_name} too; grant {grant.role} in {', '.join(lost)} to {fenced}"
                            f" as well, or keep {user_name} in only one of {fenced} and {other}",
                        )


def access_role_only_by_break_glass(spec: OrgSpec) -> Iterator[Problem]:
    """The access role is reached by break-glass grants only, and break-glass grants reach nothing
    else: some guardrails exempt the access role (docs/guardrails.md), so a grant of it must read
    as break-glass where reviewers look, never as a daily way in."""
    access = set(access_roles(spec))
    for name, group in spec.management_baseline.groups.items():
        for index, grant in enumerate(group.may_assume):
            if grant.role in access:
                yield Problem(
                    ("management_baseline", "groups", name, "may_assume", index, "role"),
                    f"{grant.role} is the access role, which guardrails exempt for break-glass; grant it under"
                    " break_glass (the same role and ous), not as an everyday grant, or grant a role of member_roles.catalogue",
                )
        for index, grant in enumerate(group.break_glass):
            if grant.role not in access:
                yield Problem(
                    ("management_baseline", "groups", name, "break_glass", index, "role"),
                    f"{grant.role} is not an access role: break_glass grants only {', '.join(sorted(access))};"
                    " grant a role of member_roles.catalogue under may_assume",
                )
