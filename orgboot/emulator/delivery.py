"""What AWS services do on the deployer's behalf after a deploy, decided by the policy evaluator
against the resource policies the templates wrote: CloudTrail writing to the trail bucket,
CloudWatch alarms publishing to their SNS topics. A service principal has no identity policies:
the resource policy alone must allow it (policy evaluation facts in docs/sources/policy-evaluation.md).
"""

import json
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.emulator.aws import AwsAccount
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse

CLOUDTRAIL = Caller("cloudtrail.amazonaws.com", None, "service")
CLOUDWATCH = Caller("cloudwatch.amazonaws.com", None, "service")
# An account and trail that are not ours: the "confused deputy" CloudTrail's guidance guards against.
FOREIGN_ACCOUNT = "999999999999"


def _decide(caller: Caller, action: str, resource: str, account: str, policy: Any, name: str, **context: ContextValue) -> Decision:
    document = parse(json.loads(policy), PolicyRef(name, "resource")) if policy else None
    # Assumed, not documented: AWS services deliver over HTTPS. AWS's own TLS-only guidance (S3 User
    # Guide, "Security best practices": deny when aws:SecureTransport is false) would otherwise stop
    # CloudTrail's delivery to every bucket that follows it.
    context = {"aws:SecureTransport": "true", **context}
    return evaluate(Request(caller, action, resource, account, context), Applicable(resource=document))


def trail_bucket_problems(aws: AwsAccount, trail_arn: str, bucket: str, organization_id: str | None) -> list[str]:
    """Why CloudTrail could not deliver `trail_arn`'s logs to `bucket`, or could deliver another
    account's trail to it. CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail": the
    service reads the bucket ACL (s3:GetBucketAcl) and writes objects with the
    bucket-owner-full-control ACL under AWSLogs/<account ID>/ and, for an organization trail,
    AWSLogs/<organization ID>/<member account ID>/; it recommends aws:SourceArn on every statement."""
    s3 = aws.client("s3")
    try:
        policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except s3.exceptions.ClientError:
        policy = None
    name = f"bucket policy of {bucket}"
    bucket_arn = f"arn:{PARTITION}:s3:::{bucket}"
    prefixes = [f"AWSLogs/{aws.account_id}/"] + ([f"AWSLogs/{organization_id}/111122223333/"] if organization_id else [])
    requests: list[tuple[str, str, dict[str, ContextValue]]] = [("s3:GetBucketAcl", bucket_arn, {})] + [
        ("s3:PutObject", f"{bucket_arn}/{prefix}CloudTrail/us-east-1/2026/01/01/log.json.gz", {"s3:x-amz-acl": "bucket-owner-full-control"})
        for prefix in prefixes
    ]
    problems = []
    foreign_trail = f"arn:{PARTITION}:cloudtrail:us-east-1:{FOREIGN_ACCOUNT}:trail/another"
    for action, resource, extra in requests:
        ours = _decide(CLOUDTRAIL, action, resource, aws.account_id, policy, name, **extra, **_source(trail_arn, aws.account_id))
        if not ours.allowed:
            problems.append(f"InsufficientS3BucketPolicyException: CloudTrail may not {action} on {resource} for {trail_arn}: {ours.why}")
        theirs = _decide(CLOUDTRAIL, action, resource, aws.account_id, policy, name, **extra, **_source(foreign_trail, FOREIGN_ACCOUNT))
        if theirs.allowed:
            problems.append(
                f"orgboot refuses: another account's trail may {action} on {resource}: {theirs.why}; CloudTrail's guidance is an"
                " aws:SourceArn condition naming the trail on every statement"
            )
    return problems


def _source(arn: str, account: str) -> dict[str, ContextValue]:
    return {"aws:SourceArn": arn, "aws:SourceAccount": account}


def alarm_topic_problems(aws: AwsAccount) -> list[str]:
    """Why CloudWatch could not publish an alarm's notification to its SNS topic. A topic policy
    replaces the topic's default policy (SNS Developer Guide, "Amazon SNS access control": the
    default lets only the owner account publish); CloudWatch publishes as its service principal
    with the alarm in aws:SourceArn (SNS Developer Guide, "Example cases for Amazon SNS access
    control", CloudWatch alarms)."""
    cloudwatch, sns = aws.client("cloudwatch"), aws.client("sns")
    problems = []
    for alarm in cloudwatch.get_paginator("describe_alarms").paginate().build_full_result().get("MetricAlarms", []):
        topics = {a for key in ("AlarmActions", "OKActions", "InsufficientDataActions") for a in alarm.get(key, []) if ":sns:" in a}
        for topic in sorted(topics):
            try:
                policy = sns.get_topic_attributes(TopicArn=topic)["Attributes"].get("Policy")
            except sns.exceptions.NotFoundException:
                problems.append(f"alarm {alarm['AlarmName']} notifies {topic}, which does not exist")
                continue
            # SNS's default policy lets anyone publish on behalf of the owner account (AWS:SourceOwner).
            context = {**_source(alarm["AlarmArn"], aws.account_id), "aws:SourceOwner": aws.account_id}
            decision = _decide(CLOUDWATCH, "sns:Publish", topic, aws.account_id, policy, f"topic policy of {topic}", **context)
            if not decision.allowed:
                problems.append(f"alarm {alarm['AlarmName']} cannot notify {topic}: CloudWatch may not sns:Publish: {decision.why}")
    return problems


def trail_problems(aws: AwsAccount) -> list[str]:
    """trail_bucket_problems for every trail of the account, as its bucket policy stands now."""
    problems = []
    for trail in aws.client("cloudtrail").describe_trails()["trailList"]:
        organization_id = None
        if trail.get("IsOrganizationTrail"):
            organization_id = aws.client("organizations").describe_organization()["Organization"]["Id"]
        problems += trail_bucket_problems(aws, trail["TrailARN"], trail["S3BucketName"], organization_id)
    return problems
