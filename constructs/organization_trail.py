"""An organization CloudTrail trail and the bucket it writes to."""

from dataclasses import dataclass
from typing import NamedTuple

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr

from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL

from constructs import Construct
from constructs.acknowledgements import acknowledge
from constructs.sdk_call import pin_logical_id, sdk_call_resource


@dataclass(frozen=True)
class TrailLogicalIds:
    trail: str
    bucket: str
    bucket_policy: str
    trusted_access: str


class CloudWatchLogsDelivery(NamedTuple):
    """Where the trail also delivers: a CloudWatch Logs group (its ARN) and the role CloudTrail
    assumes to write there (CreateTrail's CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn)."""

    log_group_arn: str
    role_arn: str


class OrganizationTrail(Construct):
    """Logs every account of the organization, in all regions, with log file validation, into a
    versioned, TLS-only, non-public bucket that is retained if the stack ever lets go of it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_name: str,
        organization_id: str,
        logical_ids: TrailLogicalIds,
        cloud_watch_logs: CloudWatchLogsDelivery | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Server access logs would go to a second bucket in this account, which would need its own
        # retention; CloudTrail data events are the richer record of access and can be added there.
        acknowledge(
            self.bucket,
            "S1",
            "the trail's bucket is write-only for CloudTrail and read through CloudTrail itself; access logging is not built yet",
        )
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
        # The bucket policy of CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail"
        # (organization trail): CloudTrail checks the bucket's ACL and writes the management
        # account's logs under AWSLogs/<management account>/ and the members' under
        # AWSLogs/<organization ID>/; every statement names this trail in aws:SourceArn, so no other
        # trail can use the bucket ("confused deputy", same page). CDK's Trail construct writes
        # these statements without aws:SourceArn on two of them, so the trail is the L1 resource.
        stack = Stack.of(self)
        trail_arn = stack.format_arn(service="cloudtrail", resource="trail", resource_name=trail_name)
        this_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
        cloudtrail_service = iam.ServicePrincipal(CLOUDTRAIL_SERVICE_PRINCIPAL)
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudTrailAclCheck",
                principals=[cloudtrail_service],
                actions=["s3:GetBucketAcl"],
                resources=[self.bucket.bucket_arn],
                conditions=this_trail,
            )
        )
        for sid, owner in (("CloudTrailWriteManagement", stack.account), ("CloudTrailWriteOrganization", organization_id)):
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=sid,
                    principals=[cloudtrail_service],
                    actions=["s3:PutObject"],
                    resources=[self.bucket.arn_for_objects(f"AWSLogs/{owner}/*")],
                    conditions={"StringEquals": {**this_trail["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}},
                )
            )
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            trail_name=trail_name,
            s3_bucket_name=self.bucket.bucket_name,
            is_logging=True,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            cloud_watch_logs_log_group_arn=cloud_watch_logs.log_group_arn if cloud_watch_logs else None,
            cloud_watch_logs_role_arn=cloud_watch_logs.role_arn if cloud_watch_logs else None,
        )
        assert self.bucket.policy is not None  # the statements above give the bucket its policy
        # CreateTrail refuses a bucket whose policy does not let CloudTrail write yet
        # (InsufficientS3BucketPolicyException, CloudTrail API Reference).
        self.trail.node.add_dependency(self.bucket.policy)
        self.trail.node.add_dependency(self.trusted_access)
        pin_logical_id(self.trail, logical_ids.trail)
        pin_logical_id(self.bucket, logical_ids.bucket)
        pin_logical_id(self.bucket.policy, logical_ids.bucket_policy)
