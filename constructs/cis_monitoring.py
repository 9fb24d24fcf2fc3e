"""CIS AWS Foundations 5.0 section 4 (Monitoring): the organization trail's CloudWatch Logs group,
the role CloudTrail writes to it with, and a metric filter and alarm for each of 4.1-4.15,
notifying a security topic; and, when the management baseline has a break-glass path, one more
filter and alarm for its use."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs

from orgboot.aws.cis_monitoring import BREAK_GLASS_METRIC, BREAK_GLASS_NAMESPACE, BREAK_GLASS_TITLE, CONTROLS, NAMESPACE, BreakGlassWatch
from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL

from constructs import Construct
from constructs.acknowledgements import acknowledge
from constructs.alarm_topic import alarm_topic
from constructs.sdk_call import pin_logical_id


@dataclass(frozen=True)
class CisMonitoringLogicalIds:
    log_group: str
    role: str
    topic: str
    topic_policy: str
    metric_filter: dict[str, str]  # by CisControl.metric, and BREAK_GLASS_METRIC with a break-glass watch
    alarm: dict[str, str]


class CisMonitoring(Construct):
    """The log group the organization trail also delivers to (kept a year, as Security Hub's
    CloudWatch.16 asks), its CloudTrail role, and the CIS 4.1-4.15 filters and alarms; with
    `break_glass`, a filter and an alarm for the break-glass path's use (BreakGlassWatch)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        emails: Sequence[str],
        logical_ids: CisMonitoringLogicalIds,
        break_glass: BreakGlassWatch | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.log_group = logs.LogGroup(self, "LogGroup", retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.RETAIN)
        # CloudTrail User Guide, "Sending events to CloudWatch Logs" and "Role policy document for
        # CloudTrail to use CloudWatch Logs for monitoring": CloudTrail assumes a role whose policy
        # lets it logs:CreateLogStream and logs:PutLogEvents on the group's log streams. CloudTrail
        # names the streams itself (<account>_CloudTrail_<region>... for the management account,
        # <organization ID>_... for the members of an organization trail, same pages), so the
        # policy names every stream of this one group, which holds nothing but the trail's events.
        streams = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"{self.log_group.log_group_name}:log-stream:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.role = iam.Role(
            self,
            "Role",
            description="CloudTrail delivers the organization trail to its CloudWatch Logs group",
            assumed_by=iam.ServicePrincipal(CLOUDTRAIL_SERVICE_PRINCIPAL),
            inline_policies={
                "deliver-to-log-group": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(sid="CloudTrailCreateLogStream", actions=["logs:CreateLogStream"], resources=[streams]),
                        iam.PolicyStatement(sid="CloudTrailPutLogEvents", actions=["logs:PutLogEvents"], resources=[streams]),
                    ]
                )
            },
        )
        acknowledge(
            self.role,
            f"IAM5[Resource::arn:{stack.partition}:logs:{stack.region}:<AWS::AccountId>:log-group:<{logical_ids.log_group}>:log-stream:*]",
            "the log streams of the trail's own log group, which CloudTrail names itself (CloudTrail User Guide)",
        )

        self.topic = alarm_topic(self, "AWS security alerts (CIS monitoring)", emails)

        self.filters: dict[str, logs.MetricFilter] = {}
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        watched = [(NAMESPACE, c.metric, c.pattern, f"CIS AWS Foundations {c.number}: {c.title}") for c in CONTROLS]
        if break_glass is not None:
            pattern = break_glass.pattern(stack.account)
            watched.append((BREAK_GLASS_NAMESPACE, BREAK_GLASS_METRIC, pattern, f"{BREAK_GLASS_TITLE}: {_what(break_glass)}"))
        for namespace, metric, pattern, description in watched:
            metric_filter = logs.MetricFilter(
                self,
                f"Filter{metric}",
                log_group=self.log_group,
                filter_pattern=logs.FilterPattern.literal(pattern),
                metric_namespace=namespace,
                metric_name=metric,
                metric_value="1",
            )
            # The alarm of each control's remediation (Security Hub User Guide, CloudWatch.1-14):
            # the metric's sum over 5 minutes at or above 1, once. Break-glass's alike: one use is news.
            alarm = cloudwatch.Alarm(
                self,
                f"Alarm{metric}",
                alarm_description=description,
                metric=cloudwatch.Metric(namespace=namespace, metric_name=metric, statistic="Sum", period=Duration.minutes(5)),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,  # no matching event: nothing to report
            )
            alarm.add_alarm_action(actions.SnsAction(self.topic))
            pin_logical_id(metric_filter, logical_ids.metric_filter[metric])
            pin_logical_id(alarm, logical_ids.alarm[metric])
            self.filters[metric], self.alarms[metric] = metric_filter, alarm
        pin_logical_id(self.log_group, logical_ids.log_group)
        pin_logical_id(self.role, logical_ids.role)
        pin_logical_id(self.topic, logical_ids.topic)
        pin_logical_id(self.topic.node.find_child("Policy"), logical_ids.topic_policy)


def _what(watch: BreakGlassWatch) -> str:
    """What the break-glass alarm watches, for its description (at most 1,024 characters, PutMetricAlarm)."""
    parts = [f"a user added to group {', '.join(watch.groups)}"] if watch.groups else []
    roles = watch.roles + watch.management_roles
    parts += [f"role {', '.join(roles)} assumed"] if roles else []
    return " or ".join(parts)[:900]
