"""Logs: the organization trail (its S3 bucket, bucket policy and CloudTrail trail) and
CloudWatch log groups."""

import json
from typing import Any

from orgboot.aws.regions import HOME_REGION, PARTITION
from orgboot.emulator.delivery import trail_bucket_problems, trail_key_problems, trail_log_group_problems
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


class Bucket(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        s3 = ctx.aws.client("s3")
        name = props.get("BucketName") or ctx.generated_name(63).lower()
        # Outside us-east-1, CreateBucket names the region it is called in (S3 API Reference,
        # CreateBucket, CreateBucketConfiguration LocationConstraint; IllegalLocationConstraintException).
        where = {} if ctx.aws.region == HOME_REGION else {"CreateBucketConfiguration": {"LocationConstraint": ctx.aws.region}}
        s3.create_bucket(Bucket=name, **where)
        self._configure(s3, name, {}, props)
        return self._result(name)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        self._configure(ctx.aws.client("s3"), physical_id, old, new)
        return self._result(physical_id)

    @staticmethod
    def _configure(s3: Any, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Versioning, public access block, default encryption, lifecycle and server access logging,
        from `old` properties to `new`."""
        if "VersioningConfiguration" in new or "VersioningConfiguration" in old:
            status = new.get("VersioningConfiguration", {}).get("Status", "Suspended")
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": status})
        if "PublicAccessBlockConfiguration" in new:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=new["PublicAccessBlockConfiguration"])
        elif "PublicAccessBlockConfiguration" in old:
            s3.delete_public_access_block(Bucket=name)
        if "BucketEncryption" in new:
            rules = [  # CloudFormation and the S3 API name this key differently
                {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                for rule in new["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        elif "BucketEncryption" in old:
            s3.delete_bucket_encryption(Bucket=name)
        if "LifecycleConfiguration" in new:
            rules = [_lifecycle_rule(rule) for rule in new["LifecycleConfiguration"]["Rules"]]
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        elif "LifecycleConfiguration" in old:
            s3.delete_bucket_lifecycle(Bucket=name)
        if "LoggingConfiguration" in new:
            logging = new["LoggingConfiguration"]
            # "By default, logs are stored in the bucket where the LoggingConfiguration property is
            # defined" (AWS::S3::Bucket LoggingConfiguration). S3 refuses a target in another account
            # or region, or whose policy does not let the logging service write
            # (InvalidTargetBucketForLogging, CrossLocationLoggingProhibited): moto checks those.
            enabled = {"TargetBucket": logging.get("DestinationBucketName", name), "TargetPrefix": logging.get("LogFilePrefix", "")}
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": enabled})
        elif "LoggingConfiguration" in old:
            s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={})  # an empty status turns logging off (PutBucketLogging)
        handled = {
            "BucketName",
            "VersioningConfiguration",
            "PublicAccessBlockConfiguration",
            "BucketEncryption",
            "OwnershipControls",
            "Tags",
            "LifecycleConfiguration",
            "LoggingConfiguration",
        }
        unhandled = sorted(key for key in {*old, *new} - handled if old.get(key) != new.get(key))
        if unhandled:
            raise EmulationError(f"the emulator does not apply bucket properties {', '.join(unhandled)}; add them to its handler")

    @staticmethod
    def _result(name: str) -> Result:
        return Result(name, {"Arn": f"arn:{PARTITION}:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("s3").delete_bucket(Bucket=physical_id)


# What a lifecycle rule of AWS::S3::Bucket says, in the S3 API's words (PutBucketLifecycleConfiguration).
_LIFECYCLE_KEYS = frozenset(
    ("Id", "Status", "Prefix", "ExpirationInDays", "Transitions", "NoncurrentVersionExpiration", "NoncurrentVersionTransitions")
)


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    if unknown := sorted(set(rule) - _LIFECYCLE_KEYS):
        raise EmulationError(f"the emulator does not apply lifecycle rule properties {', '.join(unknown)}; add them to its handler")
    transitions = [{"Days": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]} for t in rule.get("Transitions", [])]
    expiration = int(rule["ExpirationInDays"]) if "ExpirationInDays" in rule else None
    if expiration is not None and any(t["Days"] >= expiration for t in transitions):
        # S3's own check (PutBucketLifecycleConfiguration, InvalidArgument).
        raise EmulationError(
            f"InvalidArgument: 'Days' in the Expiration action for filter '(prefix={rule.get('Prefix', '')})' must be greater"
            " than 'Days' in the Transition action"
        )
    api: dict[str, Any] = {"Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "Id" in rule:
        api["ID"] = rule["Id"]
    if transitions:
        api["Transitions"] = transitions
    if expiration is not None:
        api["Expiration"] = {"Days": expiration}
    if "NoncurrentVersionExpiration" in rule:
        api["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])}
    if "NoncurrentVersionTransitions" in rule:
        api["NoncurrentVersionTransitions"] = [
            {"NoncurrentDays": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]} for t in rule["NoncurrentVersionTransitions"]
        ]
    return api


class BucketPolicy(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        ctx.aws.client("s3").put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        return Result(f"{props['Bucket']}-policy")

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, new)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("s3").delete_bucket_policy(Bucket=props["Bucket"])


def _flag(value: Any) -> bool:
    """A template boolean: true, or "true" as CloudFormation passes it."""
    return value is True or str(value).lower() == "true"


class Trail(Handler):
    # The trail's flags and their defaults (CloudTrail API Reference, CreateTrail).
    FLAGS = {
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": False,
        "EnableLogFileValidation": False,
        "IsOrganizationTrail": False,
    }

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("TrailName") or ctx.generated_name(128)
        return self._apply(ctx, ctx.aws.client("cloudtrail").create_trail, name, props, {})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self._apply(ctx, ctx.aws.client("cloudtrail").update_trail, physical_id, new, old)

    def _apply(self, ctx: Context, call: Any, name: str, props: dict[str, Any], old: dict[str, Any]) -> Result:
        cloudtrail = ctx.aws.client("cloudtrail")
        self._check_delivery(ctx, name, props)
        flags = {key: _flag(props.get(key, default)) for key, default in self.FLAGS.items()}
        logs = {key: props[key] for key in ("CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn") if key in props}
        # KMSKeyId removed from the template: the emulator clears the key (moto stores what it is given).
        key = {"KmsKeyId": props.get("KMSKeyId", "")} if "KMSKeyId" in props or "KMSKeyId" in old else {}
        trail = call(Name=name, S3BucketName=props["S3BucketName"], **flags, **logs, **key)
        (cloudtrail.start_logging if _flag(props.get("IsLogging")) else cloudtrail.stop_logging)(Name=name)
        return Result(name, {"Arn": trail["TrailARN"]})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("cloudtrail").delete_trail(Name=physical_id)

    @staticmethod
    def _check_delivery(ctx: Context, name: str, props: dict[str, Any]) -> None:
        """CreateTrail and UpdateTrail refuse a bucket whose policy does not let CloudTrail deliver
        (InsufficientS3BucketPolicyException, CloudTrail API Reference), and a KMS key CloudTrail may
        not use or that is not in the bucket's region (InsufficientEncryptionPolicyException,
        KmsKeyNotFoundException); moto checks none of it.
        orgboot also refuses a policy that lets another account's trail deliver to the bucket. With
        CloudWatch Logs delivery, the role must let CloudTrail write to the group (delivery.py)."""
        organization_id = None
        if _flag(props.get("IsOrganizationTrail")):
            organization_id = ctx.aws.client("organizations").describe_organization()["Organization"]["Id"]
        trail_arn = f"arn:{PARTITION}:cloudtrail:{ctx.aws.region}:{ctx.aws.account_id}:trail/{name}"
        problems = trail_bucket_problems(ctx.aws, trail_arn, props["S3BucketName"], organization_id)
        if props.get("KMSKeyId"):
            problems += trail_key_problems(ctx.aws, trail_arn, props["KMSKeyId"], props["S3BucketName"])
        if "CloudWatchLogsLogGroupArn" in props or "CloudWatchLogsRoleArn" in props:
            if not ("CloudWatchLogsLogGroupArn" in props and "CloudWatchLogsRoleArn" in props):
                # CloudTrail API Reference, CreateTrail: "Not required unless you specify
                # CloudWatchLogsRoleArn" and the reverse (InvalidCloudWatchLogsLogGroupArnException).
                problems.append("a trail that delivers to CloudWatch Logs needs both CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn")
            else:
                problems += trail_log_group_problems(
                    ctx.aws, props["CloudWatchLogsLogGroupArn"], props["CloudWatchLogsRoleArn"], organization_id
                )
        if problems:
            raise EmulationError("; ".join(problems))


class LogGroup(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        logs = ctx.aws.client("logs")
        name = props.get("LogGroupName") or f"/emulated/{ctx.stack_name}/{ctx.logical_id}"
        logs.create_log_group(logGroupName=name)
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
        arn = f"arn:{PARTITION}:logs:{ctx.aws.region}:{ctx.aws.account_id}:log-group:{name}:*"
        return Result(name, {"Arn": arn})

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if "RetentionInDays" in new:
            ctx.aws.client("logs").put_retention_policy(logGroupName=physical_id, retentionInDays=int(new["RetentionInDays"]))
        return Result(physical_id, {"Arn": f"arn:{PARTITION}:logs:{ctx.aws.region}:{ctx.aws.account_id}:log-group:{physical_id}:*"})

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("logs").delete_log_group(logGroupName=physical_id)


class MetricFilter(Handler):
    """PutMetricFilter: one filter name per log group; FilterName, LogGroupName are create-only."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        name = props.get("FilterName") or ctx.generated_name(512)
        transformations = [
            {key: value for key, value in transformation.items() if key in ("metricName", "metricNamespace", "metricValue", "defaultValue")}
            for transformation in ({key[0].lower() + key[1:]: value for key, value in t.items()} for t in props["MetricTransformations"])
        ]
        ctx.aws.client("logs").put_metric_filter(
            logGroupName=props["LogGroupName"], filterName=name, filterPattern=props["FilterPattern"], metricTransformations=transformations
        )
        return Result(name)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        return self.create(ctx, {**new, "FilterName": physical_id})  # PutMetricFilter overwrites a filter of the same name

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        ctx.aws.client("logs").delete_metric_filter(logGroupName=props["LogGroupName"], filterName=physical_id)


HANDLERS: dict[str, Handler] = {
    "AWS::S3::Bucket": Bucket(),
    "AWS::S3::BucketPolicy": BucketPolicy(),
    "AWS::CloudTrail::Trail": Trail(),
    "AWS::Logs::LogGroup": LogGroup(),
    "AWS::Logs::MetricFilter": MetricFilter(),
}
