"""Billing alarm and monthly budget, e-mailing the same people."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions

from constructs import Construct
from constructs.alarm_topic import alarm_topic
from constructs.sdk_call import pin_logical_id


@dataclass(frozen=True)
class BillingLogicalIds:
    topic: str
    topic_policy: str
    alarm: str
    budget: str


class BillingAlerts(Construct):
    """A CloudWatch alarm on AWS/Billing EstimatedCharges (USD) and an AWS::Budgets::Budget.

    Billing metrics exist only in us-east-1, and only once the root user has enabled billing alerts
    (Billing preferences): the stack must be deployed in us-east-1."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        alarm_threshold_usd: float,
        monthly_budget_usd: float,
        actual_threshold_percent: float,
        forecast_threshold_percent: float,
        emails: Sequence[str],
        budget_name: str,
        logical_ids: BillingLogicalIds,
    ) -> None:
        super().__init__(scope, id)
        self.topic = alarm_topic(self, "AWS billing alerts", emails)

        estimated_charges = cloudwatch.Metric(
            namespace="AWS/Billing",
            metric_name="EstimatedCharges",
            dimensions_map={"Currency": "USD"},
            statistic="Maximum",
            period=Duration.hours(6),  # billing data is published a few times a day
        )
        self.alarm = cloudwatch.Alarm(
            self,
            "Alarm",
            alarm_description=f"Estimated charges this month exceed {alarm_threshold_usd:g} USD",
            metric=estimated_charges,
            threshold=alarm_threshold_usd,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            # No data means billing alerts are not enabled yet (a root-user step): the alarm shows
            # INSUFFICIENT_DATA rather than a healthy OK.
            treat_missing_data=cloudwatch.TreatMissingData.MISSING,
        )
        self.alarm.add_alarm_action(actions.SnsAction(self.topic))

        subscribers = [budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=e) for e in emails]

        def notify(kind: str, percent: float) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind, comparison_operator="GREATER_THAN", threshold=percent, threshold_type="PERCENTAGE"
                ),
                subscribers=subscribers,
            )

        notifications = [notify("ACTUAL", actual_threshold_percent), notify("FORECASTED", forecast_threshold_percent)]
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=budget_name,
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=monthly_budget_usd, unit="USD"),
            ),
            notifications_with_subscribers=notifications,
        )
        pin_logical_id(self.topic, logical_ids.topic)
        pin_logical_id(self.topic.node.find_child("Policy"), logical_ids.topic_policy)
        pin_logical_id(self.alarm, logical_ids.alarm)
        pin_logical_id(self.budget, logical_ids.budget)
