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


# A member account's place in an organization trail's log names (AWSLogs/<org>/<account>/ in S3,
# <org>_<account>_CloudTrail_<region> in CloudWatch Logs): the policies written for the trail name
# no member, so any ID shows whether members' logs may be delivered.
ANY_MEMBER = "111122223333"


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
    prefixes = [f"AWSLogs/{aws.account_id}/"] + ([f"AWSLogs/{organization_id}/{ANY_MEMBER}/"] if organization_id else [])
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
        if trail.get("CloudWatchLogsLogGroupArn") and trail.get("CloudWatchLogsRoleArn"):
            problems += trail_log_group_problems(aws, trail["CloudWatchLogsLogGroupArn"], trail["CloudWatchLogsRoleArn"], organization_id)
    return problems


def _role_identity_policies(aws: AwsAccount, role_name: str) -> tuple[Any, ...]:
    iam = aws.client("iam")
    policies = []
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        policies.append(
            parse(json.loads(document) if isinstance(document, str) else document, PolicyRef(f"{role_name}/{name}", "identity"))
        )
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]
        policies.append(
            parse(json.loads(document) if isinstance(document, str) else document, PolicyRef(attached["PolicyName"], "identity"))
        )
    return tuple(policies)


def trail_log_group_problems(aws: AwsAccount, log_group_arn: str, role_arn: str, organization_id: str | None) -> list[str]:
    """Why CloudTrail could not deliver a trail's events to the CloudWatch Logs group `log_group_arn`
    through `role_arn`. CloudTrail User Guide, "Sending events to CloudWatch Logs" and "Role policy
    document for CloudTrail to use CloudWatch Logs for monitoring": CloudTrail assumes the role
    (its trust policy must allow cloudtrail.amazonaws.com) and, as the role, creates log streams and
    puts log events in the group: <account>_CloudTrail_<region>... for the trail's own account and
    <organization ID>_... for an organization trail's members. CreateTrail and UpdateTrail refuse
    a role that cannot (InvalidCloudWatchLogsRoleArnException, CloudTrail API Reference)."""
    iam = aws.client("iam")
    role_name = role_arn.rsplit("/", 1)[1]
    try:
        trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    except iam.exceptions.NoSuchEntityException:
        return [f"InvalidCloudWatchLogsRoleArnException: the role {role_arn} does not exist"]
    trust_document = json.loads(trust) if isinstance(trust, str) else trust
    assume = evaluate(
        Request(CLOUDTRAIL, "sts:AssumeRole", role_arn, aws.account_id),
        Applicable(trust=parse(trust_document, PolicyRef(f"trust policy of {role_name}", "resource"))),
    )
    if not assume.allowed:
        return [f"InvalidCloudWatchLogsRoleArnException: CloudTrail may not assume {role_arn}: {assume.why}"]
    group = log_group_arn.removesuffix(":*")
    prefixes = [f"{aws.account_id}_CloudTrail_{aws.region}"] + (
        [f"{organization_id}_{ANY_MEMBER}_CloudTrail_{aws.region}"] if organization_id else []
    )
    session = Caller(role_arn, aws.account_id, "role", "cloudtrail")
    identity = _role_identity_policies(aws, role_name)
    problems = []
    for prefix in prefixes:
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            resource = f"{group}:log-stream:{prefix}"
            decision = evaluate(Request(session, action, resource, aws.account_id), Applicable(identity=identity))
            if not decision.allowed:
                problems.append(
                    f"InvalidCloudWatchLogsRoleArnException: CloudTrail, as {role_arn}, may not {action} on {resource}: {decision.why}"
                )
    return problems
