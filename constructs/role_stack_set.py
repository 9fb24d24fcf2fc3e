"""A service-managed StackSet that rolls one template out to whole OUs (or some accounts of them),
and the trusted access in Organizations that such StackSets need."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_cloudformation as cloudformation
from aws_cdk import custom_resources as cr

from orgboot.aws.quotas import STACKSET_TEMPLATE_BODY_MAX

from constructs import Construct
from constructs.sdk_call import sdk_call_resource


class TemplateTooLarge(ValueError):
    pass


def stack_sets_trusted_access(scope: Construct, id: str, *, logical_id: str) -> cr.AwsCustomResource:
    """Service-managed StackSets need CloudFormation's trusted access in Organizations
    (ActivateOrganizationsAccess); activating it again changes nothing."""
    return sdk_call_resource(
        scope,
        id,
        logical_id=logical_id,
        on_create=cr.AwsSdkCall(
            service="CloudFormation",
            action="activateOrganizationsAccess",
            physical_resource_id=cr.PhysicalResourceId.of("stacksets-trusted-access"),
        ),
    )


class RoleStackSet(Construct):
    """Deploys `template` to every account under `organizational_unit_ids` (nested OUs included,
    never the management account), in each of `regions`, and to accounts that join them later
    (auto-deployment); with `accounts`, only to those of them (AccountFilterType INTERSECTION)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_set_name: str,
        logical_id: str,
        template: Mapping[str, Any],
        organizational_unit_ids: Sequence[str],
        regions: Sequence[str],
        accounts: Sequence[str] = (),
        parameters: Mapping[str, str] = {},
        max_concurrent_percentage: int,
        failure_tolerance_percentage: int,
        retain_stacks_on_account_removal: bool,
        description: str,
    ) -> None:
        super().__init__(scope, id)
        body = json.dumps(template, separators=(",", ":"))
        if len(body.encode()) > STACKSET_TEMPLATE_BODY_MAX:
            raise TemplateTooLarge(
                f"the template of StackSet {stack_set_name} is {len(body.encode())} bytes; a StackSet's TemplateBody"
                f" takes at most {STACKSET_TEMPLATE_BODY_MAX}"
            )
        self.stack_set = cloudformation.CfnStackSet(
            self,
            "Resource",
            stack_set_name=stack_set_name,
            description=description or None,
            permission_model="SERVICE_MANAGED",
            call_as="SELF",
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(
                enabled=True, retain_stacks_on_account_removal=retain_stacks_on_account_removal
            ),
            capabilities=["CAPABILITY_NAMED_IAM"],
            managed_execution={"Active": True},  # queue operations instead of failing on concurrency
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                max_concurrent_percentage=max_concurrent_percentage,
                failure_tolerance_percentage=failure_tolerance_percentage,
                region_concurrency_type="PARALLEL",
            ),
            parameters=[cloudformation.CfnStackSet.ParameterProperty(parameter_key=k, parameter_value=v) for k, v in parameters.items()]
            or None,
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(organizational_unit_ids),
                        accounts=list(accounts) or None,
                        account_filter_type="INTERSECTION" if accounts else None,
                    ),
                    regions=list(regions),
                )
            ],
            template_body=body,
        )
        self.stack_set.override_logical_id(logical_id)
