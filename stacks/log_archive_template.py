"""The CloudFormation template the log archive StackSet deploys into the log archive account, in the
region the spec chooses: the organization trail's key, log bucket and access-log bucket. Synthesized
by CDK in an app of its own (as stacks/member_role_templates.py does), without the bootstrap-version
rule and without assets: a StackSet template must stand alone. Its constructs are those of the log
store in the management account, which cdk-nag checks in the main app; tests/templates/
test_organization_trail.py runs cdk-nag and cfn-lint on this template too."""

import tempfile
from typing import Any

import aws_cdk as cdk

from orgboot.aws.regions import HOME_REGION
from orgboot.aws.trail_logs import KEY_ALIAS, access_logs_bucket_name, log_bucket_name, trail_arn
from orgboot.spec import logical_ids

from constructs.trail_log_store import LogStoreLogicalIds, Names, Retention, TrailLogStore

MANAGEMENT_ACCOUNT_PARAMETER = "ManagementAccountId"
ORGANIZATION_ID_PARAMETER = "OrganizationId"
_STACK = "OrganizationTrailLogs"

LOG_STORE_LOGICAL_IDS = LogStoreLogicalIds(
    key=logical_ids.TRAIL_KEY,
    bucket=logical_ids.TRAIL_BUCKET,
    bucket_policy=logical_ids.TRAIL_BUCKET_POLICY,
    access_logs_bucket=logical_ids.TRAIL_ACCESS_LOGS_BUCKET,
    access_logs_bucket_policy=logical_ids.TRAIL_ACCESS_LOGS_BUCKET_POLICY,
    key_alias=logical_ids.TRAIL_KEY_ALIAS,
)


def log_archive_stack(app: cdk.App, trail_name: str, retention: Retention) -> cdk.Stack:
    """The stack of the template, in `app`; the management account's ID and the organization's ID
    are its parameters. The trail lives in the management account's home region
    (ManagementBaselineStack's)."""
    stack = cdk.Stack(app, _STACK, synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
    management = cdk.CfnParameter(stack, MANAGEMENT_ACCOUNT_PARAMETER, allowed_pattern=r"\d{12}").value_as_string
    organization = cdk.CfnParameter(stack, ORGANIZATION_ID_PARAMETER, allowed_pattern=r"o-[a-z0-9]{10,32}").value_as_string
    TrailLogStore(
        stack,
        "OrganizationTrailLogs",
        trail_arn=trail_arn(management, HOME_REGION, trail_name),
        trail_account=management,
        organization_id=organization,
        logical_ids=LOG_STORE_LOGICAL_IDS,
        retention=retention,
        names=Names(
            bucket=log_bucket_name(cdk.Aws.ACCOUNT_ID, cdk.Aws.REGION),
            access_logs_bucket=access_logs_bucket_name(cdk.Aws.ACCOUNT_ID, cdk.Aws.REGION),
            key_alias=KEY_ALIAS,
        ),
    )
    return stack


def log_archive_template(trail_name: str, retention: Retention) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="orgboot-log-archive-") as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False)
        log_archive_stack(app, trail_name, retention)
        template: dict[str, Any] = app.synth().get_stack_by_name(_STACK).template
        return template
