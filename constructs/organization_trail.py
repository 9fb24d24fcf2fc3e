"""An organization CloudTrail trail and the bucket it writes to."""

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr

from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL

from constructs import Construct
from constructs.sdk_call import pin_logical_id, sdk_call_resource


@dataclass(frozen=True)
class TrailLogicalIds:
    trail: str
    bucket: str
    bucket_policy: str
    trusted_access: str


class OrganizationTrail(Construct):
    """Logs every account of the organization, in all regions, with log file validation, into a
    versioned, TLS-only, non-public bucket that is retained if the stack ever lets go of it."""

    def __init__(self, scope: Construct, id: str, *, trail_name: str, organization_id: str, logical_ids: TrailLogicalIds) -> None:
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
        # An organization trail created through the API needs CloudTrail's trusted access first.
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
        self.trail = cloudtrail.Trail(
            self,
            "Trail",
            trail_name=trail_name,
            bucket=self.bucket,
            is_organization_trail=True,
            org_id=organization_id,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_file_validation=True,
        )
        self.trail.node.add_dependency(self.trusted_access)
        pin_logical_id(self.trail, logical_ids.trail)
        pin_logical_id(self.bucket, logical_ids.bucket)
        assert self.bucket.policy is not None  # enforce_ssl gives the bucket its policy
        pin_logical_id(self.bucket.policy, logical_ids.bucket_policy)
