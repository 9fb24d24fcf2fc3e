"""An SNS topic that CloudWatch alarms of this account e-mail people through."""

from collections.abc import Sequence

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from constructs import Construct


def alarm_topic(scope: Construct, display_name: str, emails: Sequence[str]) -> sns.Topic:
    """The topic `Topic` in `scope`: TLS only, an e-mail subscription per address, and a topic policy
    that lets this account's alarms publish. A topic policy replaces the topic's default one, which
    lets the account's own principals publish; CloudWatch publishes as its service principal, so it
    must be named here (SNS Developer Guide, "Example cases for Amazon SNS access control"), limited
    to this account's alarms (aws:SourceArn, aws:SourceAccount: the confused-deputy guard)."""
    stack = Stack.of(scope)
    topic = sns.Topic(scope, "Topic", display_name=display_name, enforce_ssl=True)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchAlarmsPublish",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "ArnLike": {
                    "aws:SourceArn": stack.format_arn(
                        service="cloudwatch", resource="alarm", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
                    )
                },
                "StringEquals": {"aws:SourceAccount": stack.account},
            },
        )
    )
    for email in emails:
        topic.add_subscription(subscriptions.EmailSubscription(email))
    return topic
