"""The synthesized MemberRolesStack template and the member template each StackSet carries."""

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

from orgboot import __version__
from orgboot.spec.record import digest, unpack
from tests.conftest import EXAMPLE, template

from constructs.role_stack_set import RoleStackSet, TemplateTooLarge

STACK = "MemberRolesStack"


# The roles of orgboot 0.10's example (tests/data/iam_groups): Admin and ReadOnly, which its IAM
# groups assume, beside the third party's ExternalAudit. Today's example keeps only ExternalAudit:
# its people come in through IAM Identity Center.
@pytest.fixture(scope="module")
def stack(iam_groups_assembly: Path) -> dict:
    return template(iam_groups_assembly, STACK)


@pytest.fixture(scope="module")
def stack_sets(stack) -> dict[str, dict]:
    found = [r for r in stack["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    return {r["Properties"]["StackSetName"]: r for r in found}


def member_template(stack_set: dict) -> dict:
    return json.loads(stack_set["Properties"]["TemplateBody"])


def test_logical_ids_are_pinned(stack):
    resources = stack["Resources"]
    stack_sets = {lid for lid, r in resources.items() if r["Type"] == "AWS::CloudFormation::StackSet"}
    assert stack_sets == {"RoleStackSetAdmin", "RoleStackSetReadOnly", "RoleStackSetExternalAudit"}
    assert {lid for lid, r in resources.items() if r["Type"] == "Custom::AWS"} == {"StackSetsTrustedAccess"}


def test_one_service_managed_stack_set_per_role(stack_sets):
    assert set(stack_sets) == {"orgboot-role-Admin", "orgboot-role-ReadOnly", "orgboot-role-ExternalAudit"}
    for stack_set in stack_sets.values():
        properties = stack_set["Properties"]
        assert properties["PermissionModel"] == "SERVICE_MANAGED"
        assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
        assert properties["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
        assert properties["CallAs"] == "SELF"  # the management account, not a delegated administrator
        assert properties["ManagedExecution"] == {"Active": True}  # operations queue instead of failing
        assert properties["OperationPreferences"] == {
            "FailureTolerancePercentage": 0,
            "MaxConcurrentPercentage": 25,
            "RegionConcurrencyType": "PARALLEL",
        }
        (group,) = properties["StackInstancesGroup"]
        assert group["Regions"] == ["us-east-1"]


def test_targets_are_the_ou_ids(stack_sets):
    def outputs(name):
        (group,) = stack_sets[name]["Properties"]["StackInstancesGroup"]
        return [ref["Fn::GetStackOutput"]["OutputName"] for ref in group["DeploymentTargets"]["OrganizationalUnitIds"]]

    assert [o.split("FnGetAtt")[1].split("Id")[0] for o in outputs("orgboot-role-ExternalAudit")] == ["OuSecurity", "OuWorkloadsProd"]
    assert ["Organization" in o and "RootId" in o for o in outputs("orgboot-role-ReadOnly")] == [True]


def test_stack_sets_wait_for_trusted_access(stack, stack_sets):
    activation = next(
        lid
        for lid, r in stack["Resources"].items()
        if r["Type"] == "Custom::AWS" and "activateOrganizationsAccess" in json.dumps(r["Properties"]["Create"])
    )
    for stack_set in stack_sets.values():
        assert activation in stack_set["DependsOn"]


def test_member_template_stands_alone(stack_sets):
    for stack_set in stack_sets.values():
        body = member_template(stack_set)
        assert set(body["Resources"]) == {"Role"}  # no CDK metadata, no assets
        assert "Rules" not in body
        assert "BootstrapVersion" not in body.get("Parameters", {})
        assert len(stack_set["Properties"]["TemplateBody"].encode()) <= 51_200


def test_admin_trusts_the_management_account_with_recent_mfa(stack_sets):
    stack_set = stack_sets["orgboot-role-Admin"]
    assert stack_set["Properties"]["Parameters"] == [{"ParameterKey": "ManagementAccountId", "ParameterValue": {"Ref": "AWS::AccountId"}}]
    role = member_template(stack_set)["Resources"]["Role"]["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "ManagementAccountId"}, ":root"]]}}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
    assert role["RoleName"] == "Admin"
    assert role["MaxSessionDuration"] == 3600
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]


def test_third_party_role_requires_the_external_id_given_at_deploy_time(stack, stack_sets):
    parameter = stack["Parameters"]["ExternalAuditExternalId"]
    assert parameter["NoEcho"] is True
    assert "Default" not in parameter
    stack_set = stack_sets["orgboot-role-ExternalAudit"]
    assert stack_set["Properties"]["Parameters"] == [{"ParameterKey": "ExternalId", "ParameterValue": {"Ref": "ExternalAuditExternalId"}}]
    body = member_template(stack_set)
    assert body["Parameters"]["ExternalId"]["NoEcho"] is True
    (statement,) = body["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::999988887777:root"}
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}


def test_the_deployed_spec_is_recorded_after_every_other_resource(stack):
    """The record of the deploy (docs/deploy.md): written last, so a deploy that fails midway leaves
    the record of the last one that succeeded."""
    record = stack["Resources"]["DeployedSpec"]
    assert record["Type"] == "AWS::SSM::Parameter"
    assert record["Properties"]["Name"] == "/orgboot/deployed-spec"
    assert sorted(record["DependsOn"]) == sorted(lid for lid in stack["Resources"] if lid != "DeployedSpec")
    packed = record["Metadata"]["orgboot:spec"]
    assert json.loads(record["Properties"]["Value"]) == {"orgboot": __version__, "sha256": digest(packed)}


def test_the_deployed_spec_holds_the_example_and_its_policy_files(example_assembly, tmp_path):
    stack = template(example_assembly, STACK)
    spec = unpack(stack["Resources"]["DeployedSpec"]["Metadata"]["orgboot:spec"], tmp_path, "DeployedSpec")
    assert spec == tmp_path / "org.yaml"
    assert spec.read_text() == EXAMPLE.read_text()
    # Every policy file the example names (its policies and its permission sets' inline policies), as written.
    written = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.json")}
    assert written == {
        "policies/ai-opt-out.json",
        "policies/cost-center-tag.json",
        "policies/identity-center/billing.json",
        "policies/identity-center/developer.json",
        "policies/identity-center/platform-admin.json",
        "policies/require-imdsv2.json",
    }
    assert all((EXAMPLE.parent / path).read_text() == (tmp_path / path).read_text() for path in written)


def test_a_template_over_the_stack_set_limit_is_refused():
    stack = cdk.Stack(cdk.App(), "Probe")
    huge = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"Description": "x" * 52_000}}}}
    with pytest.raises(TemplateTooLarge, match="takes at most 51200"):
        RoleStackSet(
            stack,
            "Huge",
            stack_set_name="huge",
            description="",
            logical_id="Huge",
            template=huge,
            organizational_unit_ids=["r-1"],
            regions=["us-east-1"],
            max_concurrent_percentage=25,
            failure_tolerance_percentage=0,
            retain_stacks_on_account_removal=False,
        )
