"""The Condition element, case by case from "IAM JSON policy elements: Condition operators" and
"Conditions with multiple context keys or values" (fact numbers of docs/sources/policy-evaluation.md)."""

import pytest

from orgboot.policy.conditions import condition_holds

CASES = [
    # String operators [75]; a missing key: false, negated operators true [73].
    ({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}, {"aws:principaltag/job-category": "iamuser-admin"}, True),
    ({"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}, {}, False),
    ({"StringNotEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}, {}, True),
    ({"StringEquals": {"aws:username": "Alice"}}, {"aws:username": "alice"}, False),
    ({"StringEqualsIgnoreCase": {"aws:username": "Alice"}}, {"aws:username": "alice"}, True),
    ({"StringNotEqualsIgnoreCase": {"aws:username": "Alice"}}, {"aws:username": "alice"}, False),
    ({"StringLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "home/alice"}, True),
    ({"StringLike": {"s3:prefix": "home/?"}}, {"s3:prefix": "home/ab"}, False),
    ({"StringNotLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "tmp/x"}, True),
    # Values OR; negated values NOR [86].
    ({"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}, {"aws:requestedregion": "eu-central-1"}, True),
    ({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}, {"aws:requestedregion": "eu-central-1"}, False),
    ({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}, {"aws:requestedregion": "us-east-1"}, True),
    # Keys AND, operators AND [86]; key names case-insensitive [74].
    ({"StringEquals": {"AWS:SourceAccount": "1", "aws:sourcearn": "a"}}, {"aws:sourceaccount": "1", "aws:sourcearn": "a"}, True),
    (
        {"StringEquals": {"aws:SourceAccount": "1"}, "Bool": {"aws:SecureTransport": "true"}},
        {"aws:sourceaccount": "1", "aws:securetransport": "false"},
        False,
    ),
    # Numeric [76].
    ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {"aws:multifactorauthage": "600"}, True),
    ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {"aws:multifactorauthage": "3600"}, False),
    ({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}, {"aws:multifactorauthage": "3600"}, True),
    ({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, True),
    ({"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "9"}, False),
    ({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10.0"}, True),
    ({"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, False),
    ({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "ten"}, False),
    # Date: ISO 8601 or epoch seconds [77].
    ({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}, {"aws:currenttime": "2026-11-24T12:00:00Z"}, True),
    ({"DateGreaterThan": {"aws:CurrentTime": "2027-01-01"}}, {"aws:currenttime": "2026-11-24T12:00:00Z"}, False),
    ({"DateEquals": {"aws:EpochTime": "1767225600"}}, {"aws:epochtime": "2026-01-01T00:00:00Z"}, True),
    ({"DateNotEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, {"aws:currenttime": "2026-01-01T00:00:00+00:00"}, False),
    ({"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, {"aws:currenttime": "2026-01-01T00:00:00Z"}, True),
    ({"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}, {"aws:currenttime": "2025-12-31T23:59:59Z"}, False),
    # Bool [78, 93]: a missing key does not match.
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:securetransport": "false"}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {}, False),
    ({"Bool": {"aws:SecureTransport": True}}, {"aws:securetransport": "true"}, True),
    # Binary [79].
    ({"BinaryEquals": {"k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, True),
    ({"BinaryEquals": {"k": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, {"k": "b3RoZXI="}, False),
    # IP addresses: CIDR, /32 by default [80].
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:sourceip": "203.0.113.7"}, True),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.7"}}, {"aws:sourceip": "203.0.113.8"}, False),
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:sourceip": "198.51.100.1"}, True),
    ({"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}, {"aws:sourceip": "2001:db8:1234:5678::1"}, True),
    # ARN operators [81].
    (
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/stacksets-exec-*"}},
        {"aws:principalarn": "arn:aws:iam::1:role/stacksets-exec-abc"},
        True,
    ),
    ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/stacksets-exec-*"}}, {"aws:principalarn": "arn:aws:iam::1:role/Admin"}, True),
    ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/stacksets-exec-*"}}, {}, True),
    (
        {"ArnEquals": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:1:alarm:*"}},
        {"aws:sourcearn": "arn:aws:cloudwatch:us-east-1:1:alarm:billing"},
        True,
    ),
    (
        {"ArnNotEquals": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:1:alarm:*"}},
        {"aws:sourcearn": "arn:aws:cloudwatch:us-east-1:1:alarm:x"},
        False,
    ),
    # ...IfExists: a missing key holds [83]; present, it is checked.
    ({"StringLikeIfExists": {"ec2:InstanceType": "t3.*"}}, {}, True),
    ({"StringLikeIfExists": {"ec2:InstanceType": "t3.*"}}, {"ec2:instancetype": "m5.large"}, False),
    ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    ({"StringNotEqualsIfExists": {"aws:SourceAccount": "1"}}, {}, True),
    # Null [84, 85]: true means absent; an empty value is null.
    ({"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    ({"Null": {"aws:TokenIssueTime": "true"}}, {"aws:tokenissuetime": "2026-01-01T00:00:00Z"}, False),
    ({"Null": {"aws:TokenIssueTime": "false"}}, {"aws:tokenissuetime": "2026-01-01T00:00:00Z"}, True),
    ({"Null": {"aws:RequestTag/team": "true"}}, {"aws:requesttag/team": ""}, True),
    # Set operators on multivalued keys [89-91].
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}, {"aws:tagkeys": ("team",)}, True),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}, {"aws:tagkeys": ("team", "owner")}, False),
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, {}, True),  # missing: true
    ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, {"aws:tagkeys": ()}, True),  # empty: true
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, {"aws:tagkeys": ("owner", "team")}, True),
    ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, {}, False),  # missing: false
    ({"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": ["o-1/r-1/ou-1/*"]}}, {"aws:resourceorgpaths": ("o-1/r-1/ou-1/ou-2/",)}, True),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}, {"aws:tagkeys": ("team", "env")}, True),
    ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}}, {"aws:tagkeys": ("team", "secret")}, False),
    ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}}, {"aws:tagkeys": ("secret", "team")}, True),
    ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}}, {"aws:tagkeys": ("secret",)}, False),
    # Unknown operators never hold.
    ({"StringFuzzy": {"aws:username": "alice"}}, {"aws:username": "alice"}, False),
]


@pytest.mark.parametrize(("condition", "context", "expected"), CASES)
def test_condition(condition, context, expected):
    assert condition_holds(condition, context, variables=True) is expected


def test_policy_variables_in_string_conditions():
    # "Variables and tags" [98, 100, 101]: string and ARN operators take variables; a variable with
    # no value matches nothing, so an inverted operator then matches.
    context = {"aws:username": "alice", "s3:prefix": "home/alice/x"}
    assert condition_holds({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, context, variables=True)
    assert not condition_holds({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"s3:prefix": "home/alice/x"}, variables=True)
    assert condition_holds({"StringNotEquals": {"s3:prefix": "${aws:PrincipalTag/home}"}}, context, variables=True)
    # Numeric operators do not take variables: the text is compared as it is (and is no number).
    assert not condition_holds(
        {"NumericEquals": {"s3:max-keys": "${aws:username}"}}, {"s3:max-keys": "1", "aws:username": "1"}, variables=True
    )
    # Without Version 2012-10-17, variables are literal text [96].
    assert condition_holds({"StringEquals": {"s3:prefix": "${aws:username}"}}, {"s3:prefix": "${aws:username}"}, variables=False)


def test_set_operators_with_if_exists_hold_when_the_key_is_missing():
    # ...IfExists [83] applies with ForAnyValue too.
    assert condition_holds({"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]}}, {}, variables=True)
    assert condition_holds({"ForAnyValue:StringNotEqualsIfExists": {"aws:TagKeys": ["a"]}}, {}, variables=True)
    assert not condition_holds({"ForAnyValue:StringLike": {"aws:TagKeys": ["a*"]}}, {}, variables=True)


def test_values_that_are_no_date_do_not_match():
    assert not condition_holds({"DateEquals": {"aws:EpochTime": "1"}}, {"aws:epochtime": "1718000000000000"}, variables=True)
    assert not condition_holds({"DateLessThan": {"aws:CurrentTime": "nan"}}, {"aws:currenttime": "2026-01-01"}, variables=True)


def test_what_a_variable_brings_is_literal_in_like_operators():
    # "Variables and tags" [102]: ${*} is a literal *; a tag value of * is no wildcard either.
    assert not condition_holds({"StringLike": {"k": "a${*}"}}, {"k": "abc"}, variables=True)
    assert condition_holds({"StringLike": {"k": "a${*}"}}, {"k": "a*"}, variables=True)
    tagged = {"aws:principaltag/team": "*", "s3:prefix": "home/alice/x"}
    assert not condition_holds({"StringLike": {"s3:prefix": "home/${aws:PrincipalTag/team}/*"}}, tagged, variables=True)
    assert condition_holds({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/${aws:PrincipalTag/team}"}},
                           {"aws:principaltag/team": "ops", "aws:principalarn": "arn:aws:iam::1:role/ops"}, variables=True)  # fmt: skip


def test_for_all_values_treats_an_empty_value_as_none():
    assert condition_holds({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, {"aws:tagkeys": ("",)}, variables=True)
