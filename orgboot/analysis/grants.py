"""Which roles a group may switch into, where: the grants of org.yaml in the terms of the policy
the group gets (role name -> organization paths), for the stack and the offline analysis alike.

Everyday grants (`may_assume`) and break-glass grants (`break_glass`, the access role) become
statements of one policy, told apart by their Sids (Assume<Role>, BreakGlass<Role>: policy/iam.py),
so a grant stays visibly break-glass in IAM and in the state read back from it."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from orgboot.aws import managed_policies
from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.aws.regions import PARTITION
from orgboot.policy import iam as iam_documents
from orgboot.policy.matching import any_action_matches
from orgboot.policy.statements import PolicyRef, Statement, parse
from orgboot.spec import Group, ManagementBaseline, OrgSpec, parent_of
from orgboot.spec.baseline import AssumeGrant


def org_paths(root_path: str, ou_ids: Mapping[str, str], ou_paths: Iterable[str]) -> dict[str, str]:
    """The organization path ("o-id/r-id/ou-id/.../") of the root and of each OU, what
    aws:ResourceOrgPaths matches, from the root's path and the OUs' IDs (`ou_paths` parents first)."""
    paths = {ROOT: root_path}
    for path in ou_paths:
        paths[path] = f"{paths[parent_of(path)]}{ou_ids[path]}/"
    return paths


def switch_policy(
    name: str,
    baseline: ManagementBaseline,
    paths: Mapping[str, str],
    guarded: Sequence[str],
    support_role_arn: str | None,
    admin_role_arn: str | None = None,
) -> dict[str, Any]:
    """The policy that lets group `name` switch into exactly the roles it is granted, and into the
    support role and the administrator role of the management account when it may assume them: for
    the stack, the size check and the offline analysis alike. The `guarded` roles are denied outside
    the grants only to a group that could assume them on its own (see assumes_on_its_own)."""
    group = baseline.groups[name]
    support, admin = baseline.support_role, baseline.admin_role
    extra = [iam_documents.assume_support_role(support_role_arn)] if support and support_role_arn and name in support.assumable_by else []
    extra += [iam_documents.assume_admin_role(admin_role_arn)] if admin and admin_role_arn and name in admin.assumable_by else []
    fence = guarded if assumes_on_its_own(group) else ()
    return iam_documents.switch_roles(group_grants(group, paths), fence, extra, break_glass_grants(group, paths))


def assumes_on_its_own(group: Group) -> bool:
    """Whether the group's own policies (managed and inline files) allow sts:AssumeRole, as
    AdministratorAccess does on "*". Such a group needs the deny outside its grants to stay within
    them. Any other group gets no deny, and it must not: an explicit deny in one group's policy
    decides for every member (IAM User Guide, "Policy evaluation logic"), so it would take away the
    grants that the member's other groups give. Resources and conditions are not weighed (a
    condition may hold), and a customer managed policy, unknown offline, counts as allowing it."""
    documents = [document.content for document in group.inline_policies]
    for name in group.managed_policies:
        managed = managed_policies.document(name)
        if managed is None:
            return True
        documents.append(managed)
    return any(
        statement.effect == "Allow"
        and (
            any_action_matches(statement.actions, "sts:AssumeRole")
            if statement.actions is not None
            else statement.not_actions is not None and not any_action_matches(statement.not_actions, "sts:AssumeRole")
        )
        for document in documents
        for statement in parse(document, PolicyRef("own", "identity")).statements
    )


def allowing_everything(document: Mapping[str, Any], name: str) -> list[Statement]:
    """The statements of a policy document that allow Action "*" on Resource "*", as CIS AWS
    Foundations 5.0, 1.15's audit looks for them (conditions not weighed)."""
    return [
        statement
        for statement in parse(document, PolicyRef(name, "identity")).statements
        if statement.effect == "Allow" and "*" in (statement.actions or ()) and "*" in (statement.resources or ())
    ]


def group_grants(group: Group, org_paths: Mapping[str, str]) -> dict[str, list[str]]:
    """Everyday grants: role name -> the organization paths ("o-id/r-id/ou-id/") of the OUs it is
    granted in."""
    return _paths(group.may_assume, org_paths)


def break_glass_grants(group: Group, org_paths: Mapping[str, str]) -> dict[str, list[str]]:
    """Break-glass grants (the access role), as group_grants gives the everyday ones."""
    return _paths(group.break_glass, org_paths)


def _paths(grants: Iterable[AssumeGrant], org_paths: Mapping[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for grant in grants:
        paths = found.setdefault(grant.role, [])
        paths += [org_paths[ou] for ou in grant.ous if org_paths[ou] not in paths]
    return found


def management_role_arns(baseline: ManagementBaseline, account_id: str) -> tuple[str | None, str | None]:
    """The ARNs of the support role and of the administrator role in the management account
    `account_id` (None for the one the baseline does not declare), as switch_policy takes them."""
    support, admin = baseline.support_role, baseline.admin_role
    return (
        f"arn:{PARTITION}:iam::{account_id}:role/{support.name}" if support else None,
        f"arn:{PARTITION}:iam::{account_id}:role/{admin.name}" if admin else None,
    )


def access_roles(spec: OrgSpec) -> list[str]:
    """The access roles AWS created in the accounts: OrganizationAccountAccessRole, and each
    account's role_name. Only break-glass grants reach them."""
    return sorted({ACCESS_ROLE} | {account.role_name for account in spec.accounts.values() if account.role_name})


def guarded_roles(spec: OrgSpec) -> list[str]:
    """The roles no group may assume beyond its grants: those orgboot deploys, and the access
    roles AWS created in the accounts."""
    return sorted(set(spec.member_roles.catalogue) | set(access_roles(spec)))
