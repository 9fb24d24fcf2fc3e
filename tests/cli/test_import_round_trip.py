"""A round trip: the example organization deployed into the emulator and read back is the example
(modulo what AWS does not return, docs/adopt.md): no drift, and `orgboot import` writes the same
OUs, accounts and policies, under the example's keys when the example is given as the hint."""

from pathlib import Path

from orgboot.analysis.drift import drift
from orgboot.emulator import Engine, deploy_assembly
from orgboot.emulator.aws import emulated_aws, management
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec
from orgboot.spec.importing import import_organization
from orgboot.state.inventory import read_inventory
from tests.conftest import EXAMPLE_PARAMETERS


def test_the_example_deployed_and_imported_back_is_the_example(example_spec: OrgSpec, example_assembly: Path, tmp_path: Path) -> None:
    with emulated_aws():
        deploy_assembly(Engine(), example_assembly, EXAMPLE_PARAMETERS)
        inventory = read_inventory(management().client)
    assert drift(example_spec, inventory) == []

    imported = import_organization(inventory, hint=example_spec)
    (tmp_path / "org.yaml").write_text(imported.org_yaml)
    for name, text in imported.policy_files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    back = load_spec(tmp_path / "org.yaml")
    assert back.ou_paths == example_spec.ou_paths
    assert {k: (a.name, a.email, a.ou, dict(a.tags)) for k, a in back.accounts.items()} == {
        k: (a.name, a.email, a.ou, dict(a.tags)) for k, a in example_spec.accounts.items()
    }
    assert back.organization.policy_types == example_spec.organization.policy_types
    # Written policies and guardrails alike come back as the policies AWS holds, by their names.
    assert {back.policy_name(k): (p.type, p.document.content, p.description, set(p.targets)) for k, p in back.policies.items()} == {
        example_spec.policy_name(k): (p.type, p.document.content, p.description, set(p.targets))
        for k, p in example_spec.organization_policies.items()
    }
    assert back.management_baseline.account_alias == example_spec.management_baseline.account_alias
    assert back.management_baseline.password_policy == example_spec.management_baseline.password_policy
    assert drift(back, inventory) == []
