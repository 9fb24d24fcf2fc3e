"""Where the organization trail's logs live: the names orgboot gives the log archive's bucket, the
bucket of its access logs and its KMS key, and the service that writes access logs.

Placed in the log archive account (management_baseline.organization_trail.log_archive), these are
created by a StackSet while the trail lives in the management account, which must name the bucket
(CreateTrail's S3BucketName) and the key (KmsKeyId) before it can read anything from that account:
so each name follows from the account ID and the region alone, as AWS Control Tower's
aws-controltower-logs-<account>-<region> does. Account IDs may be CDK tokens (strings)."""

from orgboot.aws.regions import PARTITION

# The service principal S3 writes server access logs as (S3 User Guide, "Enabling Amazon S3 server
# access logging", "Permissions for log delivery").
LOGGING_SERVICE_PRINCIPAL = "logging.s3.amazonaws.com"

LOG_ARCHIVE_STACK_SET = "orgboot-organization-trail-logs"
# An alias names the key by something known beforehand (its key ID is random); CreateTrail takes "a
# fully specified ARN to an alias" as KmsKeyId (CloudTrail API Reference, CreateTrail).
KEY_ALIAS = "alias/orgboot-organization-trail"


def log_bucket_name(account_id: str, region: str) -> str:
    return f"orgboot-trail-{account_id}-{region}"


def access_logs_bucket_name(account_id: str, region: str) -> str:
    return f"orgboot-trail-access-{account_id}-{region}"


def key_alias_arn(account_id: str, region: str) -> str:
    return f"arn:{PARTITION}:kms:{region}:{account_id}:{KEY_ALIAS}"


def trail_arn(account_id: str, region: str, name: str) -> str:
    return f"arn:{PARTITION}:cloudtrail:{region}:{account_id}:trail/{name}"


def bucket_arn(name: str) -> str:
    return f"arn:{PARTITION}:s3:::{name}"
