"""One enumeration of the roles a deny exempts by aws:PrincipalArn: the rules (a name no account has,
a name nothing protects) and the access matrix ("exempt from") read the same values the same way."""

from orgboot.policy.statements import PolicyRef, parse
from orgboot.rules.exemptions import exempt_patterns

STATEMENT = {
    "Effect": "Deny",
    "Action": "*",
    "Resource": "*",
    "Condition": {
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/Deployer", "arn:aws:iam::*:role/stacksets-exec-*"]},
        "StringNotEqualsIfExists": {"AWS:PrincipalArn": "arn:aws:iam::111111111111:role/Auditor"},
        "StringEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/Nobody"},  # not negated: exempts nobody
    },
}


def test_the_rules_enumerate_the_exemptions_the_access_matrix_applies():
    (statement,) = parse({"Version": "2012-10-17", "Statement": [STATEMENT]}, PolicyRef("freeze", "scp")).statements
    found = list(exempt_patterns(statement))
    assert [(e.operator, e.pattern) for e in found] == [
        ("ArnNotLike", "arn:aws:iam::*:role/Deployer"),
        ("ArnNotLike", "arn:aws:iam::*:role/stacksets-exec-*"),
        ("StringNotEqualsIfExists", "arn:aws:iam::111111111111:role/Auditor"),
    ]
    # each value answers for itself whom it lets through, as the access matrix asks it
    assert [e.exempts("arn:aws:iam::111111111111:role/stacksets-exec-abc") for e in found] == [False, True, False]
    assert [e.exempts("arn:aws:iam::111111111111:role/Auditor") for e in found] == [False, False, True]
    allow = parse({"Version": "2012-10-17", "Statement": [{**STATEMENT, "Effect": "Allow"}]}, PolicyRef("a", "scp")).statements[0]
    assert list(exempt_patterns(allow)) == []
