"""Groups of the management account: what IAM accepts on one group."""

from collections.abc import Iterator

from orgboot.analysis.grants import group_grants, guarded_roles
from orgboot.aws import quotas
from orgboot.aws.organizations import ROOT
from orgboot.policy import iam as iam_documents
from orgboot.spec import OrgSpec, Problem, parent_of


def group_inline_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    """A group's inline policies together (its files and the switch-roles policy orgboot writes,
    sized with the longest organization paths AWS can give) must fit IAM's 5,120 characters:
    otherwise the deploy fails and the grants cannot be enforced."""
    paths = {ROOT: f"{quotas.LONGEST_ORG_ID}/{quotas.LONGEST_ROOT_ID}/"}
    for ou in spec.ou_paths:
        paths[ou] = f"{paths[parent_of(ou)]}{quotas.LONGEST_OU_ID}/"
    roles = guarded_roles(spec)
    for name, group in spec.management_baseline.groups.items():
        support = spec.management_baseline.support_role
        # The stack adds the support role's statement to the same policy (with its ARN).
        extra = (
            [iam_documents.assume_support_role(f"arn:aws:iam::{'0' * 12}:role/{support.name}")]
            if support and name in support.assumable_by
            else []
        )
        switch = iam_documents.switch_roles(group_grants(group, paths), roles, extra)
        size = sum(len(document.minified) for document in group.inline_policies) + len(iam_documents.minified(switch))
        if size > quotas.GROUP_INLINE_POLICIES_MAX:
            yield Problem(
                ("management_baseline", "groups", name),
                f"up to {size} characters of inline policies (its files, and the switch-roles policy for"
                f" {len(group.may_assume)} grants and {len(roles)} managed roles); IAM allows {quotas.GROUP_INLINE_POLICIES_MAX}"
                " per group: move files into managed policies, or grant whole parent OUs",
            )
