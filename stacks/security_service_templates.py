"""The CloudFormation templates the security services' StackSets deploy into the delegated
administrator, in every region: synthesized by CDK in an app of their own (as
stacks/member_role_templates.py does), without the bootstrap-version rule and without assets: a
StackSet template must stand alone."""

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import CfnResource
from aws_cdk import aws_accessanalyzer as accessanalyzer
from aws_cdk import aws_securityhub as securityhub

from orgboot.aws.security_services import ORGANIZATION_ANALYZER, standard_arn

from constructs.inline_function import function_resource, inline_function

_FUNCTIONS = Path(__file__).resolve().parent.parent / "constructs" / "functions"


def _synthesized(name: str, build: Callable[[cdk.Stack], None]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="orgboot-security-") as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False)
        stack = cdk.Stack(app, name, synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
        build(stack)
        template: dict[str, Any] = app.synth().get_stack_by_name(name).template
        return template


def access_analyzer_template() -> dict[str, Any]:
    """CIS 1.19: an analyzer whose zone of trust is the organization, in the delegated
    administrator (IAM User Guide, "Add a delegated administrator for IAM Access Analyzer")."""

    def build(stack: cdk.Stack) -> None:
        accessanalyzer.CfnAnalyzer(stack, "Analyzer", type="ORGANIZATION", analyzer_name=ORGANIZATION_ANALYZER)

    return _synthesized("AccessAnalyzer", build)


def guardduty_template() -> dict[str, Any]:
    """GuardDuty for every account of the organization, run by the delegated administrator
    (constructs/functions/guardduty_organization.py)."""

    def build(stack: cdk.Stack) -> None:
        function = inline_function(
            stack,
            "Function",
            source=_FUNCTIONS / "guardduty_organization.py",
            description="orgboot: GuardDuty for every account of the organization",
            sdk_calls=[
                ("GuardDuty", "listDetectors"),
                ("GuardDuty", "updateOrganizationConfiguration"),
                ("GuardDuty", "createMembers"),
                ("Organizations", "describeOrganization"),
            ],
        )
        organization = function_resource(
            stack, "Organization", function=function, resource_type="Custom::GuardDutyOrganization", properties={"AutoEnable": "ALL"}
        )
        assert isinstance(function.node.default_child, CfnResource)
        assert isinstance(organization.node.default_child, CfnResource)
        function.node.default_child.override_logical_id("GuardDutyOrganizationFunction")
        organization.node.default_child.override_logical_id("GuardDutyOrganization")

    return _synthesized("GuardDuty", build)


ROOT_ID_PARAMETER = "RootId"


def security_hub_template(home: str, linked: Sequence[str], standards: Sequence[str]) -> dict[str, Any]:
    """Central configuration, from the delegated administrator's home Region `home`: findings of
    the `linked` regions aggregate there, and one configuration policy, associated with the
    organization's root, runs Security Hub and `standards` in every account, in `home` and each
    linked region ("Enabling central configuration in Security Hub", Security Hub User Guide).
    Designating the administrator enabled Security Hub in it: no hub here."""

    def build(stack: cdk.Stack) -> None:
        root_id = cdk.CfnParameter(stack, ROOT_ID_PARAMETER, allowed_pattern=r"r-[0-9a-z]{4,32}", description="The organization's root")
        aggregator = securityhub.CfnFindingAggregator(
            stack, "FindingAggregator", region_linking_mode="SPECIFIED_REGIONS", regions=list(linked)
        )
        # Central configuration needs the home Region's aggregator; with it, AutoEnable is false and
        # the policy, not the organization configuration, turns Security Hub on (UpdateOrganizationConfiguration).
        configuration = securityhub.CfnOrganizationConfiguration(
            stack, "OrganizationConfiguration", auto_enable=False, auto_enable_standards="NONE", configuration_type="CENTRAL"
        )
        configuration.node.add_dependency(aggregator)
        policy = securityhub.CfnConfigurationPolicy(
            stack,
            "ConfigurationPolicy",
            name="orgboot",
            description="orgboot: Security Hub and its standards in every account and region (security_baseline.security_hub)",
            configuration_policy=securityhub.CfnConfigurationPolicy.PolicyProperty(
                security_hub=securityhub.CfnConfigurationPolicy.SecurityHubPolicyProperty(
                    service_enabled=True,
                    enabled_standard_identifiers=[standard_arn(home, standard) for standard in standards],
                    security_controls_configuration=securityhub.CfnConfigurationPolicy.SecurityControlsConfigurationProperty(
                        disabled_security_control_identifiers=[]
                    ),
                )
            ),
        )
        policy.node.add_dependency(configuration)
        securityhub.CfnPolicyAssociation(
            stack, "RootAssociation", configuration_policy_id=policy.attr_id, target_type="ROOT", target_id=root_id.value_as_string
        )

    return _synthesized("SecurityHub", build)
