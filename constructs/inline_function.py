"""A Lambda function whose Python code sits inline in the template (ZipFile, where Lambda provides
`cfnresponse`), and the custom resources it serves: for work CloudFormation and CDK's
AwsCustomResource cannot do in one API call (waiting, walking the OU tree)."""

import re
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
        code=lambda_.Code.from_inline(inline_code(source)),
        timeout=TIMEOUT,
    )
    actions = sorted({action for service, call in sdk_calls for action in required_actions(service, call)})
    function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
    acknowledge(function, "IAM5[Resource::*]", NO_RESOURCE_ARN)
    acknowledge(function, aws_managed_policy_finding("service-role/AWSLambdaBasicExecutionRole"), LAMBDA_LOGS_ONLY)
    return function


# An import of a helper module that sits beside the functions (constructs/functions/retries.py).
_HELPER_IMPORT = re.compile(r"^from constructs\.functions\.(\w+) import (?:\([^)]*\)|.+)$", re.MULTILINE)


def inline_code(source: Path) -> str:
    """The code of `source` as the one file Lambda makes of inline code (index.py): each helper it
    imports from constructs/functions/ pasted in place of its import. The sources stay ordinary
    modules, which ruff and mypy check and tests import."""

    def paste(match: re.Match[str]) -> str:
        helper = source.with_name(f"{match[1]}.py")
        if _HELPER_IMPORT.search(helper.read_text()):
            raise ValueError(f"{helper} imports another helper; inline_code pastes helpers one level deep only")
        return helper.read_text().rstrip("\n")

    return _HELPER_IMPORT.sub(paste, source.read_text())


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
