"""docs/adopt.md, "Recovering a failed first deploy": the organization and the accounts a first deploy
created are retained when it rolls back, outside any stack. `orgboot import --mappings-for org.yaml`
maps what exists without rewriting org.yaml; `cdk import` of the adopt assembly takes it back; the
deploy that follows creates the rest and no account."""

from pathlib import Path

import pytest

from orgboot.aws.parameters import EMULATOR_ONLY_VALUE
from orgboot.cli.main import main
from orgboot.emulator import Engine, deploy_assembly
from orgboot.emulator.assembly import read_assembly
from orgboot.emulator.aws import emulated_aws, management
from orgboot.emulator.importing import import_assembly
from orgboot.spec import OrgSpec, logical_ids
from orgboot.spec.adoption import Adoption
from orgboot.state.inventory import read_inventory
from tests.cli.test_adopt import shape, synth_adopt
from tests.conftest import EXAMPLE, EXAMPLE_PARAMETERS

# The retained log groups of the provider functions stay too, in AWS, but under their functions'
# generated names, which the next deploy draws anew; the emulator's are repeatable, so they are left out.
ORGANIZATION_TYPES = ("AWS::Organizations::Organization", "AWS::Organizations::Account", "AWS::Organizations::OrganizationalUnit")


def roll_back_keeping_retained(assembly: Path) -> None:
    """A first deploy, then what its rollback leaves (CloudFormation User Guide, DeletionPolicy): each
    resource deleted, stacks last first, except the retained ones (the organization, the accounts),
    and the OUs, whose delete fails while they hold accounts (OrganizationalUnitNotEmptyException).
    The stacks are gone, so a new Engine knows none of them."""
    engine = Engine()
    deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)
    for stack in reversed(read_assembly(assembly)):
        resources = stack.template["Resources"]
        retained = {
            logical_id
            for logical_id, definition in resources.items()
            if definition["Type"] in ORGANIZATION_TYPES
            and (definition.get("DeletionPolicy") == "Retain" or definition["Type"] == "AWS::Organizations::OrganizationalUnit")
        }
        kept = {lid: {**resources[lid], "DependsOn": [d for d in resources[lid].get("DependsOn", []) if d in retained]} for lid in retained}
        left = {**stack.template, "Resources": kept or {"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}, "Outputs": {}}
        given = {key.split(":", 1)[1]: value for key, value in EXAMPLE_PARAMETERS.items() if key.startswith(f"{stack.name}:")}
        engine.deploy(stack.name, left, management(stack.region), {**given, "EmulatorOnly": EMULATOR_ONLY_VALUE})
    logs = management().client("logs")
    for group in logs.describe_log_groups()["logGroups"]:
        logs.delete_log_group(logGroupName=group["logGroupName"])


def test_a_failed_first_deploys_organization_is_taken_back_without_rewriting_org_yaml(
    example_spec: OrgSpec, example_assembly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with emulated_aws():
        roll_back_keeping_retained(example_assembly)
        before = shape(read_inventory(management().client))
        spec_text = EXAMPLE.read_text()

        assert main(["import", "--mappings-for", str(EXAMPLE), "--out", str(tmp_path)]) == 0
        assert EXAMPLE.read_text() == spec_text
        mappings = Adoption.read(tmp_path / "cdk-import").mappings
        assert {logical_id for logical_id in mappings["OrganizationStack"] if logical_id.startswith("Account")} == {
            logical_ids.account(key) for key in example_spec.accounts
        }
        assert not [logical_id for logical_id in mappings["OrganizationStack"] if logical_id.startswith("Policy")], "deleted"
        assert read_inventory(management().client).policy_types == (), "the enablers' deletes disabled the policy types"

        engine = Engine()
        assert import_assembly(engine, synth_adopt(example_spec, tmp_path / "cdk-import", tmp_path / "cdk.adopt.out"), mappings) == []
        imported = len(engine.events)
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        after = engine.events[imported:]
        assert not [e for e in after if e.type == "AWS::Organizations::Account"], "no account created, moved or closed"
        assert {e.logical_id for e in after if e.type == "AWS::Organizations::Policy"} == {
            logical_ids.policy(key) for key in example_spec.organization_policies
        }, "the policies the rollback deleted are created again"
        now = shape(read_inventory(management().client))
    for kept in ("organization", "accounts", "ous"):
        assert now[kept] == before[kept], kept
