"""Rules on member roles: grants within the role's targets, inline policy size per role."""

import json

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write


def test_grant_outside_several_targets_names_them_all(tmp_path):
    text = BASE + "member_roles:\n  catalogue:\n    Admin: {targets: [Workloads/Prod, Security/Audit]}\n"
    text = text.replace("[Workloads/Prod, Security]", "[Workloads/Prod, Security/Audit, Sandbox]")
    text += "management_baseline:\n  groups:\n    Ops: {may_assume: [{role: Admin, ous: [Sandbox]}]}\n"
    assert problems(tmp_path, text) == [
        "org.yaml:12: management_baseline.groups.Ops.may_assume.0.role: Ops may assume Admin in Sandbox,"
        " but Admin is deployed only to Workloads/Prod, Security/Audit; narrow the grant or widen the role's targets"
    ]


def inline_policy_of_size(size: int) -> str:
    condition = {"StringEquals": {"aws:PrincipalArn": ""}}
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}],
    }
    condition["StringEquals"]["aws:PrincipalArn"] = "x" * (size - len(json.dumps(document, separators=(",", ":"))))
    return json.dumps(document, separators=(",", ":"))


@pytest.mark.parametrize(("size", "refused"), [(10_240, False), (10_241, True)])
def test_inline_policies_limit_is_inclusive(tmp_path, size, refused):
    text = BASE + "member_roles:\n  catalogue:\n    Data: {inline_policies: [policies/data.json], targets: [Root]}\n"
    files = {"policies/data.json": inline_policy_of_size(size)}
    if refused:
        assert problems(tmp_path, text, files) == [
            f"org.yaml:9: member_roles.catalogue.Data.inline_policies: {size} characters of inline policies minified;"
            " IAM allows 10240 per role: move some into managed policies"
        ]
    else:
        assert load_spec(write(tmp_path, text, files)).member_roles.catalogue["Data"]


def test_a_group_whose_inline_policies_cannot_fit_is_refused(tmp_path):
    # Grants on many nested OUs make the switch-roles policy long: IAM takes 5,120 characters per group.
    ous = [f"Team{i:02d}/Sub/Deep" for i in range(12)]
    text = BASE.replace("[Workloads/Prod, Security]", "[" + ", ".join(["Workloads/Prod", "Security", *ous]) + "]")
    text += (
        "management_baseline:\n  groups:\n    Ops: {managed_policies: [AdministratorAccess], break_glass: [{role: OrganizationAccountAccessRole, ous: ["
        + ", ".join(ous)
        + "]}]}\n"
    )
    (found,) = problems(tmp_path, text)
    assert found.startswith("org.yaml:9: management_baseline.groups.Ops: up to ")
    assert found.endswith("IAM allows 5120 per group: move files into managed policies, or grant whole parent OUs")
    few = text.replace(", ".join(ous) + "]}]}", ", ".join(ous[:3]) + "]}]}")
    assert load_spec(write(tmp_path, few)).management_baseline.groups["Ops"]
