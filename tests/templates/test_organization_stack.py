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
        "PolicyRequireImdsv2",
        "PolicyCostCenterTag",
        "PolicyAiOptOut",
        # The guardrails' documents, one per type and target set (the digest of the targets): a new
        # ID would delete a guardrail document and create another.
        "PolicyGuardrailsScp44cb005e",  # Root
        "PolicyGuardrailsRcp44cb005e",  # Root
        "PolicyGuardrailsScpE0f47579",  # Infrastructure, Security, Workloads
        "PolicyGuardrailsScp84bd9e2a",  # Workloads
        "PolicyGuardrailsScpE392a389",  # Suspended
    }
    assert "Organization" in resources
    # Each enabler's delete step disables its policy type organization-wide: a new ID would do that.
    assert set(of_type(resources, "Custom::AWS")) == {
        # The first release's IDs: an organization deployed with it upgrades without running the
        # enablers' delete step (which disables the type, detaching its policies everywhere).
        "OrganizationEnableServiceControlPolicyDD6B74BF",
        "OrganizationEnableResourceControlPolicyF51BE3E3",
        "OrganizationEnableTagPolicy8ACDA810",
        "OrganizationEnableAiservicesOptOutPolicy298EEFC7",
        # Trusted access for Account Management, for the members' alternate contacts.
        logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS,
    }
    # Each settler stands before its enabler in the chain (constructs/organization_root.py), and
    # the function they run is their ServiceToken, which an update may not change.
    assert set(of_type(resources, "Custom::PolicyTypeEnabled")) == {
        "PolicyTypeEnabledServiceControlPolicy",
        "PolicyTypeEnabledResourceControlPolicy",
        "PolicyTypeEnabledTagPolicy",
        "PolicyTypeEnabledAiservicesOptOutPolicy",
    }
    assert resources["PolicyTypeSettlerFunction"]["Type"] == "AWS::Lambda::Function"


def test_every_account_is_retained_on_delete_and_replace(stack_template, resources):
    accounts = of_type(resources, "AWS::Organizations::Account")
    assert len(accounts) == 6
    for account in accounts.values():
        assert account["DeletionPolicy"] == "Retain"
        assert account["UpdateReplacePolicy"] == "Retain"
    stack_template.has_resource("AWS::Organizations::Organization", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_every_change_to_the_organization_waits_for_the_one_before(resources, example_spec):
    """Organizations refuses concurrent changes and creates one account at a time: the
    organization, each policy type's settler (enables it, retrying, until it is ENABLED) and then
    its enabler, the OUs (parents first), the accounts, the policies and guardrail documents (by
    key) and Account Management's trusted access form one chain, each waiting directly for the one
    before. Deleted, CloudFormation runs the
    chain backwards: a type's enabler disables it, its settler waits until it is gone, then the next."""
    types = example_spec.organization.policy_types
    enablers = [logical_ids.policy_type_enabler(t) for t in types]
    settlers = [logical_ids.policy_type_settler(t) for t in types]
    for settler, policy_type in zip(settlers, types, strict=True):
        assert resources[settler]["Properties"]["PolicyType"] == policy_type
        assert resources[settler]["Properties"]["RootId"] == {"Fn::GetAtt": [logical_ids.ORGANIZATION, "RootId"]}
    chain = [
        logical_ids.ORGANIZATION,
        *(lid for pair in zip(settlers, enablers, strict=True) for lid in pair),
        *(logical_ids.ou(path) for path in example_spec.ou_paths),
        *(logical_ids.account(key) for key in sorted(example_spec.accounts)),
        *(logical_ids.policy(key) for key in sorted(example_spec.organization_policies)),
        logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS,
    ]
    writes = {lid for lid, r in resources.items() if r["Type"].startswith("AWS::Organizations::")} | set(enablers)
    writes.add(logical_ids.ACCOUNT_MANAGEMENT_TRUSTED_ACCESS)
    assert set(chain) == writes | set(settlers)
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert earlier in resources[later].get("DependsOn", []), f"{later} does not wait for {earlier}"


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
            "Name": "guardrails-scp-e0f47579",  # deny-root-user
            "Type": "SERVICE_CONTROL_POLICY",
            "Description": "orgboot guardrails: deny-root-user",
            "TargetIds": [  # the targets sorted: the same set, whatever order org.yaml lists them in
                {"Fn::GetAtt": ["OuInfrastructure", "Id"]},
                {"Fn::GetAtt": ["OuSecurity", "Id"]},
                {"Fn::GetAtt": ["OuWorkloads", "Id"]},
            ],
        },
    )
    stack_template.has_resource_properties(
        "AWS::Organizations::Policy", {"Name": "require-imdsv2", "TargetIds": [{"Fn::GetAtt": ["OuWorkloads", "Id"]}]}
    )


def test_policy_content_is_the_document(resources, example_spec):
    policy = resources["PolicyRequireImdsv2"]["Properties"]
    assert policy["Content"] == example_spec.policies["require-imdsv2"].document.content
    guardrails = resources["PolicyGuardrailsScp44cb005e"]["Properties"]
    assert [s["Sid"] for s in guardrails["Content"]["Statement"]] == [
        "DenyLeavingAndClosing",
        "DenyRootAccessKeys",
        "ProtectOrgbootRoles",
        "ProtectMemberRoles",
        "ProtectSecurityServices",
    ]


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


def test_the_policy_type_settlers_run_for_5_minutes_and_cloudformation_waits_one_more(resources):
    """The function retries and polls for up to 5 minutes (its Timeout); CloudFormation's
    ServiceTimeout for the custom resource ("the maximum time, in seconds, that can elapse before a
    custom resource operation times out", 1 to 3600) is a minute longer, so a function that never
    answers fails the deploy after 6 minutes instead of CloudFormation's default of an hour."""
    function = resources[logical_ids.POLICY_TYPE_SETTLER_FUNCTION]["Properties"]
    assert function["Description"] == "orgboot: enables a policy type on the root and completes once it is ENABLED"
    assert function["Timeout"] == 300
    for settler in of_type(resources, "Custom::PolicyTypeEnabled").values():
        assert settler["Properties"]["ServiceToken"] == {"Fn::GetAtt": [logical_ids.POLICY_TYPE_SETTLER_FUNCTION, "Arn"]}
        assert settler["Properties"]["ServiceTimeout"] == "360"  # CDK writes numbers of custom resources as strings


def test_the_settlers_may_enable_but_never_disable_a_type(resources):
    """A settler's delete only waits: CloudFormation also deletes it when rolling back the update
    that created it, and disabling a type detaches its policies everywhere (settle_policy_type.py)."""
    role = resources[logical_ids.POLICY_TYPE_SETTLER_FUNCTION]["Properties"]["Role"]["Fn::GetAtt"][0]
    (grant,) = [r for r in of_type(resources, "AWS::IAM::Policy").values() if r["Properties"]["Roles"] == [{"Ref": role}]]
    actions = {
        a
        for s in grant["Properties"]["PolicyDocument"]["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {"organizations:EnablePolicyType", "organizations:ListRoots"}


def test_each_policy_type_is_enabled_and_disabled_idempotently(resources, example_spec):
    """Enabling an enabled type, or disabling one already disabled (or under a deleted root), is
    not a failure: the stack reaches the same state either way. Organizations' errors
    (EnablePolicyType, DisablePolicyType): PolicyTypeAlreadyEnabledException,
    PolicyTypeNotEnabledException, RootNotFoundException."""
    for policy_type in example_spec.organization.policy_types:
        properties = resources[logical_ids.policy_type_enabler(policy_type)]["Properties"]
        create, delete = (
            json.loads("".join(p if isinstance(p, str) else "ROOT" for p in properties[step]["Fn::Join"][1]))
            for step in ("Create", "Delete")
        )
        assert (create["action"], create["parameters"]["PolicyType"]) == ("enablePolicyType", policy_type)
        assert create["ignoreErrorCodesMatching"] == "PolicyTypeAlreadyEnabledException"
        assert create["physicalResourceId"] == {"id": f"{policy_type}-enabled"}  # fixed: a new one would be a replacement
        assert (delete["action"], delete["parameters"]["PolicyType"]) == ("disablePolicyType", policy_type)
        assert delete["ignoreErrorCodesMatching"] == "PolicyTypeNotEnabledException|RootNotFoundException"
