"""An AWS API call as a CloudFormation resource, for settings CloudFormation has no resource for."""

from aws_cdk import CfnResource
from aws_cdk import custom_resources as cr

from constructs import Construct, IConstruct


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
    runtime (no download from npm while a deploy runs), permissions derived from the calls, and a
    logical ID given by the caller. The ID is pinned because these resources act on the whole
    account or organization: were the ID to follow the construct path, a refactor would create a
    new resource and delete the old one, running its on_delete (disabling a policy type, deleting
    the password policy)."""
    resource = cr.AwsCustomResource(
        scope,
        id,
        install_latest_aws_sdk=False,
        on_create=on_create,
        on_update=on_update,
        on_delete=on_delete,
        policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE),
    )
    pin_logical_id(resource.node.find_child("Resource"), logical_id)
    return resource


def pin_logical_id(construct: IConstruct, logical_id: str) -> None:
    """Give the CloudFormation resource behind an L2 construct (or the L1 itself) a fixed ID."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to pin")
    resource.override_logical_id(logical_id)
