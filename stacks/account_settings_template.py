"""The CloudFormation templates of the account settings' StackSets: what goes into every member
account and region, AWS Config's bucket, and its aggregator. Each is synthesized by CDK in an app of
its own (as stacks/member_role_templates.py does), without the bootstrap-version rule and without
assets: a StackSet template must stand alone."""

import tempfile
from collections.abc import Callable, Sequence
from typing import Any

import aws_cdk as cdk

from constructs import Construct
from constructs.account_settings import AccountSettings, MemberSettings
from constructs.config_central import ConfigAggregator, ConfigBucket

_STACK = "Template"


def _template(build: Callable[[Construct], Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="orgboot-settings-") as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False)
        build(cdk.Stack(app, _STACK, synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False)))
        template: dict[str, Any] = app.synth().get_stack_by_name(_STACK).template
        return template


def account_settings_template(settings: MemberSettings) -> dict[str, Any]:
    return _template(lambda stack: AccountSettings(stack, "Settings", settings=settings))


def config_bucket_template(retention_days: int | None) -> dict[str, Any]:
    return _template(lambda stack: ConfigBucket(stack, "Config", retention_days=retention_days))


def config_aggregator_template(regions: Sequence[str]) -> dict[str, Any]:
    return _template(lambda stack: ConfigAggregator(stack, "Config", regions=regions))
