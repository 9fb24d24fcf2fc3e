"""Rules on organization policies: sizes by type, statements, attachments per target."""

import json

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write

TYPES = "organization:\n  policy_types: [SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, TAG_POLICY]\n"
SPEC = BASE.replace("organization:\n  policy_types: [SERVICE_CONTROL_POLICY]\n", TYPES)


def policy_of_size(size: int) -> str:
    """A minified SCP of exactly `size` characters."""
    condition = {"StringEquals": {"aws:PrincipalArn": ""}}
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}],
    }
    condition["StringEquals"]["aws:PrincipalArn"] = "x" * (size - len(json.dumps(document, separators=(",", ":"))))
    text = json.dumps(document, separators=(",", ":"))
    assert len(text) == size
    return text


@pytest.mark.parametrize(("size", "refused"), [(10_240, False), (10_241, True)])
def test_scp_size_limit_is_inclusive(tmp_path, size, refused):
    text = SPEC + "policies:\n  big: {type: SERVICE_CONTROL_POLICY, document: policies/big.json, targets: [Root]}\n"
    found = problems(tmp_path, text, {"policies/big.json": policy_of_size(size)}) if refused else []
    if refused:
        assert found == [
            f"org.yaml:8: policies.big.document: 'policies/big.json' is {size} characters minified; a SERVICE_CONTROL_POLICY may have at most 10240"
        ]
    else:
        assert load_spec(write(tmp_path, text, {"policies/big.json": policy_of_size(size)})).policies["big"]


def test_management_policies_have_no_statements(tmp_path):
    tag_policy = {"tags": {"cost-center": {"tag_key": {"@@assign": "cost-center"}}}}
    text = SPEC + "policies:\n  tags: {type: TAG_POLICY, document: policies/tags.json, targets: [Root]}\n"
    assert load_spec(write(tmp_path, text, {"policies/tags.json": json.dumps(tag_policy)})).policies["tags"]


RCP = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})


def attached(count: int, policy_type: str) -> str:
    document = "policies/rcp.json" if policy_type == "RESOURCE_CONTROL_POLICY" else "policies/deny.json"
    return "policies:\n" + "".join(f"  p{i}: {{type: {policy_type}, document: {document}, targets: [Security]}}\n" for i in range(count))


@pytest.mark.parametrize(
    ("policy_type", "allowed", "default"),
    [("SERVICE_CONTROL_POLICY", 9, "FullAWSAccess"), ("RESOURCE_CONTROL_POLICY", 4, "RCPFullAWSAccess")],
)
def test_attachments_per_target_count_aws_default_policy(tmp_path, policy_type, allowed, default):
    assert load_spec(write(tmp_path, SPEC + attached(allowed, policy_type), {"policies/rcp.json": RCP}))
    found = problems(tmp_path, SPEC + attached(allowed + 1, policy_type), {"policies/rcp.json": RCP})
    names = ", ".join(f"p{i}" for i in range(allowed + 1))
    label = "SCPs" if policy_type == "SERVICE_CONTROL_POLICY" else "RCPs"
    message = f"{allowed + 1} {label} target 'Security' ({names}); at most {allowed} may, besides {default}, which AWS keeps attached"
    # At every policy that targets it: any of them may be the one to move.
    assert found == [f"org.yaml:{8 + i}: policies.p{i}.targets.0: {message}" for i in range(allowed + 1)]


def test_types_without_a_default_policy_count_only_ours(tmp_path):
    tag_policy = '{"tags": {}}'
    assert load_spec(write(tmp_path, SPEC + attached(10, "TAG_POLICY"), {"policies/deny.json": tag_policy}))
    found = problems(tmp_path, SPEC + attached(11, "TAG_POLICY"), {"policies/deny.json": tag_policy})
    assert len(found) == 11
    assert found[0].endswith("11 tag policies target 'Security' (p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10); at most 10 may")


def test_where_full_aws_access_is_detached_it_is_not_counted(tmp_path):
    # An allow-list target (organization.full_aws_access_detached): AWS's default SCP is not attached there.
    detached = SPEC.replace("organization:\n", "organization:\n  full_aws_access_detached: [Security]\n")
    assert load_spec(write(tmp_path, detached + attached(10, "SERVICE_CONTROL_POLICY"), {"policies/rcp.json": RCP}))
    found = problems(tmp_path, detached + attached(11, "SERVICE_CONTROL_POLICY"), {"policies/rcp.json": RCP})
    names = ", ".join(f"p{i}" for i in range(11))
    assert found == [f"org.yaml:{9 + i}: policies.p{i}.targets.0: 11 SCPs target 'Security' ({names}); at most 10 may" for i in range(11)]
