"""What AWS services do on the deployer's behalf after a deploy, decided against the resource
policies: CloudWatch alarms publishing to SNS topics."""

from orgboot.emulator import emulated_aws, management
from orgboot.emulator.delivery import alarm_topic_problems


def alarm_on_new_topic(policy: str | None) -> list[str]:
    with emulated_aws():
        aws = management()
        topic = aws.client("sns").create_topic(Name="alerts")["TopicArn"]
        if policy is not None:
            aws.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=policy.replace("TOPIC", topic))
        aws.client("cloudwatch").put_metric_alarm(
            AlarmName="spend",
            MetricName="EstimatedCharges",
            Namespace="AWS/Billing",
            Statistic="Maximum",
            Period=21600,
            EvaluationPeriods=1,
            Threshold=100,
            ComparisonOperator="GreaterThanThreshold",
            AlarmActions=[topic],
        )
        return alarm_topic_problems(aws)


def test_the_default_topic_policy_lets_the_accounts_alarms_publish():
    """SNS's default policy allows publishing on behalf of the owner account (AWS:SourceOwner)."""
    assert alarm_on_new_topic(None) == []


def test_a_topic_policy_that_names_cloudwatch_lets_it_publish():
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},'
        '"Action":"sns:Publish","Resource":"TOPIC","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}'
    )
    assert alarm_on_new_topic(policy) == []


def test_a_topic_policy_that_replaces_the_default_without_cloudwatch_stops_delivery():
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sns:Publish","Resource":"TOPIC"}]}'
    (problem,) = alarm_on_new_topic(policy)
    assert problem.startswith("alarm spend cannot notify arn:aws:sns:us-east-1:123456789012:alerts: CloudWatch may not sns:Publish")


def test_a_denying_statement_is_named():
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish",'
        '"Resource":"TOPIC"},{"Sid":"NoAlarms","Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"TOPIC"}]}'
    )
    (problem,) = alarm_on_new_topic(policy)
    assert problem.endswith("explicitly denied (topic policy of arn:aws:sns:us-east-1:123456789012:alerts: statement 'NoAlarms')")


def test_an_alarm_notifying_a_topic_that_does_not_exist_is_reported():
    with emulated_aws():
        aws = management()
        missing = "arn:aws:sns:us-east-1:123456789012:gone"
        aws.client("cloudwatch").put_metric_alarm(
            AlarmName="spend", MetricName="m", Namespace="n", Statistic="Maximum", Period=60, EvaluationPeriods=1,
            Threshold=1, ComparisonOperator="GreaterThanThreshold", AlarmActions=[missing],
        )  # fmt: skip
        assert alarm_topic_problems(aws) == [f"alarm spend notifies {missing}, which does not exist"]
