"""IAM documents are pure functions: checked without synthesis."""

from orgboot.policy import iam as iam_documents


def test_require_mfa_denies_all_but_mfa_self_service_without_mfa():
    statements = {s["Sid"]: s for s in iam_documents.require_mfa()["Statement"]}
    deny = statements["DenyAllExceptListedIfNoMFA"]
    assert deny["Effect"] == "Deny"
    assert deny["Resource"] == "*"
    assert deny["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    assert "sts:AssumeRole" not in deny["NotAction"]  # no switching roles without MFA
    assert {"iam:EnableMFADevice", "iam:CreateVirtualMFADevice", "iam:ChangePassword", "sts:GetSessionToken"} <= set(deny["NotAction"])
    # What a user may do without MFA is limited to their own user and MFA devices.
    for sid in ("AllowManageOwnPasswords", "AllowManageOwnUserMFA"):
        assert statements[sid]["Resource"] == "arn:aws:iam::*:user/${aws:username}"


def test_assume_statement_is_scoped_by_org_paths_not_account_ids():
    statement = iam_documents.assume_role_in_org_paths("Admin", ["o-1/r-1/ou-1/", "o-1/r-1/ou-2/"], "AssumeAdmin")
    assert statement == {
        "Sid": "AssumeAdmin",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": "arn:aws:iam::*:role/Admin",
        "Condition": {"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": ["o-1/r-1/ou-1/*", "o-1/r-1/ou-2/*"]}},
    }


def test_trust_requires_mfa():
    (statement,) = iam_documents.trust_account_with_mfa("123456789012")["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_every_document_orgboot_builds_passes_the_lint():
    from orgboot.policy.lint import lint

    assert lint(iam_documents.require_mfa(), "identity") == []
    switch = {"Version": "2012-10-17", "Statement": [iam_documents.assume_role_in_org_paths("Admin", ["o-1/r-1/"], "AssumeAdmin")]}
    assert lint(switch, "identity") == []
    assert lint(iam_documents.trust_account_with_mfa("123456789012", 3600), "trust") == []
    assert lint(iam_documents.trust_third_party("123456789012", "external-id"), "trust") == []
