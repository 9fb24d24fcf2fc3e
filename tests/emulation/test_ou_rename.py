"""Renaming an OU that has a key, deployed into the emulated AWS: the example, then the example with
Workloads renamed to Apps (key: Workloads), as `cdk deploy` updates the stacks. CloudFormation
updates the OU's Name in place (Name is updatable, ParentId create-only: the provider schema), so
the OU keeps its ID, its policies and its accounts, and so do the OUs under it."""

from pathlib import Path

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID
from orgboot.rules import load_change
from tests.conftest import EXAMPLE, EXAMPLE_PARAMETERS, edited, example_variant, synth
from tests.emulation.test_update_paths import RECORD, Redeploy, read_state, redeploy, rename_ou


def rename_workloads(data: dict) -> None:
    rename_ou(data, "Workloads", "Apps")
    data["organizational_units"].append({"Apps": {"key": "Workloads"}})


@pytest.fixture(scope="module")
def renamed_spec(tmp_path_factory):
    directory = tmp_path_factory.mktemp("renamed")
    return directory, example_variant(directory, rename_workloads)


@pytest.fixture(scope="module")
def rename(renamed_spec, example_assembly) -> Redeploy:
    directory, spec = renamed_spec
    return redeploy(example_assembly, synth(spec, directory / "cdk.out", directory / "org.yaml"))


def test_the_rename_validates_as_a_change_without_acknowledgement(renamed_spec):
    directory, _ = renamed_spec
    _, accepted = load_change(directory / "org.yaml", EXAMPLE)
    assert accepted == []


def test_the_renamed_ou_keeps_its_id_and_takes_the_new_name(rename):
    before, after = rename.before.organization.ous(), rename.after.organization.ous()
    assert "Workloads" not in after
    assert after["Apps"].id == before["Workloads"].id
    assert after["Apps"].name == "Apps"
    for child in ("Prod", "Dev"):  # under it, the same OUs with their names
        assert after[f"Apps/{child}"].id == before[f"Workloads/{child}"].id


def test_its_policies_stay_attached_and_no_account_moves(rename):
    before, after = rename.before.organization.ous(), rename.after.organization.ous()
    for old, new in (("Workloads", "Apps"), ("Workloads/Prod", "Apps/Prod"), ("Workloads/Dev", "Apps/Dev")):
        assert after[new].policies == before[old].policies  # by type: the same policy names (guardrail packs too)
        assert [(c.kind, c.id) for c in after[new].children] == [(c.kind, c.id) for c in before[old].children]
    assert rename.after.policies.keys() == rename.before.policies.keys()
    assert {name: p["Id"] for name, p in rename.after.policies.items()} == {name: p["Id"] for name, p in rename.before.policies.items()}


def test_the_deploy_updates_only_the_ous_name(rename):
    """One update of one resource in OrganizationStack, nothing replaced, created or deleted there;
    elsewhere only the record of the deployed spec (and nothing in member accounts)."""
    organization_stack = {action for action in rename.actions() if action[0] == "OrganizationStack"}
    assert organization_stack == {("OrganizationStack", "OuWorkloads", "UPDATE")}
    assert {action for action in rename.actions() if action[2] != "UPDATE"} == set()
    assert RECORD in rename.actions()
    assert all(event.account_id == MANAGEMENT_ACCOUNT_ID for event in rename.events)


def test_renaming_an_ou_to_a_siblings_name_fails_as_in_aws(example_assembly, tmp_path: Path):
    """UpdateOrganizationalUnit refuses a name a sibling holds (DuplicateOrganizationalUnitException);
    moto would rename it anyway."""

    def sandbox_named_security(template: dict) -> None:
        template["Resources"]["OuSandbox"]["Properties"]["Name"] = "Security"

    changed = edited(example_assembly, tmp_path, "OrganizationStack", sandbox_named_security)
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        sandbox = read_state(engine).organization.ous()["Sandbox"].id
        with pytest.raises(EmulationError, match=f"OU {sandbox} cannot be renamed to 'Security': an OU of that name exists"):
            deploy_assembly(engine, changed, EXAMPLE_PARAMETERS)


# --- Accounts spread over stacks: their OUs' IDs are looked up (constructs/ou_lookup.py) ----------


def spread_over_two_stacks(data: dict) -> None:
    data["organization"]["account_stacks"] = 2


def spread_and_renamed(data: dict) -> None:
    spread_over_two_stacks(data)
    rename_workloads(data)


@pytest.fixture(scope="module")
def spread_rename(tmp_path_factory) -> Redeploy:
    """The example with its accounts in two stacks, then Workloads renamed to Apps (key: Workloads)."""
    assemblies = []
    for name, change in (("spread", spread_over_two_stacks), ("spread-renamed", spread_and_renamed)):
        directory = tmp_path_factory.mktemp(name)
        assemblies.append(synth(example_variant(directory, change), directory / "cdk.out", directory / "org.yaml"))
    base, head = assemblies
    return redeploy(base, head)


def test_with_spread_accounts_the_renamed_ous_keep_their_ids_and_accounts(spread_rename):
    before, after = spread_rename.before.organization, spread_rename.after.organization
    ous_before, ous_after = before.ous(), after.ous()
    for old, new in (("Workloads", "Apps"), ("Workloads/Prod", "Apps/Prod"), ("Workloads/Dev", "Apps/Dev")):
        assert ous_after[new].id == ous_before[old].id
    # every account where it was: the same parent ID
    assert {account: after.chain(account)[-2].id for account in after.accounts()} == {
        account: before.chain(account)[-2].id for account in before.accounts()
    }


def test_with_spread_accounts_the_rename_replaces_creates_and_deletes_nothing(spread_rename):
    """The OU's name is updated in place; the account stacks look its ID up again (by its identity:
    the same lookup, under its new path) and find the same ID, so no account is touched."""
    actions = spread_rename.actions()
    assert {action for action in actions if action[2] != "UPDATE"} == set()
    assert not {action for action in actions if action[1].startswith("Account")}, actions
    assert ("OrganizationStack", "OuWorkloads", "UPDATE") in actions
