"""Validation of options the example does not exercise: reserved tag keys, duplicate policy
targets, the RCP limit per target, policy descriptions, permissions boundaries."""

import json

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write


def with_tags(tags: str) -> str:
    return BASE.replace("ou: Workloads/Prod}", f"ou: Workloads/Prod, tags: {tags}}}")


@pytest.mark.parametrize("key", ["aws:team", "AWS:Team", "Aws:cost-center"])
def test_tag_keys_starting_with_aws_are_refused(tmp_path, key):
    assert problems(tmp_path, with_tags(f"{{'{key}': shop}}")) == [
        f"org.yaml:6: accounts.shop-prod.tags: tag key '{key}' must be 1-128 characters, not starting with 'aws:'"
    ]


@pytest.mark.parametrize("key", ["aws-team", "awsome", "team:aws:x"])
def test_tag_keys_that_only_contain_aws_are_fine(tmp_path, key):
    spec = load_spec(write(tmp_path, with_tags(f"{{'{key}': shop}}")))
    assert spec.accounts["shop-prod"].tags == {key: "shop"}


def scp(targets: str, description: str = "") -> str:
    extra = f", description: '{description}'" if description else ""
    return BASE + f"policies:\n  deny: {{type: SERVICE_CONTROL_POLICY, document: policies/deny.json, targets: {targets}{extra}}}\n"


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ("[Security, shop-prod, Security]", "'Security' is listed 2 times; list it once"),
        ("[shop-prod, Root, shop-prod, shop-prod]", "'shop-prod' is listed 3 times; list it once"),
        ("[Root, Root]", "'Root' is listed 2 times; list it once"),
    ],
)
def test_a_policy_target_listed_twice_is_refused(tmp_path, targets, message):
    assert problems(tmp_path, scp(targets)) == [f"org.yaml:8: policies.deny.targets: {message}"]


RCP = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
        }
    ],
}
RCP_FILES = {"policies/rcp.json": json.dumps(RCP)}


def rcps(count: int, target: str = "Security") -> str:
    text = BASE.replace("[SERVICE_CONTROL_POLICY]", "[SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY]") + "policies:\n"
    return text + "".join(
        f"  rcp-{i}: {{type: RESOURCE_CONTROL_POLICY, document: policies/rcp.json, targets: [{target}]}}\n" for i in range(count)
    )


def test_five_rcps_on_one_target_are_refused_as_rcpfullawsaccess_takes_a_place(tmp_path):
    message = (
        "5 RCPs target 'Security' (rcp-0, rcp-1, rcp-2, rcp-3, rcp-4); at most 4 may, besides RCPFullAWSAccess, which AWS keeps attached"
    )
    assert problems(tmp_path, rcps(5), RCP_FILES) == [f"org.yaml:{8 + i}: policies.rcp-{i}.targets.0: {message}" for i in range(5)]


@pytest.mark.parametrize("target", ["Security", "Root", "shop-prod"])
def test_four_rcps_on_one_target_are_fine(tmp_path, target):
    spec = load_spec(write(tmp_path, rcps(4, target), RCP_FILES))
    assert [p.targets for p in spec.policies.values()] == [(target,)] * 4


def test_the_rcp_limit_counts_per_target(tmp_path):
    text = rcps(4) + "  rcp-4: {type: RESOURCE_CONTROL_POLICY, document: policies/rcp.json, targets: [Workloads]}\n"
    assert len(load_spec(write(tmp_path, text, RCP_FILES)).policies) == 5


def test_a_policy_description_longer_than_512_is_refused(tmp_path):
    description = "d" * 513
    assert problems(tmp_path, scp("[Root]", description)) == [
        "org.yaml:8: policies.deny.description: 513 characters; AWS allows at most 512"
    ]


def test_a_policy_description_of_512_is_fine(tmp_path):
    spec = load_spec(write(tmp_path, scp("[Root]", "d" * 512)))
    assert spec.policies["deny"].description == "d" * 512


def boundary(policy: str) -> str:
    return BASE + f"member_roles:\n  catalogue:\n    Ops: {{permissions_boundary: '{policy}', targets: [Workloads]}}\n"


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("PowerUserAcess", "'PowerUserAcess' is not an AWS managed policy (did you mean 'PowerUserAccess'?)"),
        ("NoSuchBoundaryAnywhere", "'NoSuchBoundaryAnywhere' is not an AWS managed policy"),
    ],
)
def test_a_permissions_boundary_must_be_an_aws_managed_policy(tmp_path, policy, message):
    assert problems(tmp_path, boundary(policy)) == [
        f"org.yaml:9: member_roles.catalogue.Ops.permissions_boundary: {message};"
        " give its name (AdministratorAccess, job-function/Billing) or a full ARN"
    ]


@pytest.mark.parametrize("policy", ["PowerUserAccess", "job-function/SystemAdministrator", "arn:aws:iam::123456789012:policy/Boundary"])
def test_a_permissions_boundary_by_name_path_or_arn(tmp_path, policy):
    spec = load_spec(write(tmp_path, boundary(policy)))
    assert spec.member_roles.catalogue["Ops"].permissions_boundary == policy
