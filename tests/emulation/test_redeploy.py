"""Deploying a changed org.yaml over the example, as `cdk deploy` would update the stack: accounts
are moved, created or left alone, never closed or replaced."""

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.policy.guardrails.packing import pack_key
from orgboot.spec import logical_ids
from orgboot.state.organization import read_organization
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, iam_groups_variant, synth
from tests.emulation.expected import actual_placement, placement, roles_by_account_name


def change(data):
    data["accounts"]["shop-dev"]["ou"] = "Sandbox"  # move
    data["accounts"]["network"]["tags"] = {"cost-center": "2000"}  # retag
    del data["accounts"]["sandbox-alice"]  # removed from org.yaml: must stay in the organization
    data["accounts"]["sandbox-bob"] = {"name": "Sandbox Bob", "email": "aws+sandbox-bob@example.com", "ou": "Sandbox"}
    data["guardrails"]["quarantine"]["targets"] = ["Suspended", "Sandbox"]


def test_update_moves_creates_and_retains_accounts(tmp_path, example_assembly):
    changed_spec = example_variant(tmp_path, change)
    changed = synth(changed_spec, tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        first = len(engine.events)
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
        update = {(e.logical_id, e.action) for e in engine.events[first:]}
        # Not the resources the account-settings StackSet creates in the new account (AccountSettingsFunction).
        accounts_touched = {(e.logical_id, e.action) for e in engine.events[first:] if e.type == "AWS::Organizations::Account"}
        organization = read_organization(management().client("organizations"))

    assert accounts_touched == {
        ("AccountShopDev", "UPDATE"),
        ("AccountNetwork", "UPDATE"),
        ("AccountSandboxBob", "CREATE"),
        ("AccountSandboxAlice", "RETAIN"),
    }
    quarantine = pack_key("SERVICE_CONTROL_POLICY", ["Sandbox", "Suspended"])
    assert (logical_ids.policy(quarantine), "CREATE") in update
    emails = {node.email: node for node in organization.accounts().values()}
    assert emails["aws+sandbox-alice@example.com"].tags == {}  # still there, untouched
    assert emails["aws+network@example.com"].tags == {"cost-center": "2000"}
    expected = {**placement(changed_spec), "aws+sandbox-alice@example.com": "Sandbox"}
    assert actual_placement(organization) == expected
    sandbox = organization.ous()["Sandbox"]
    assert sandbox.policies["SERVICE_CONTROL_POLICY"] == ["FullAWSAccess", quarantine]


def test_renaming_an_account_fails_like_cloudformation(tmp_path, example_assembly):
    def rename(data):
        data["accounts"]["audit"]["name"] = "Security Audit"

    renamed = synth(example_variant(tmp_path, rename), tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        with pytest.raises(EmulationError, match="AccountName of account .* cannot be changed by CloudFormation"):
            deploy_assembly(engine, renamed, EXAMPLE_PARAMETERS)


def test_alias_is_replaced_when_changed_and_deleted_when_removed(tmp_path, example_assembly):
    def rename(data):
        data["management_baseline"]["account_alias"] = "acme-root"

    def remove(data):
        del data["management_baseline"]["account_alias"]

    renamed = synth(example_variant(tmp_path / "renamed", rename), tmp_path / "renamed" / "cdk.out")
    removed = synth(example_variant(tmp_path / "removed", remove), tmp_path / "removed" / "cdk.out")
    with emulated_aws():
        engine = Engine()
        iam = management().client("iam")
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        assert iam.list_account_aliases()["AccountAliases"] == ["acme-management"]
        deploy_assembly(engine, renamed, EXAMPLE_PARAMETERS)
        assert iam.list_account_aliases()["AccountAliases"] == ["acme-root"]
        deploy_assembly(engine, removed, EXAMPLE_PARAMETERS)
        assert iam.list_account_aliases()["AccountAliases"] == []


def test_accounts_joining_or_leaving_target_ous_follow_on_the_next_deploy(tmp_path, iam_groups_assembly):
    """orgboot 0.10's example (tests/data/iam_groups): its Admin and ReadOnly roles target OUs."""

    def change(data):
        data["accounts"]["shop-staging"] = {"name": "Shop Staging", "email": "aws+shop-staging@example.com", "ou": "Workloads/Prod"}
        data["accounts"]["sandbox-alice"]["ou"] = "Suspended"  # leaves the Admin targets

    changed = synth(iam_groups_variant(tmp_path, change), tmp_path / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, iam_groups_assembly, EXAMPLE_PARAMETERS)
        deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)
        roles = roles_by_account_name()
    assert roles["Shop Staging"] == {"Admin", "ReadOnly", "ExternalAudit"}
    assert roles["Sandbox Alice"] == {"ReadOnly"}  # retain_stacks_on_account_removal is off
