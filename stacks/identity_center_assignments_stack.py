"""IdentityCenterAssignments (or IdentityCenterAssignments01..NN with identity_center.assignment_stacks):
one AWS::SSO::Assignment per account, Identity Center group and permission set that
identity_center.assignments reaches (orgboot/spec/identity_center.py expand_assignments).

An assignment gives one group one permission set in one account (PrincipalType GROUP, TargetType
AWS_ACCOUNT: AWS::SSO::Assignment, CloudFormation Template Reference), so assignments grow with the
accounts, and CloudFormation allows 500 resources per stack (CloudFormation quotas): like the
accounts, they spread over stacks by a hash of the account key (orgboot/spec/layout.py
assignment_stack), every assignment of an account in one stack. Every property is create-only (its
registry schema): a changed group, set or account is a new assignment and the old one's deletion,
which the pinned logical ID (orgboot/spec/logical_ids.py assignment) makes of (account, group, set).

What the spec names by name is read by ID while the stack deploys (constructs/identity_center_lookup.py):
the instance, the groups by display name (a missing group fails the deploy, naming it), and the
accounts by email, except those whose account_id the spec gives, which are written as they are; the
management account is the stack's own (AWS::AccountId: the stacks deploy from it).

CloudFormation creates a stack's assignments at once: none waits for another, since the resource
provider itself waits out IAM Identity Center's refusals of concurrent work (ConflictException,
ThrottlingException: in progress again after 180 seconds; aws-cloudformation-resource-providers-sso,
aws-sso-assignment CreateHandler). It also refuses to create an assignment that exists already
(made outside orgboot: "Assignment already exists").
"""

from collections.abc import Mapping
from typing import Any

from aws_cdk import Aws, CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_sso as sso

from orgboot.aws import identity_center as aws
from orgboot.spec import logical_ids
from orgboot.spec.adoption import ASSIGNMENT_IDENTIFIER
from orgboot.spec.identity_center import MANAGEMENT, Pair

from constructs import Construct
from constructs.identity_center_lookup import IdentityCenterLookup


class IdentityCenterAssignmentsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        assignments: Mapping[str, tuple[Pair, ...]],
        emails: Mapping[str, str],
        account_ids: Mapping[str, str],
        permission_set_arns: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        """`assignments`: account key (or `management`) -> its (group, permission set) pairs, for
        the accounts of this stack; `emails`: each account's email by key; `account_ids`: the IDs
        the spec gives (written as they are, never looked up); `permission_set_arns`: by name, from
        IdentityCenterStack."""
        super().__init__(scope, id, description="orgboot: IAM Identity Center assignments (one shard)", **kwargs)
        if not assignments:
            # CloudFormation needs a resource in a stack; the shard keeps its place until it fills.
            CfnResource(self, "Empty", type="AWS::CloudFormation::WaitConditionHandle")
            return
        looked_up = {key: emails[key] for key in assignments if key != MANAGEMENT and key not in account_ids}
        lookup = IdentityCenterLookup(
            self, "Lookup", groups={group for pairs in assignments.values() for group, _ in pairs}, accounts=looked_up
        )

        def target(key: str) -> str:
            if key == MANAGEMENT:
                return Aws.ACCOUNT_ID
            return account_ids[key] if key in account_ids else lookup.account_id(key)

        for key, pairs in sorted(assignments.items()):
            for group, permission_set in pairs:
                logical_id = logical_ids.assignment(key, group, permission_set)
                sso.CfnAssignment(
                    self,
                    logical_id,
                    instance_arn=lookup.instance_arn,
                    permission_set_arn=permission_set_arns[permission_set],
                    principal_id=lookup.group_id(group),
                    principal_type=aws.PRINCIPAL_TYPE_GROUP,
                    target_id=target(key),
                    target_type=aws.TARGET_TYPE,
                ).override_logical_id(logical_id)


class AdoptedAssignmentsStack(Stack):
    """An assignment stack of the adopt assembly (stacks/identity_center_stack.py
    adopt_identity_center_stacks): each assignment its mapping names, under the same logical ID as
    IdentityCenterAssignmentsStack's, with the mapping's values (the live ones) as its properties:
    they are its identifier, all six, and what the lookups give the deploy that follows."""

    def __init__(self, scope: Construct, id: str, *, assignments: Mapping[str, Mapping[str, str]], **kwargs: Any) -> None:
        super().__init__(scope, id, description="orgboot: IAM Identity Center assignments (one shard)", **kwargs)
        for logical_id, identifier in sorted(assignments.items()):
            resource = sso.CfnAssignment(
                self,
                logical_id,
                **{_snake(prop): identifier[prop] for prop in ASSIGNMENT_IDENTIFIER},
            )
            resource.override_logical_id(logical_id)
            resource.apply_removal_policy(RemovalPolicy.RETAIN)  # an IMPORT needs a DeletionPolicy; the deploy then sets none


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
