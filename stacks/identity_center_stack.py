"""IdentityCenterStack: IAM Identity Center's permission sets (identity_center.permission_sets), in
the management account, in the region of the organization instance (identity_center.region).

The instance is found, not typed in: a lookup reads it while the stack deploys
(constructs/identity_center_lookup.py) and fails, saying what to do, when Identity Center is not
enabled there. Each permission set is an AWS::SSO::PermissionSet (CloudFormation Template
Reference) whose logical ID is pinned from its name (orgboot/spec/logical_ids.py): Name and
InstanceArn are create-only (its registry schema), so the set must never be replaced. The
assignment stacks, deployed after this one, read each set's ARN from this stack's outputs (CDK's
cross-stack references, weak: Fn::GetStackOutput), one output per set assigned anywhere.

This stack deploys before the assignments, so it deletes a permission set gone from org.yaml while
the assignments made from it still exist, which IAM Identity Center refuses (DeletePermissionSet
while the set is provisioned: ConflictException; the aws-iam-identity-center-extensions
maintainers: "AWS SSO admin API does not allow deleting a permission set that already has account
assignments"). Such a set goes in two deploys: its assignments first, then the set.
"""

from collections.abc import Mapping
from typing import Any

from aws_cdk import Environment, RemovalPolicy, Stack
from aws_cdk import aws_sso as sso

from orgboot.aws import managed_policies
from orgboot.spec import OrgSpec, layout, logical_ids
from orgboot.spec.adoption import Adoption
from orgboot.spec.identity_center import CustomerManagedPolicyRef, IdentityCenter, Pair, PermissionSet
from stacks.identity_center_assignments_stack import AdoptedAssignmentsStack, IdentityCenterAssignmentsStack

from constructs import Construct
from constructs.identity_center_lookup import IdentityCenterLookup


def _reference(policy: CustomerManagedPolicyRef) -> sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty:
    return sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty(name=policy.name, path=policy.path)


def permission_set_properties(name: str, permission_set: PermissionSet) -> dict[str, Any]:
    """The properties of the permission set `name` but InstanceArn, as AWS::SSO::PermissionSet takes
    them: AWS managed policies by ARN (ManagedPolicies), customer managed ones by name and path
    (CustomerManagedPolicyReferences: IAM Identity Center attaches the policy of that name in each
    account it provisions the set to), the inline policy as a document, the boundary as one or the
    other, the session duration in ISO-8601 (PT1H..PT12H), the relay state (RelayStateType)."""
    boundary = permission_set.permissions_boundary
    return {
        "name": name,
        "description": permission_set.description,
        "session_duration": permission_set.session_duration,
        "relay_state_type": permission_set.relay_state,
        "managed_policies": [managed_policies.arn(p) for p in permission_set.managed_policies] or None,
        "customer_managed_policy_references": [_reference(p) for p in permission_set.customer_managed_policies] or None,
        "inline_policy": permission_set.inline_policy.content if permission_set.inline_policy else None,
        "permissions_boundary": None
        if boundary is None
        else sso.CfnPermissionSet.PermissionsBoundaryProperty(
            managed_policy_arn=managed_policies.arn(boundary.managed_policy) if boundary.managed_policy else None,
            customer_managed_policy_reference=_reference(boundary.customer_managed_policy) if boundary.customer_managed_policy else None,
        ),
    }


class IdentityCenterStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        identity_center: IdentityCenter,
        adopted: Mapping[str, Mapping[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`adopted`: this stack's resource mapping, for the adopt assembly (adopt_identity_center_stacks)."""
        super().__init__(scope, id, description="orgboot: IAM Identity Center permission sets", **kwargs)
        self._arns: dict[str, str] = {}
        if adopted is None:
            self.lookup: IdentityCenterLookup | None = IdentityCenterLookup(self, "Lookup")
            instance_arn = self.lookup.instance_arn
        else:
            self.lookup, instance_arn = None, ""
        for name, permission_set in sorted(identity_center.permission_sets.items()):
            logical_id = logical_ids.permission_set(name)
            if adopted is not None:
                if logical_id not in adopted:
                    continue  # created by the deploy that follows the import
                instance_arn = adopted[logical_id]["InstanceArn"]
            resource = sso.CfnPermissionSet(self, logical_id, instance_arn=instance_arn, **permission_set_properties(name, permission_set))
            resource.override_logical_id(logical_id)
            if adopted is not None:
                resource.apply_removal_policy(RemovalPolicy.RETAIN)  # an IMPORT needs a DeletionPolicy; the deploy then sets none
            self._arns[name] = resource.attr_permission_set_arn

    @property
    def permission_set_arns(self) -> Mapping[str, str]:
        """Each permission set's ARN by name, for the assignment stacks to refer to."""
        return dict(self._arns)


def identity_center_stacks(scope: Construct, spec: OrgSpec) -> list[Stack]:
    """IdentityCenterStack and the assignment stacks after it, in the instance's region (none
    without identity_center)."""
    center = spec.identity_center
    if center is None:
        return []
    env = Environment(region=center.region)
    permission_sets = IdentityCenterStack(scope, layout.IDENTITY_CENTER_STACK, identity_center=center, env=env)
    by_stack: dict[str, dict[str, tuple[Pair, ...]]] = {name: {} for name in layout.assignment_stack_names(center.assignment_stacks)}
    for key, pairs in spec.identity_center_assignments().items():
        by_stack[layout.assignment_stack(key, center.assignment_stacks)][key] = pairs
    emails = {key: account.email for key, account in spec.accounts.items()}
    account_ids = {key: account.account_id for key, account in spec.accounts.items() if account.account_id}
    assignments = [
        IdentityCenterAssignmentsStack(
            scope,
            name,
            assignments=found,
            emails=emails,
            account_ids=account_ids,
            permission_set_arns=permission_sets.permission_set_arns,
            env=env,
        )
        for name, found in by_stack.items()
    ]
    return [permission_sets, *assignments]


def adopt_identity_center_stacks(scope: Construct, spec: OrgSpec, adopt: Adoption) -> list[Stack]:
    """The adopt assembly's Identity Center stacks: IdentityCenterStack and each assignment stack
    that has a mapping, holding only the resources it maps, each with the values AWS holds as
    literals. `cdk import` cannot take the lookups (a custom resource has no read handler: not
    importable) nor refer to them (the importer leaves out what it does not import), and an IMPORT
    change set may add no Outputs, so no cross-stack reference either. The deploy that follows adds
    the lookups and references; they give the same instance, ARNs and IDs (Adoption.check makes
    sure the mappings agree with org.yaml), so CloudFormation finds nothing to change: every
    property of an assignment, and a set's InstanceArn and Name, are create-only, and a value
    changed there would replace the resource."""
    center = spec.identity_center
    if center is None:
        return []
    env = Environment(region=center.region)
    built: list[Stack] = []
    if sets := adopt.mappings.get(layout.IDENTITY_CENTER_STACK):
        built.append(IdentityCenterStack(scope, layout.IDENTITY_CENTER_STACK, identity_center=center, adopted=sets, env=env))
    for name in layout.assignment_stack_names(center.assignment_stacks):
        if assignments := adopt.mappings.get(name):
            built.append(AdoptedAssignmentsStack(scope, name, assignments=assignments, env=env))
    return built
