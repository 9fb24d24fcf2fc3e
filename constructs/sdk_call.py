"""An AWS API call as a CloudFormation resource, for settings CloudFormation has no resource for."""

from aws_cdk import custom_resources as cr

from constructs import Construct


def sdk_call_resource(
    scope: Construct,
    id: str,
    *,
    on_create: cr.AwsSdkCall,
    on_update: cr.AwsSdkCall | None = None,
    on_delete: cr.AwsSdkCall | None = None,
) -> cr.AwsCustomResource:
    """CDK's AwsCustomResource, the same way everywhere: the SDK that ships with the Lambda
    runtime (no download from npm while a deploy runs) and permissions derived from the calls."""
    return cr.AwsCustomResource(
        scope,
        id,
        install_latest_aws_sdk=False,
        on_create=on_create,
        on_update=on_update,
        on_delete=on_delete,
        policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE),
    )
