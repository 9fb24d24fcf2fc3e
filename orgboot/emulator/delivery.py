"""What AWS services do on the deployer's behalf after a deploy, decided by the policy evaluator
against the resource policies the templates wrote: CloudTrail writing to the trail bucket (in this
account or another) and encrypting with the trail's KMS key, S3 delivering the trail bucket's access
logs, CloudWatch alarms publishing to their SNS topics. A service principal has no identity policies:
the resource policy alone must allow it (policy evaluation facts in docs/sources/policy-evaluation.md).
"""

import json
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.aws.trail_logs import LOGGING_SERVICE_PRINCIPAL
from orgboot.emulator.aws import AwsAccount, assume
from orgboot.policy.evaluation import Applicable, ContextValue, Decision, Request, evaluate
from orgboot.policy.matching import Caller
from orgboot.policy.statements import PolicyRef, parse
from orgboot.policy.trail_logs import TRAIL_ENCRYPTION_CONTEXT
from orgboot.state.pages import all_items

CLOUDTRAIL = Caller("cloudtrail.amazonaws.com", None, "service")
CLOUDWATCH = Caller("cloudwatch.amazonaws.com", None, "service")
S3_LOGGING = Caller(LOGGING_SERVICE_PRINCIPAL, None, "service")
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


def account_in(aws: AwsAccount, account_id: str, region: str) -> AwsAccount:
    """Clients for `account_id` in `region`, from `aws` (the management account, or that account)."""
    if account_id == aws.account_id:
        return replace(aws, region=region)
    return assume(account_id, region=region, endpoint_url=aws.endpoint_url)


def bucket_home(aws: AwsAccount, bucket: str) -> AwsAccount | None:
    """The account that owns `bucket`, with clients in the bucket's region; None when no account of
    the organization has it. A service delivers to a bucket by name, wherever its owner is;
    ListBuckets lists the caller's own buckets, so each account is asked in turn, `aws`'s first."""
    candidates = [aws.account_id]
    try:
        accounts = all_items(aws.client("organizations"), "list_accounts", "Accounts")
        candidates += [a["Id"] for a in accounts if a["Id"] != aws.account_id and a.get("Status") == "ACTIVE"]
    except ClientError:  # not in an organization (AWSOrganizationsNotInUseException), or not its management account
        pass
    for account_id in candidates:
        owner = account_in(aws, account_id, aws.region)
        if any(b["Name"] == bucket for b in owner.client("s3").list_buckets()["Buckets"]):
            # GetBucketLocation: no LocationConstraint for us-east-1 (S3 API Reference).
            region = owner.client("s3").get_bucket_location(Bucket=bucket).get("LocationConstraint") or HOME_REGION
            return account_in(aws, account_id, region)
    return None


def trail_bucket_problems(aws: AwsAccount, trail_arn: str, bucket: str, organization_id: str | None) -> list[str]:
    """Why CloudTrail could not deliver `trail_arn`'s logs (a trail of `aws`'s account) to `bucket`,
    in this account or another, or could deliver another account's trail to it. CloudTrail User
    Guide, "Amazon S3 bucket policy for CloudTrail": the service reads the bucket ACL
    (s3:GetBucketAcl) and writes objects with the bucket-owner-full-control ACL under
    AWSLogs/<account ID>/ and, for an organization trail, AWSLogs/<organization ID>/<member account
    ID>/; it recommends aws:SourceArn on every statement."""
    home = bucket_home(aws, bucket)
    if home is None:
        return [f"S3BucketDoesNotExistException: no bucket {bucket} (CloudTrail API Reference, CreateTrail)"]
    s3 = home.client("s3")
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
        ours = _decide(CLOUDTRAIL, action, resource, home.account_id, policy, name, **extra, **_source(trail_arn, aws.account_id))
        if not ours.allowed:
            problems.append(f"InsufficientS3BucketPolicyException: CloudTrail may not {action} on {resource} for {trail_arn}: {ours.why}")
        theirs = _decide(CLOUDTRAIL, action, resource, home.account_id, policy, name, **extra, **_source(foreign_trail, FOREIGN_ACCOUNT))
        if theirs.allowed:
            problems.append(
                f"orgboot refuses: another account's trail may {action} on {resource}: {theirs.why}; CloudTrail's guidance is an"
                " aws:SourceArn condition naming the trail on every statement"
            )
    return problems


def trail_key_problems(aws: AwsAccount, trail_arn: str, key_id: str, bucket: str) -> list[str]:
    """Why CloudTrail could not encrypt `trail_arn`'s log files with the KMS key `key_id` (an ID,
    alias, or the ARN of either, CreateTrail's KmsKeyId) for `bucket`, or could for another
    account's trail. CloudTrail API Reference, CreateTrail: KmsKeyNotFoundException "when the KMS key
    does not exist, when the S3 bucket and the KMS key are not in the same Region";
    InsufficientEncryptionPolicyException when "the policy on the S3 bucket or KMS key does not
    have sufficient permissions". CloudTrail User Guide, "Configure AWS KMS key policies for
    CloudTrail": CloudTrail encrypts with kms:GenerateDataKey*, the trail's ARN as encryption
    context (kms:EncryptionContext:aws:cloudtrail:arn), and describes the key (kms:DescribeKey);
    "If encryption is enabled on a trail, and the KMS key is disabled, ... CloudTrail cannot
    deliver logs"; aws:SourceArn keeps other trails out."""
    if key_id.startswith("arn:"):
        _, _, _, region, account_id, _ = key_id.split(":", 5)
    else:
        region, account_id = aws.region, aws.account_id
    kms = account_in(aws, account_id, region).client("kms")
    try:
        key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return [f"KmsKeyNotFoundException: no KMS key {key_id}"]
    home = bucket_home(aws, bucket)
    if home is not None and home.region != region:
        where = f"the KMS key {key['Arn']} is in {region} and the bucket {bucket} in {home.region}"
        return [f"KmsKeyNotFoundException: {where}: CloudTrail needs the key in the bucket's region"]
    problems = []
    if key["KeyState"] != "Enabled":
        problems.append(f"the KMS key {key['Arn']} is {key['KeyState']}: CloudTrail cannot deliver logs encrypted with it")
    policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
    name = f"key policy of {key['Arn']}"
    # Other trails, of another account and of the trail's own: the key is this trail's alone.
    others = {
        "another account's trail": (f"arn:{PARTITION}:cloudtrail:us-east-1:{FOREIGN_ACCOUNT}:trail/another", FOREIGN_ACCOUNT),
        "another trail of the account": (f"{trail_arn.rsplit('/', 1)[0]}/another", aws.account_id),
    }
    for action in ("kms:GenerateDataKey", "kms:DescribeKey"):
        for who, (trail, account) in {"this trail": (trail_arn, aws.account_id), **others}.items():
            context = _source(trail, account) | ({TRAIL_ENCRYPTION_CONTEXT: trail} if action == "kms:GenerateDataKey" else {})
            decision = _decide(CLOUDTRAIL, action, key["Arn"], account_id, policy, name, **context)
            if trail == trail_arn and not decision.allowed:
                denied = f"CloudTrail may not {action} on {key['Arn']} for {trail_arn}: {decision.why}"
                problems.append(f"InsufficientEncryptionPolicyException: {denied}")
            if trail != trail_arn and decision.allowed:
                problems.append(
                    f"orgboot refuses: {who} may {action} on {key['Arn']}: {decision.why}; CloudTrail's guidance is an aws:SourceArn"
                    " condition naming the trail"
                )
    return problems


def access_logging_problems(home: AwsAccount, bucket: str) -> list[str]:
    """Why S3 could not deliver the server access logs of `bucket` (owned by `home`'s account, in
    its region) to the bucket its logging names, or could deliver another account's. S3 User
    Guide, "Enabling Amazon S3 server access logging": the logging service principal writes
    (s3:PutObject) under the target prefix, on behalf of the source bucket (aws:SourceArn) of the
    source account (aws:SourceAccount), as the target's bucket policy allows; "Default server-side
    encryption with AWS KMS keys (SSE-KMS) is not supported" on the target."""
    s3 = home.client("s3")
    enabled = s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled")
    if not enabled:
        return []
    target, prefix = enabled["TargetBucket"], enabled.get("TargetPrefix", "")
    try:
        policy = s3.get_bucket_policy(Bucket=target)["Policy"]
    except s3.exceptions.ClientError:
        policy = None
    problems = []
    try:
        rules = s3.get_bucket_encryption(Bucket=target)["ServerSideEncryptionConfiguration"]["Rules"]
    except s3.exceptions.ClientError:
        rules = []
    if any(r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] != "AES256" for r in rules):
        problems.append(f"S3 cannot deliver access logs of {bucket} to {target}: its default encryption is not SSE-S3")
    resource = f"arn:{PARTITION}:s3:::{target}/{prefix}2026-01-01-00-00-00-0123456789ABCDEF"
    name = f"bucket policy of {target}"
    foreign = f"arn:{PARTITION}:s3:::another-accounts-bucket"
    for source, account in ((f"arn:{PARTITION}:s3:::{bucket}", home.account_id), (foreign, FOREIGN_ACCOUNT)):
        decision = _decide(S3_LOGGING, "s3:PutObject", resource, home.account_id, policy, name, **_source(source, account))
        if account == home.account_id and not decision.allowed:
            problems.append(f"S3 cannot deliver access logs of {bucket} to {target}: logging.s3 may not s3:PutObject: {decision.why}")
        if account != home.account_id and decision.allowed:
            problems.append(
                f"orgboot refuses: another account's bucket may deliver access logs to {target}: {decision.why}; the S3 User"
                " Guide's policy names the source account (aws:SourceAccount)"
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
    """For every trail of the account, as its policies stand now: its bucket's policy, its key's,
    its CloudWatch Logs delivery and the server access logging of its bucket."""
    problems = []
    for trail in aws.client("cloudtrail").describe_trails()["trailList"]:
        organization_id = None
        if trail.get("IsOrganizationTrail"):
            organization_id = aws.client("organizations").describe_organization()["Organization"]["Id"]
        problems += trail_bucket_problems(aws, trail["TrailARN"], trail["S3BucketName"], organization_id)
        if trail.get("KmsKeyId"):
            problems += trail_key_problems(aws, trail["TrailARN"], trail["KmsKeyId"], trail["S3BucketName"])
        if trail.get("CloudWatchLogsLogGroupArn") and trail.get("CloudWatchLogsRoleArn"):
            problems += trail_log_group_problems(aws, trail["CloudWatchLogsLogGroupArn"], trail["CloudWatchLogsRoleArn"], organization_id)
        if (home := bucket_home(aws, trail["S3BucketName"])) is not None:
            problems += access_logging_problems(home, trail["S3BucketName"])
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
