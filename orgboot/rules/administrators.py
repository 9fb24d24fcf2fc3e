"""Administrators of the management account: through an MFA-protected role, never by a group's own
policy (CIS AWS Foundations Benchmark 5.0, 1.15, "Ensure IAM policies that allow full "*:*"
administrative privileges are not attached": a policy with a statement that has "Effect": "Allow"
and "Action": "*" over "Resource": "*", attached to a user, group or role, is a finding; the audit as
Tenable reproduces it: https://www.tenable.com/audits/items/CIS_Amazon_Web_Services_Foundations_v5.0.0_L1.audit:5808380b710e4ba3b666da95cee68349).

- A warning: a group whose managed policy (AdministratorAccess) or inline policy file allows every
  action on every resource. The remedy is management_baseline.admin_role, which the group's
  members assume with MFA. Users hold no policies of their own in orgboot (only groups), so a
  group is where such a policy can be. A customer managed policy given by ARN cannot be read
  offline: nothing is said of it. Conditions are not weighed, as CIS's audit does not weigh them.
- An error: the administrator role and the support role need two names (one account's IAM roles).
"""

from collections.abc import Iterator

from orgboot.analysis.grants import allowing_everything
from orgboot.aws import managed_policies
from orgboot.spec import OrgSpec, Problem

CIS_CONTROL = "CIS AWS Foundations 5.0, 1.15"


def groups_hold_no_full_admin(spec: OrgSpec) -> Iterator[Problem]:
    baseline = spec.management_baseline
    admin = baseline.admin_role
    for name, group in baseline.groups.items():
        if admin and name in admin.assumable_by:
            remedy = f"{name} may already assume admin_role {admin.name}: take the policy off the group"
        else:
            remedy = (
                f"give {name} the administrator role instead (management_baseline.admin_role, assumable_by: [{name}]),"
                " which its members assume with MFA, and take the policy off the group"
            )
        for index, policy in enumerate(group.managed_policies):
            document = managed_policies.document(policy)
            if document is not None and allowing_everything(document, policy):
                yield Problem(
                    ("management_baseline", "groups", name, "managed_policies", index),
                    f"{policy} allows every action on every resource, and {CIS_CONTROL} asks that no such policy be attached"
                    f" to a group or user; {remedy}",
                )
        for index, file in enumerate(group.inline_policies):
            for statement in allowing_everything(file.content, file.name):
                line = file.line_of(("Statement", statement.index))
                yield Problem(
                    ("management_baseline", "groups", name, "inline_policies", index),
                    f"{file.path} (line {line}, Statement.{statement.index}) allows every action on every resource, and"
                    f" {CIS_CONTROL} asks that no such policy be attached to a group or user; {remedy}",
                )


def management_roles_named_apart(spec: OrgSpec) -> Iterator[Problem]:
    baseline = spec.management_baseline
    if baseline.admin_role and baseline.support_role and baseline.admin_role.name == baseline.support_role.name:
        yield Problem(
            ("management_baseline", "admin_role", "name"),
            f"support_role is named {baseline.support_role.name} too, and one account's IAM roles need two names: rename one",
        )
