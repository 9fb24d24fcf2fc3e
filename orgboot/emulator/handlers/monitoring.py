"""SNS topics and subscriptions, CloudWatch alarms and budgets: the billing alerts."""

import json
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


class Topic(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        attributes = {"DisplayName": props.get("DisplayName", "")}
        arn = ctx.aws.client("sns").create_topic(Name=props.get("TopicName") or ctx.generated_name(256), Attributes=attributes)["TopicArn"]
        for subscription in props.get("Subscription", []):
            ctx.aws.client("sns").subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
        return Result(arn, {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if old.get("Subscription") != new.get("Subscription"):
            raise EmulationError("the emulator does not update a topic's inline Subscription; use AWS::SNS::Subscription")
        ctx.aws.client("sns").set_topic_attributes(
            TopicArn=physical_id, AttributeName="DisplayName", AttributeValue=new.get("DisplayName", "")
        )
        return Result(physical_id, {"TopicArn": physical_id, "TopicName": physical_id.rsplit(":", 1)[1]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("sns").delete_topic(TopicArn=physical_id)


class TopicPolicy(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        for topic in props["Topics"]:
            ctx.aws.client("sns").set_topic_attributes(
                TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(props["PolicyDocument"])
            )
        return Result(f"{ctx.stack_name}-{ctx.logical_id}")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)


class Subscription(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        arn = ctx.aws.client("sns").subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"])[
            "SubscriptionArn"
        ]
        return Result(arn)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """Endpoint, Protocol and TopicArn are create-only (the engine replaces); the rest are
        subscription attributes, set in place."""
        for key in sorted({*old, *new} - {"Endpoint", "Protocol", "TopicArn", "Region"}):
            if old.get(key) != new.get(key):
                value = new.get(key, "")
                text = value if isinstance(value, str) else json.dumps(value)
                ctx.aws.client("sns").set_subscription_attributes(SubscriptionArn=physical_id, AttributeName=key, AttributeValue=text)
        return Result(physical_id)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("sns").unsubscribe(SubscriptionArn=physical_id)


class Alarm(Handler):
    FIELDS = (
        "AlarmDescription",
        "MetricName",
        "Namespace",
        "Statistic",
        "Period",
        "EvaluationPeriods",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
        "AlarmActions",
        "OKActions",
        "Dimensions",
        "DatapointsToAlarm",
    )

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("AlarmName") or ctx.generated_name(255)
        request = {key: props[key] for key in self.FIELDS if key in props}
        for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
            if key in request:
                request[key] = int(request[key])
        request["Threshold"] = float(request["Threshold"])
        ctx.aws.client("cloudwatch").put_metric_alarm(AlarmName=name, **request)
        return Result(name, {"Arn": f"arn:{PARTITION}:cloudwatch:{ctx.aws.region}:{ctx.aws.account_id}:alarm:{name}"})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)  # PutMetricAlarm overwrites; AlarmName is create-only

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("cloudwatch").delete_alarms(AlarmNames=[physical_id])


class Budget(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        budget = dict(props["Budget"])
        budget["BudgetLimit"] = {k: str(v) for k, v in budget["BudgetLimit"].items()}
        notifications = [
            {**n, "Notification": {**n["Notification"], "Threshold": float(n["Notification"]["Threshold"])}}
            for n in props.get("NotificationsWithSubscribers", [])
        ]
        ctx.aws.client("budgets").create_budget(AccountId=ctx.aws.account_id, Budget=budget, NotificationsWithSubscribers=notifications)
        return Result(budget["BudgetName"])

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        """UpdateBudget in place (the engine replaces the budget when its name or notifications,
        both create-only, change)."""
        # moto 5.2 does not serve UpdateBudget: the same name with the new values is its effect.
        ctx.aws.client("budgets").delete_budget(AccountId=ctx.aws.account_id, BudgetName=physical_id)
        return self.create(ctx, new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("budgets").delete_budget(AccountId=ctx.aws.account_id, BudgetName=physical_id)


HANDLERS: dict[str, Handler] = {
    "AWS::SNS::Topic": Topic(),
    "AWS::SNS::TopicPolicy": TopicPolicy(),
    "AWS::SNS::Subscription": Subscription(),
    "AWS::CloudWatch::Alarm": Alarm(),
    "AWS::Budgets::Budget": Budget(),
}
