"""The RequireMFA managed policy changes without hitting CloudFormation's refusal to replace a
custom-named resource. ManagedPolicyName, Description and Path are create-only
(AWS::IAM::ManagedPolicy schema, which the emulator reads): a new description replaces the policy,
so its name follows the description (orgboot/spec/baseline.py), while a new document is a new
policy version in place. Each case deploys the example, then the example as orgboot would write it
after the edit, over it."""

from pathlib import Path
from typing import Any

import pytest

import stacks.management_baseline_stack as baseline_stack
from orgboot.emulator import EmulationError, Engine, Event, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID
from orgboot.policy import iam as iam_documents
from orgboot.spec import logical_ids
from orgboot.spec.baseline import REQUIRE_MFA_POLICY_DESCRIPTION, REQUIRE_MFA_POLICY_NAME, require_mfa_policy_name
from tests.conftest import EXAMPLE_PARAMETERS, IAM_GROUPS, edited, synth

STACK = "ManagementBaselineStack"
NEW_DESCRIPTION = "Deny everything but MFA self-service (own password, own MFA device) until signed in with MFA"
MFA_GROUPS = {"Admins", "BreakGlass", "Billing", "Auditors"}  # the example's groups, each with require_mfa


def local_policies(iam: Any) -> dict[str, dict[str, Any]]:
    """The account's customer managed policies by name: ARN, description, default document and
    the groups that have it."""
    found = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        arn = policy["Arn"]
        detail = iam.get_policy(PolicyArn=arn)["Policy"]
        version = iam.get_policy_version(PolicyArn=arn, VersionId=detail["DefaultVersionId"])["PolicyVersion"]
        groups = {g["GroupName"] for g in iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Group")["PolicyGroups"]}
        found[policy["PolicyName"]] = {
            "Arn": arn,
            "Description": detail.get("Description"),
            "Document": version["Document"],
            "Groups": groups,
        }
    return found


def redeployed(example: Path, changed: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[Event]]:
    """The local policies before and after `changed` is deployed over `example`, and what the
    second deploy did."""
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example, EXAMPLE_PARAMETERS)
        iam = management().client("iam")
        before = local_policies(iam)
        first = len(engine.events)
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
        return before, local_policies(iam), engine.events[first:]


def baseline_actions(events: list[Event]) -> set[tuple[str, str]]:
    return {(e.logical_id, e.action) for e in events if e.stack == STACK and e.account_id == MANAGEMENT_ACCOUNT_ID}


@pytest.fixture(scope="module")
def orgboot_edits(iam_groups_spec, tmp_path_factory) -> tuple[Path, Path]:
    """The example synthesized by an orgboot that writes another description, and by one that
    writes another document (a statement's Sid renamed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(baseline_stack, "REQUIRE_MFA_POLICY_DESCRIPTION", NEW_DESCRIPTION)
        described = synth(iam_groups_spec, tmp_path_factory.mktemp("description") / "cdk.out", IAM_GROUPS)
    document = iam_documents.require_mfa()
    document["Statement"][0]["Sid"] += "Renamed"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(iam_documents, "require_mfa", lambda: document)
        documented = synth(iam_groups_spec, tmp_path_factory.mktemp("document") / "cdk.out", IAM_GROUPS)
    return described, documented


def test_deployed_under_its_name_with_its_description(iam_groups_assembly):
    before, _, _ = redeployed(iam_groups_assembly, iam_groups_assembly)
    assert REQUIRE_MFA_POLICY_NAME == "RequireMFA"  # as every release has deployed it: an upgrade replaces nothing
    assert before[REQUIRE_MFA_POLICY_NAME]["Description"] == REQUIRE_MFA_POLICY_DESCRIPTION
    assert before[REQUIRE_MFA_POLICY_NAME]["Groups"] == MFA_GROUPS


def test_a_new_description_replaces_the_policy_under_a_new_name(iam_groups_assembly, orgboot_edits):
    """Created under its new name first, the groups moved to it by ARN, the old one deleted: the
    groups have RequireMFA's successor and nothing is left behind."""
    before, after, events = redeployed(iam_groups_assembly, orgboot_edits[0])
    renamed = require_mfa_policy_name(NEW_DESCRIPTION)
    assert renamed.startswith("RequireMFA-")
    assert renamed != REQUIRE_MFA_POLICY_NAME
    assert set(after) == {renamed}
    assert after[renamed]["Description"] == NEW_DESCRIPTION
    assert after[renamed]["Groups"] == MFA_GROUPS
    assert after[renamed]["Arn"] != before[REQUIRE_MFA_POLICY_NAME]["Arn"]
    assert after[renamed]["Document"] == before[REQUIRE_MFA_POLICY_NAME]["Document"]
    assert {(lid, action) for lid, action in baseline_actions(events) if not lid.startswith("Group")} == {
        (logical_ids.REQUIRE_MFA_POLICY, "REPLACE"),
        (logical_ids.REQUIRE_MFA_POLICY, "DELETE"),  # the old one, in the cleanup
    }
    order = [(e.logical_id, e.action) for e in events if e.stack == STACK]
    groups = [index for index, (lid, action) in enumerate(order) if lid.startswith("Group") and action == "UPDATE"]
    assert len(groups) == len(MFA_GROUPS)
    assert order.index((logical_ids.REQUIRE_MFA_POLICY, "REPLACE")) < min(groups)
    assert max(groups) < order.index((logical_ids.REQUIRE_MFA_POLICY, "DELETE"))


def test_a_new_document_is_a_new_version_in_place(iam_groups_assembly, orgboot_edits):
    before, after, events = redeployed(iam_groups_assembly, orgboot_edits[1])
    assert baseline_actions(events) == {(logical_ids.REQUIRE_MFA_POLICY, "UPDATE")}
    assert set(after) == {REQUIRE_MFA_POLICY_NAME}
    assert after[REQUIRE_MFA_POLICY_NAME]["Arn"] == before[REQUIRE_MFA_POLICY_NAME]["Arn"]
    assert after[REQUIRE_MFA_POLICY_NAME]["Groups"] == MFA_GROUPS
    assert after[REQUIRE_MFA_POLICY_NAME]["Document"]["Statement"][0]["Sid"].endswith("Renamed")


def test_a_new_description_under_the_same_name_is_what_cloudformation_refuses(iam_groups_assembly, tmp_path):
    """What the name's following the description avoids: the replacement of a policy that keeps its
    name. The emulator refuses it as CloudFormation does."""

    def describe_anew(template: dict) -> None:
        template["Resources"][logical_ids.REQUIRE_MFA_POLICY]["Properties"]["Description"] = NEW_DESCRIPTION

    with pytest.raises(EmulationError, match="custom-named resource requires replacing"):
        redeployed(iam_groups_assembly, edited(iam_groups_assembly, tmp_path, STACK, describe_anew))


def test_each_description_has_its_own_name():
    descriptions = (REQUIRE_MFA_POLICY_DESCRIPTION, NEW_DESCRIPTION, NEW_DESCRIPTION + ".")
    assert [require_mfa_policy_name(d) for d in descriptions][0] == "RequireMFA"
    assert len({require_mfa_policy_name(d) for d in descriptions}) == len(descriptions)
