"""Adopting an organization that exists, every step in the emulator (docs/adopt.md): an organization
of realistic shape made with plain boto3 is imported with `orgboot import`, validated, synthesized
(the adopt assembly and the normal one), taken under CloudFormation as `cdk import` would, and
deployed; every account, OU and policy keeps its ID and attachments, nothing adopted is changed,
and `orgboot drift` then finds nothing. And a round trip: the example deployed, imported back."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aws_cdk as cdk
import pytest

import stacks
from orgboot.analysis.drift import drift
from orgboot.cli.main import main
from orgboot.emulator import Engine, deploy_assembly
from orgboot.emulator.aws import emulated_aws, management
from orgboot.emulator.importing import import_assembly
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec
from orgboot.spec.adoption import Adoption
from orgboot.state.inventory import Inventory, read_inventory
from tests.conftest import CDK_CONTEXT, synth
from tests.support.existing_organization import ExistingOrganization, build_existing_organization


def synth_adopt(spec: OrgSpec, mappings: Path, outdir: Path) -> Path:
    """The adopt assembly, as `orgboot synth --adopt` makes it (app.py with the adopt context)."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False, context=CDK_CONTEXT)
    stacks.build(app, spec, adopt=stacks.Adoption.read(mappings))
    app.synth()
    return outdir


def live() -> Inventory:
    return read_inventory(management().client)


def shape(inventory: Inventory) -> dict[str, object]:
    """What adoption must not change: every ID, where each account is, every attachment."""
    return {
        "organization": inventory.organization_id,
        "ous": {ou.id: (ou.path, ou.parent_id) for ou in inventory.ous.values()},
        "accounts": {a.id: (a.name, a.email, a.parent_id, a.state, a.tags) for a in inventory.accounts.values()},
        "policies": {p.id: (p.name, p.type, p.content, p.description, p.tags, p.targets) for p in inventory.policies.values()},
        "policy_types": inventory.policy_types,
    }


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ExistingOrganization, Path, Engine, list, dict, dict]]:
    work = tmp_path_factory.mktemp("adopt")
    repository = work / "acme-org"
    with emulated_aws():
        existing = build_existing_organization()
        before = shape(live())
        assert main(["import", "--out", str(repository)]) == 0
        spec = load_spec(repository / "org.yaml")
        adopt_assembly = synth_adopt(spec, repository / "cdk-import", work / "cdk.adopt.out")
        assembly = synth(spec, work / "cdk.out", repository / "org.yaml")
        engine = Engine()
        drifted = import_assembly(engine, adopt_assembly, Adoption.read(repository / "cdk-import").mappings)
        imported = len(engine.events)
        deploy_assembly(engine, assembly)
        yield existing, repository, engine, drifted, before, {"imported": imported, "after": shape(live())}


def test_the_import_writes_a_repository_that_validates(adopted: tuple) -> None:
    existing, repository, *_ = adopted
    spec = load_spec(repository / "org.yaml")
    assert {a.account_id for a in spec.accounts.values()} == {a.id for a in existing.accounts.values() if a.state == "ACTIVE"}, (
        "every active member account is managed, by its ID"
    )
    assert existing.suspended_account_id in {a.id for a in spec.unmanaged.accounts.values()}
    assert existing.management_account_id in {a.id for a in spec.unmanaged.accounts.values()}
    (invited,) = [key for key, a in spec.accounts.items() if a.invited]
    assert spec.accounts[invited].account_id == existing.invited_account_id
    assert set(spec.organization.full_aws_access_detached) == set(existing.full_aws_access_detached)
    assert set(spec.ou_paths) == set(existing.ous)
    taken = spec.unmanaged.management_account_names
    assert set(taken.budgets) == set(existing.management.budgets)
    assert set(taken.iam_groups) == set(existing.management.iam_groups)
    assert set(taken.trails) == set(existing.management.trails)
    for file in (
        "cdk.json",
        "package.json",
        "requirements.txt",
        ".gitignore",
        ".github/workflows/orgboot.yml",
        "cdk-import/OrganizationStack.json",
    ):
        assert (repository / file).is_file(), file


def test_cdk_import_takes_everything_as_it_is(adopted: tuple) -> None:
    existing, _, engine, drifted, _, counts = adopted
    assert drifted == [], "the imported templates say what AWS holds"
    imports = [e for e in engine.events[: counts["imported"]] if e.action == "IMPORT"]
    active = [a for a in existing.accounts.values() if a.state == "ACTIVE"]
    by_type = Counter(e.type for e in imports)
    assert by_type["AWS::Organizations::Account"] == len(active)
    assert by_type["AWS::Organizations::OrganizationalUnit"] == len(existing.ous)
    assert by_type["AWS::Organizations::Organization"] == 1


def test_the_deploy_after_adoption_changes_nothing_adopted(adopted: tuple) -> None:
    _, _, engine, _, before, counts = adopted
    imported = {e.logical_id for e in engine.events[: counts["imported"]]}
    touched = [(e.logical_id, e.action) for e in engine.events[counts["imported"] :] if e.logical_id in imported]
    assert touched == []
    assert counts["after"] == before, "every ID, place, attachment and content is as it was"


def test_drift_is_empty_after_adoption_and_the_command_says_so(adopted: tuple, capsys: pytest.CaptureFixture[str]) -> None:
    _, repository, *_ = adopted
    assert drift(load_spec(repository / "org.yaml"), live()) == []
    assert main(["drift", str(repository / "org.yaml")]) == 0
    assert "No drift" in capsys.readouterr().out
