"""cdk-nag's AwsSolutions findings orgboot accepts, each with its reason, written beside the code
that causes it. The checks run on every synth (stacks.build): a new finding fails synth until it is
fixed or acknowledged here, next to its code."""

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk

from constructs import IConstruct

PACK = "AwsSolutions"


def acknowledge(construct: IConstruct, finding: str, reason: str) -> None:
    """Accept `finding` ("IAM5[Resource::*]", or a rule, "IAM4") on `construct` and what it holds."""
    cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=f"{PACK}::{PACK}-{finding}", reason=reason))


# The log-writing policy AWS manages for Lambda functions, which CDK attaches to the functions it
# creates (the AwsCustomResource provider, orgboot's inline functions): CloudWatch Logs only.
LAMBDA_LOGS_ONLY = "AWSLambdaBasicExecutionRole grants CloudWatch Logs writes only, for the function's own log group"
# The calls orgboot makes act on account- or organization-wide settings: most take no resource ARN
# (UpdateAccountPasswordPolicy, CreateAccountAlias, EnableAWSServiceAccess, ActivateOrganizationsAccess,
# ListRoots); the rest (EnablePolicyType on the root, listing an OU's children) name IDs that do not
# exist before the organization does (Service Authorization Reference).
NO_RESOURCE_ARN = "account- and organization-wide calls: no resource ARN, or one that does not exist before the organization"


def wildcard_findings(document: Mapping[str, Any]) -> list[str]:
    """The AwsSolutions-IAM5 findings cdk-nag reports for a policy document written as plain JSON:
    each wildcard action or resource of an Allow statement, variables written <like:this>
    (cdk-nag 3.0.2, rules/iam/IAMNoWildcardPermissions.js and utils/flatten-cfn-reference.js)."""
    findings: dict[str, None] = {}
    statements = document.get("Statement", [])
    for statement in [statements] if isinstance(statements, Mapping) else statements:
        if statement.get("Effect") != "Allow":
            continue
        for kind, key in (("Action", "Action"), ("Resource", "Resource")):
            values = statement.get(key, [])
            for value in [values] if isinstance(values, str) else values:
                if "*" in value:
                    findings.setdefault(f"IAM5[{kind}::{value.replace('${', '<').replace('}', '>')}]")
    return list(findings)


def aws_managed_policy_finding(policy: str) -> str:
    """The AwsSolutions-IAM4 finding of an AWS managed policy attached by name (the CDK writes its
    ARN with the partition) or by its ARN (as given)."""
    return f"IAM4[Policy::{policy}]" if policy.startswith("arn:") else f"IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{policy}]"
