"""CIS monitoring (management_baseline.organization_trail.cis_monitoring): the trail also delivers
to a CloudWatch Logs group, with a metric filter and an alarm for each of CIS 5.0's 4.1-4.15, and
nothing of it exists unless org.yaml asks for it."""

from pathlib import Path

import pytest

from orgboot.aws.cis_monitoring import BREAK_GLASS_METRIC, CONTROLS, NAMESPACE
from orgboot.rules import load_spec
from orgboot.spec import logical_ids
from orgboot.spec.problems import SpecError
from tests.conftest import EXAMPLE, example_variant, iam_groups_variant, synth, template

STACK = "ManagementBaselineStack"
# The example turns CIS monitoring on: its assembly is the one to read.
NOTIFY = ["security@example.com"]


@pytest.fixture(scope="module")
def resources(example_spec, example_assembly: Path) -> dict:
    trail = example_spec.management_baseline.organization_trail
    assert trail
    assert trail.cis_monitoring
    assert list(trail.cis_monitoring.notify) == NOTIFY
    return template(example_assembly, STACK)["Resources"]


def of_type(resources: dict, kind: str) -> dict:
    return {lid: r for lid, r in resources.items() if r["Type"] == kind}


def test_the_controls_are_cis_4_1_to_4_15_each_with_a_source():
    assert [c.number for c in CONTROLS] == [f"4.{n}" for n in range(1, 16)]
    assert len({c.metric for c in CONTROLS}) == 15
    for control in CONTROLS:
        assert control.pattern.startswith("{")
        assert control.pattern.endswith("}")
        assert control.source


def test_one_filter_per_control_with_its_pattern(resources):
    filters = of_type(resources, "AWS::Logs::MetricFilter")
    assert set(filters) - {logical_ids.cis_metric_filter(BREAK_GLASS_METRIC)} == {logical_ids.cis_metric_filter(c.metric) for c in CONTROLS}
    for control in CONTROLS:
        properties = filters[logical_ids.cis_metric_filter(control.metric)]["Properties"]
        assert properties["FilterPattern"] == control.pattern
        assert properties["LogGroupName"] == {"Ref": logical_ids.TRAIL_LOG_GROUP}
        assert properties["MetricTransformations"] == [{"MetricName": control.metric, "MetricNamespace": NAMESPACE, "MetricValue": "1"}]


def test_one_alarm_per_control_notifying_the_security_topic(resources):
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")
    assert set(alarms) - {logical_ids.BILLING_ALARM, logical_ids.cis_alarm(BREAK_GLASS_METRIC)} == {
        logical_ids.cis_alarm(c.metric) for c in CONTROLS
    }
    for control in CONTROLS:
        properties = alarms[logical_ids.cis_alarm(control.metric)]["Properties"]
        assert (properties["MetricName"], properties["Namespace"]) == (control.metric, NAMESPACE)
        assert (properties["Statistic"], properties["Period"], properties["Threshold"]) == ("Sum", 300, 1)
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert properties["AlarmActions"] == [{"Ref": logical_ids.SECURITY_TOPIC}]
        assert control.number in properties["AlarmDescription"]


def test_the_security_topic_emails_notify_and_lets_cloudwatch_publish(resources):
    topic = resources[logical_ids.SECURITY_TOPIC]
    assert topic["Type"] == "AWS::SNS::Topic"
    endpoints = sorted(s["Properties"]["Endpoint"] for s in of_type(resources, "AWS::SNS::Subscription").values()
                       if s["Properties"]["TopicArn"] == {"Ref": logical_ids.SECURITY_TOPIC})  # fmt: skip
    assert endpoints == NOTIFY
    statements = resources[logical_ids.SECURITY_TOPIC_POLICY]["Properties"]["PolicyDocument"]["Statement"]
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and s["Action"] == "sns:Publish" for s in statements)


def test_the_trail_delivers_to_the_log_group_through_its_role(resources):
    trail = resources[logical_ids.TRAIL]["Properties"]
    assert trail["CloudWatchLogsLogGroupArn"] == {"Fn::GetAtt": [logical_ids.TRAIL_LOG_GROUP, "Arn"]}
    assert trail["CloudWatchLogsRoleArn"] == {"Fn::GetAtt": [logical_ids.TRAIL_LOGS_ROLE, "Arn"]}
    assert resources[logical_ids.TRAIL_LOG_GROUP]["Properties"] == {"RetentionInDays": 365}
    role = resources[logical_ids.TRAIL_LOGS_ROLE]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}}
    ]
    (policy,) = role["Policies"]
    assert sorted(s["Action"] for s in policy["PolicyDocument"]["Statement"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    for statement in policy["PolicyDocument"]["Statement"]:
        assert {"Ref": logical_ids.TRAIL_LOG_GROUP} in statement["Resource"]["Fn::Join"][1]


def without_cis_monitoring(data: dict) -> None:
    del data["management_baseline"]["organization_trail"]["cis_monitoring"]
    # Nor the management account's alternate contacts, which came after 0.8 too.
    data["security_baseline"].pop("alternate_contacts")
    # Nor the administrator role (CIS 1.15), which came after 0.8 too.
    data["management_baseline"].pop("admin_role")
    # Nor the trail's log archive and retention: its logs stay in the management account, for good.
    del data["management_baseline"]["organization_trail"]["log_archive"], data["management_baseline"]["organization_trail"]["retention"]


@pytest.fixture(scope="module")
def opted_out_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An organization deployed with 0.8's shape: orgboot 0.10's example (IAM users in groups,
    tests/data/iam_groups), without what came after 0.8."""
    directory = tmp_path_factory.mktemp("no-cis")
    return synth(iam_groups_variant(directory / "org", without_cis_monitoring), directory / "cdk.out")


# The example's ManagementBaselineStack as 0.8 deployed it, before CIS monitoring existed: its resources, pinned.
EXAMPLE_RESOURCES = [
    ("AWS679f53fac002430cb0da5b7982bd22872D164C4C", "AWS::Lambda::Function"),
    ("AWS679f53fac002430cb0da5b7982bd2287LogGroup449FB7C2", "AWS::Logs::LogGroup"),
    ("AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2", "AWS::IAM::Role"),
    ("AccountAlias0E02C47E", "Custom::AWS"),
    ("AccountAliasCustomResourcePolicy2A5572AC", "AWS::IAM::Policy"),
    ("BillingAlarm", "AWS::CloudWatch::Alarm"),
    ("BillingTopic", "AWS::SNS::Topic"),
    ("BillingTopicPolicy", "AWS::SNS::TopicPolicy"),
    ("BillingTopicfinanceexamplecom2EA02DBD", "AWS::SNS::Subscription"),
    ("BillingTopicplatformexamplecomA2A6C70F", "AWS::SNS::Subscription"),
    ("CloudTrailTrustedAccess", "Custom::AWS"),
    ("GroupAdmins", "AWS::IAM::Group"),
    ("GroupAuditors", "AWS::IAM::Group"),
    ("GroupBilling", "AWS::IAM::Group"),
    ("GroupBreakGlass", "AWS::IAM::Group"),
    ("MonthlyBudget", "AWS::Budgets::Budget"),
    ("OrganizationTrail", "AWS::CloudTrail::Trail"),
    ("OrganizationTrailBucket", "AWS::S3::Bucket"),
    ("OrganizationTrailBucketPolicy", "AWS::S3::BucketPolicy"),
    ("OrganizationTrailTrustedAccessCustomResourcePolicyFDEE7434", "AWS::IAM::Policy"),
    ("PasswordPolicyCustomResourcePolicy38678A64", "AWS::IAM::Policy"),
    ("PasswordPolicyD0C37AC0", "Custom::AWS"),
    ("RequireMfaPolicy", "AWS::IAM::ManagedPolicy"),
    ("SupportRole", "AWS::IAM::Role"),
    ("UserAlice", "AWS::IAM::User"),
    ("UserBob", "AWS::IAM::User"),
]

# What the hardened trail (CIS 3.4-3.6) adds to it since, CIS monitoring or not.
HARDENED_TRAIL = [
    ("OrganizationTrailAccessLogsBucket", "AWS::S3::Bucket"),
    ("OrganizationTrailAccessLogsBucketPolicy", "AWS::S3::BucketPolicy"),
    ("OrganizationTrailKey", "AWS::KMS::Key"),
]


def test_without_cis_monitoring_the_example_template_is_unchanged(opted_out_assembly):
    """Absent (the example without it), nothing new is deployed and the trail keeps the properties it had."""
    resources = template(opted_out_assembly, STACK)["Resources"]
    assert sorted((lid, r["Type"]) for lid, r in resources.items()) == sorted(EXAMPLE_RESOURCES + HARDENED_TRAIL)
    assert set(resources[logical_ids.TRAIL]["Properties"]) == {
        "EnableLogFileValidation", "IncludeGlobalServiceEvents", "IsLogging", "IsMultiRegionTrail", "IsOrganizationTrail",
        "S3BucketName", "TrailName", "KMSKeyId",
    }  # fmt: skip


def test_an_invalid_notify_address_is_refused_at_its_line(tmp_path):
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text())
    data["management_baseline"]["organization_trail"]["cis_monitoring"] = {"notify": ["not-an-email"]}
    example_variant(tmp_path / "ok", lambda d: None)  # the policies the spec refers to
    (tmp_path / "ok" / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SpecError) as refused:
        load_spec(tmp_path / "ok" / "org.yaml")
    text = str(refused.value)
    lines = (tmp_path / "ok" / "org.yaml").read_text().splitlines()
    line = next(n for n, text_line in enumerate(lines, 1) if "not-an-email" in text_line)
    assert "not-an-email" in text
    assert f":{line}" in text, text
