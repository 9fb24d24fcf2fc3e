"""Matching actions, resources and principals, case by case from the IAM User Guide
(docs/sources/policy-evaluation.md cites each page; fact numbers in brackets)."""

import pytest

from orgboot.policy.matching import Caller, action_matches, arn_like, principal_match, resource_matches
from orgboot.policy.statements import Principals

# "IAM JSON policy elements: Action" [53, 54]: prefix and name case-insensitive; * and ? anywhere.
ACTIONS = [
    ("iam:ListAccessKeys", "IAM:listaccesskeys", True),
    ("s3:*", "s3:GetObject", True),
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),
    ("iam:*AccessKey*", "iam:ListUsers", False),
    ("s3:Get?bject", "s3:GetObject", True),
    ("s3:Get?bject", "s3:GetObjectAcl", False),
    ("*", "organizations:LeaveOrganization", True),
    ("s3:GetObject", "s3:GetObjectAcl", False),
]


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTIONS)
def test_actions(pattern, action, expected):
    assert action_matches(pattern, action) is expected


# "IAM JSON policy elements: Resource", "Using wildcards in resource ARNs" [57, 58].
RESOURCES = [
    ("*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg", True),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1///test///object.jpg", True),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg", True),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/test/", True),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg", False),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/test/object.jpg", False),
    ("arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test.jpg", False),
    ("arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/Admin", True),
    ("arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/admin", False),  # resources are case-sensitive [56]
    ("arn:aws:iam::1?1122223333:role/*", "arn:aws:iam::111122223333:role/x", True),
    # A * inside a segment stays in it; one that ends a segment may cross colons [57].
    ("arn:aws:logs:us-east-1:111122223333:log-group:a*b", "arn:aws:logs:us-east-1:111122223333:log-group:a:x:b", False),
    ("arn:aws:logs:us-east-1:111122223333:log-group:*", "arn:aws:logs:us-east-1:111122223333:log-group:a:x:b", True),
]


@pytest.mark.parametrize(("pattern", "resource", "expected"), RESOURCES)
def test_resources(pattern, resource, expected):
    assert resource_matches(pattern, resource) is expected


def test_variables_in_resources_are_literal_and_missing_ones_match_nothing():
    # "IAM policy elements: Variables and tags" [101, 102]: ${*} is a literal *, a variable without
    # a value makes the resource match nothing.
    context = {"aws:username": "alice"}
    assert resource_matches("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/alice", context)
    assert not resource_matches("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/bob", context)
    assert resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", context)
    assert not resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/anything", context)
    assert not resource_matches("arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "arn:aws:s3:::b/x/y", context)
    assert resource_matches("arn:aws:s3:::b-${aws:PrincipalTag/team, 'company-wide'}", "arn:aws:s3:::b-company-wide", context)
    # Without Version 2012-10-17 a variable is literal text [96].
    assert resource_matches("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/${aws:username}", None)


def test_arn_like_matches_each_of_the_six_parts_on_its_own():
    # "Condition operators", ARN operators [81, 82]: unlike StringLike, * does not cross colons.
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert not arn_like(pattern, value)
    assert arn_like("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/Admin")


ALICE = Caller("arn:aws:iam::111122223333:user/alice", "111122223333", "user")
ADMIN = Caller("arn:aws:iam::111122223333:role/Admin", "111122223333", "role")
ROOT_USER = Caller("arn:aws:iam::111122223333:root", "111122223333", "root")
CLOUDWATCH = Caller("cloudwatch.amazonaws.com", None, "service")


# "IAM JSON policy elements: Principal" [63, 65, 69, 70].
PRINCIPALS = [
    (Principals(True, {}), ALICE, "everyone"),
    (Principals(False, {"AWS": ("111122223333",)}), ALICE, "account"),
    (Principals(False, {"AWS": ("arn:aws:iam::111122223333:root",)}), ADMIN, "account"),
    (Principals(False, {"AWS": ("arn:aws:iam::111122223333:root",)}), ROOT_USER, "direct"),
    (Principals(False, {"AWS": ("arn:aws:iam::111122223333:role/Admin",)}), ADMIN, "direct"),
    (Principals(False, {"AWS": ("arn:aws:iam::111122223333:role/Admin",)}), ALICE, None),
    (Principals(False, {"AWS": ("arn:aws:iam::999988887777:root",)}), ALICE, None),
    (Principals(False, {"Service": ("cloudwatch.amazonaws.com",)}), CLOUDWATCH, "direct"),
    (Principals(False, {"Service": ("budgets.amazonaws.com",)}), CLOUDWATCH, None),
    (Principals(False, {"AWS": ("111122223333",)}), CLOUDWATCH, None),
]


@pytest.mark.parametrize(("principals", "caller", "expected"), PRINCIPALS)
def test_principals(principals, caller, expected):
    assert principal_match(principals, caller) == expected
