"""The policies of an organization trail's log store, as pure functions returning dicts: the KMS key
policy, the log bucket's statements for CloudTrail and the access-log bucket's statement for S3
server access logging. Arguments may be CDK tokens (strings) known only at deploy time."""

from typing import Any

from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL
from orgboot.aws.regions import PARTITION
from orgboot.aws.trail_logs import LOGGING_SERVICE_PRINCIPAL

Statement = dict[str, Any]

# What the key's own account may do to administer the key, through its IAM policies: the key
# administrators' statement of KMS's default key policy (KMS Developer Guide, "Default key policy",
# "Allows key administrators to administer the KMS key"), which uses the key for nothing.
KEY_ADMINISTRATION_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
]
# The encryption context CloudTrail encrypts each log and digest file with: the trail's ARN.
TRAIL_ENCRYPTION_CONTEXT = "kms:EncryptionContext:aws:cloudtrail:arn"


def _account_root(account_id: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id}:root"


def trail_key_policy(*, key_account: str, trail_arn: str, trail_account: str) -> dict[str, Any]:
    """The trail key's policy, written from CloudTrail User Guide, "Configure AWS KMS key policies
    for CloudTrail": CloudTrail may encrypt (kms:GenerateDataKey*) only for trails of the trail's
    account (the encryption context) and only as this trail (aws:SourceArn, "a security best
    practice", same page), and describe the key, as this trail; readers in the key's account
    decrypt log files, and only those (the encryption context is there), as their IAM policies
    allow ("Enable CloudTrail log decrypt permissions", same page, with the account as principal:
    KMS Developer Guide, "Default key policy", "Allows access to the AWS account and enables IAM
    policies"). Key administrators administer, through IAM, without using the key."""
    account = {"AWS": _account_root(key_account)}
    cloudtrail = {"Service": CLOUDTRAIL_SERVICE_PRINCIPAL}
    this_trail = {"aws:SourceArn": trail_arn}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": account, "Action": KEY_ADMINISTRATION_ACTIONS, "Resource": "*"},
            {
                "Sid": "CloudTrailEncryptLogs",
                "Effect": "Allow",
                "Principal": cloudtrail,
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": this_trail,
                    "StringLike": {TRAIL_ENCRYPTION_CONTEXT: f"arn:{PARTITION}:cloudtrail:*:{trail_account}:trail/*"},
                },
            },
            {
                "Sid": "CloudTrailDescribeKey",
                "Effect": "Allow",
                "Principal": cloudtrail,
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": {"StringEquals": this_trail},
            },
            {
                "Sid": "LogReadersDecrypt",
                "Effect": "Allow",
                "Principal": account,
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"Null": {TRAIL_ENCRYPTION_CONTEXT: "false"}},
            },
        ],
    }


def trail_bucket_statements(*, bucket_arn: str, trail_arn: str, trail_account: str, organization_id: str) -> list[Statement]:
    """The log bucket's statements for an organization trail (CloudTrail User Guide, "Amazon S3
    bucket policy for CloudTrail", organization trail): CloudTrail checks the bucket's ACL and
    writes the trail account's logs under AWSLogs/<account>/ and the members' under
    AWSLogs/<organization ID>/; every statement names this trail in aws:SourceArn, so no other
    trail can use the bucket ("confused deputy", same page)."""
    this_trail = {"aws:SourceArn": trail_arn}
    cloudtrail = {"Service": CLOUDTRAIL_SERVICE_PRINCIPAL}
    statements: list[Statement] = [
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": cloudtrail,
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": this_trail},
        }
    ]
    for sid, owner in (("CloudTrailWriteManagement", trail_account), ("CloudTrailWriteOrganization", organization_id)):
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": cloudtrail,
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/AWSLogs/{owner}/*",
                "Condition": {"StringEquals": {**this_trail, "s3:x-amz-acl": "bucket-owner-full-control"}},
            }
        )
    return statements


def access_logs_statement(*, access_logs_bucket_arn: str, source_account: str, source_bucket_arn: str | None) -> Statement:
    """The access-log bucket's statement for S3 server access logging (S3 User Guide, "Enabling Amazon
    S3 server access logging", "Grant permissions to the logging service principal by using a bucket
    policy"): the logging service writes, on behalf of the source bucket (aws:SourceArn) of the
    source account (aws:SourceAccount). Without `source_bucket_arn`, of any bucket of that account."""
    condition: dict[str, Any] = {"StringEquals": {"aws:SourceAccount": source_account}}
    if source_bucket_arn is not None:
        condition["ArnLike"] = {"aws:SourceArn": source_bucket_arn}
    return {
        "Sid": "S3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": LOGGING_SERVICE_PRINCIPAL},
        "Action": "s3:PutObject",
        "Resource": f"{access_logs_bucket_arn}/*",
        "Condition": condition,
    }
