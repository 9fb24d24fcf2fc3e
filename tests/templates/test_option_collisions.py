"""Options whose entries collide on the way to the template: either validation refuses the spec,
naming the key, or every entry it lists lands in the template. Each case asserts the one it gets."""

import json
from pathlib import Path
from typing import Any

import pytest

from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, SpecError
from tests.conftest import synth, template
from tests.spec.test_loader import BASE, write

READ_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
READ_EC2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}


def load(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> OrgSpec | list[str]:
    """The spec, or the problems (file:line: key: message) it was refused with."""
    try:
        return load_spec(write(tmp_path, text, files))
    except SpecError as error:
        return [str(problem) for problem in error.problems]


def resources(assembly: Path, stack: str, resource_type: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template(assembly, stack)["Resources"].values() if r["Type"] == resource_type]


def test_inline_policies_with_the_same_file_name_all_land(tmp_path):
    text = BASE + (
        "management_baseline:\n  groups:\n    Ops: {inline_policies: [policies/s3/read.json, policies/ec2/read.json]}\n"
        "member_roles:\n  catalogue:\n    Reader: {inline_policies: [policies/s3/read.json, policies/ec2/read.json], targets: [Workloads]}\n"
    )
    found = load(tmp_path, text, {"policies/s3/read.json": json.dumps(READ_S3), "policies/ec2/read.json": json.dumps(READ_EC2)})
    clash = "'policies/ec2/read.json' and 'policies/s3/read.json' would both be the inline policy 'read'; rename one file"
    assert found == [
        f"{tmp_path}/org.yaml:9: management_baseline.groups.Ops.inline_policies.1: {clash}",
        f"{tmp_path}/org.yaml:12: member_roles.catalogue.Reader.inline_policies.1: {clash}",
    ]


def test_a_billing_recipient_listed_twice(tmp_path):
    text = BASE + (
        "management_baseline:\n  billing:\n"
        "    {alarm_threshold_usd: 100, monthly_budget_usd: 100, notify: [finance@example.com, finance@example.com]}\n"
    )
    assert load(tmp_path, text) == [
        f"{tmp_path}/org.yaml:9: management_baseline.billing.notify: 'finance@example.com' is listed 2 times; list it once"
    ]


@pytest.mark.parametrize(("grants", "role"), [("break_glass", "OrganizationAccountAccessRole"), ("may_assume", "Admin")])
def test_two_grants_of_one_role_in_a_group(tmp_path, grants, role):
    text = BASE + (
        "member_roles:\n  catalogue:\n    Admin: {targets: [Root]}\n"
        f"management_baseline:\n  groups:\n    Ops:\n      {grants}: [{{role: {role}, ous: [Security]}}, {{role: {role}, ous: [Workloads]}}]\n"
    )
    spec = load(tmp_path, text)
    assert isinstance(spec, OrgSpec), spec  # two grants of one role are fine: both OUs land
    assembly = synth(spec, tmp_path / "cdk.out")
    (group,) = resources(assembly, "ManagementBaselineStack", "AWS::IAM::Group")
    (policy,) = [p["PolicyDocument"] for p in group["Policies"] if p["PolicyName"] == "Ops-switch-roles"]
    reached = json.dumps([s for s in policy["Statement"] if s["Resource"] == f"arn:aws:iam::*:role/{role}"])
    assert "OuSecurity" in reached
    assert "OuWorkloads" in reached
