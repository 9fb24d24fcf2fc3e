"""MemberRolesStack: one service-managed StackSet per role of the catalogue, from the management
account. One StackSet per role (not one for all) so a role's targets can change without moving it
between StackSets, which would delete and recreate the role, and so each role rolls out, fails and
is removed on its own."""

from collections.abc import Mapping
from typing import Any

from aws_cdk import Aws, CfnParameter, Stack

from orgboot.aws.stacksets import role_stack_set_name
from orgboot.spec import MemberRoles, logical_ids
from stacks.member_role_templates import EXTERNAL_ID_PARAMETER, MANAGEMENT_ACCOUNT_PARAMETER, role_templates

from constructs import Construct
from constructs.role_stack_set import RoleStackSet, stack_sets_trusted_access


def external_id_parameter(role_name: str) -> str:
    return f"{role_name}ExternalId"


class MemberRolesStack(Stack):
    def __init__(self, scope: Construct, id: str, *, member_roles: MemberRoles, ou_ids: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(scope, id, description="orgboot: roles in member accounts, rolled out by StackSets", **kwargs)
        trusted_access = stack_sets_trusted_access(self, "StackSetsTrustedAccess", logical_id=logical_ids.STACKSETS_TRUSTED_ACCESS)
        rollout = member_roles.rollout
        templates = role_templates(member_roles.catalogue)
        for name, role in member_roles.catalogue.items():
            if role.trust.third_party_account:
                external_id = CfnParameter(
                    self,
                    external_id_parameter(name),
                    no_echo=True,
                    min_length=2,
                    description=f"External ID the third party presents to assume {name}; never stored in the repository",
                )
                parameters = {EXTERNAL_ID_PARAMETER: external_id.value_as_string}
            else:
                parameters = {MANAGEMENT_ACCOUNT_PARAMETER: Aws.ACCOUNT_ID}
            stack_set = RoleStackSet(
                self,
                f"Role-{name}",
                stack_set_name=role_stack_set_name(name),
                logical_id=logical_ids.role_stack_set(name),
                description=role.description,
                template=templates[name],
                organizational_unit_ids=[ou_ids[target] for target in role.targets],
                regions=[rollout.region],
                parameters=parameters,
                max_concurrent_percentage=rollout.max_concurrent_percentage,
                failure_tolerance_percentage=rollout.failure_tolerance_percentage,
                retain_stacks_on_account_removal=rollout.retain_stacks_on_account_removal,
            )
            stack_set.node.add_dependency(trusted_access)
