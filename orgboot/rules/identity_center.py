"""IAM Identity Center (identity_center): what AWS would refuse of a permission set (quotas in
orgboot/aws/identity_center.py, with their sources), what fits in the stacks that deploy them, and
the entries that would do nothing."""

from collections import Counter
from collections.abc import Iterator

from orgboot.aws import identity_center as aws
from orgboot.aws.quotas import STACK_OUTPUTS_MAX, STACK_RESOURCES_MAX
from orgboot.rules.changes import Refused
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.acknowledgements import change_id
from orgboot.spec.identity_center import accounts_reached, expand_assignments
from orgboot.spec.layout import (
    ASSIGNMENTS_PER_STACK_MAX,
    IDENTITY_CENTER_STACK,
    assignment_stack,
    suggested_assignment_stacks,
)

_SETS = ("identity_center", "permission_sets")
# IdentityCenterStack holds a permission set per entry beside its lookup (the function, its role and
# policy, the custom resource): keep the same room for them as the assignment stacks keep.
PERMISSION_SETS_PER_STACK_MAX = ASSIGNMENTS_PER_STACK_MAX


def permission_set_inline_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    """IAM Identity Center counts the inline policy without whitespace: 10,240 characters (its
    quotas page); orgboot sends it minified, so that is what is measured."""
    center = spec.identity_center
    for name, permission_set in (center.permission_sets if center else {}).items():
        document = permission_set.inline_policy
        if document is None:
            continue
        size = len("".join(document.minified.split()))
        if size > aws.INLINE_POLICY_NON_WHITESPACE_MAX:
            yield Problem(
                (*_SETS, name, "inline_policy"),
                f"'{document.path}' is {size} characters without whitespace; IAM Identity Center allows"
                f" {aws.INLINE_POLICY_NON_WHITESPACE_MAX} in a permission set's inline policy: move statements into"
                " customer_managed_policies (or AWS managed ones)",
            )


def permission_set_managed_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    """At most 20 AWS managed and customer managed policies together per permission set (not adjustable)."""
    center = spec.identity_center
    for name, permission_set in (center.permission_sets if center else {}).items():
        count = permission_set.managed_policy_count
        if count > aws.MANAGED_POLICIES_PER_PERMISSION_SET:
            yield Problem(
                (*_SETS, name, "managed_policies" if permission_set.managed_policies else "customer_managed_policies"),
                f"{len(permission_set.managed_policies)} AWS managed and {len(permission_set.customer_managed_policies)} customer"
                f" managed policies; IAM Identity Center attaches at most {aws.MANAGED_POLICIES_PER_PERMISSION_SET} of both together"
                " to a permission set: combine some into the inline policy or a customer managed policy",
            )


def permission_set_managed_policies_within_default_quota(spec: OrgSpec) -> Iterator[Problem]:
    """A warning: more than IAM's default 10 managed policies per role needs that quota raised in
    every account the permission set is assigned in (IAM Identity Center quotas, footnote)."""
    center = spec.identity_center
    for name, permission_set in (center.permission_sets if center else {}).items():
        count = permission_set.managed_policy_count
        if aws.MANAGED_POLICIES_PER_ROLE_DEFAULT < count <= aws.MANAGED_POLICIES_PER_PERMISSION_SET:
            yield Problem(
                (*_SETS, name, "managed_policies" if permission_set.managed_policies else "customer_managed_policies"),
                f"{count} managed policies (AWS and customer managed); IAM attaches {aws.MANAGED_POLICIES_PER_ROLE_DEFAULT} to a role"
                " by default, and the permission set is a role in each account it is assigned in: raise the IAM quota 'Managed"
                " policies per role' in each of them first, or provisioning fails there",
            )


def permission_sets_fit(spec: OrgSpec) -> Iterator[Problem]:
    """Permission sets per instance (2,000, adjustable: a warning would hide the stack limit, which is
    lower), IdentityCenterStack's 500 resources, and its 200 outputs: each permission set assigned
    reaches the assignment stacks as an output (a cross-stack reference)."""
    center = spec.identity_center
    if center is None:
        return
    count = len(center.permission_sets)
    if count > PERMISSION_SETS_PER_STACK_MAX:
        yield Problem(
            _SETS,
            f"{count} permission sets; {IDENTITY_CENTER_STACK} holds them all, CloudFormation allows {STACK_RESOURCES_MAX}"
            f" resources per stack and orgboot keeps {PERMISSION_SETS_PER_STACK_MAX} for room to grow"
            f" (AWS's own quota is {aws.PERMISSION_SETS_PER_INSTANCE} per instance): merge permission sets that grant the same",
        )
    assigned = {assignment.permission_set for assignment in center.assignments}
    if len(assigned) > STACK_OUTPUTS_MAX:
        yield Problem(
            ("identity_center", "assignments"),
            f"{len(assigned)} permission sets are assigned; each reaches the assignment stacks as an output of"
            f" {IDENTITY_CENTER_STACK}, and CloudFormation allows {STACK_OUTPUTS_MAX} outputs per stack: merge permission sets",
        )


def permission_sets_per_account_within_quota(spec: OrgSpec) -> Iterator[Problem]:
    """A warning: an account holds at most 250 provisioned permission sets by default (adjustable)."""
    for key, pairs in expand_assignments(spec).items():
        sets = {permission_set for _group, permission_set in pairs}
        if len(sets) > aws.PERMISSION_SETS_PER_ACCOUNT:
            yield Problem(
                ("identity_center", "assignments"),
                f"account '{key}' would get {len(sets)} permission sets; IAM Identity Center provisions"
                f" {aws.PERMISSION_SETS_PER_ACCOUNT} per account by default: raise the quota first, or assign fewer there",
            )


def permission_sets_assigned(spec: OrgSpec) -> Iterator[Problem]:
    """A warning: a permission set no assignment names is created, and gives nobody anything."""
    center = spec.identity_center
    if center is None:
        return
    assigned = {assignment.permission_set for assignment in center.assignments}
    for name in center.permission_sets:
        if name not in assigned:
            yield Problem(
                (*_SETS, name),
                f"permission set '{name}' is in no assignment: it is created but gives nobody access; assign it to a group"
                " under identity_center.assignments, or remove it",
            )


def assignments_reach_accounts(spec: OrgSpec) -> Iterator[Problem]:
    """A warning: an assignment whose targets hold no account yet does nothing (until one is added)."""
    center = spec.identity_center
    for index, assignment in enumerate(center.assignments if center else ()):
        if not accounts_reached(spec, assignment.targets):
            yield Problem(
                ("identity_center", "assignments", index, "targets"),
                f"{', '.join(assignment.targets)} hold no account: {assignment.group} gets {assignment.permission_set} nowhere"
                " until an account is added there",
            )


def assignment_stacks_fit(spec: OrgSpec) -> Iterator[Problem]:
    """One AWS::SSO::Assignment per (account, group, permission set): each assignment stack keeps
    within CloudFormation's 500 resources, with room for its lookups and for growth."""
    center = spec.identity_center
    if center is None:
        return
    stacks = center.assignment_stacks
    expanded = expand_assignments(spec)
    counts: Counter[str] = Counter()
    for key, pairs in expanded.items():
        counts[assignment_stack(key, stacks)] += len(pairs)
    total = sum(counts.values())
    for stack, count in sorted(counts.items()):
        if count <= ASSIGNMENTS_PER_STACK_MAX:
            continue
        if stacks is None:
            yield Problem(
                ("identity_center", "assignments"),
                f"{stack} would hold {count} assignments (one per account, group and permission set); CloudFormation allows"
                f" {STACK_RESOURCES_MAX} resources per stack and orgboot keeps {ASSIGNMENTS_PER_STACK_MAX} for room to grow:"
                f" spread them over stacks with identity_center.assignment_stacks: {suggested_assignment_stacks(total)}"
                " (set it once: see docs/scale.md)",
            )
        else:
            yield Problem(
                ("identity_center", "assignment_stacks"),
                f"{stack} would hold {count} assignments, more than {ASSIGNMENTS_PER_STACK_MAX}: more assignment stacks are needed"
                f" ({suggested_assignment_stacks(total)} for {total} assignments), and changing assignment_stacks moves"
                " assignments between stacks: a migration (docs/scale.md)",
            )


def assignments_stay_in_their_stacks(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An assignment cannot move between stacks: the new stack's AWS::SSO::Assignment fails while
    the old one still exists ("Assignment already exists", the resource provider's CreateHandler,
    aws-cloudformation-resource-providers-sso), and where the old stack deploys first its delete
    takes the access away until the new stack runs. Changing identity_center.assignment_stacks moves them."""
    before = base.identity_center.assignment_stacks if base.identity_center else None
    after = head.identity_center.assignment_stacks if head.identity_center else None
    if before == after or base.identity_center is None or head.identity_center is None:
        return
    kept = expand_assignments(base).keys() & expand_assignments(head).keys()
    moved = sorted(key for key in kept if assignment_stack(key, before) != assignment_stack(key, after))
    if moved:
        shown = ", ".join(f"{key} ({assignment_stack(key, before)} -> {assignment_stack(key, after)})" for key in moved[:5])
        more = f" and {len(moved) - 5} more" if len(moved) > 5 else ""
        yield Refused(
            ("identity_center", "assignment_stacks"),
            f"changing assignment_stacks from {before or 'none'} to {after or 'none'} moves the assignments of {len(moved)}"
            f" accounts to another stack: {shown}{more}. CloudFormation would create each again in its new stack, which"
            " fails while the old one exists (Assignment already exists), or delete it first, and the groups lose that"
            " access until the new stack deploys. Migrate as docs/scale.md says.",
            change_id=change_id("assignment-stacks-changed", f"{before or 'none'}->{after or 'none'}"),
        )


def permission_sets_outlive_their_assignments(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A permission set goes only after its assignments have gone. IdentityCenterStack deploys
    before the assignment stacks (stacks/__init__.py), so a set removed in the same change as its
    assignments is deleted while it is still assigned and provisioned: DeletePermissionSet answers
    ConflictException on a write that conflicts with earlier ones (IAM Identity Center API
    Reference), and were it to succeed the assignments would name a set that no longer exists
    until their stacks deploy. Two deploys do it in order. No option accepts it."""
    if base.identity_center is None:
        return
    if head.identity_center is None:
        if expand_assignments(base):
            yield Problem(
                ("identity_center",),
                "identity_center is removed while what is deployed assigns permission sets: `cdk deploy --all` deletes no"
                " stack, so IdentityCenterStack and the assignment stacks would stay as they are. First empty assignments and"
                " permission_sets and deploy, then remove the section and delete those stacks (docs/identity-center.md)",
            )
        return
    kept = set(head.identity_center.permission_sets)
    assigned: dict[str, list[str]] = {}
    for account, pairs in expand_assignments(base).items():
        for _, permission_set in pairs:
            if permission_set not in kept:
                assigned.setdefault(permission_set, []).append(account)
    for name, accounts in sorted(assigned.items()):
        shown = ", ".join(sorted(set(accounts))[:3]) + (f" and {len(set(accounts)) - 3} more" if len(set(accounts)) > 3 else "")
        yield Problem(
            _SETS,
            f"permission set '{name}' is removed while what is deployed assigns it ({shown}): IdentityCenterStack deploys"
            " before the assignment stacks and would delete the set while it is still assigned. First remove its"
            " assignments and deploy, then remove the permission set",
        )


def exempt_permission_sets_name_one_set(spec: OrgSpec) -> Iterator[Problem]:
    """A warning: a guardrail exempting permission set `Admin` matches its roles by the pattern
    AWSReservedSSO_Admin_* (AWS picks the suffix), which the roles of a set named `Admin_<more>`
    match too: the exemption reaches further than written."""
    names = set(spec.identity_center.permission_sets) if spec.identity_center else set()
    for key, use in spec.guardrails.items():
        for index, name in enumerate(getattr(use, "exempt_permission_sets", ())):
            if wider := sorted(other for other in names if other.startswith(f"{name}_")):
                yield Problem(
                    ("guardrails", key, "exempt_permission_sets", index),
                    f"exempting {name} exempts {', '.join(wider)} too: their roles (AWSReservedSSO_{wider[0]}_...) match"
                    f" {aws.role_arn_pattern(name)}, as AWS picks the suffix after the name; exempt them knowingly or give the"
                    " permission sets names that do not continue one another with '_'",
                )
