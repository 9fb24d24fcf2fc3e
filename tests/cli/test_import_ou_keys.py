"""OUs whose names would give two of them one CloudFormation resource, in an organization of
realistic shape (tests/support/existing_organization.py) with such OUs added the way people make
them: `orgboot import` gives each of them a key (its name and its ID), writes the mappings under the
keyed logical IDs, and the repository validates; `cdk import` of the organization stack then takes
every OU as it is, and drift is empty."""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aws_cdk as cdk
import pytest

import stacks
from orgboot.analysis.drift import drift
from orgboot.cli.main import main
from orgboot.emulator import Engine
from orgboot.emulator.aws import emulated_aws, management
from orgboot.emulator.importing import import_assembly
from orgboot.rules import load_spec
from orgboot.spec import layout
from orgboot.spec.adoption import Adoption
from orgboot.state.inventory import read_inventory
from tests.conftest import CDK_CONTEXT
from tests.support.existing_organization import CORE, build_existing_organization

# Added to the organization: name -> parent path ("" for the root), each colliding with what is there.
COLLIDING = {
    "Workloads/Prod/shared": "Shared differs in case only",  # and both give OuWorkloadsProdShared
    "Workloads/Prod/Data-Platform": "Data Platform gives the same ASCII letters",
    "WorkloadsProd": "a top-level OU whose letters are those of Workloads/Prod",
    "開発": "no ASCII letter or digit: the bare Ou",
    "本番": "no ASCII letter or digit either",
    "開発/Team": "under a keyed OU: it follows its parent's identity",
}
KEYED = {"Workloads/Prod/shared", "Workloads/Prod/Shared", "Workloads/Prod/Data-Platform", "Workloads/Prod/Data Platform"}
KEYED |= {"WorkloadsProd", "Workloads/Prod", "開発", "本番"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path, Engine, list]]:
    work = tmp_path_factory.mktemp("ou-keys")
    with emulated_aws():
        existing = build_existing_organization(accounts=len(CORE))
        organizations = management().client("organizations")
        ous = dict(existing.ous)
        for path in COLLIDING:
            parent, _, name = path.rpartition("/")
            ous[path] = organizations.create_organizational_unit(ParentId=ous[parent] if parent else existing.root_id, Name=name)[
                "OrganizationalUnit"
            ]["Id"]
        # An account and a policy attached where a key is needed.
        account = existing.accounts["Shared Prod"].id
        organizations.move_account(
            AccountId=account, SourceParentId=ous["Workloads/Prod/Shared"], DestinationParentId=ous["Workloads/Prod/shared"]
        )
        deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}
        policy = organizations.create_policy(Name="Dev Deny EC2", Type="SERVICE_CONTROL_POLICY", Description="", Content=json.dumps(deny))
        organizations.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=ous["開発/Team"])

        repository = work / "acme-org"
        assert main(["import", "--out", str(repository)]) == 0, "the repository validates"
        spec = load_spec(repository / "org.yaml")
        adoption = Adoption.read(repository / "cdk-import")
        app = cdk.App(outdir=str(work / "cdk.adopt.out"), analytics_reporting=False, context=CDK_CONTEXT)
        stacks.build(app, spec, adopt=adoption)
        app.synth()
        engine = Engine()
        organization_stack = {layout.ORGANIZATION_STACK: adoption.mappings[layout.ORGANIZATION_STACK]}
        drifted = import_assembly(engine, work / "cdk.adopt.out", organization_stack)
        assert drift(spec, read_inventory(management().client)) == []
        yield ous, repository, engine, drifted


def test_the_colliding_ous_and_only_they_have_keys_of_their_name_and_id(imported: tuple) -> None:
    ous, repository, *_ = imported
    spec = load_spec(repository / "org.yaml")
    keys = {entry.path: entry.key for entry in spec.organizational_units if entry.key is not None}
    assert keys == {path: f"{path.rpartition('/')[2]} {ous[path]}" for path in KEYED}
    assert spec.ou_identities["開発/Team"] == f"開発 {ous['開発']}/Team"
    assert spec.ou_identities["Workloads/Prod/Payments"] == f"Workloads/Prod {ous['Workloads/Prod']}/Payments"
    text = (repository / "org.yaml").read_text()
    assert f"  - Workloads/Prod/shared: {{key: shared {ous['Workloads/Prod/shared']}}}   # {ous['Workloads/Prod/shared']}\n" in text


def test_each_ou_is_mapped_once_under_its_keyed_logical_id(imported: tuple) -> None:
    ous, repository, *_ = imported
    spec = load_spec(repository / "org.yaml")
    mapping = json.loads((repository / "cdk-import" / f"{layout.ORGANIZATION_STACK}.json").read_text())
    mapped = {logical_id: ids["Id"] for logical_id, ids in mapping.items() if logical_id.startswith("Ou")}
    assert mapped == {spec.ou_logical_id(path): ou_id for path, ou_id in ous.items()}


def test_cdk_import_takes_every_ou_as_it_is(imported: tuple) -> None:
    ous, _, engine, drifted = imported
    assert drifted == []
    imports = Counter(e.type for e in engine.events if e.action == "IMPORT")
    assert imports["AWS::Organizations::OrganizationalUnit"] == len(ous)
