"""The synthesized OrganizationStack template: what CloudFormation will be asked to do."""

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Match, Template

from orgboot.spec import logical_ids
from tests.conftest import example_variant, synth, template

STACK = "OrganizationStack"


@pytest.fixture(scope="module")
def stack_template(example_assembly: Path) -> Template:
    return Template.from_json(template(example_assembly, STACK))


@pytest.fixture(scope="module")
def resources(example_assembly: Path) -> dict:
    return template(example_assembly, STACK)["Resources"]


def of_type(resources: dict, resource_type: str) -> dict:
    return {lid: r for lid, r in resources.items() if r["Type"] == resource_type}


def test_logical_ids_are_pinned_to_spec_keys(resources):
    # Changing one of these would make CloudFormation close an account: pinned on purpose.
    assert set(of_type(resources, "AWS::Organizations::Account")) == {
        "AccountLogArchive",
        "AccountAudit",
        "AccountNetwork",
        "AccountShopProd",
        "AccountShopDev",
        "AccountSandboxAlice",
    }
    assert set(of_type(resources, "AWS::Organizations::OrganizationalUnit")) == {
        "OuSecurity",
        "OuInfrastructure",
        "OuWorkloads",
        "OuWorkloadsProd",
        "OuWorkloadsDev",
        "OuSandbox",
        "OuSuspended",
    }
    assert set(of_type(resources, "AWS::Organizations::Policy")) == {
        "PolicyDenyLeaveOrganization",
        "PolicyDenyRootUser",
        "PolicyDenyAll",
        "PolicyRegionAllowlist",
        "PolicyEnforceTlsS3",
        "PolicyCostCenterTag",
        "PolicyAiOptOut",
    }
    assert "Organization" in resources
    # Each enabler's delete step disables its policy type organization-wide: a new ID would do that.
    assert set(of_type(resources, "Custom::AWS")) == {
        "EnableServiceControlPolicy",
        "EnableResourceControlPolicy",
        "EnableTagPolicy",
        "EnableAiservicesOptOutPolicy",
    }


def test_every_account_is_retained_on_delete_and_replace(stack_template, resources):
    accounts = of_type(resources, "AWS::Organizations::Account")
    assert len(accounts) == 6
    for account in accounts.values():
        assert account["DeletionPolicy"] == "Retain"
        assert account["UpdateReplacePolicy"] == "Retain"
    stack_template.has_resource("AWS::Organizations::Organization", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_accounts_are_created_one_after_another(resources, example_spec):
    chain = [logical_ids.account(key) for key in sorted(example_spec.accounts)]
    assert "DependsOn" not in resources[chain[0]]
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert resources[later]["DependsOn"] == [earlier]


def test_account_properties_follow_the_spec(stack_template):
    stack_template.has_resource_properties(
        "AWS::Organizations::Account",
        {
            "AccountName": "Shop Prod",
            "Email": "aws+shop-prod@example.com",
            "ParentIds": [{"Fn::GetAtt": ["OuWorkloadsProd", "Id"]}],
            "Tags": [{"Key": "cost-center", "Value": "1234"}, {"Key": "environment", "Value": "prod"}],
        },
    )


def test_ou_tree_is_nested_by_reference(stack_template):
    stack_template.has_resource_properties(
        "AWS::Organizations::OrganizationalUnit", {"Name": "Prod", "ParentId": {"Fn::GetAtt": ["OuWorkloads", "Id"]}}
    )
    stack_template.has_resource_properties(
        "AWS::Organizations::OrganizationalUnit", {"Name": "Workloads", "ParentId": {"Fn::GetAtt": ["Organization", "RootId"]}}
    )


def test_policies_are_attached_to_their_targets(stack_template):
    stack_template.has_resource_properties(
        "AWS::Organizations::Policy",
        {
            "Name": "deny-root-user",
            "Type": "SERVICE_CONTROL_POLICY",
            "TargetIds": [
                {"Fn::GetAtt": ["OuSecurity", "Id"]},
                {"Fn::GetAtt": ["OuInfrastructure", "Id"]},
                {"Fn::GetAtt": ["OuWorkloads", "Id"]},
            ],
        },
    )
    stack_template.has_resource_properties(
        "AWS::Organizations::Policy", {"Name": "deny-leave-organization", "TargetIds": [{"Fn::GetAtt": ["Organization", "RootId"]}]}
    )


def test_policy_content_is_the_document(resources, example_spec):
    policy = resources["PolicyDenyLeaveOrganization"]["Properties"]
    assert policy["Content"] == example_spec.policies["deny-leave-organization"].document.content


def test_policies_wait_for_their_type_to_be_enabled(resources):
    enablers = of_type(resources, "Custom::AWS")
    enabled = {json.loads(_joined(r["Properties"]["Create"]))["parameters"]["PolicyType"]: lid for lid, r in enablers.items()}
    assert set(enabled) == {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "AISERVICES_OPT_OUT_POLICY"}
    for policy in of_type(resources, "AWS::Organizations::Policy").values():
        assert enabled[policy["Properties"]["Type"]] in policy["DependsOn"]


def test_policy_types_are_enabled_one_at_a_time(resources):
    enablers = list(of_type(resources, "Custom::AWS"))
    for index, later in enumerate(enablers[1:], start=1):
        assert set(enablers[:index]) <= set(resources[later].get("DependsOn", []))


def test_enabling_tolerates_a_type_already_enabled(stack_template):
    stack_template.has_resource_properties(
        "Custom::AWS",
        {"Create": {"Fn::Join": ["", Match.array_with([Match.string_like_regexp("PolicyTypeAlreadyEnabledException")])]}},
    )


def test_reordering_org_yaml_changes_nothing(tmp_path, example_assembly):
    """Reverse every section of org.yaml: the template must be exactly the same."""

    def reverse(data):
        data["organizational_units"].reverse()
        for section in ("accounts", "policies"):
            data[section] = dict(reversed(list(data[section].items())))

    reordered = synth(example_variant(tmp_path, reverse), tmp_path / "cdk.out")
    assert template(reordered, STACK) == template(example_assembly, STACK)


def test_adding_an_account_keeps_every_existing_logical_id(tmp_path, resources):
    def add_first(data):
        data["accounts"] = {"aaa-first": {"name": "First", "email": "aws+first@example.com", "ou": "Sandbox"}, **data["accounts"]}

    grown = template(synth(example_variant(tmp_path, add_first), tmp_path / "cdk.out"), STACK)["Resources"]
    assert set(resources) < set(grown)
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::Organizations::Account":
            assert grown[logical_id]["Properties"] == resource["Properties"]


def _joined(value) -> str:
    """A Fn::Join of strings and tokens, with tokens replaced by a placeholder."""
    return "".join(part if isinstance(part, str) else "TOKEN" for part in value["Fn::Join"][1])
