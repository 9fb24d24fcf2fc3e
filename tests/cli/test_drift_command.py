"""`orgboot drift --json` and `--markdown`, the forms a scheduled CI job reads: exit status 0 when the
organization is as org.yaml says, 1 when it differs, with each difference in the output."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgboot.cli.main import main
from orgboot.emulator.aws import emulated_aws, management
from orgboot.reports.markdown import DRIFT_MARKER

DENY_LEAVE = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[tuple[object, str, str]]:
    """An organization made with boto3, imported with `orgboot import`: its client, org.yaml, root ID."""
    with emulated_aws():
        client = management().client("organizations")
        organization = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root = client.list_roots()["Roots"][0]["Id"]
        client.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        workloads = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        policy = client.create_policy(Name="deny-leave", Type="SERVICE_CONTROL_POLICY", Description="", Content=json.dumps(DENY_LEAVE))
        client.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=workloads)
        assert main(["import", "--out", str(tmp_path / "org")]) == 0
        yield client, str(tmp_path / "org" / "org.yaml"), organization


def drifted(client: object, root_id: str) -> None:
    client.create_organizational_unit(ParentId=root_id, Name="Rogue")  # type: ignore[attr-defined]
    client.create_account(AccountName="Shadow IT", Email="aws+shadow@acme-corp.io")  # type: ignore[attr-defined]


def test_json_without_drift_exits_0(imported, capsys: pytest.CaptureFixture[str]) -> None:
    _, spec, organization = imported
    capsys.readouterr()
    assert main(["drift", "--json", spec]) == 0
    assert json.loads(capsys.readouterr().out) == {"organization": organization, "spec": spec, "drift": []}


def test_json_with_drift_exits_1_and_lists_each_difference(imported, capsys: pytest.CaptureFixture[str]) -> None:
    client, spec, organization = imported
    drifted(client, client.list_roots()["Roots"][0]["Id"])
    capsys.readouterr()
    assert main(["drift", "--json", spec]) == 1
    found = json.loads(capsys.readouterr().out)
    assert (found["organization"], found["spec"]) == (organization, spec)
    assert sorted((d["section"], d["kind"], d["subject"], d["dangerous"]) for d in found["drift"]) == [
        ("Accounts", "account-undeclared", "shadow-it", False),
        ("Organizational units", "ou-undeclared", "Rogue", False),
    ]
    assert {"id", "summary", "details"} <= set(found["drift"][0])


def test_markdown_without_drift_exits_0(imported, capsys: pytest.CaptureFixture[str]) -> None:
    _, spec, organization = imported
    capsys.readouterr()
    assert main(["drift", "--markdown", spec]) == 0
    out = capsys.readouterr().out
    assert out.startswith(DRIFT_MARKER + "\n")
    assert f"No drift: the organization is as `{spec}` says." in out


def test_markdown_with_drift_exits_1_and_marks_what_reopens_a_guardrail(imported, capsys: pytest.CaptureFixture[str]) -> None:
    client, spec, organization = imported
    root = client.list_roots()["Roots"][0]["Id"]
    drifted(client, root)
    workloads = client.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
    deny = client.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    client.detach_policy(
        PolicyId=next(p["Id"] for p in deny if p["Name"] == "deny-leave"),
        TargetId=next(o["Id"] for o in workloads if o["Name"] == "Workloads"),
    )
    capsys.readouterr()
    assert main(["drift", "--markdown", spec]) == 1
    out = capsys.readouterr().out
    assert f"### orgboot drift: `{organization}` against `{spec}`" in out
    assert "**3 differences**, 1 reopening a guardrail" in out
    assert "- ⚠️ `deny-leave` was detached from `Workloads` out of band" in out
    for section in ("Organizational units", "Accounts", "Policies"):
        assert f"**{section}** (1)" in out
