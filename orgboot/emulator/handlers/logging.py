"""Logs: the organization trail (its S3 bucket, bucket policy and CloudTrail trail) and
CloudWatch log groups."""

import json
from typing import Any

from orgboot.emulator.delivery import trail_bucket_problems
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


class Bucket(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        s3 = ctx.aws.client("s3")
        name = props.get("BucketName") or ctx.generated_name(63).lower()
        s3.create_bucket(Bucket=name)  # us-east-1: no location constraint
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
        if "BucketEncryption" in props:
            rules = [  # CloudFormation and the S3 API name this key differently
                {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        arn = f"arn:aws:s3:::{name}"
        return Result(name, {"Arn": arn, "DomainName": f"{name}.s3.amazonaws.com"})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("s3").delete_bucket(Bucket=physical_id)


class BucketPolicy(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        ctx.aws.client("s3").put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        return Result(f"{props['Bucket']}-policy")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("s3").delete_bucket_policy(Bucket=props["Bucket"])


class Trail(Handler):
    FLAGS = ("IncludeGlobalServiceEvents", "IsMultiRegionTrail", "EnableLogFileValidation", "IsOrganizationTrail")

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        cloudtrail = ctx.aws.client("cloudtrail")
        name = props.get("TrailName") or ctx.generated_name(128)
        request = {key: bool(props[key]) for key in self.FLAGS if key in props}
        self._check_bucket(ctx, name, props)
        trail = cloudtrail.create_trail(Name=name, S3BucketName=props["S3BucketName"], **request)
        if props.get("IsLogging"):
            cloudtrail.start_logging(Name=name)
        return Result(name, {"Arn": trail["TrailARN"]})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        cloudtrail = ctx.aws.client("cloudtrail")
        self._check_bucket(ctx, physical_id, new)
        request = {key: bool(new.get(key, False)) for key in self.FLAGS}
        trail = cloudtrail.update_trail(Name=physical_id, S3BucketName=new["S3BucketName"], **request)
        (cloudtrail.start_logging if new.get("IsLogging") else cloudtrail.stop_logging)(Name=physical_id)
        return Result(physical_id, {"Arn": trail["TrailARN"]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("cloudtrail").delete_trail(Name=physical_id)

    @staticmethod
    def _check_bucket(ctx: Context, name: str, props: dict[str, Any]) -> None:
        """CreateTrail and UpdateTrail refuse a bucket whose policy does not let CloudTrail deliver
        (InsufficientS3BucketPolicyException, CloudTrail API Reference); moto does not check.
        orgboot also refuses a policy that lets another account's trail deliver to the bucket."""
        organization_id = None
        if props.get("IsOrganizationTrail"):
            organization_id = ctx.aws.client("organizations").describe_organization()["Organization"]["Id"]
        trail_arn = f"arn:aws:cloudtrail:{ctx.aws.region}:{ctx.aws.account_id}:trail/{name}"
        if problems := trail_bucket_problems(ctx.aws, trail_arn, props["S3BucketName"], organization_id):
            raise EmulationError(f"InsufficientS3BucketPolicyException: {'; '.join(problems)}")


class LogGroup(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        logs = ctx.aws.client("logs")
        name = props.get("LogGroupName") or f"/emulated/{ctx.stack_name}/{ctx.logical_id}"
        logs.create_log_group(logGroupName=name)
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
        arn = f"arn:aws:logs:{ctx.aws.region}:{ctx.aws.account_id}:log-group:{name}:*"
        return Result(name, {"Arn": arn})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if old.get("LogGroupName") != new.get("LogGroupName"):
            return super().update(ctx, physical_id, old, new)
        if "RetentionInDays" in new:
            ctx.aws.client("logs").put_retention_policy(logGroupName=physical_id, retentionInDays=int(new["RetentionInDays"]))
        return Result(physical_id, {"Arn": f"arn:aws:logs:{ctx.aws.region}:{ctx.aws.account_id}:log-group:{physical_id}:*"})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("logs").delete_log_group(logGroupName=physical_id)


HANDLERS: dict[str, Handler] = {
    "AWS::S3::Bucket": Bucket(),
    "AWS::S3::BucketPolicy": BucketPolicy(),
    "AWS::CloudTrail::Trail": Trail(),
    "AWS::Logs::LogGroup": LogGroup(),
}
