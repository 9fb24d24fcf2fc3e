"""The Organization itself and the policy types enabled on its root."""

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import CustomResource, RemovalPolicy
from aws_cdk import aws_organizations as organizations
from aws_cdk import custom_resources as cr

from constructs import Construct, IDependable
from constructs.inline_function import function_resource, inline_function
from constructs.sdk_call import sdk_call_resource

_WAIT_FOR_POLICY_TYPES = Path(__file__).with_name("functions") / "wait_for_policy_types.py"


class OrganizationRoot(Construct):
    """AWS::Organizations::Organization (feature set ALL), retained if ever removed from the
    template, plus one custom resource per enabled policy type (CloudFormation has no property to
    enable a policy type on the root) and one that waits until they are all ENABLED: enabling is
    asynchronous, and a policy cannot be attached while its type is PENDING_ENABLE."""

    def __init__(self, scope: Construct, id: str, *, logical_id: str, enabler_logical_ids: Mapping[str, str]) -> None:
        """`enabler_logical_ids`: policy type to enable -> the logical ID of its enabler, in order."""
        super().__init__(scope, id)
        self.organization = organizations.CfnOrganization(self, "Resource", feature_set="ALL")
        self.organization.apply_removal_policy(RemovalPolicy.RETAIN)
        self.organization.override_logical_id(logical_id)
        self.root_id: str = self.organization.attr_root_id
        self.organization_id: str = self.organization.attr_id
        # The last change to the organization so far: each next one waits for it.
        self.last_write: IDependable = self.organization
        for policy_type, enabler_logical_id in enabler_logical_ids.items():
            enabler = self._enable(policy_type, enabler_logical_id)
            enabler.node.add_dependency(self.last_write)
            self.last_write = enabler
        if enabler_logical_ids:
            waiter = self._wait_until_enabled(sorted(enabler_logical_ids))
            waiter.node.add_dependency(self.last_write)
            self.last_write = waiter

    def _enable(self, policy_type: str, logical_id: str) -> cr.AwsCustomResource:
        parameters = {"RootId": self.root_id, "PolicyType": policy_type}
        physical_id = cr.PhysicalResourceId.of(f"{policy_type}-enabled")
        return sdk_call_resource(
            self,
            f"Enable{policy_type.title().replace('_', '')}",
            logical_id=logical_id,
            on_create=cr.AwsSdkCall(
                service="Organizations",
                action="enablePolicyType",
                parameters=parameters,
                physical_resource_id=physical_id,
                ignore_error_codes_matching="PolicyTypeAlreadyEnabledException",
            ),
            # Disabling detaches every policy of the type; validation guarantees none is declared
            # once the type is removed from org.yaml, so this only removes an unused type.
            on_delete=cr.AwsSdkCall(
                service="Organizations",
                action="disablePolicyType",
                parameters=parameters,
                ignore_error_codes_matching="PolicyTypeNotEnabledException|RootNotFoundException",
            ),
        )

    def _wait_until_enabled(self, policy_types: list[str]) -> CustomResource:
        function = inline_function(
            self,
            "WaitForPolicyTypes",
            source=_WAIT_FOR_POLICY_TYPES,
            description="orgboot: completes once the organization's policy types are ENABLED",
            sdk_calls=[("Organizations", "listRoots")],
        )
        properties = {"RootId": self.root_id, "PolicyTypes": policy_types}
        return function_resource(
            self, "PolicyTypesEnabled", function=function, resource_type="Custom::PolicyTypesEnabled", properties=properties
        )
