"""Member roles and the grants that point at them."""

from collections.abc import Iterator

from orgboot.aws import quotas
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers


def grants_within_role_targets(spec: OrgSpec) -> Iterator[Problem]:
    """A grant may only reach OUs its role is deployed to (that the role exists at all is a
    reference, checked on the field)."""
    catalogue = spec.member_roles.catalogue
    for group_name, group in spec.management_baseline.groups.items():
        for index, grant in enumerate(group.may_assume):
            if grant.role not in catalogue:
                continue  # AWS's access role, in every account it created (the field refuses other names)
            targets = catalogue[grant.role].targets
            missing = [ou for ou in grant.ous if not any(covers(t, ou) for t in targets)]
            if missing:
                yield Problem(
                    ("management_baseline", "groups", group_name, "may_assume", index, "role"),
                    f"{group_name} may assume {grant.role} in {', '.join(missing)}, but {grant.role} is deployed only to"
                    f" {', '.join(targets)}; narrow the grant or widen the role's targets",
                )


def role_managed_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    for name, role in spec.member_roles.catalogue.items():
        if len(role.managed_policies) > quotas.ROLE_MANAGED_POLICIES_MAX:
            yield Problem(
                ("member_roles", "catalogue", name, "managed_policies"),
                f"{len(role.managed_policies)} managed policies; IAM attaches at most {quotas.ROLE_MANAGED_POLICIES_MAX} to a role"
                " by default, in every account the role lands in: combine some into an inline policy file",
            )


def role_inline_policies_fit(spec: OrgSpec) -> Iterator[Problem]:
    for name, role in spec.member_roles.catalogue.items():
        size = sum(len(document.minified) for document in role.inline_policies)
        if size > quotas.ROLE_INLINE_POLICIES_MAX:
            yield Problem(
                ("member_roles", "catalogue", name, "inline_policies"),
                f"{size} characters of inline policies minified; IAM allows {quotas.ROLE_INLINE_POLICIES_MAX}"
                " per role: move some into managed policies",
            )
