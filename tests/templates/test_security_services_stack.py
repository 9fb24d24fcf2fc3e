"""The synthesized SecurityServicesStack (security_baseline's GuardDuty, Security Hub and IAM Access
Analyzer) and the templates its StackSets deploy into the delegated administrator."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

import stacks
from orgboot.emulator.ordering import unordered_writes
from orgboot.emulator.template import dependencies, deployment_order
from orgboot.spec import layout
from tests.conftest import CDK_CONTEXT, example_variant, template
from tests.templates.test_cfn_lint import ACCEPTED

STACK = layout.SECURITY_SERVICES_STACK


@pytest.fixture(scope="module")
def stack(example_assembly: Path) -> dict[str, Any]:
    return template(example_assembly, STACK)


def sdk_call(resource: dict[str, Any], step: str = "Create") -> dict[str, Any]:
    """An AwsCustomResource's call, its deploy-time values shown as the references they are."""
    text = resource["Properties"][step]
    if isinstance(text, str):
        return dict(json.loads(text))
    parts = text["Fn::Join"][1]  # the call's JSON around the references it holds
    references = {f"@{index}@": part for index, part in enumerate(parts) if not isinstance(part, str)}
    markers = {id(part): marker for marker, part in references.items()}
    call = json.loads("".join(part if isinstance(part, str) else markers[id(part)] for part in parts))

    def restored(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: restored(item) for key, item in value.items()}
        return references.get(value, value) if isinstance(value, str) else value

    return dict(restored(call))


def stack_set_template(stack: dict[str, Any], logical_id: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(stack["Resources"][logical_id]["Properties"]["TemplateBody"])
    return body


def test_deployed_between_the_management_baseline_and_the_member_roles(example_assembly):
    artifacts = json.loads((example_assembly / "manifest.json").read_text())["artifacts"]
    assert layout.MANAGEMENT_BASELINE_STACK in artifacts[STACK]["dependencies"]
    assert STACK in artifacts[layout.MEMBER_ROLES_STACK]["dependencies"]


def test_logical_ids_are_pinned(stack):
    custom = {lid for lid, r in stack["Resources"].items() if r["Type"] == "Custom::AWS"}
    assert {"SecurityServicesStackSetsTrustedAccess", "AccessAnalyzerTrustedAccess", "AccessAnalyzerDelegatedAdministrator"} <= custom
    stack_sets = {lid for lid, r in stack["Resources"].items() if r["Type"] == "AWS::CloudFormation::StackSet"}
    assert "AccessAnalyzerStackSet" in stack_sets


def test_access_analyzer_trusted_access_then_registration(stack):
    resources = stack["Resources"]
    assert sdk_call(resources["AccessAnalyzerTrustedAccess"]) == {
        "action": "enableAWSServiceAccess",
        "service": "Organizations",
        "parameters": {"ServicePrincipal": "access-analyzer.amazonaws.com"},
        "physicalResourceId": {"id": "access-analyzer.amazonaws.com-trusted-access"},
    }
    assert "Delete" not in resources["AccessAnalyzerTrustedAccess"]["Properties"]  # kept when the service is turned off
    registration = resources["AccessAnalyzerDelegatedAdministrator"]
    create, delete = sdk_call(registration), sdk_call(registration, "Delete")
    assert (create["action"], delete["action"]) == ("registerDelegatedAdministrator", "deregisterDelegatedAdministrator")
    audit = create["parameters"]["AccountId"]
    assert audit["Fn::GetStackOutput"]["StackName"] == "OrganizationStack"  # the account's ID, from the stack that holds it
    assert create["parameters"] == delete["parameters"] == {"AccountId": audit, "ServicePrincipal": "access-analyzer.amazonaws.com"}
    assert "AccessAnalyzerDelegatedAdministrator" in resources["AccessAnalyzerStackSet"]["DependsOn"]


def test_every_write_to_the_organization_waits_for_the_one_before(stack):
    """Organizations refuses concurrent changes (ConcurrentModificationException)."""
    resources = stack["Resources"]
    assert unordered_writes(resources, deployment_order(resources), dependencies(resources)) is None


def test_the_stack_set_targets_the_delegated_administrator_alone_in_every_region(stack, example_spec):
    properties = stack["Resources"]["AccessAnalyzerStackSet"]["Properties"]
    assert properties["StackSetName"] == "orgboot-access-analyzer"
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    (group,) = properties["StackInstancesGroup"]
    assert group["Regions"] == list(example_spec.security_regions) == ["eu-west-1", "us-east-1"]
    targets = group["DeploymentTargets"]
    assert targets["AccountFilterType"] == "INTERSECTION"  # of the OU's accounts, only the administrator
    (ou,) = targets["OrganizationalUnitIds"]
    (account,) = targets["Accounts"]
    assert ou["Fn::GetStackOutput"]["StackName"] == account["Fn::GetStackOutput"]["StackName"] == "OrganizationStack"
    registered = sdk_call(stack["Resources"]["AccessAnalyzerDelegatedAdministrator"])["parameters"]["AccountId"]
    assert account == registered


def test_the_administrator_runs_an_organization_analyzer(stack):
    body = stack_set_template(stack, "AccessAnalyzerStackSet")
    assert body["Resources"]["Analyzer"] == {
        "Type": "AWS::AccessAnalyzer::Analyzer",
        "Properties": {"AnalyzerName": "orgboot-organization", "Type": "ORGANIZATION"},
    }


def test_cfn_lint_accepts_the_stack_set_templates(stack, tmp_path):
    files = []
    for logical_id, resource in stack["Resources"].items():
        if resource["Type"] == "AWS::CloudFormation::StackSet":
            files.append(tmp_path / f"{logical_id}.json")
            files[-1].write_text(resource["Properties"]["TemplateBody"])
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    # W3005 (a DependsOn a reference implies) is accepted as for every orgboot template (test_cfn_lint.py).
    ignored = ["--ignore-checks", *ACCEPTED]
    result = subprocess.run([str(cfn_lint), "--format", "parseable", *ignored, "--", *map(str, files)], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")


def test_no_stack_without_a_delegated_administrator(tmp_path):
    def without(data: dict[str, Any]) -> None:
        for key in ("delegated_administrator", "guardduty", "security_hub", "access_analyzer", "config"):
            data["security_baseline"].pop(key, None)

    app = cdk.App(context=CDK_CONTEXT)
    names = {stack.stack_name for stack in stacks.build(app, example_variant(tmp_path, without))}
    assert layout.MEMBER_ROLES_STACK in names
    assert STACK not in names


def test_a_delegated_administrator_without_services_keeps_the_stack(tmp_path):
    """Turning the last service off deletes what it deployed only if the stack is still there."""

    def nothing_on(data: dict[str, Any]) -> None:
        for key in ("guardduty", "security_hub", "access_analyzer"):
            data["security_baseline"].pop(key, None)

    app = cdk.App(context=CDK_CONTEXT)
    (built,) = [stack for stack in stacks.build(app, example_variant(tmp_path, nothing_on)) if stack.stack_name == STACK]
    resources = app.synth().get_stack_by_name(STACK).template["Resources"]
    assert {lid: r["Type"] for lid, r in resources.items()} == {"NoSecurityServices": "AWS::CloudFormation::WaitConditionHandle"}


def test_guardduty_from_the_management_account_in_each_region(stack, example_spec):
    resources = stack["Resources"]
    assert sdk_call(resources["GuardDutyTrustedAccess"])["parameters"] == {"ServicePrincipal": "guardduty.amazonaws.com"}
    registration = sdk_call(resources["GuardDutyDelegatedAdministrator"])
    assert registration["parameters"]["ServicePrincipal"] == "guardduty.amazonaws.com"
    audit = registration["parameters"]["AccountId"]
    for region in example_spec.security_regions:
        suffix = "".join(part.capitalize() for part in region.split("-"))
        detector = sdk_call(resources[f"GuardDutyManagementDetector{suffix}"])
        assert (detector["action"], detector["region"], detector["parameters"]) == ("createDetector", region, {"Enable": True})
        assert "Delete" not in resources[f"GuardDutyManagementDetector{suffix}"]["Properties"]  # stays on, as in every member
        designation = resources[f"GuardDutyDelegatedAdministrator{suffix}"]
        enable, disable = sdk_call(designation), sdk_call(designation, "Delete")
        assert (enable["action"], disable["action"]) == ("enableOrganizationAdminAccount", "disableOrganizationAdminAccount")
        assert enable["region"] == disable["region"] == region
        assert enable["parameters"] == disable["parameters"] == {"AdminAccountId": audit}
        # The management account has its detector before the administrator adds it as a member.
        assert f"GuardDutyManagementDetector{suffix}" in designation["DependsOn"]


def test_guardduty_organization_configuration_in_the_administrator(stack):
    body = stack_set_template(stack, "GuardDutyStackSet")
    organization = body["Resources"]["GuardDutyOrganization"]
    assert organization["Type"] == "Custom::GuardDutyOrganization"
    assert organization["Properties"]["AutoEnable"] == "ALL"
    function = body["Resources"]["GuardDutyOrganizationFunction"]
    assert "ZipFile" in function["Properties"]["Code"]  # inline: a StackSet template takes no assets
    policies = [r["Properties"]["PolicyDocument"] for r in body["Resources"].values() if r["Type"] == "AWS::IAM::Policy"]
    actions = {action for document in policies for statement in document["Statement"] for action in statement["Action"]}
    assert actions == {
        "guardduty:ListDetectors",
        "guardduty:UpdateOrganizationConfiguration",
        "guardduty:CreateMembers",
        "organizations:DescribeOrganization",
    }


def test_security_hub_designated_in_the_home_region(stack):
    designation = stack["Resources"]["SecurityHubDelegatedAdministrator"]
    enable, disable = sdk_call(designation), sdk_call(designation, "Delete")
    assert (enable["action"], disable["action"]) == ("enableOrganizationAdminAccount", "disableOrganizationAdminAccount")
    assert (enable["service"], enable["region"], disable["region"]) == ("SecurityHub", "us-east-1", "us-east-1")
    assert "SecurityHubDelegatedAdministrator" in stack["Resources"]["SecurityHubStackSet"]["DependsOn"]


def test_security_hub_central_configuration_from_the_home_region(stack):
    properties = stack["Resources"]["SecurityHubStackSet"]["Properties"]
    (group,) = properties["StackInstancesGroup"]
    assert group["Regions"] == ["us-east-1"]  # the home region alone: the policy reaches the linked ones
    (parameter,) = properties["Parameters"]
    assert parameter["ParameterKey"] == "RootId"
    assert parameter["ParameterValue"]["Fn::GetStackOutput"]["StackName"] == "OrganizationStack"
    resources = stack_set_template(stack, "SecurityHubStackSet")["Resources"]
    assert {lid: r["Type"] for lid, r in resources.items()} == {
        "FindingAggregator": "AWS::SecurityHub::FindingAggregator",
        "OrganizationConfiguration": "AWS::SecurityHub::OrganizationConfiguration",
        "ConfigurationPolicy": "AWS::SecurityHub::ConfigurationPolicy",
        "RootAssociation": "AWS::SecurityHub::PolicyAssociation",
    }
    assert resources["FindingAggregator"]["Properties"] == {"RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": ["eu-west-1"]}
    assert resources["OrganizationConfiguration"]["Properties"] == {
        "AutoEnable": False,
        "AutoEnableStandards": "NONE",
        "ConfigurationType": "CENTRAL",
    }
    assert resources["OrganizationConfiguration"]["DependsOn"] == ["FindingAggregator"]  # central configuration needs it
    policy = resources["ConfigurationPolicy"]["Properties"]["ConfigurationPolicy"]["SecurityHub"]
    assert policy == {
        "ServiceEnabled": True,
        "EnabledStandardIdentifiers": [
            "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
            "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        ],
        "SecurityControlsConfiguration": {"DisabledSecurityControlIdentifiers": []},
    }
    assert resources["RootAssociation"]["Properties"] == {
        "ConfigurationPolicyId": {"Fn::GetAtt": ["ConfigurationPolicy", "Id"]},
        "TargetId": {"Ref": "RootId"},
        "TargetType": "ROOT",
    }
