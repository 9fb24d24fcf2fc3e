"""AWS Config's organization-wide pieces, each deployed by a StackSet of its own into one account
(stacks/account_settings_template.py): the bucket every recorder delivers to, and the aggregator
in the delegated administrator."""

from collections.abc import Sequence

from aws_cdk import CfnParameter, Fn, RemovalPolicy
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from orgboot.aws import account_settings as names
from orgboot.aws.managed_policies import arn
from orgboot.policy.config_delivery import config_bucket_policy

from constructs import Construct

ORGANIZATION_PARAMETER = "OrganizationId"


class ConfigBucket(Construct):
    """Versioned, encrypted, never public, kept when the stack lets go of it (what it holds is the
    organization's configuration history), its objects expiring after `retention_days` if given."""

    def __init__(self, scope: Construct, id: str, *, retention_days: int | None) -> None:
        super().__init__(scope, id)
        organization = CfnParameter(self, ORGANIZATION_PARAMETER, allowed_pattern=r"o-[a-z0-9]{10,32}")
        organization.override_logical_id(ORGANIZATION_PARAMETER)
        expiry = (
            [
                s3.CfnBucket.RuleProperty(
                    id="retention",
                    status="Enabled",
                    expiration_in_days=retention_days,
                    noncurrent_version_expiration=s3.CfnBucket.NoncurrentVersionExpirationProperty(noncurrent_days=retention_days),
                )
            ]
            if retention_days
            else None
        )
        self.bucket = s3.CfnBucket(
            self,
            "Bucket",
            bucket_name=Fn.sub(names.bucket_name("${AWS::AccountId}", "${AWS::Region}")),
            public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(
                block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True
            ),
            bucket_encryption=s3.CfnBucket.BucketEncryptionProperty(
                server_side_encryption_configuration=[
                    s3.CfnBucket.ServerSideEncryptionRuleProperty(
                        server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(sse_algorithm="AES256")
                    )
                ]
            ),
            versioning_configuration=s3.CfnBucket.VersioningConfigurationProperty(status="Enabled"),
            ownership_controls=s3.CfnBucket.OwnershipControlsProperty(
                rules=[s3.CfnBucket.OwnershipControlsRuleProperty(object_ownership="BucketOwnerEnforced")]
            ),
            lifecycle_configuration=s3.CfnBucket.LifecycleConfigurationProperty(rules=expiry) if expiry else None,
        )
        self.bucket.apply_removal_policy(RemovalPolicy.RETAIN)
        self.bucket.override_logical_id("ConfigBucket")
        policy = s3.CfnBucketPolicy(
            self,
            "Policy",
            bucket=self.bucket.ref,
            policy_document=config_bucket_policy(self.bucket.attr_arn, organization.value_as_string),
        )
        policy.override_logical_id("ConfigBucketPolicy")


class ConfigAggregator(Construct):
    """An organization aggregator of `regions` ("Setting Up an Aggregator", AWS Config Developer
    Guide: in the management account or a delegated administrator for config.amazonaws.com, with a
    role Config assumes to read the organization)."""

    def __init__(self, scope: Construct, id: str, *, regions: Sequence[str]) -> None:
        super().__init__(scope, id)
        role = iam.CfnRole(
            self,
            "Role",
            description="orgboot: AWS Config reads the organization for its aggregator",
            assume_role_policy_document={
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": names.SERVICE}, "Action": "sts:AssumeRole"}],
            },
            managed_policy_arns=[arn(names.AGGREGATOR_POLICY)],
        )
        role.override_logical_id("ConfigAggregatorRole")
        aggregator = config.CfnConfigurationAggregator(
            self,
            "Aggregator",
            configuration_aggregator_name=names.AGGREGATOR,
            organization_aggregation_source=config.CfnConfigurationAggregator.OrganizationAggregationSourceProperty(
                role_arn=role.attr_arn, aws_regions=list(regions), all_aws_regions=False
            ),
        )
        aggregator.override_logical_id("ConfigAggregator")
