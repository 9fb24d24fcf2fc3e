"""`python -m orgboot` as users run it: plain messages, exit codes, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, REPO, edited


def orgboot(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orgboot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_validate_the_example():
    result = orgboot("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "is valid: 7 OUs, 6 accounts, 3 policies, 9 guardrails" in result.stdout
    assert "policy budget: 5 targets; the fullest Root, 2 of 5 RCPs; " in result.stdout  # its budget, in a line
    every = orgboot("validate", str(EXAMPLE), "--budgets")
    assert "Workloads        SCP          4/10       1,973/10,240 characters" in every.stdout
    assert "Deploys a new organization from a management account that is in no organization yet" in result.stdout


def test_validate_does_not_load_the_emulator():
    """moto, boto3 and cfn-lint's schemas take a second to import: only `emulate` pays for them."""
    probe = "import sys; from orgboot.cli import main; main(['validate', 'org.yaml']); print(sorted(m for m in ('moto', 'cfnlint', 'orgboot.emulator') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    )
    assert result.stdout.splitlines()[-1] == "[]", result.stderr


def test_validate_reports_every_problem_without_traceback(tmp_path):
    spec = tmp_path / "org.yaml"
    spec.write_text(
        "accounts:\n  a: {name: A, email: nope, ou: Nowhere}\npolicies:\n  p: {type: TAG_POLICY, document: x.json, targets: [Root]}\n"
    )
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
    assert set(schema["properties"]) == {
        "emulator_only",
        "organization",
        "organizational_units",
        "accounts",
        "released_accounts",
        "policies",
        "guardrails",
        "management_baseline",
        "member_roles",
        "security_baseline",
        "identity_center",
        "unmanaged",
        "acknowledged_changes",
    }
    security = schema["$defs"]["SecurityBaseline"]["properties"]
    assert {"delegated_administrator", "regions", "guardduty", "security_hub", "access_analyzer"} <= set(security)
    assert "CIS 5.0 4.16" in security["security_hub"]["description"]
    # A guardrail's parameters are its own: the entry's key chooses its model (tests/spec/test_schema.py).
    region_deny = schema["$defs"][schema["properties"]["guardrails"]["properties"]["region-deny"]["$ref"].rpartition("/")[2]]
    assert set(region_deny["properties"]) == {"guardrail", "allowed_regions", "exempt_roles", "exempt_permission_sets", "targets"}
    assert set(region_deny["required"]) == {"allowed_regions", "targets"}
    account = schema["$defs"]["Account"]
    assert account["additionalProperties"] is False
    assert set(account["required"]) == {"name", "email", "ou"}
    assert schema["$defs"]["Policy"]["properties"]["document"]["type"] == "string"


def test_emulate_deploys_assemblies_in_turn_and_shows_what_the_update_did(example_assembly, tmp_path):
    changed = edited(
        example_assembly, tmp_path, "ManagementBaselineStack", lambda t: t["Resources"]["BillingAlarm"]["Properties"].update(Threshold=500)
    )
    result = orgboot("emulate", str(example_assembly), str(changed))
    assert result.returncode == 0, result.stderr
    update, after = result.stdout.split("(deploy 2 of 2):\n", 1)[1].split("\n\n", 1)
    assert [line.split() for line in update.splitlines()] == [["updated", "ManagementBaselineStack/BillingAlarm", "AWS::CloudWatch::Alarm"]]
    assert after.startswith("Organization o-")  # then what AWS holds after the update


def test_emulate_shows_the_update_that_fails_and_why(example_assembly, tmp_path):
    changed = edited(
        example_assembly,
        tmp_path,
        "OrganizationStack",
        lambda t: t["Resources"]["AccountAudit"]["Properties"].update(Email="a@example.com"),
    )
    result = orgboot("emulate", str(example_assembly), str(changed))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "failed   OrganizationStack/AccountAudit (AWS::Organizations::Account): Email of account" in result.stdout
    assert f"emulated deploy failed: deploy 2 of 2 ({changed}): OrganizationStack/AccountAudit" in result.stderr


def test_emulate_without_an_assembly_says_what_to_do(tmp_path):
    result = orgboot("emulate", str(tmp_path / "cdk.out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a cloud assembly (no manifest.json): run `make synth` first" in result.stderr


def test_emulate_prints_the_organization_tree(example_assembly):
    result = orgboot("emulate", str(example_assembly))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "OrganizationStack: created 1 organization, 7 OUs, 6 accounts, 8 policies" in out
    for expected in (
        "Root",
        "Workloads/",
        "Prod/",
        "Shop Prod",
        "aws+shop-prod@example.com",
        "cost-center=1234",
        "SCP: deny-leave-organization, deny-root-access-keys, protect-orgboot-roles, protect-security-services",
        "RCP: data-perimeter-https, data-perimeter-identities",
        "tag: cost-center-tag",
        "(management account)",
        "Management account baseline",
        "acme-management",
        "at least 14 characters",
        "EstimatedCharges > 1000 USD -> finance@example.com, platform@example.com",
        "CIS alarms",  # cis_monitoring: all 15 deployed, each notifying the security topic
        "15 of the 15 alarms of CIS 4.1-4.15 -> security@example.com",
        "OrganizationAccountAccessRole in every member account",
        "organization-trail: whole organization",
        "StackSet-orgboot-role-ExternalAudit-us-east-1: created 3 roles in 3 accounts",
    ):
        assert expected in out
    # The account settings, per account: Block Public Access, EBS encryption and Config everywhere,
    # and the three alternate contacts (the management account's too).
    settings = out[out.index("Account settings in eu-west-1, us-east-1") :]
    for name in ("master", "Audit", "Log Archive", "Network", "Sandbox Alice", "Shop Dev", "Shop Prod"):
        row = next(line for line in settings.splitlines() if line.strip().startswith(name))
        assert [word.rstrip(",") for word in row.split()[len(name.split()) :][:5]] == ["on", "every", "region", "every", "region"], row
        assert row.split()[-3:] == ["billing,", "operations,", "security"], row
    assert "every region, organization aggregator" in next(line for line in settings.splitlines() if "Audit" in line)
    # The trail also delivers to CIS monitoring's log group (the row wraps: compare the words).
    assert ", CloudWatch Logs /emulated/ManagementBaselineStack/OrganizationTrailLogGroup" in " ".join(out.split())
    # The access role is granted to BreakGlass, a group nobody is in until an incident; it holds no
    # AdministratorAccess (CIS 1.15), and may assume the administrator role instead.
    groups = out[out.index("Management account baseline") : out.index("Access matrix")]
    lines = groups.splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("BreakGlass "))
    break_glass = " ".join(lines[at].split())
    assert break_glass.startswith("BreakGlass - RequireMFA,")
    assert break_glass.endswith("OrganizationAccountAccessRole in every member account")
    assert [line.split() for line in lines[at + 1 : at + 3]] == [
        ["AWSSupport", "(this", "account)"],
        ["ManagementAdmin", "(this", "account)"],
    ]
    # People sign in through Identity Center; the IAM access matrix holds only the break-glass path.
    start = out.index("Access matrix")
    matrix = out[start : out.index("Identity Center groups (", start)]
    rows = [" ".join(line.split()) for line in matrix.splitlines()[3:] if line.strip()]
    assert rows == [
        "BreakGlass AWSSupport the management account - -",
        "BreakGlass ManagementAdmin the management account - -",
        "BreakGlass OrganizationAccountAccessRole (break-glass) all member accounts guardrail protect-orgboot-roles -",
    ]
    assert "Break-glass alarm" in out
    assert "ManagementAdmin assumed -> security@example.com" in " ".join(out.split())
    assert result.stderr == (
        "warning: MemberRolesStack:ExternalAuditExternalId not given (--parameter MemberRolesStack:ExternalAuditExternalId=...):"
        " the emulator uses a placeholder\n"
    )


def test_version_and_help():
    from orgboot import __version__

    assert orgboot("--version").stdout == f"orgboot {__version__}\n"
    help_text = orgboot("--help").stdout
    assert "exit status: 0 ok, 1 findings" in help_text
    for command in ("validate", "schema", "emulate"):
        assert command in help_text
    assert "(default: org.yaml)" in " ".join(orgboot("validate", "--help").stdout.split())
    assert "(default: cdk.out)" in " ".join(orgboot("emulate", "--help").stdout.split())


def test_options_before_or_after_the_subcommand(tmp_path):
    spec = tmp_path / "org.yaml"
    spec.write_text("accounts: [")
    for args in (("--no-color", "validate", str(spec)), ("validate", str(spec), "--no-color")):
        result = orgboot(*args)
        assert result.returncode == 1
        assert "YAML syntax error" in result.stderr


def test_usage_errors_exit_2():
    result = orgboot("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def write_assembly(directory: Path, manifest: object, templates: dict[str, object] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    for name, body in (templates or {}).items():
        (directory / name).write_text(body if isinstance(body, str) else json.dumps(body))
    return directory


HANDLE = "AWS::CloudFormation::WaitConditionHandle"


def stack(template_file: str, *dependencies: str) -> dict:
    return {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/us-east-1",
        "properties": {"templateFile": template_file},
        "dependencies": list(dependencies),
    }


@pytest.mark.parametrize(
    ("manifest", "templates", "message"),
    [
        ("{not json", {}, "manifest.json: the assembly manifest is not readable JSON"),
        ({"version": "1"}, {}, "manifest.json: no 'artifacts' in the manifest; run `make synth` again"),
        ({"artifacts": {"A": stack("A.template.json")}}, {}, "A.template.json: the template of stack A is missing; run `make synth` again"),
        (
            {"artifacts": {"A": stack("A.json", "B"), "B": stack("B.json", "A")}},
            {"A.json": {}, "B.json": {}},
            "manifest.json: stacks depend on each other in a cycle: A -> B -> A",
        ),
        ({"artifacts": {"A": {"type": "aws:cloudformation:stack"}}}, {}, "manifest.json: stack A has no environment or template file"),
        (
            {"artifacts": {"A": stack("A.json")}},
            {"A.json": b"\xff".decode("latin-1")},
            "A.json: the template of stack A is not readable JSON",
        ),
        ({"artifacts": {"A": stack("A.json")}}, {"A.json": {"Resources": []}}, "A.json: Resources must be a JSON object"),
        ({"artifacts": {"A": stack("A.json")}}, {"A.json": {"Resources": {"R": {"Properties": {}}}}}, "A.json: resource R has no Type"),
        ({"artifacts": {"A": stack("A.json")}}, {"A.json": {"Parameters": {"P": "x"}}}, "A.json: parameter P has no Type"),
        ({"artifacts": {"A": stack("A.json")}}, {"A.json": {"Outputs": {"O": {}}}}, "A.json: output O has no Value"),
        (
            {"artifacts": {"A": stack("A.json")}},
            {"A.json": {"Resources": {"R": {"Type": HANDLE, "DependsOn": 5}}}},
            "A.json: DependsOn of R must be a logical ID or a list of them",
        ),
        (
            {"artifacts": {"A": stack("A.json")}},
            {"A.json": {"Resources": {"R": {"Type": HANDLE, "DependsOn": ["Nope"]}}}},
            "A.json: unresolved resource dependencies ['Nope'] in DependsOn of R",
        ),
        *(
            ({"artifacts": {"A": stack("A.json")}}, {"A.json": {"Outputs": {"O": {"Value": function}}}}, f"A.json: Outputs.O: {message}")
            for function, message in [
                ({"Fn::GetAtt": "Nope"}, 'Fn::GetAtt takes ["LogicalId", "Attribute"] or "LogicalId.Attribute", not "Nope"'),
                ({"Fn::Join": 5}, 'Fn::Join takes ["delimiter", [values]], not 5'),
                ({"Fn::Select": ["a"]}, 'Fn::Select takes [index, [values]], not ["a"]'),
                ({"Fn::If": ["C", 1]}, 'Fn::If takes ["Condition", value if true, value if false], not ["C", 1]'),
                ({"Fn::Sub": ["${A}", 5]}, 'Fn::Sub takes "text" or ["text", {variables}], not ["${A}", 5]'),
            ]
        ),
        (
            {"artifacts": {"A": stack("A.json")}},
            {"A.json": {"Resources": {"R": {"Type": HANDLE}}, "Outputs": {"O": {"Value": {"Fn::Select": ["a", [1]]}}}}},
            'Fn::Select: index "a" is not within [1]',
        ),
        (
            {"artifacts": {"A": stack("A.json")}},
            {"A.json": {"Resources": {"R": {"Type": HANDLE}}, "Outputs": {"O": {"Value": {"Fn::Join": ["-", "ab"]}}}}},
            'Fn::Join takes a list of values to join, not "ab"',
        ),
    ],
)
def test_emulate_refuses_a_broken_assembly_plainly(tmp_path, manifest, templates, message):
    assembly = write_assembly(tmp_path / "cdk.out", manifest, templates)
    result = orgboot("emulate", str(assembly))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ("S:Nope=1", "S: Parameters: [Nope] do not exist in the template (it has: Account, Mode, Secret, Count)"),
        ("Other:Account=1", "parameter Other:Account: the assembly has no stack Other (it has: S)"),
        ("S:Account=12345", "S: Parameter 'Account' must match pattern \\d{12}"),
        ("S:Mode=fast", "S: Parameter 'Mode' must be one of AllowedValues: strict, lenient"),
        ("S:Secret=x", "S: Parameter 'Secret' must contain at least 2 characters"),
        ("S:Count=many", "S: Parameter 'Count' must be a number"),
        ("S:Count=11", "S: Parameter 'Count' must be a number not greater than 10"),
    ],
)
def test_emulate_refuses_parameters_as_cloudformation_does(tmp_path, parameter, message):
    template = {
        "Parameters": {
            "Account": {"Type": "String", "AllowedPattern": "\\d{12}", "Default": "123456789012"},
            "Mode": {"Type": "String", "AllowedValues": ["strict", "lenient"], "Default": "strict"},
            "Secret": {"Type": "String", "NoEcho": True, "MinLength": 2, "Default": "ok"},
            "Count": {"Type": "Number", "MaxValue": 10, "Default": 1},
        },
        "Resources": {"Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    }
    assembly = write_assembly(tmp_path / "cdk.out", {"artifacts": {"S": stack("S.json")}}, {"S.json": template})
    result = orgboot("emulate", str(assembly), "--parameter", parameter)
    assert result.returncode == 1, result.stderr
    assert f"emulated deploy failed: {message}" in result.stderr
