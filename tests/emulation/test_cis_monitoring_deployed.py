"""CIS monitoring deployed into the emulator: the trail delivers to its log group, the filters and
alarms exist as the templates say, and a trail whose role cannot write to the group is refused."""

import json
from pathlib import Path

import pytest

from orgboot.aws.cis_monitoring import BREAK_GLASS_METRIC, BREAK_GLASS_NAMESPACE, CONTROLS, NAMESPACE
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.delivery import trail_log_group_problems
from orgboot.emulator.errors import EmulationError
from tests.conftest import EXAMPLE_PARAMETERS, edited
from tests.templates.test_cis_monitoring import NOTIFY


@pytest.fixture(scope="module")
def cis_assembly(example_assembly: Path) -> Path:
    """The example turns CIS monitoring on."""
    return example_assembly


def test_filters_alarms_and_the_trail_exist_after_deploy(cis_assembly):
    with emulated_aws():
        deploy_assembly(Engine(), cis_assembly, EXAMPLE_PARAMETERS)
        aws = management()
        (trail,) = aws.client("cloudtrail").describe_trails()["trailList"]
        group = trail["CloudWatchLogsLogGroupArn"].split(":log-group:")[1].removesuffix(":*")
        filters = aws.client("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
        assert sorted(
            (f["filterPattern"], f["metricTransformations"][0]["metricName"])
            for f in filters
            if f["metricTransformations"][0]["metricNamespace"] == NAMESPACE
        ) == sorted((c.pattern, c.metric) for c in CONTROLS)
        # and the example's break-glass path, in a namespace of its own
        assert [
            f["metricTransformations"][0]["metricName"]
            for f in filters
            if f["metricTransformations"][0]["metricNamespace"] == BREAK_GLASS_NAMESPACE
        ] == [BREAK_GLASS_METRIC]
        alarms = [a for a in aws.client("cloudwatch").describe_alarms()["MetricAlarms"] if a.get("Namespace") == NAMESPACE]
        assert sorted(a["MetricName"] for a in alarms) == sorted(c.metric for c in CONTROLS)
        topics = {a["AlarmActions"][0] for a in alarms}
        (topic,) = topics
        endpoints = [s["Endpoint"] for s in aws.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
        assert sorted(endpoints) == NOTIFY
        assert trail_log_group_problems(aws, trail["CloudWatchLogsLogGroupArn"], trail["CloudWatchLogsRoleArn"], "o-example") == []


def test_a_trail_whose_role_cannot_write_to_the_group_is_refused(cis_assembly, tmp_path):
    def without_put_log_events(template: dict) -> None:
        role = template["Resources"]["OrganizationTrailLogsRole"]["Properties"]
        statements = role["Policies"][0]["PolicyDocument"]["Statement"]
        role["Policies"][0]["PolicyDocument"]["Statement"] = [s for s in statements if s["Action"] != "logs:PutLogEvents"]

    broken = edited(cis_assembly, tmp_path, "ManagementBaselineStack", without_put_log_events)
    with (
        emulated_aws(),
        pytest.raises(EmulationError, match=r"InvalidCloudWatchLogsRoleArnException: CloudTrail, as .* may not logs:PutLogEvents"),
    ):
        deploy_assembly(Engine(), broken, EXAMPLE_PARAMETERS)


def test_a_role_cloudtrail_may_not_assume_is_refused():
    with emulated_aws():
        aws = management()
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
        role = aws.client("iam").create_role(RoleName="logs", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        (problem,) = trail_log_group_problems(aws, "arn:aws:logs:us-east-1:123456789012:log-group:trail:*", role, None)
        assert problem.startswith(f"InvalidCloudWatchLogsRoleArnException: CloudTrail may not assume {role}")
