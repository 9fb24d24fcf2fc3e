"""A Lambda function whose Python code sits inline in the template (ZipFile, where Lambda provides
`cfnresponse`), and the custom resources it serves: for work CloudFormation and CDK's
AwsCustomResource cannot do in one API call (waiting, walking the OU tree)."""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aws_cdk import CustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from orgboot.aws.sdk_permissions import required_actions

from constructs import Construct
from constructs.acknowledgements import LAMBDA_LOGS_ONLY, NO_RESOURCE_ARN, acknowledge, aws_managed_policy_finding
from constructs.sdk_call import wait_for_log_group

TIMEOUT = Duration.minutes(5)


def inline_function(scope: Construct, id: str, *, source: Path, description: str, sdk_calls: Iterable[tuple[str, str]]) -> lambda_.Function:
    """The code of `source` (constructs/functions/), allowed exactly the actions its SDK calls need
    (orgboot/aws/sdk_permissions.py)."""
    function = lambda_.Function(
        scope,
        id,
        description=description,
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline(source.read_text()),
        timeout=TIMEOUT,
    )
    actions = sorted({action for service, call in sdk_calls for action in required_actions(service, call)})
    function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
    acknowledge(function, "IAM5[Resource::*]", NO_RESOURCE_ARN)
    acknowledge(function, aws_managed_policy_finding("service-role/AWSLambdaBasicExecutionRole"), LAMBDA_LOGS_ONLY)
    return function


def function_resource(
    scope: Construct, id: str, *, function: lambda_.Function, resource_type: str, properties: Mapping[str, Any]
) -> CustomResource:
    resource = CustomResource(
        scope,
        id,
        resource_type=resource_type,
        service_token=function.function_arn,
        properties=dict(properties),
        # The function answers before its own timeout; should it not, fail soon after.
        service_timeout=TIMEOUT.plus(Duration.minutes(1)),
    )
    wait_for_log_group(resource, function)
    return resource
