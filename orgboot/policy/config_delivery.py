"""The policy of the bucket AWS Config delivers every account's configuration history and snapshots
to, as a pure function returning a dict. Arguments may be CDK tokens known only at deploy time.

Written from AWS Config Developer Guide, "Permissions for the Amazon S3 Bucket for the AWS Config
Delivery Channel": delivering to a bucket of another account, Config writes as its service principal
(config.amazonaws.com) once the recorder's role is refused; it checks the bucket's ACL
(AWSConfigBucketPermissionsCheck, s3:GetBucketAcl) and that the bucket exists
(AWSConfigBucketExistenceCheck, s3:ListBucket), and writes objects under
AWSLogs/<account ID>/Config/ with the bucket-owner-full-control ACL (AWSConfigBucketDelivery). Each
statement is limited to the organization's accounts by aws:SourceOrgID, the page's guard against
the confused deputy for a bucket many accounts write to. Every other request must use TLS (S3 User
Guide, "Security best practices for Amazon S3")."""

from typing import Any

from orgboot.aws.account_settings import SERVICE

Statement = dict[str, Any]


def config_bucket_policy(bucket_arn: str, organization_id: str) -> dict[str, Any]:
    organization = {"StringEquals": {"aws:SourceOrgID": organization_id}}
    config = {"Service": SERVICE}
    statements: list[Statement] = [
        {
            "Sid": "AWSConfigBucketPermissionsCheck",
            "Effect": "Allow",
            "Principal": config,
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": organization,
        },
        {
            "Sid": "AWSConfigBucketExistenceCheck",
            "Effect": "Allow",
            "Principal": config,
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": organization,
        },
        {
            "Sid": "AWSConfigBucketDelivery",
            "Effect": "Allow",
            "Principal": config,
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/AWSLogs/*/Config/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": organization_id}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    return {"Version": "2012-10-17", "Statement": statements}
