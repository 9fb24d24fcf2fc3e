"""The hardened organization trail deployed into the emulator: the example's logs in the log archive
account, in eu-west-1, encrypted with a key that rotates and access-logged; the policies CloudTrail
and S3 logging need, refused when they are missing or too wide; the logs moved from the management
account to the log archive without losing the old bucket; the emulator's S3 and KMS rules on small
templates."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.delivery import access_logging_problems, bucket_home, trail_key_problems, trail_problems
from orgboot.spec import logical_ids
from tests.conftest import EXAMPLE_PARAMETERS, edited, example_variant, synth

Template = dict[str, Any]


def log_archive_account() -> str:
    accounts = management().client("organizations").list_accounts()["Accounts"]
    (account,) = [a["Id"] for a in accounts if a["Name"] == "Log Archive"]
    return account


def test_the_logs_live_in_the_log_archive_account_in_the_eu(example_assembly):
    with emulated_aws():
        deploy_assembly(Engine(), example_assembly, EXAMPLE_PARAMETERS)
        aws = management()
        (trail,) = aws.client("cloudtrail").describe_trails()["trailList"]
        home = bucket_home(aws, trail["S3BucketName"])
        assert home is not None
        assert (home.account_id, home.region) == (log_archive_account(), "eu-west-1")
        s3 = home.client("s3")
        bucket = trail["S3BucketName"]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
        (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        assert (rule["Transitions"], rule["Expiration"]) == ([{"Days": 365, "StorageClass": "GLACIER"}], {"Days": 2557})
        target = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"]  # CIS 3.4
        assert target == f"orgboot-trail-access-{home.account_id}-eu-west-1"
        kms = home.client("kms")
        key = kms.describe_key(KeyId=trail["KmsKeyId"])["KeyMetadata"]  # CIS 3.5
        assert key["Arn"].startswith(f"arn:aws:kms:eu-west-1:{home.account_id}:key/")
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]  # CIS 3.6
        assert trail_problems(aws) == []
        # Nothing of the log store stays in the management account.
        assert aws.client("s3").list_buckets()["Buckets"] == []
        assert aws.client("kms").list_keys()["Keys"] == []


def in_log_archive(edit: Callable[[Template], None]) -> Callable[[Template], None]:
    """An edit of the log archive StackSet's template, as an edit of ManagementBaselineStack."""

    def edit_stack_set(template: Template) -> None:
        properties = template["Resources"][logical_ids.LOG_ARCHIVE_STACK_SET]["Properties"]
        body = json.loads(properties["TemplateBody"])
        edit(body["Resources"])
        properties["TemplateBody"] = json.dumps(body)

    return edit_stack_set


def key_statement(resources: Template, sid: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    statements = resources[logical_ids.TRAIL_KEY]["Properties"]["KeyPolicy"]["Statement"]
    (statement,) = [s for s in statements if s["Sid"] == sid]
    return statements, statement


def without_encrypt(resources: Template) -> None:
    statements, statement = key_statement(resources, "CloudTrailEncryptLogs")
    statements.remove(statement)


def encrypt_without_source_arn(resources: Template) -> None:
    _, statement = key_statement(resources, "CloudTrailEncryptLogs")
    del statement["Condition"]["StringEquals"]


def logging_for_any_account(resources: Template) -> None:
    document = resources[logical_ids.TRAIL_ACCESS_LOGS_BUCKET_POLICY]["Properties"]["PolicyDocument"]
    (statement,) = [s for s in document["Statement"] if s.get("Sid") == "S3ServerAccessLogs"]
    del statement["Condition"]


def without_logging_statement(resources: Template) -> None:
    document = resources[logical_ids.TRAIL_ACCESS_LOGS_BUCKET_POLICY]["Properties"]["PolicyDocument"]
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "S3ServerAccessLogs"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (without_encrypt, r"OrganizationTrail .*InsufficientEncryptionPolicyException: CloudTrail may not kms:GenerateDataKey on"),
        (encrypt_without_source_arn, r"OrganizationTrail .*orgboot refuses: another trail of the account may kms:GenerateDataKey on"),
        (logging_for_any_account, r"deployed, but AWS services could not deliver: orgboot refuses: another account's bucket may deliver"),
        (without_logging_statement, r"OrganizationTrailBucket \(AWS::S3::Bucket\): .*InvalidTargetBucketForLogging"),
    ],
)
def test_what_cloudtrail_and_s3_logging_need_is_enforced(example_assembly, tmp_path, edit, message):
    broken = edited(example_assembly, tmp_path, "ManagementBaselineStack", in_log_archive(edit))
    with emulated_aws(), pytest.raises(EmulationError, match=message):
        deploy_assembly(Engine(), broken, EXAMPLE_PARAMETERS)


def test_moving_the_logs_to_the_log_archive_updates_the_trail_and_keeps_the_old_bucket(example_assembly, tmp_path):
    def logs_in_management(data: dict[str, Any]) -> None:
        del data["management_baseline"]["organization_trail"]["log_archive"]

    before = synth(example_variant(tmp_path / "before", logs_in_management), tmp_path / "before" / "cdk.out")
    with emulated_aws():
        engine = Engine()
        deploy_assembly(engine, before, EXAMPLE_PARAMETERS)
        aws = management()
        (old,) = aws.client("cloudtrail").describe_trails()["trailList"]
        old_key = aws.client("kms").describe_key(KeyId=old["KmsKeyId"])["KeyMetadata"]
        assert old_key["Arn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
        engine.events.clear()
        deploy_assembly(engine, example_assembly, EXAMPLE_PARAMETERS)
        actions = {(e.logical_id, e.action) for e in engine.events if e.stack == "ManagementBaselineStack"}
        assert ("OrganizationTrail", "UPDATE") in actions  # in place: S3BucketName and KMSKeyId update
        for logical_id in (
            "OrganizationTrailBucket",
            "OrganizationTrailBucketPolicy",
            "OrganizationTrailAccessLogsBucket",
            "OrganizationTrailKey",
        ):
            assert (logical_id, "RETAIN") in actions, logical_id
        assert not [e for e in engine.events if e.action in ("DELETE", "REPLACE") and "Trail" in e.logical_id]
        # The old bucket, with its policy, and the key that encrypted its logs stay.
        assert [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]] == sorted(
            [old["S3BucketName"], aws.client("s3").get_bucket_logging(Bucket=old["S3BucketName"])["LoggingEnabled"]["TargetBucket"]]
        )
        assert "CloudTrailWriteOrganization" in aws.client("s3").get_bucket_policy(Bucket=old["S3BucketName"])["Policy"]
        assert aws.client("kms").describe_key(KeyId=old_key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
        (trail,) = aws.client("cloudtrail").describe_trails()["trailList"]
        assert trail["S3BucketName"] == f"orgboot-trail-{log_archive_account()}-eu-west-1"
        assert trail_problems(aws) == []


def test_a_key_in_another_region_than_the_bucket_is_refused():
    """CloudTrail API Reference, CreateTrail: KmsKeyNotFoundException "when the S3 bucket and the KMS
    key are not in the same Region"."""
    with emulated_aws():
        aws = management()
        aws.client("s3", region="eu-west-1").create_bucket(
            Bucket="logs-in-ireland", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]  # us-east-1
        (problem,) = trail_key_problems(aws, "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", key, "logs-in-ireland")
        assert (
            problem
            == f"KmsKeyNotFoundException: the KMS key {key} is in us-east-1 and the bucket logs-in-ireland in eu-west-1: CloudTrail needs the key in the bucket's region"
        )
        (missing,) = trail_key_problems(aws, "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "alias/none", "logs-in-ireland")
        assert missing == "KmsKeyNotFoundException: no KMS key alias/none"


def test_access_logs_go_to_an_sse_s3_bucket():
    """S3 User Guide, "Enabling Amazon S3 server access logging": SSE-KMS is not supported as the
    target's default encryption."""
    with emulated_aws():
        aws = management()
        s3 = aws.client("s3")
        s3.create_bucket(Bucket="access-logs")
        s3.put_bucket_policy(
            Bucket="access-logs",
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "logging.s3.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": "arn:aws:s3:::access-logs/*",
                            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                        }
                    ],
                }
            ),
        )
        s3.put_bucket_encryption(
            Bucket="access-logs",
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
        )
        s3.create_bucket(Bucket="trail-logs")
        s3.put_bucket_logging(
            Bucket="trail-logs", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": ""}}
        )
        assert access_logging_problems(aws, "trail-logs") == [
            "S3 cannot deliver access logs of trail-logs to access-logs: its default encryption is not SSE-S3"
        ]


def bucket(**properties: Any) -> Template:
    return {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a-bucket", **properties}}}}


def test_a_bucket_outside_us_east_1_is_created_in_its_region():
    with emulated_aws():
        aws = management("eu-west-1")
        Engine().deploy("Stack", bucket(), aws)
        assert aws.client("s3").get_bucket_location(Bucket="a-bucket")["LocationConstraint"] == "eu-west-1"


def test_a_lifecycle_that_expires_before_it_archives_is_refused():
    rule = {"Status": "Enabled", "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}], "ExpirationInDays": 90}
    with (
        emulated_aws(),
        pytest.raises(EmulationError, match="'Days' in the Expiration action .* must be greater than 'Days' in the Transition"),
    ):
        Engine().deploy("Stack", bucket(LifecycleConfiguration={"Rules": [rule]}), management())


def test_a_lifecycle_and_logging_change_and_go_in_place():
    rule = {"Id": "r", "Status": "Enabled", "ExpirationInDays": 30}
    with emulated_aws():
        engine, s3 = Engine(), management().client("s3")
        engine.deploy("Stack", bucket(LifecycleConfiguration={"Rules": [rule]}), management())
        assert s3.get_bucket_lifecycle_configuration(Bucket="a-bucket")["Rules"][0]["Expiration"] == {"Days": 30}
        engine.deploy("Stack", bucket(LifecycleConfiguration={"Rules": [{**rule, "ExpirationInDays": 60}]}), management())
        assert s3.get_bucket_lifecycle_configuration(Bucket="a-bucket")["Rules"][0]["Expiration"] == {"Days": 60}
        engine.deploy("Stack", bucket(), management())
        with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
            s3.get_bucket_lifecycle_configuration(Bucket="a-bucket")


def key(policy: dict[str, Any], **properties: Any) -> Template:
    return {"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": policy, **properties}}}}


def test_a_key_policy_that_locks_out_its_account_is_refused():
    """KMS API Reference, CreateKey: the key policy must let the caller PutKeyPolicy later
    (MalformedPolicyDocumentException), unless BypassPolicyLockoutSafetyCheck."""
    cloudtrail_only = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}
        ],
    }
    with emulated_aws():
        with pytest.raises(EmulationError, match="MalformedPolicyDocumentException: The new key policy will not allow you to update"):
            Engine().deploy("Stack", key(cloudtrail_only), management())
        Engine().deploy("Bypassed", key(cloudtrail_only, BypassPolicyLockoutSafetyCheck=True), management())


def test_a_key_rotates_changes_its_policy_in_place_and_is_scheduled_for_deletion_when_removed():
    account: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}],
    }
    with emulated_aws():
        engine, kms = Engine(), management().client("kms")
        state = engine.deploy("Stack", key(account, EnableKeyRotation=True), management())
        key_id = state.resources["Key"].physical_id
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        described = {**account, "Statement": [{**account["Statement"][0], "Sid": "Account"}]}
        engine.deploy("Stack", key(described, EnableKeyRotation=False), management())
        assert not kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == described
        assert engine.stacks[("123456789012", "Stack")].resources["Key"].physical_id == key_id
        engine.deploy("Stack", {"Resources": {"Other": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}, management())
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_a_key_cloudtrail_may_not_describe_is_refused():
    """CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": "Enable CloudTrail to
    describe KMS key properties" is required."""
    trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"
    encrypt_only = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": trail}},
            },
        ],
    }
    with emulated_aws():
        aws = management()
        aws.client("s3").create_bucket(Bucket="trail-logs")
        arn = aws.client("kms").create_key(Policy=json.dumps(encrypt_only))["KeyMetadata"]["Arn"]
        (problem,) = trail_key_problems(aws, trail, arn, "trail-logs")
        assert problem.startswith(f"InsufficientEncryptionPolicyException: CloudTrail may not kms:DescribeKey on {arn} for {trail}:")
