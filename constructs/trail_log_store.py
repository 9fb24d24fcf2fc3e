"""Where an organization trail's logs are kept: a KMS key that rotates, the log bucket and the bucket
its server access logs go to (CIS AWS Foundations 5.0, 3.4-3.6)."""

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from orgboot.aws.trail_logs import bucket_arn
from orgboot.policy.trail_logs import access_logs_statement, trail_bucket_statements, trail_key_policy

from constructs import Construct
from constructs.sdk_call import pin_logical_id


@dataclass(frozen=True)
class LogStoreLogicalIds:
    key: str
    bucket: str
    bucket_policy: str
    access_logs_bucket: str
    access_logs_bucket_policy: str
    key_alias: str


@dataclass(frozen=True)
class Retention:
    """S3 lifecycle of the log files (and of the access logs): Glacier after, deleted after."""

    glacier_after_days: int | None = None
    expire_after_days: int | None = None


@dataclass(frozen=True)
class Names:
    """The names of the buckets and the key's alias, where they must be known beforehand (a log
    store in another account than its trail's); CloudFormation generates the buckets' otherwise."""

    bucket: str
    access_logs_bucket: str
    key_alias: str


class TrailLogStore(Construct):
    """The key, the log bucket and the access-log bucket, each retained if the stack ever lets go of
    it: logs written stay, and stay readable. Both buckets are versioned, TLS-only, non-public,
    owned by the bucket owner and kept as `retention` says (for good without one)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_arn: str,
        trail_account: str,
        organization_id: str,
        logical_ids: LogStoreLogicalIds,
        retention: Retention = Retention(),
        names: Names | None = None,
    ) -> None:
        super().__init__(scope, id)
        account = Stack.of(self).account
        self.key = kms.CfnKey(
            self,
            "Key",
            description="orgboot: encrypts the organization trail's log files",
            enable_key_rotation=True,  # CIS 3.6; yearly by default (KMS Developer Guide, "Rotate AWS KMS keys")
            key_policy=trail_key_policy(key_account=account, trail_arn=trail_arn, trail_account=trail_account),
        )
        self.key.apply_removal_policy(RemovalPolicy.RETAIN)  # the logs it encrypted stay readable
        self.key.override_logical_id(logical_ids.key)
        self.key_alias = None
        if names is not None:
            self.key_alias = kms.CfnAlias(self, "KeyAlias", alias_name=names.key_alias, target_key_id=self.key.attr_arn)
            self.key_alias.override_logical_id(logical_ids.key_alias)

        rules = _lifecycle(retention)
        self.access_logs_bucket = _log_bucket(self, "AccessLogsBucket", names.access_logs_bucket if names else None, rules)
        # It has no access logs of its own ("Your target bucket should not have server access
        # logging enabled": S3 User Guide, "Enabling Amazon S3 server access logging"). Its statement
        # names the source bucket where that name is known before the bucket exists; a generated
        # name is not, and S3 checks the target's policy when logging is turned on (PutBucketLogging:
        # InvalidTargetBucketForLogging), so this policy comes first and names the source account,
        # which keeps other accounts' buckets out.
        self.access_logs_bucket.add_to_resource_policy(
            iam.PolicyStatement.from_json(
                access_logs_statement(
                    access_logs_bucket_arn=self.access_logs_bucket.bucket_arn,
                    source_account=account,
                    source_bucket_arn=bucket_arn(names.bucket) if names else None,
                )
            )
        )

        self.bucket = _log_bucket(self, "Bucket", names.bucket if names else None, rules)
        bucket = self.bucket.node.default_child
        assert isinstance(bucket, s3.CfnBucket)
        # The L1 property, not the L2's server_access_logs_bucket, which would add a statement naming
        # this bucket by reference to the access-log bucket's policy: the policy could then come only
        # after this bucket, and its logging, exist.
        bucket.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=self.access_logs_bucket.bucket_name
        )
        assert self.access_logs_bucket.policy is not None  # the statement above gives it one
        self.bucket.node.add_dependency(self.access_logs_bucket.policy)
        statements = trail_bucket_statements(
            bucket_arn=self.bucket.bucket_arn, trail_arn=trail_arn, trail_account=trail_account, organization_id=organization_id
        )
        for statement in statements:
            self.bucket.add_to_resource_policy(iam.PolicyStatement.from_json(statement))
        assert self.bucket.policy is not None
        self.bucket_policy = self.bucket.policy
        # A bucket left behind (the logs moved elsewhere) keeps its TLS-only policy.
        for policy in (self.bucket.policy, self.access_logs_bucket.policy):
            policy.apply_removal_policy(RemovalPolicy.RETAIN)
        pin_logical_id(self.bucket, logical_ids.bucket)
        pin_logical_id(self.bucket.policy, logical_ids.bucket_policy)
        pin_logical_id(self.access_logs_bucket, logical_ids.access_logs_bucket)
        pin_logical_id(self.access_logs_bucket.policy, logical_ids.access_logs_bucket_policy)


def _log_bucket(scope: Construct, id: str, name: str | None, rules: list[s3.LifecycleRule]) -> s3.Bucket:
    return s3.Bucket(
        scope,
        id,
        bucket_name=name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        # SSE-S3 by default: S3 server access logging takes no other default encryption (S3 User
        # Guide, "Enabling Amazon S3 server access logging"); CloudTrail encrypts its own files
        # with the trail's key (the trail's KmsKeyId).
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=RemovalPolicy.RETAIN,
        lifecycle_rules=rules or None,
    )


def _lifecycle(retention: Retention) -> list[s3.LifecycleRule]:
    """One rule for current and replaced versions alike: a replaced (or deleted) log file stays as
    long as the original would have, counted from its replacement."""
    if retention.glacier_after_days is None and retention.expire_after_days is None:
        return []
    glacier = retention.glacier_after_days
    expire = retention.expire_after_days
    return [
        s3.LifecycleRule(
            id="retention",
            transitions=[s3.Transition(storage_class=s3.StorageClass.GLACIER, transition_after=Duration.days(glacier))]
            if glacier is not None
            else None,
            noncurrent_version_transitions=[
                s3.NoncurrentVersionTransition(storage_class=s3.StorageClass.GLACIER, transition_after=Duration.days(glacier))
            ]
            if glacier is not None
            else None,
            expiration=Duration.days(expire) if expire is not None else None,
            noncurrent_version_expiration=Duration.days(expire) if expire is not None else None,
        )
    ]
