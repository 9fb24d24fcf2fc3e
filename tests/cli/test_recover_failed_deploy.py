"""docs/adopt.md, "Recovering a failed deploy", a first deploy with rollback (a plain `cdk
deploy`) that fails in OrganizationStack leaves the organization and the accounts it created in AWS,
outside any stack (DeletionPolicy Retain), and the OUs that hold them in a stack that cannot be
deleted. Deleting the stack as the page says, `orgboot import --mappings-for org.yaml` maps what
exists without rewriting org.yaml, `cdk import` of the adopt assembly takes it back, and the
deploy that follows creates the rest: the account that failed and nothing else."""

from pathlib import Path

import pytest

from orgboot.cli.main import main
from orgboot.emulator import EmulationError, Engine, deploy_assembly
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, emulated_aws, management
from orgboot.emulator.importing import import_assembly
from orgboot.spec import OrgSpec, layout, logical_ids
from orgboot.spec.adoption import Adoption
from orgboot.state.inventory import read_inventory
from tests.cli.test_adopt import shape, synth_adopt
from tests.conftest import EXAMPLE, EXAMPLE_PARAMETERS

ORGANIZATION_STACK = layout.ORGANIZATION_STACK


def failed_first_deploy(example_spec: OrgSpec, assembly: Path) -> tuple[Engine, str]:
    """A first deploy into a new organization whose quota holds the management account and all the
    example's accounts but one: OrganizationStack fails at its last account and rolls back. The OUs
    that hold accounts cannot be deleted (ROLLBACK_FAILED). Then what docs/adopt.md says: delete the
    stack, which fails on them again (DELETE_FAILED), and delete it retaining them. Returns the
    engine and the key of the account that failed."""
    engine = Engine(account_quota=len(example_spec.accounts))
    with pytest.raises(EmulationError, match=r"ACCOUNT_LIMIT_EXCEEDED.*rolled back: OrganizationStack is ROLLBACK_FAILED"):
        deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS, rollback=True)
    created = {e.logical_id for e in engine.events if e.type == "AWS::Organizations::Account" and e.action == "CREATE"}
    (failed,) = [key for key in example_spec.accounts if logical_ids.account(key) not in created]
    state = engine.stacks[(MANAGEMENT_ACCOUNT_ID, ORGANIZATION_STACK)]
    ous = [lid for lid, resource in state.resources.items() if resource.type == "AWS::Organizations::OrganizationalUnit"]
    assert ous, "the OUs that hold retained accounts stay in the stack"
    with pytest.raises(EmulationError, match="OrganizationStack is DELETE_FAILED"):
        engine.delete_stack(ORGANIZATION_STACK, management())
    engine.delete_stack(ORGANIZATION_STACK, management(), retain_resources=ous)
    # The retained log groups of the provider functions stay too, in AWS, but under their functions'
    # generated names, which the next deploy draws anew; the emulator's are repeatable, so they go.
    logs = management().client("logs")
    for group in logs.describe_log_groups()["logGroups"]:
        logs.delete_log_group(logGroupName=group["logGroupName"])
    return engine, failed


def test_a_failed_first_deploys_organization_is_taken_back_without_rewriting_org_yaml(
    example_spec: OrgSpec, example_assembly: Path, tmp_path: Path
) -> None:
    with emulated_aws():
        engine, failed = failed_first_deploy(example_spec, example_assembly)
        assert engine.stack_status(MANAGEMENT_ACCOUNT_ID, ORGANIZATION_STACK) is None
        before = shape(read_inventory(management().client))
        spec_text = EXAMPLE.read_text()

        # What a plain `cdk deploy` meets again: the organization exists, outside any stack. It rolls
        # back to ROLLBACK_COMPLETE, holding nothing, which the page's first step deletes.
        engine.account_quota = 10  # the increase approved
        with pytest.raises(EmulationError, match="AlreadyInOrganizationException.*ROLLBACK_COMPLETE"):
            deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS, rollback=True)
        engine.delete_stack(ORGANIZATION_STACK, management())

        assert main(["import", "--mappings-for", str(EXAMPLE), "--out", str(tmp_path)]) == 0
        assert EXAMPLE.read_text() == spec_text
        mappings = Adoption.read(tmp_path / "cdk-import").mappings
        assert {logical_id for logical_id in mappings[ORGANIZATION_STACK] if logical_id.startswith("Account")} == {
            logical_ids.account(key) for key in example_spec.accounts if key != failed
        }
        assert not [logical_id for logical_id in mappings[ORGANIZATION_STACK] if logical_id.startswith("Policy")], "deleted"
        assert read_inventory(management().client).policy_types == (), "the enablers' deletes disabled the policy types"

        assert import_assembly(engine, synth_adopt(example_spec, tmp_path / "cdk-import", tmp_path / "cdk.adopt.out"), mappings) == []
        imported = len(engine.events)
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        after = engine.events[imported:]
        assert [(e.logical_id, e.action) for e in after if e.type == "AWS::Organizations::Account"] == [
            (logical_ids.account(failed), "CREATE")
        ], "only the account that failed is created; none moved or closed"
        assert {e.logical_id for e in after if e.type == "AWS::Organizations::Policy"} == {
            logical_ids.policy(key) for key in example_spec.organization_policies
        }, "the policies the rollback deleted are created again"
        now = shape(read_inventory(management().client))
    assert now["organization"] == before["organization"]
    for kept in ("ous", "accounts"):  # nothing moved, renamed or removed; the rollback's empty OUs and the failed account added
        was, is_now = before[kept], now[kept]
        assert isinstance(was, dict)
        assert isinstance(is_now, dict)
        assert {key: value for key, value in is_now.items() if key in was} == was, kept
        if kept == "accounts":
            assert len(is_now) == len(was) + 1
