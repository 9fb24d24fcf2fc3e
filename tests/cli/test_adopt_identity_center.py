"""Adopting an organization that uses IAM Identity Center already (docs/adopt.md, docs/identity-center.md),
every step in the emulator: permission sets and group assignments set up by hand (public boto3
calls: tests/support/identity_center.py) are imported with `orgboot import`, which maps them for
`cdk import`; the adopt assembly holds them with the live values as literals (no lookup: a custom
resource cannot be imported); they are imported as CloudFormation would; and the normal deploy that
follows, which adds the lookups, changes no permission set or assignment (same ARNs, nothing
replaced, no role provisioned anew), and drift is empty. The emulator refuses what CloudFormation
refuses on import (an identifier that names nothing, part of an identifier)."""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orgboot.cli.main import main
from orgboot.emulator import Engine, deploy_assembly
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, emulated_aws, management
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.importing import import_assembly
from orgboot.rules import load_spec
from orgboot.spec import layout, logical_ids
from orgboot.spec.adoption import Adoption, NotAdoptable
from orgboot.state.identity_center import read_identity_center
from orgboot.state.inventory import read_inventory
from tests.cli.test_adopt import synth_adopt
from tests.cli.test_import_identity_center import PLATFORM_ADMIN, REGION, SOURCE
from tests.conftest import synth, template
from tests.support.identity_center import create_organization, seed_identity_center

SSO_TYPES = ("AWS::SSO::PermissionSet", "AWS::SSO::Assignment")


def identity_center_shape() -> dict[str, Any]:
    """What adoption must not change: each permission set's ARN and content, who holds which set in
    which account, and the roles Identity Center provisioned (a replaced assignment or set would
    provision them anew, with a new suffix)."""
    aws = management()
    inventory = read_inventory(aws.client)
    view = read_identity_center(aws.client, REGION, inventory.accounts, inventory.management_account_id)
    roles = {}
    for account_id in [*inventory.accounts, MANAGEMENT_ACCOUNT_ID]:
        iam = aws.client("iam") if account_id == MANAGEMENT_ACCOUNT_ID else _iam(account_id)
        roles[account_id] = sorted(r["Arn"] for r in iam.list_roles(PathPrefix="/aws-reserved/sso.amazonaws.com/")["Roles"])
    return {
        "instance": view.instance_arn,
        "permission_sets": dict(view.permission_sets),
        "assignments": sorted((a.account_id, a.permission_set, a.principal.id) for a in view.assignments),
        "roles": roles,
    }


def _iam(account_id: str) -> Any:
    from orgboot.emulator.aws import assume

    return assume(account_id).client("iam")


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("adopt-identity-center")
    source = work / "source"
    (source / "policies" / "identity-center").mkdir(parents=True)
    (source / "policies" / "identity-center" / "platform-admin.json").write_text(json.dumps(PLATFORM_ADMIN))
    (source / "org.yaml").write_text(SOURCE)
    spec = load_spec(source / "org.yaml")
    repository = work / "acme-org"
    with emulated_aws():
        aws = management()
        ids = create_organization(aws, spec)
        seed_identity_center(aws, spec, ids, source / "org.yaml")
        before = identity_center_shape()
        assert main(["import", "--out", str(repository), "--identity-center-region", REGION]) == 0
        imported = load_spec(repository / "org.yaml")
        adopt_assembly = synth_adopt(imported, repository / "cdk-import", work / "cdk.adopt.out")
        assembly = synth(imported, work / "cdk.out", repository / "org.yaml")
        engine = Engine()
        drifted = import_assembly(engine, adopt_assembly, Adoption.read(repository / "cdk-import").mappings)
        events = len(engine.events)
        deploy_assembly(engine, assembly)
        yield {
            "spec": imported,
            "repository": repository,
            "adopt_assembly": adopt_assembly,
            "engine": engine,
            "drifted": drifted,
            "imported_events": events,
            "before": before,
            "after": identity_center_shape(),
        }


def test_import_maps_every_permission_set_and_assignment_with_its_whole_identifier(adopted: dict[str, Any]) -> None:
    spec, folder = adopted["spec"], adopted["repository"] / "cdk-import"
    center = spec.identity_center
    assert center is not None
    sets = json.loads((folder / f"{layout.IDENTITY_CENTER_STACK}.json").read_text())
    instance = adopted["before"]["instance"]
    assert sets == {
        logical_ids.permission_set(name): {"InstanceArn": instance, "PermissionSetArn": view.arn}
        for name, view in adopted["before"]["permission_sets"].items()
    }
    assignments = json.loads((folder / f"{layout.ASSIGNMENTS_STACK}.json").read_text())
    expanded = {logical_ids.assignment(key, g, s) for key, pairs in spec.identity_center_assignments().items() for g, s in pairs}
    assert set(assignments) == expanded
    assert len(expanded) == len(adopted["before"]["assignments"])
    for identifier in assignments.values():
        assert sorted(identifier) == sorted(("InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId"))


def test_the_adopt_assembly_holds_only_importable_resources_with_literal_values(adopted: dict[str, Any]) -> None:
    for stack in (layout.IDENTITY_CENTER_STACK, layout.ASSIGNMENTS_STACK):
        body = template(adopted["adopt_assembly"], stack)
        resources = {lid: r for lid, r in body["Resources"].items() if r["Type"] != "AWS::CDK::Metadata"}
        assert {r["Type"] for r in resources.values()} <= set(SSO_TYPES), "no lookup: a custom resource cannot be imported"
        assert "Outputs" not in body, "an IMPORT change set adds no outputs"
        for logical_id, resource in resources.items():
            assert resource["DeletionPolicy"] == "Retain", logical_id
            literal = {k: v for k, v in resource["Properties"].items() if k != "InlinePolicy"}
            assert "Fn::" not in json.dumps(literal), logical_id
            assert '"Ref"' not in json.dumps(literal), logical_id


def test_cdk_import_takes_them_as_they_are(adopted: dict[str, Any]) -> None:
    assert adopted["drifted"] == [], "the imported templates say what AWS holds"
    engine, spec = adopted["engine"], adopted["spec"]
    imports = Counter(e.type for e in engine.events[: adopted["imported_events"]] if e.action == "IMPORT")
    assert imports["AWS::SSO::PermissionSet"] == len(spec.identity_center.permission_sets)
    assert imports["AWS::SSO::Assignment"] == len(adopted["before"]["assignments"])


def test_the_deploy_after_adoption_changes_no_permission_set_or_assignment(adopted: dict[str, Any]) -> None:
    engine = adopted["engine"]
    after_import = engine.events[adopted["imported_events"] :]
    assert [(e.logical_id, e.action) for e in after_import if e.type in SSO_TYPES] == [], "nothing adopted updated or replaced"
    assert any(e.type == "Custom::IdentityCenterLookup" and e.action == "CREATE" for e in after_import), "the deploy adds the lookups"
    assert adopted["after"] == adopted["before"], "same ARNs, assignments and provisioned roles"


def test_drift_is_empty_after_adoption(adopted: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", str(adopted["repository"] / "org.yaml")]) == 0
    assert "No drift" in capsys.readouterr().out


def test_the_emulator_refuses_identifiers_that_name_nothing(adopted: dict[str, Any]) -> None:
    mappings = Adoption.read(adopted["repository"] / "cdk-import").mappings
    sets = dict(mappings[layout.IDENTITY_CENTER_STACK])
    logical_id, identifier = next(iter(sets.items()))
    gone = identifier["PermissionSetArn"][:-16] + "0123456789abcdef"
    with pytest.raises(EmulationError, match="was not found"):
        import_assembly(
            Engine(), adopted["adopt_assembly"], {layout.IDENTITY_CENTER_STACK: {logical_id: {**identifier, "PermissionSetArn": gone}}}
        )
    with pytest.raises(EmulationError, match=r"must be \[InstanceArn, PermissionSetArn\]"):
        import_assembly(Engine(), adopted["adopt_assembly"], {layout.IDENTITY_CENTER_STACK: {logical_id: {"PermissionSetArn": gone}}})
    assignment_id, assignment = next(iter(mappings[layout.ASSIGNMENTS_STACK].items()))
    other_group = "0123456789-" + assignment["PrincipalId"][11:]
    with pytest.raises(EmulationError, match="Assignment not exists for given entity"):
        import_assembly(
            Engine(), adopted["adopt_assembly"], {layout.ASSIGNMENTS_STACK: {assignment_id: {**assignment, "PrincipalId": other_group}}}
        )


def test_the_emulator_refuses_what_another_stack_holds(adopted: dict[str, Any]) -> None:
    mappings = Adoption.read(adopted["repository"] / "cdk-import").mappings
    engine = adopted["engine"]  # holds them since the import
    body = template(adopted["adopt_assembly"], layout.IDENTITY_CENTER_STACK)
    logical_id, identifier = next(iter(mappings[layout.IDENTITY_CENTER_STACK].items()))
    from orgboot.emulator.importing import import_stack

    copy = {"Resources": {"Again": body["Resources"][logical_id]}}
    with pytest.raises(EmulationError, match="already exists in stack"):
        import_stack(engine, "AnotherStack", copy, management(REGION), {"Again": identifier})


def test_synth_refuses_mappings_that_disagree_with_org_yaml(adopted: dict[str, Any], tmp_path: Path) -> None:
    folder = adopted["repository"] / "cdk-import"
    adoption = Adoption.read(folder)
    assignments = {lid: dict(identifier) for lid, identifier in adoption.mappings[layout.ASSIGNMENTS_STACK].items()}
    logical_id = next(lid for lid, identifier in assignments.items() if identifier["TargetId"] != MANAGEMENT_ACCOUNT_ID)
    assignments[logical_id]["TargetId"] = "999999999999"
    changed = Adoption({**adoption.mappings, layout.ASSIGNMENTS_STACK: assignments}, adoption.root_id, folder)
    with pytest.raises(NotAdoptable, match=f"{logical_id}: TargetId is 999999999999") as refused:
        changed.check(adopted["spec"])
    assert "create-only" in str(refused.value)
