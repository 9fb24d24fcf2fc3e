"""The Organization itself and the policy types enabled on its root."""

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import CustomResource, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_organizations as organizations
from aws_cdk import custom_resources as cr

from orgboot.spec import logical_ids

from constructs import Construct, IDependable
from constructs.inline_function import function_resource, inline_function
from constructs.sdk_call import pin_logical_id, sdk_call_resource

_SETTLE_POLICY_TYPE = Path(__file__).with_name("functions") / "settle_policy_type.py"


class OrganizationRoot(Construct):
    """AWS::Organizations::Organization (feature set ALL), retained if ever removed from the
    template, and the policy types enabled on its root, one after the other.

    CloudFormation has no property to enable a policy type, and enabling or disabling one is
    asynchronous: Organizations refuses a change while another is in progress
    (ConcurrentModificationException), and a policy cannot be attached while its type is
    PENDING_ENABLE. So each type has two resources, chained type after type:
    settler(A) -> enabler(A) -> settler(B) -> enabler(B) -> ... -> the next change to the organization.
    - The settler (Custom::PolicyTypeEnabled, constructs/functions/settle_policy_type.py) enables
      its type, retrying, and completes once the type is ENABLED; deleted, it waits until the type
      no longer changes. It never disables (see its module).
    - The enabler (Custom::AWS, EnablePolicyType) then finds the type enabled; its delete step,
      DisablePolicyType, is what removes a type. Its logical ID, type and ServiceToken are the first
      release's: changing any of them would have CloudFormation delete it, disabling the type and
      detaching its policies everywhere, or refuse the update.
    CloudFormation deletes in the reverse order: enabler(B) disables B, settler(B) waits until B is
    gone, and only then enabler(A) disables A."""

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
        if not enabler_logical_ids:
            return
        settler_function = self._settler_function()
        for policy_type, enabler_logical_id in enabler_logical_ids.items():
            settler = self._settle(settler_function, policy_type)
            settler.node.add_dependency(self.last_write)
            enabler = self._enable(policy_type, enabler_logical_id)
            enabler.node.add_dependency(settler)
            self.last_write = enabler

    def _settler_function(self) -> lambda_.Function:
        function = inline_function(
            self,
            "SettlePolicyType",
            source=_SETTLE_POLICY_TYPE,
            description="orgboot: enables a policy type on the root and completes once it is ENABLED",
            sdk_calls=[("Organizations", "listRoots"), ("Organizations", "enablePolicyType")],
        )
        # The settlers' ServiceToken is this function's ARN, which CloudFormation does not let an
        # update change ("Modifying service token is not allowed"): a stable ID, whatever the path.
        pin_logical_id(function, logical_ids.POLICY_TYPE_SETTLER_FUNCTION)
        return function

    def _settle(self, function: lambda_.Function, policy_type: str) -> CustomResource:
        settler = function_resource(
            self,
            f"Settle{policy_type.title().replace('_', '')}",
            function=function,
            resource_type="Custom::PolicyTypeEnabled",
            properties={"RootId": self.root_id, "PolicyType": policy_type},
        )
        pin_logical_id(settler, logical_ids.policy_type_settler(policy_type))
        return settler

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
