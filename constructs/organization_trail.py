"""An organization CloudTrail trail, writing to a log store (constructs/trail_log_store.py) in this
account or in the log archive account."""

from dataclasses import dataclass
from typing import NamedTuple

from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import custom_resources as cr

from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL

from constructs import Construct, IDependable
from constructs.sdk_call import pin_logical_id, sdk_call_resource


@dataclass(frozen=True)
class TrailLogicalIds:
    trail: str
    trusted_access: str


class CloudWatchLogsDelivery(NamedTuple):
    """Where the trail also delivers: a CloudWatch Logs group (its ARN) and the role CloudTrail
    assumes to write there (CreateTrail's CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn)."""

    log_group_arn: str
    role_arn: str


class OrganizationTrail(Construct):
    """Logs every account of the organization, in all regions, with log file validation, into
    `bucket_name`, encrypted with the KMS key `kms_key_id`. The trail waits for `log_store`: what
    makes the bucket's policy and the key's (CreateTrail refuses a bucket or key CloudTrail may not
    use: InsufficientS3BucketPolicyException, InsufficientEncryptionPolicyException, CloudTrail API
    Reference)."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_name: str,
        bucket_name: str,
        kms_key_id: str,
        log_store: IDependable,
        logical_ids: TrailLogicalIds,
        cloud_watch_logs: CloudWatchLogsDelivery | None = None,
    ) -> None:
        super().__init__(scope, id)
        # An organization trail created through the API needs CloudTrail's trusted access first.
        # Its service-linked role needs nothing of ours: CreateTrail makes it with the caller's
        # permissions ("sufficient permissions in IAM and Organizations to create the
        # service-linked role and enable trusted access", CloudTrail User Guide, "Prepare for
        # creating a trail for your organization"), and the caller is CloudFormation with the CDK
        # deploy role, an administrator.
        self.trusted_access = sdk_call_resource(
            self,
            "TrustedAccess",
            logical_id=logical_ids.trusted_access,
            on_create=cr.AwsSdkCall(
                service="Organizations",
                action="enableAWSServiceAccess",
                parameters={"ServicePrincipal": CLOUDTRAIL_SERVICE_PRINCIPAL},
                physical_resource_id=cr.PhysicalResourceId.of("cloudtrail-trusted-access"),
            ),
        )
        # The L1 resource: CDK's Trail construct writes its bucket's policy without aws:SourceArn on
        # two statements and keeps the bucket in the trail's own stack.
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            trail_name=trail_name,
            s3_bucket_name=bucket_name,
            kms_key_id=kms_key_id,  # CIS 3.5
            is_logging=True,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            cloud_watch_logs_log_group_arn=cloud_watch_logs.log_group_arn if cloud_watch_logs else None,
            cloud_watch_logs_role_arn=cloud_watch_logs.role_arn if cloud_watch_logs else None,
        )
        self.trail.node.add_dependency(log_store)
        self.trail.node.add_dependency(self.trusted_access)
        pin_logical_id(self.trail, logical_ids.trail)
