"""`orgboot simulate` as users run it: one question and its answer (the path, what it escaped, what it
assumed), --expect, and a file of assertions for CI; plain messages and exit codes, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orgboot.analysis.assertions import AssertionsError, read_assertions
from orgboot.analysis.simulate import AS_THE_ROLE, ASSUMING
from orgboot.policy.guardrails.packing import pack_key
from tests.conftest import EXAMPLE, IAM_GROUPS, REPO, iam_groups_variant

ASSERTIONS = REPO / "access-assertions.yaml"


def orgboot(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orgboot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def simulate(*args: str) -> subprocess.CompletedProcess:
    # orgboot 0.10's example (tests/data/iam_groups): its people are IAM users in groups with grants.
    return orgboot("simulate", str(IAM_GROUPS), *args)


def test_simulate_decides_from_the_spec_alone():
    allowed = simulate("--account", "shop-prod", "--principal", "Admin", "--action", "iam:CreateUser")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.splitlines()[0] == "allow: allowed"
    assert "  SCP at OU Workloads/Prod: FullAWSAccess (statement 1)" in allowed.stdout
    denied = simulate("--account", "shop-dev", "--principal", "arn:aws:iam::ACCOUNT:role/app",
                      "--action", "ec2:RunInstances", "--region", "ap-south-1", "--json")  # fmt: skip
    decision = json.loads(denied.stdout)
    assert decision["decision"] == "explicit_deny"
    assert decision["statements"] == [
        {
            "policy": pack_key("SERVICE_CONTROL_POLICY", ["Workloads"]),
            "kind": "scp",
            "attached_at": "OU Workloads",
            "sid": "DenyOutsideAllowedRegions",
            "statement": "1",
            "label": "guardrail region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)",
        }
    ]


def test_simulate_a_service_linked_role_is_not_held_by_scps():
    args = ["--account", "shop-dev", "--action", "ec2:DescribeInstances", "--region", "ap-south-1", "--json"]
    linked = "arn:aws:iam::ACCOUNT:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"
    assert json.loads(simulate(*args, "--principal", linked).stdout)["decision"] == "allow"
    ordinary = "arn:aws:iam::ACCOUNT:role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"
    assert json.loads(simulate(*args, "--principal", ordinary).stdout)["decision"] == "explicit_deny"


def test_simulate_the_guard_on_a_grant(tmp_path):
    """A group holding AdministratorAccess itself (not the example's way: CIS 1.15) is kept to its
    grants by the deny outside them; its own request is one route, the management account's roles
    the others."""
    iam_groups_variant(
        tmp_path, lambda data: data["management_baseline"]["groups"]["Admins"].update(managed_policies=["AdministratorAccess"])
    )
    args = ["simulate", str(tmp_path / "org.yaml"), "--account", "management", "--principal", "Admins", "--action", "sts:AssumeRole"]
    audit = orgboot(*args, "--resource-account", "audit", "--resource", "arn:aws:iam::ACCOUNT:role/Admin").stdout.splitlines()
    assert audit[0] == "deny: group Admins (one of its members): denied directly; denied as AWSSupport; denied as ManagementAdmin"
    assert audit[1:3] == [
        "  group Admins directly -> explicit deny: explicitly denied",
        "      denied by Admins-switch-roles (statement DenyAssumeOutsideGrantsAdmin)",
    ]
    shop = orgboot(*args, "--resource-account", "shop-dev", "--resource", "arn:aws:iam::ACCOUNT:role/Admin").stdout.splitlines()
    assert shop[0] == "allow: group Admins (one of its members): allowed directly; denied as AWSSupport; denied as ManagementAdmin"
    assert "      resource policy trust policy of Admin: trust policy of Admin (statement 1)" in shop


def test_administrators_reach_the_management_account_through_the_admin_role():
    """CIS 1.15: Admins hold no AdministratorAccess; they become ManagementAdmin, with MFA, recent
    enough for its trust (mfa_max_age_seconds 3600), and it reaches no other account."""
    args = ["--account", "management", "--principal", "Admins", "--action", "iam:CreateUser"]
    lines = simulate(*args).stdout.splitlines()
    assert lines[0] == "allow: group Admins (one of its members): denied directly; denied as AWSSupport; allowed as ManagementAdmin"
    assert "  group Admins directly -> implicit deny: no identity policy allows it" in lines
    assert "  group Admins -> ManagementAdmin -> allow: allowed" in lines
    stale = simulate(*args, "--context", "aws:MultiFactorAuthAge=7200").stdout.splitlines()
    assert stale[0] == "deny: group Admins (one of its members): denied directly; denied as AWSSupport"
    assert (
        "  group Admins -> ManagementAdmin: cannot assume it: trust policy of ManagementAdmin does not allow"
        " arn:aws:iam::management:user/member-of-Admins" in stale
    )
    no_mfa = json.loads(simulate(*args, "--context", "aws:MultiFactorAuthPresent=false", "--json").stdout)
    assert no_mfa["decision"] == "explicit_deny"  # RequireMFA, on every route
    auditors = json.loads(simulate("--account", "management", "--principal", "Auditors", "--action", "iam:CreateUser", "--json").stdout)
    assert [(route["role"], route["assume"] and route["assume"]["decision"]) for route in auditors["routes"]] == [
        (None, None), ("AWSSupport", "implicit_deny"), ("ManagementAdmin", "implicit_deny")]  # fmt: skip
    chained = ["--account", "management", "--principal", "ManagementAdmin", "--action", "sts:AssumeRole",
               "--resource-account", "shop-prod", "--resource", "arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole"]  # fmt: skip
    assert simulate(*chained).stdout.splitlines()[:2] == [
        "explicit deny: explicitly denied",
        "  denied by ManagementAdmin-stay-in-account (statement DenyAssumeRoleOutsideThisAccount)",
    ]


def test_simulate_asks_for_one_action_aws_knows():
    args = ["--account", "shop-dev", "--principal", "arn:aws:iam::ACCOUNT:role/app"]
    typo = simulate(*args, "--action", "s3:GetObjectt")
    assert (typo.returncode, typo.stderr.strip()) == (2, "orgboot simulate: unknown action 's3:GetObjectt' (did you mean 's3:GetObject'?)")
    assert "a request is one action, without wildcards" in simulate(*args, "--action", "s3:*").stderr


def test_simulate_refuses_what_the_spec_does_not_have():
    result = simulate("--account", "nowhere", "--principal", "Admin", "--action", "s3:GetObject")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "no account 'nowhere' in the spec (accounts: audit, log-archive, network, sandbox-alice, shop-dev, shop-prod; or 'management')"
        in result.stderr
    )
    missing = simulate("--account", "shop-prod", "--principal", "Admin")
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "orgboot simulate: --action missing: a question names the account, the principal and the action (or give --assertions FILE)",
    )


def test_a_group_is_answered_through_the_roles_it_may_assume():
    result = simulate("--account", "shop-prod", "--principal", "Admins", "--action", "iam:CreateUser")
    lines = result.stdout.splitlines()
    assert lines[0] == "allow: group Admins (one of its members): allowed as Admin; denied as ReadOnly"
    assert "  group Admins -> Admin -> allow: allowed" in lines
    assert "  group Admins -> ReadOnly -> implicit deny: no identity policy allows it" in lines
    assert "  group Admins -> OrganizationAccountAccessRole: cannot assume it: no identity policy allows it" in lines  # not granted
    nothing = json.loads(simulate("--account", "shop-prod", "--principal", "Billing", "--action", "iam:CreateUser", "--json").stdout)
    assert (nothing["decision"], nothing["answer"]) == ("implicit_deny", "the group can assume no role there")
    assert {route["role"]: route["decision"] for route in nothing["routes"]}.keys() == {
        "Admin", "ReadOnly", "ExternalAudit", "OrganizationAccountAccessRole"}  # fmt: skip


def test_the_answer_lists_what_it_assumed_and_what_it_escaped():
    args = ["--account", "shop-prod", "--principal", "OrganizationAccountAccessRole", "--action", "iam:DeleteRole",
            "--resource", "arn:aws:iam::ACCOUNT:role/Admin"]  # fmt: skip
    lines = simulate(*args).stdout.splitlines()
    assert "  escaped: guardrail protect-orgboot-roles would deny; OrganizationAccountAccessRole is exempt" in lines
    assumed = lines[lines.index("assumed (not given in the question; --context, --region or --resource to say otherwise):") + 1 :]
    assert assumed[:2] == [
        "  aws:RequestedRegion = eu-west-1: the first region region-deny over account shop-prod allows (--region to ask about another)",
        "  aws:SecureTransport = true: requests go over TLS (the SDKs and the console use HTTPS)",
    ]
    assert {line.split(" = ")[0].strip() for line in assumed} == {
        "aws:RequestedRegion", "aws:SecureTransport", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID",
        "aws:ResourceOrgPaths"}  # fmt: skip
    as_json = json.loads(simulate(*args, "--json", "--context", "aws:SecureTransport=true").stdout)
    assert as_json["escaped"] == [
        {
            "policy": "protect-orgboot-roles",
            "source": "guardrail",
            "exempt": "OrganizationAccountAccessRole",
            "label": "guardrail protect-orgboot-roles would deny; OrganizationAccountAccessRole is exempt",
        }
    ]
    assert "aws:SecureTransport" not in {a["key"] for a in as_json["assumed"]}
    assert {a["key"]: a["value"] for a in as_json["assumed"]}["aws:RequestedRegion"] == "eu-west-1"


def test_denies_name_the_guardrail_the_user_wrote_in_text_json_and_assertions():
    args = [
        "--account",
        "shop-dev",
        "--principal",
        "arn:aws:iam::ACCOUNT:role/app",
        "--action",
        "ec2:RunInstances",
        "--region",
        "ap-south-1",
    ]
    lines = simulate(*args).stdout.splitlines()
    assert lines[:2] == [
        "explicit deny: explicitly denied",
        "  denied by guardrail region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)",
    ]
    (statement,) = json.loads(simulate(*args, "--json").stdout)["statements"]
    assert statement["label"] == "guardrail region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)"
    assert statement["policy"] == pack_key("SERVICE_CONTROL_POLICY", ["Workloads"])  # kept: the document's name in AWS
    checked = orgboot("simulate", "--assertions", ASSERTIONS.name).stdout
    assert "guardrails-scp-" not in checked
    assert "guardrails-rcp-" not in checked
    assert (
        "ec2:RunInstances in shop-dev: deny (explicitly denied by guardrail region-deny (on OU Workloads, statement"
        " DenyOutsideAllowedRegions))" in checked
    )


def test_the_answer_names_the_resource_it_assumed_and_each_step_of_a_route():
    lines = simulate("--account", "shop-dev", "--principal", "Admins", "--action", "ec2:RunInstances").stdout.splitlines()
    assumed = lines[lines.index("assumed (not given in the question; --context, --region or --resource to say otherwise):") + 1 :]
    assert "  resource = *: no --resource given: any resource; a statement scoped to specific resources may decide otherwise" in assumed
    assert "  aws:PrincipalOrgPaths = o-orgboot/r-orgboot/000000000000/ (in sts:AssumeRole from the management account): the principal" \
        " is in the management account (offline, stand-in IDs for those AWS gives at deploy)" in assumed  # fmt: skip
    assert len([line for line in assumed if line.startswith("  aws:PrincipalOrgPaths")]) == 2
    assert "  aws:SecureTransport = true: requests go over TLS (the SDKs and the console use HTTPS)" in assumed  # alike in both: once
    keys = [line.split(" = ")[0] for line in assumed if line.startswith("  ")]
    assert len(keys) == len(set(keys)) + 1  # only aws:PrincipalOrgPaths differs by step
    assert (
        "note: on instance resources (like arn:aws:ec2:eu-west-1:ACCOUNT:instance/example), SCP require-imdsv2 (on OU Workloads,"
        " statement RequireImdsV2) would deny it: give --resource" in lines
    )
    as_json = json.loads(simulate("--account", "shop-dev", "--principal", "Admins", "--action", "ec2:RunInstances", "--json").stdout)
    steps = [(a["key"], a["step"]) for a in as_json["assumed"] if a["key"] in ("resource", "aws:PrincipalOrgPaths")]
    assert steps == [("resource", None), ("aws:PrincipalOrgPaths", ASSUMING), ("aws:PrincipalOrgPaths", AS_THE_ROLE)]


def test_simulate_refuses_a_region_aws_does_not_have_and_names_accounts_by_key():
    args = ["--account", "shop-dev", "--principal", "Admin", "--action", "ec2:RunInstances"]
    mars = simulate(*args, "--region", "mars-1")
    assert (mars.returncode, mars.stderr.startswith("orgboot simulate: --region mars-1: AWS has no such region")) == (2, True), mars.stderr
    typo = simulate(*args, "--region", "eu-wset-1")
    assert "(did you mean 'eu-west-1'?)" in typo.stderr
    cross = simulate("--account", "shop-dev", "--principal", "arn:aws:iam::ACCOUNT:role/app", "--action", "s3:GetObject",
                     "--resource", "arn:aws:s3:::orders/key", "--resource-account", "shop-prod")  # fmt: skip
    assert cross.stdout.splitlines()[0] == "implicit deny: no resource policy in account shop-prod allows arn:aws:iam::shop-dev:role/app"
    assert "10000000000" not in cross.stdout.split("assumed")[0]  # stand-in IDs only in the listed organization paths


def test_expect_fails_the_command_when_the_answer_differs():
    args = ["--account", "shop-prod", "--principal", "Auditors", "--action", "iam:CreateUser"]
    assert simulate(*args, "--expect", "deny").returncode == 0
    wrong = simulate(*args, "--expect", "allow")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "orgboot simulate: expected allow, got deny"
    as_json = json.loads(simulate(*args, "--expect", "allow", "--json").stdout)
    assert (as_json["expected"], as_json["holds"]) == ("allow", False)


def test_the_example_assertions_hold():
    result = orgboot("simulate", "--assertions", ASSERTIONS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "25 assertions in access-assertions.yaml: all hold"
    assert "holds access-assertions.yaml:89: arn:aws:iam::999988887777:role/Auditor sts:AssumeRole" in result.stdout
    # The example's people, through IAM Identity Center: "can the Developers group delete a bucket in prod?"
    assert "holds access-assertions.yaml:16: Developers s3:DeleteBucket on arn:aws:s3:::shop-orders in shop-prod: deny" in result.stdout


def test_a_failed_assertion_is_reported_at_its_line(tmp_path):
    (tmp_path / "expect.yaml").write_text(
        "- {principal: Admins, account: shop-prod, action: iam:CreateUser, expected: allow}\n"
        "- principal: Auditors\n"
        "  account: shop-prod\n"
        "  action: iam:CreateUser\n"
        "  expected: allow\n"
        "- principal: Auditors\n"
        "  account: shop-prd\n"
        "  action: iam:CreateUser\n"
        "  expected: deny\n"
    )
    result = orgboot("simulate", str(IAM_GROUPS), "--assertions", "expect.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == [
        "FAILS expect.yaml:2: Auditors iam:CreateUser in shop-prod: deny (denied as ReadOnly), expected allow",
        "FAILS expect.yaml:6: Auditors iam:CreateUser in shop-prd: account: no account 'shop-prd' in the spec (did you mean"
        " 'shop-prod'?) (accounts: audit, log-archive, network, sandbox-alice, shop-dev, shop-prod; or 'management')",
    ]
    assert result.stderr.strip() == "3 assertions in expect.yaml: 2 failed"
    as_json = json.loads(orgboot("simulate", str(IAM_GROUPS), "--assertions", "expect.yaml", "--json", cwd=tmp_path).stdout)
    assert [(o["line"], o["holds"]) for o in as_json] == [(1, True), (2, False), (6, False)]


def test_a_bad_assertions_file_is_refused_with_each_problem_at_its_line(tmp_path):
    (tmp_path / "expect.yaml").write_text(
        "- principal: Auditors\n"
        "  acount: shop-prod\n"
        "  action: iam:CreateUser\n"
        "  expected: denied\n"
        "- principal: Admins\n"
        "  account: 070000000001\n"
        "  action: s3:GetObject\n"
        "  expected: allow\n"
        "  context: [aws:SecureTransport]\n"
        "- just text\n"
    )
    result = orgboot("simulate", str(EXAMPLE), "--assertions", "expect.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "6 problems in the assertions file expect.yaml:",
        "  expect.yaml:1: [0]: 'account' is missing; an assertion needs principal, account, action, expected",
        "  expect.yaml:2: [0].acount: unknown key 'acount' (did you mean 'account'?); an assertion has principal, account, action,"
        " expected, resource, resource_account, region, context",
        "  expect.yaml:4: [0].expected: 'denied' is not an expected answer (did you mean 'deny'?): write allow or deny",
        "  expect.yaml:6: [1].account: 'account' is a number, not text: YAML reads 070000000001 unquoted as 7516192769; write it"
        " in quotes: '070000000001'",
        "  expect.yaml:9: [1].context: 'context' is a mapping of condition keys to values, like {aws:SecureTransport: 'false'}"
        " (got a list)",
        "  expect.yaml:10: [2]: an assertion is a mapping of principal, account, action and expected, like",
        "    - {principal: Auditors, account: shop-prod, action: iam:CreateUser, expected: deny}",
        "  (got text)",
    ]
    for text, problem in [
        ("", "expect.yaml:1: expected a list of assertions"),
        ("principal: Admins\n", "expect.yaml:1: expected a list of assertions"),
        ("- principal: 'Admins\n", "expect.yaml:1"),
    ]:
        (tmp_path / "expect.yaml").write_text(text)
        refused = orgboot("simulate", str(EXAMPLE), "--assertions", "expect.yaml", cwd=tmp_path)
        assert (refused.returncode, "Traceback" in refused.stderr) == (1, False), refused.stderr
        assert problem in refused.stderr
    missing = orgboot("simulate", str(EXAMPLE), "--assertions", "nothing.yaml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "orgboot simulate: no assertions file nothing.yaml (a YAML list of principal, account, action, expected)",
    )


@pytest.mark.parametrize(("written", "read_as"), [("true", "true or false"), ("yes", "true or false"), ("1", "a number")])
def test_an_expected_answer_yaml_reads_as_no_text_asks_for_allow_or_deny(tmp_path, written, read_as):
    """Quoting it ('true') would be text, and still no answer: allow or deny is what belongs there."""
    path = tmp_path / "expect.yaml"
    path.write_text(f"- principal: Admins\n  account: shop-prod\n  action: iam:CreateUser\n  expected: {written}\n")
    with pytest.raises(AssertionsError) as refused:
        read_assertions(path)
    assert [str(problem).replace(f"{tmp_path}/", "") for problem in refused.value.problems] == [
        f"expect.yaml:4: [0].expected: 'expected' is {written}, which YAML reads as {read_as}, not an answer: write allow or deny"
    ]


def test_a_quote_never_closed_in_the_assertions_file_is_reported_as_in_org_yaml(tmp_path):
    path = tmp_path / "expect.yaml"
    path.write_text("- principal: Admins\n  account: shop-prod\n  action: 'iam:CreateUser\n  expected: deny\n")
    with pytest.raises(AssertionsError) as refused:
        read_assertions(path)
    assert [str(problem).replace(f"{tmp_path}/", "") for problem in refused.value.problems] == [
        "expect.yaml:3: YAML syntax error: the quote (') opened on this line is never closed, so the rest of the file is read"
        " as one value; close it on this line"
    ]
