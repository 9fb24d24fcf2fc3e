"""The hardened organization trail's templates (CIS AWS Foundations 5.0, 3.4-3.6): its KMS key, log
bucket and access-log bucket, in the log archive account (the example's placement, through a
StackSet) or in the management account (the default)."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk_nag
import pytest

from stacks.log_archive_template import log_archive_stack
from tests.conftest import CDK_CONTEXT, example_variant, synth, template
from tests.templates.test_cfn_lint import findings

from constructs.trail_log_store import Retention

STACK = "ManagementBaselineStack"
ORGANIZATION_OUTPUT = "PublishOutputFnGetAttOrganizationId5330358B"
TRAIL_ARN_PARTS = ["arn:aws:cloudtrail:us-east-1:", {"Ref": "ManagementAccountId"}, ":trail/organization-trail"]


def output(name: str) -> dict[str, Any]:
    """A value OrganizationStack publishes (a weak cross-stack reference)."""
    return {"Fn::GetStackOutput": {"StackName": "OrganizationStack", "Region": "us-east-1", "OutputName": name}}


@pytest.fixture(scope="module")
def baseline(example_assembly: Path) -> dict[str, Any]:
    return template(example_assembly, STACK)["Resources"]


@pytest.fixture(scope="module")
def stack_set(baseline) -> dict[str, Any]:
    (resource,) = [r for r in baseline.values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    return resource


@pytest.fixture(scope="module")
def log_archive(stack_set) -> dict[str, Any]:
    """The template the StackSet deploys into the log archive account."""
    body: dict[str, Any] = json.loads(stack_set["Properties"]["TemplateBody"])
    return body["Resources"]


@pytest.fixture(scope="module")
def in_management(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """ManagementBaselineStack of the example with the logs left in the management account."""

    def keep_logs_home(data: dict[str, Any]) -> None:
        trail = data["management_baseline"]["organization_trail"]
        del trail["log_archive"], trail["retention"]

    directory = tmp_path_factory.mktemp("logs-in-management")
    assembly = synth(example_variant(directory / "spec", keep_logs_home), directory / "cdk.out")
    return template(assembly, STACK)["Resources"]


def statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    (found,) = [s for s in document["Statement"] if s.get("Sid") == sid]
    return found


def tls_only(document: dict[str, Any]) -> bool:
    return any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in document["Statement"])


def test_the_key_rotates_is_kept_and_its_policy_follows_cloudtrails_guidance(log_archive):
    key = log_archive["OrganizationTrailKey"]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True  # CIS 3.6
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"
    policy = key["Properties"]["KeyPolicy"]
    trail = {"Fn::Join": ["", TRAIL_ARN_PARTS]}
    assert statement(policy, "CloudTrailEncryptLogs") == {
        "Sid": "CloudTrailEncryptLogs",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "kms:GenerateDataKey*",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceArn": trail},
            "StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn": {
                    "Fn::Join": ["", ["arn:aws:cloudtrail:*:", {"Ref": "ManagementAccountId"}, ":trail/*"]]
                }
            },
        },
    }
    assert statement(policy, "CloudTrailDescribeKey")["Condition"] == {"StringEquals": {"aws:SourceArn": trail}}
    readers = statement(policy, "LogReadersDecrypt")
    assert readers["Action"] == "kms:Decrypt"
    assert readers["Condition"] == {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}
    # The key's account administers it through IAM without using it; nobody else is named.
    administration = statement(policy, "KeyAdministration")
    assert not {"kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"} & set(administration["Action"])
    assert log_archive["OrganizationTrailKeyAlias"]["Properties"] == {
        "AliasName": "alias/orgboot-organization-trail",
        "TargetKeyId": {"Fn::GetAtt": ["OrganizationTrailKey", "Arn"]},
    }


def test_the_log_bucket_is_access_logged_tls_only_versioned_and_kept_as_the_spec_says(log_archive):
    bucket = log_archive["OrganizationTrailBucket"]
    properties = bucket["Properties"]
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    assert properties["BucketName"] == {"Fn::Join": ["", ["orgboot-trail-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}]]}
    assert properties["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": "OrganizationTrailAccessLogsBucket"}}  # CIS 3.4
    # S3 checks the target's policy when logging is turned on: the policy comes first.
    assert "OrganizationTrailAccessLogsBucketPolicy" in bucket["DependsOn"]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    # org.yaml: glacier_after_days 365, expire_after_days 2557; replaced versions the same.
    assert properties["LifecycleConfiguration"] == {
        "Rules": [
            {
                "Id": "retention",
                "Status": "Enabled",
                "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 365}],
                "NoncurrentVersionTransitions": [{"StorageClass": "GLACIER", "TransitionInDays": 365}],
                "ExpirationInDays": 2557,
                "NoncurrentVersionExpiration": {"NoncurrentDays": 2557},
            }
        ]
    }
    policy = log_archive["OrganizationTrailBucketPolicy"]
    assert policy["DeletionPolicy"] == "Retain"  # a bucket left behind keeps its TLS-only policy
    document = policy["Properties"]["PolicyDocument"]
    assert tls_only(document)
    trail = {"Fn::Join": ["", TRAIL_ARN_PARTS]}
    for sid in ("CloudTrailAclCheck", "CloudTrailWriteManagement", "CloudTrailWriteOrganization"):
        assert statement(document, sid)["Condition"]["StringEquals"]["aws:SourceArn"] == trail
    members = statement(document, "CloudTrailWriteOrganization")["Resource"]["Fn::Join"][1]
    assert {"Ref": "OrganizationId"} in members


def test_the_access_log_bucket_lets_s3_logging_write_for_the_log_bucket_alone(log_archive):
    bucket = log_archive["OrganizationTrailAccessLogsBucket"]["Properties"]
    name = {"Fn::Join": ["", ["orgboot-trail-access-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}]]}
    assert bucket["BucketName"] == name
    # S3 server access logging takes SSE-S3 alone as the target's default encryption.
    assert bucket["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "LifecycleConfiguration" in bucket
    document = log_archive["OrganizationTrailAccessLogsBucketPolicy"]["Properties"]["PolicyDocument"]
    assert tls_only(document)
    logging = statement(document, "S3ServerAccessLogs")
    assert logging["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert logging["Action"] == "s3:PutObject"
    assert logging["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {
            "aws:SourceArn": {"Fn::Join": ["", ["arn:aws:s3:::orgboot-trail-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}]]}
        },
    }


def test_the_stack_set_deploys_to_the_log_archive_account_alone_in_its_region(stack_set):
    properties = stack_set["Properties"]
    assert properties["StackSetName"] == "orgboot-organization-trail-logs"
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    (group,) = properties["StackInstancesGroup"]
    assert group == {
        "DeploymentTargets": {
            # The root, whatever OU the account moves to, narrowed to the account.
            "OrganizationalUnitIds": [output("PublishOutputFnGetAttOrganizationRootIdB929B7E0")],
            "Accounts": [output("PublishOutputFnGetAttAccountLogArchiveAccountId54279F60")],
            "AccountFilterType": "INTERSECTION",
        },
        "Regions": ["eu-west-1"],
    }
    assert properties["Parameters"] == [
        {"ParameterKey": "ManagementAccountId", "ParameterValue": {"Ref": "AWS::AccountId"}},
        {"ParameterKey": "OrganizationId", "ParameterValue": output(ORGANIZATION_OUTPUT)},
    ]
    assert "OrganizationTrailStackSetsTrustedAccess" in stack_set["DependsOn"]


def test_the_trail_names_the_log_archive_bucket_and_key_and_waits_for_the_stack_set(baseline):
    trail = baseline["OrganizationTrail"]
    account = output("PublishOutputFnGetAttAccountLogArchiveAccountId54279F60")
    assert trail["Properties"]["S3BucketName"] == {"Fn::Join": ["", ["orgboot-trail-", account, "-eu-west-1"]]}
    assert trail["Properties"]["KMSKeyId"] == {"Fn::Join": ["", ["arn:aws:kms:eu-west-1:", account, ":alias/orgboot-organization-trail"]]}
    assert "OrganizationTrailLogArchiveStackSet" in trail["DependsOn"]
    # One write to Organizations at a time: the trail's trusted access after the StackSets'.
    assert "OrganizationTrailStackSetsTrustedAccess" in baseline["CloudTrailTrustedAccess"]["DependsOn"]


def test_logs_left_in_the_management_account_are_hardened_there(in_management):
    by_type: dict[str, set[str]] = {}
    for logical_id, resource in in_management.items():
        by_type.setdefault(resource["Type"], set()).add(logical_id)
    assert by_type["AWS::KMS::Key"] == {"OrganizationTrailKey"}
    assert by_type["AWS::S3::Bucket"] == {"OrganizationTrailBucket", "OrganizationTrailAccessLogsBucket"}
    assert by_type["AWS::S3::BucketPolicy"] == {"OrganizationTrailBucketPolicy", "OrganizationTrailAccessLogsBucketPolicy"}
    assert "AWS::CloudFormation::StackSet" not in by_type
    trail = in_management["OrganizationTrail"]["Properties"]
    assert trail["KMSKeyId"] == {"Fn::GetAtt": ["OrganizationTrailKey", "Arn"]}
    assert trail["S3BucketName"] == {"Ref": "OrganizationTrailBucket"}
    assert in_management["OrganizationTrailKey"]["Properties"]["EnableKeyRotation"] is True
    bucket = in_management["OrganizationTrailBucket"]
    assert "BucketName" not in bucket["Properties"]  # the name CloudFormation gave it in every release so far
    assert bucket["Properties"]["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": "OrganizationTrailAccessLogsBucket"}}
    # No retention in org.yaml: nothing expires.
    assert "LifecycleConfiguration" not in bucket["Properties"]
    assert "LifecycleConfiguration" not in in_management["OrganizationTrailAccessLogsBucket"]["Properties"]
    # The log bucket's generated name is known only once it exists, after this policy: the
    # statement names the account, not the bucket.
    document = in_management["OrganizationTrailAccessLogsBucketPolicy"]["Properties"]["PolicyDocument"]
    assert statement(document, "S3ServerAccessLogs")["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_the_log_archive_template_passes_cdk_nag_and_cfn_lint(tmp_path):
    outdir = tmp_path / "cdk.out"
    app = cdk.App(outdir=str(outdir), analytics_reporting=False, context=CDK_CONTEXT)
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    log_archive_stack(app, "organization-trail", Retention(glacier_after_days=30, expire_after_days=365))
    app.synth()  # a finding fails here; the log store needs no acknowledgement (the access-log bucket is
    # another bucket's logging target, which cdk-nag's S1 accepts: rules/s3/S3BucketLoggingEnabled)
    assert findings(outdir) == []
