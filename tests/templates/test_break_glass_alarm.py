"""The break-glass path's alarm (CIS monitoring, management_baseline): a metric filter on the
organization trail's log group for an AddUserToGroup on a break-glass group or an AssumeRole of a
break-glass role, and an alarm notifying the security topic. The pattern is checked against
CloudTrail records shaped as AWS's pages show them (IAM User Guide, "Logging IAM and AWS STS API
calls with AWS CloudTrail"), read by a small evaluator of CloudWatch Logs filter patterns."""

import copy

import aws_cdk as cdk
import pytest

from orgboot.aws.cis_monitoring import (
    BREAK_GLASS_METRIC,
    BREAK_GLASS_NAMESPACE,
    CONTROLS,
    FILTER_PATTERN_MAX,
    NAMESPACE,
    BreakGlassWatch,
)
from orgboot.aws.regions import HOME_REGION
from orgboot.spec import logical_ids
from tests.conftest import CDK_CONTEXT, example_variant
from tests.support.filter_patterns import matches

from constructs.cis_monitoring import CisMonitoring, CisMonitoringLogicalIds

MANAGEMENT, MEMBER = "111111111111", "222222222222"
WATCH = BreakGlassWatch(("BreakGlass",), ("OrganizationAccountAccessRole",), ("AWSSupport", "ManagementAdmin"))
PATTERN = WATCH.pattern(MANAGEMENT)

# IAM User Guide, "Example IAM API event in CloudTrail log file": an IAM call's record, its
# requestParameters in lower camel case. Here AddUserToGroup (IAM API Reference: GroupName, UserName).
ADD_USER_TO_GROUP = {
    "eventVersion": "1.08",
    "userIdentity": {"type": "Root", "principalId": MANAGEMENT, "arn": f"arn:aws:iam::{MANAGEMENT}:root", "accountId": MANAGEMENT},
    "eventSource": "iam.amazonaws.com",
    "eventName": "AddUserToGroup",
    "awsRegion": "us-east-1",
    "requestParameters": {"groupName": "BreakGlass", "userName": "incident-2026-01"},
    "responseElements": None,
    "eventType": "AwsApiCall",
    "recipientAccountId": MANAGEMENT,
}
# The same page, "Example cross-account AWS STS API events in CloudTrail log files": the caller's
# account's record of an AssumeRole, then the assumed role's account's record of the same request.
ASSUME_ROLE_CALLER = {
    "eventVersion": "1.05",
    "userIdentity": {
        "type": "IAMUser",
        "arn": f"arn:aws:iam::{MANAGEMENT}:user/incident-2026-01",
        "accountId": MANAGEMENT,
        "userName": "incident-2026-01",
    },
    "eventSource": "sts.amazonaws.com",
    "eventName": "AssumeRole",
    "awsRegion": "us-east-1",
    "requestParameters": {"roleArn": f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole", "roleSessionName": "incident"},
    "resources": [{"ARN": f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole", "accountId": MEMBER, "type": "AWS::IAM::Role"}],
    "eventType": "AwsApiCall",
    "recipientAccountId": MEMBER,
}
ASSUME_ROLE_ROLE_OWNER = {
    **ASSUME_ROLE_CALLER,
    "userIdentity": {"type": "AWSAccount", "principalId": "AIDAQRSTUVWXYZEXAMPLE", "accountId": MANAGEMENT},
}


def with_(event: dict, **changes) -> dict:
    """`event` with `requestParameters` keys or top-level keys changed."""
    changed = copy.deepcopy(event)
    for key, value in changes.items():
        if key in changed["requestParameters"]:
            changed["requestParameters"][key] = value
        else:
            changed[key] = value
    return changed


def test_a_member_added_to_a_break_glass_group_is_matched():
    assert matches(PATTERN, ADD_USER_TO_GROUP)


def test_a_member_added_to_another_group_is_not():
    assert not matches(PATTERN, with_(ADD_USER_TO_GROUP, groupName="Developers"))
    assert not matches(PATTERN, with_(ADD_USER_TO_GROUP, eventName="RemoveUserFromGroup"))


def test_assuming_the_access_role_is_matched_in_both_accounts_records():
    assert matches(PATTERN, ASSUME_ROLE_CALLER)
    assert matches(PATTERN, ASSUME_ROLE_ROLE_OWNER)
    # A failed attempt (the role trusts only the management account) is recorded too, and matched.
    assert matches(PATTERN, with_(ASSUME_ROLE_CALLER, errorCode="AccessDenied"))


def test_assuming_an_everyday_role_is_not():
    assert not matches(PATTERN, with_(ASSUME_ROLE_CALLER, roleArn=f"arn:aws:iam::{MEMBER}:role/ExternalAudit"))
    # Nor a role whose name only ends like the access role's.
    assert not matches(PATTERN, with_(ASSUME_ROLE_CALLER, roleArn=f"arn:aws:iam::{MEMBER}:role/MyOrganizationAccountAccessRole"))
    # Nor an Identity Center role, which AssumeRoleWithSAML gives, not AssumeRole.
    sso = f"arn:aws:iam::{MEMBER}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef"
    assert not matches(PATTERN, with_(ASSUME_ROLE_CALLER, roleArn=sso, eventName="AssumeRoleWithSAML"))


def test_the_management_roles_are_matched_in_the_management_account_only():
    for role in ("ManagementAdmin", "AWSSupport"):
        assert matches(PATTERN, with_(ASSUME_ROLE_CALLER, roleArn=f"arn:aws:iam::{MANAGEMENT}:role/{role}"))
        assert not matches(PATTERN, with_(ASSUME_ROLE_CALLER, roleArn=f"arn:aws:iam::{MEMBER}:role/{role}"))


def test_the_evaluator_reads_the_cis_patterns_too():
    """The evaluator agrees with the CIS patterns it was not written for: root usage (4.3)."""
    identity = {"type": "Root", "accountId": MEMBER}
    root = {"userIdentity": identity, "eventType": "AwsApiCall", "eventName": "ListBuckets"}
    root_pattern = next(c.pattern for c in CONTROLS if c.number == "4.3")
    assert matches(root_pattern, root)
    assert not matches(root_pattern, {**root, "userIdentity": {**identity, "invokedBy": "support.amazonaws.com"}})
    for control in CONTROLS:
        matches(control.pattern, ADD_USER_TO_GROUP)  # each reads without error


def test_a_pattern_past_cloudwatch_logs_limit_is_refused():
    many = BreakGlassWatch(tuple(f"BreakGlass{n:02}" for n in range(30)), ("OrganizationAccountAccessRole",))
    with pytest.raises(ValueError, match=f"at most {FILTER_PATTERN_MAX}"):
        many.pattern(MANAGEMENT)
    with pytest.raises(ValueError, match="needs a group or a role"):
        BreakGlassWatch((), ()).pattern(MANAGEMENT)


def probe(break_glass: BreakGlassWatch | None) -> dict:
    # As ManagementBaselineStack is built: cdk.json's context, us-east-1, the account a token.
    stack = cdk.Stack(cdk.App(context=CDK_CONTEXT), "Probe", env=cdk.Environment(region=HOME_REGION))
    metrics = [c.metric for c in CONTROLS] + [BREAK_GLASS_METRIC]
    CisMonitoring(
        stack,
        "CisMonitoring",
        emails=["security@example.com"],
        logical_ids=CisMonitoringLogicalIds(
            log_group=logical_ids.TRAIL_LOG_GROUP,
            role=logical_ids.TRAIL_LOGS_ROLE,
            topic=logical_ids.SECURITY_TOPIC,
            topic_policy=logical_ids.SECURITY_TOPIC_POLICY,
            metric_filter={m: logical_ids.cis_metric_filter(m) for m in metrics},
            alarm={m: logical_ids.cis_alarm(m) for m in metrics},
        ),
        break_glass=break_glass,
    )
    return cdk.assertions.Template.from_stack(stack).to_json()["Resources"]


@pytest.fixture(scope="module")
def watched() -> dict:
    return probe(WATCH)


def test_the_filter_watches_the_trail_log_group_in_its_own_namespace(watched):
    properties = watched[logical_ids.cis_metric_filter(BREAK_GLASS_METRIC)]["Properties"]
    assert properties["LogGroupName"] == {"Ref": logical_ids.TRAIL_LOG_GROUP}
    assert properties["MetricTransformations"] == [
        {"MetricName": BREAK_GLASS_METRIC, "MetricNamespace": BREAK_GLASS_NAMESPACE, "MetricValue": "1"}
    ]
    assert BREAK_GLASS_NAMESPACE != NAMESPACE  # the CIS namespace holds the benchmark's metrics only
    # The management account's ID is the stack's, filled in at deploy.
    parts = properties["FilterPattern"]["Fn::Join"][1]
    assert {"Ref": "AWS::AccountId"} in parts
    resolved = "".join(MANAGEMENT if part == {"Ref": "AWS::AccountId"} else part for part in parts)
    assert resolved == PATTERN


def test_the_alarm_notifies_the_security_topic_at_the_first_use(watched):
    properties = watched[logical_ids.cis_alarm(BREAK_GLASS_METRIC)]["Properties"]
    assert (properties["MetricName"], properties["Namespace"]) == (BREAK_GLASS_METRIC, BREAK_GLASS_NAMESPACE)
    assert (properties["Statistic"], properties["Period"], properties["Threshold"]) == ("Sum", 300, 1)
    assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert properties["TreatMissingData"] == "notBreaching"
    assert properties["AlarmActions"] == [{"Ref": logical_ids.SECURITY_TOPIC}]
    assert properties["AlarmDescription"] == (
        "Break-glass path used: a user added to group BreakGlass or role OrganizationAccountAccessRole, AWSSupport, ManagementAdmin assumed"
    )


def test_without_a_watch_only_the_cis_filters_exist():
    resources = probe(None)
    filters = {lid for lid, r in resources.items() if r["Type"] == "AWS::Logs::MetricFilter"}
    assert filters == {logical_ids.cis_metric_filter(c.metric) for c in CONTROLS}


def with_groups(groups: dict, support: list[str], admin: list[str]):
    def change(data: dict) -> None:
        baseline = data["management_baseline"]
        baseline["groups"] = groups
        baseline["support_role"]["assumable_by"] = support
        baseline["admin_role"]["assumable_by"] = admin

    return change


def test_the_example_watches_its_break_glass_group_and_the_roles_only_it_reaches(example_spec):
    baseline = example_spec.management_baseline
    assert baseline.break_glass_groups == ("BreakGlass",)
    assert baseline.break_glass_roles == ("OrganizationAccountAccessRole",)
    assert baseline.break_glass_management_roles == ("AWSSupport", "ManagementAdmin")
    assert baseline.break_glass_watch == WATCH


def test_a_management_role_an_everyday_group_assumes_is_not_watched(tmp_path):
    groups = {"Admins": {}, "BreakGlass": {"break_glass": [{"role": "OrganizationAccountAccessRole"}]}}
    spec = example_variant(tmp_path, with_groups(groups, support=["Admins"], admin=["Admins", "BreakGlass"]))
    assert spec.management_baseline.break_glass_groups == ("BreakGlass",)
    assert spec.management_baseline.break_glass_management_roles == ()


def test_without_break_glass_grants_nothing_is_watched(tmp_path):
    spec = example_variant(tmp_path, with_groups({"Admins": {}}, support=["Admins"], admin=["Admins"]))
    baseline = spec.management_baseline
    assert (baseline.break_glass_groups, baseline.break_glass_roles, baseline.break_glass_management_roles) == ((), (), ())
    assert baseline.break_glass_watch is None


def test_the_example_watches_its_break_glass_path(example_spec, example_assembly):
    from tests.conftest import template

    resources = template(example_assembly, "ManagementBaselineStack")["Resources"]
    parts = resources[logical_ids.cis_metric_filter(BREAK_GLASS_METRIC)]["Properties"]["FilterPattern"]["Fn::Join"][1]
    resolved = "".join(MANAGEMENT if part == {"Ref": "AWS::AccountId"} else part for part in parts)
    assert resolved == example_spec.management_baseline.break_glass_watch.pattern(MANAGEMENT)
    alarm = resources[logical_ids.cis_alarm(BREAK_GLASS_METRIC)]["Properties"]
    assert alarm["AlarmActions"] == [{"Ref": logical_ids.SECURITY_TOPIC}]
