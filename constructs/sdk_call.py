"""An AWS API call as a CloudFormation resource, for settings CloudFormation has no resource for."""

from aws_cdk import CfnResource, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr

from orgboot.aws.sdk_permissions import required_actions

from constructs import Construct, IConstruct
from constructs.acknowledgements import LAMBDA_LOGS_ONLY, NO_RESOURCE_ARN, acknowledge, aws_managed_policy_finding

# The ID of the one provider function CDK shares between every AwsCustomResource of a stack.
_PROVIDER_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")


def sdk_call_resource(
    scope: Construct,
    id: str,
    *,
    logical_id: str,
    on_create: cr.AwsSdkCall,
    on_update: cr.AwsSdkCall | None = None,
    on_delete: cr.AwsSdkCall | None = None,
) -> cr.AwsCustomResource:
    """CDK's AwsCustomResource, the same way everywhere: the SDK that ships with the Lambda
    runtime (no download from npm while a deploy runs), the permissions each call needs, and a
    logical ID given by the caller. The permissions are orgboot's (orgboot/aws/sdk_permissions.py),
    not CDK's `from_sdk_calls`, which grants only the action named like the call: some calls act
    through other services and need more (ActivateOrganizationsAccess). The ID is pinned because these resources act on the whole
    account or organization: were the ID to follow the construct path, a refactor would create a
    new resource and delete the old one, running its on_delete (disabling a policy type, deleting
    the password policy)."""
    calls = [c for c in (on_create, on_update, on_delete) if c is not None]
    actions = {action for c in calls for action in required_actions(c.service, c.action)}
    resource = cr.AwsCustomResource(
        scope,
        id,
        install_latest_aws_sdk=False,
        on_create=on_create,
        on_update=on_update,
        on_delete=on_delete,
        policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(actions=sorted(actions), resources=["*"])]),
    )
    pin_logical_id(resource.node.find_child("Resource"), logical_id)
    provider = Stack.of(scope).node.find_child(_PROVIDER_ID)
    wait_for_log_group(resource, provider)
    acknowledge(resource, "IAM5[Resource::*]", NO_RESOURCE_ARN)
    acknowledge(provider, aws_managed_policy_finding("service-role/AWSLambdaBasicExecutionRole"), LAMBDA_LOGS_ONLY)
    return resource


def wait_for_log_group(invoker: IConstruct, function: IConstruct) -> None:
    """A function creates /aws/lambda/<name> itself when it first runs; the LogGroup resource CDK
    declares for it (feature flag @aws-cdk/aws-lambda:useCdkManagedLogGroup), were it created
    later, would fail (ResourceAlreadyExistsException). So whatever invokes the function during the
    deploy waits for that log group."""
    log_group = function.node.try_find_child("LogGroup")
    if log_group is not None:
        invoker.node.add_dependency(log_group)


def pin_logical_id(construct: IConstruct, logical_id: str) -> None:
    """Give the CloudFormation resource behind an L2 construct (or the L1 itself) a fixed ID."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to pin")
    resource.override_logical_id(logical_id)
