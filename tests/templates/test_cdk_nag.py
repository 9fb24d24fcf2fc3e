"""cdk-nag's AwsSolutions pack runs on every synth (stacks.build, so on every template the tests
synthesize too): a finding nobody acknowledged fails the synth, and each acknowledgement is
precise, next to the code that causes the finding (constructs/acknowledgements.py)."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

import stacks
from tests.conftest import CDK_CONTEXT

from constructs.acknowledgements import wildcard_findings


def build(spec, tmp_path) -> cdk.App:
    app = cdk.App(outdir=str(tmp_path / "cdk.out"), analytics_reporting=False, context=CDK_CONTEXT)
    stacks.build(app, spec)
    return app


def violations(app_dir) -> set[tuple[str, str]]:
    """(finding, construct path) of every violation the synth's validation report lists."""
    report = json.loads((app_dir / "cdk.out" / "validation-report.json").read_text())
    return {
        (violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }


def test_an_unacknowledged_finding_fails_the_synth(example_spec, tmp_path):
    app = build(example_spec, tmp_path)
    stack = cdk.Stack.of(app.node.find_child("ManagementBaselineStack"))
    iam.User(stack, "Careless").add_to_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    careless = "ManagementBaselineStack/Careless/DefaultPolicy/Resource"
    # Only the new policy: orgboot's own findings stay acknowledged.
    assert violations(tmp_path) == {("AwsSolutions-IAM5[Action::s3:*]", careless), ("AwsSolutions-IAM5[Resource::*]", careless)}


def test_every_acknowledgement_is_needed(example_spec, tmp_path, monkeypatch):
    """Without the acknowledgements, the example has findings of each kind orgboot accepts."""
    monkeypatch.setattr(cdk.Validations, "acknowledge", lambda self, *rules: None)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        build(example_spec, tmp_path).synth()
    findings = {finding for finding, _ in violations(tmp_path)}
    for finding in (
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]",
        "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/OrganizationAccountAccessRole]",  # BreakGlass's grant, in any account
    ):
        assert finding in findings, finding


def test_wildcard_findings_are_those_cdk_nag_reports():
    document = {"Statement": {"Effect": "Allow", "Action": ["ce:Get*", "s3:GetObject"], "Resource": "arn:aws:iam::*:user/${aws:username}"}}
    assert wildcard_findings(document) == ["IAM5[Action::ce:Get*]", "IAM5[Resource::arn:aws:iam::*:user/<aws:username>]"]
    assert wildcard_findings({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}) == []
