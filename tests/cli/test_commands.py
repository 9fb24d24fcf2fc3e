"""`python -m orgboot` as users run it: plain messages, exit codes, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE, REPO


def orgboot(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orgboot", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_validate_the_example():
    result = orgboot("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "is valid: 7 OUs, 6 accounts, 7 policies" in result.stdout


def test_validate_reports_every_problem_without_traceback(tmp_path):
    spec = tmp_path / "org.yaml"
    spec.write_text("accounts:\n  a: {name: A, email: nope, ou: Nowhere}\npolicies:\n  p: {type: TAG_POLICY, document: x.json, targets: [Root]}\n")
    result = orgboot("validate", str(spec))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{spec}:2: accounts.a.email: 'nope' is not an email address" in result.stderr
    assert f"{spec}:2: accounts.a.ou: OU 'Nowhere' is not declared" in result.stderr
    assert f"{spec}:4: policies.p.document: policy file 'x.json' not found" in result.stderr
    assert f"{spec}:4: policies.p.type: policy type TAG_POLICY is not enabled" in result.stderr
    assert result.stderr.startswith("4 problems in the organization spec:")


def test_schema_is_json_schema_for_org_yaml():
    result = orgboot("schema")
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"organization", "organizational_units", "accounts", "policies", "management_baseline", "member_roles"}
    account = schema["$defs"]["Account"]
    assert account["additionalProperties"] is False and set(account["required"]) == {"name", "email", "ou"}
    assert schema["$defs"]["Policy"]["properties"]["document"]["type"] == "string"


def test_emulate_without_an_assembly_says_what_to_do(tmp_path):
    result = orgboot("emulate", str(tmp_path / "cdk.out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a cloud assembly (no manifest.json): run `make synth` first" in result.stderr


def test_emulate_prints_the_organization_tree(example_assembly):
    result = orgboot("emulate", str(example_assembly))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "OrganizationStack: created 1 organization, 7 OUs, 6 accounts, 7 policies" in out
    for expected in ("Root", "Workloads/", "Prod/", "Shop Prod", "aws+shop-prod@example.com", "cost-center=1234",
                     "SCP: deny-leave-organization", "RCP: enforce-tls-s3", "tag: cost-center-tag", "(management account)",
                     "Management account baseline", "acme-management", "at least 14 characters",
                     "EstimatedCharges > 1000 USD -> finance@example.com, platform@example.com",
                     "OrganizationAccountAccessRole in every member account", "organization-trail: whole organization",
                     "StackSet-orgboot-role-ExternalAudit: created 3 roles in 3 accounts"):
        assert expected in out
    matrix = out[out.index("Access matrix"):]
    rows = [" ".join(line.split()) for line in matrix.splitlines()[3:] if line.strip()]
    assert rows == [
        "Admins OrganizationAccountAccessRole all member accounts",
        "Admins Admin Sandbox Alice, Shop Dev, Shop Prod",
        "Admins ReadOnly all member accounts",
        "Auditors ReadOnly all member accounts",
    ]
    assert "MemberRolesStack:ExternalAuditExternalId not given: the emulator uses a placeholder" in out
