"""The account settings CloudFormation has no resource type for, set in the account and region the
function runs in (a StackSet instance of every member account: constructs/account_settings.py):

- Custom::S3AccountPublicAccessBlock: S3 Block Public Access for the whole account, all four
  settings (S3 Control PutPublicAccessBlock with the account's own ID, S3 API Reference), CIS AWS
  Foundations 5.0, 2.1.4. Account-wide: one region sets it.
- Custom::EbsEncryptionByDefault: new EBS volumes encrypted in this region
  (EnableEbsEncryptionByDefault, EC2 API Reference: "Encryption by default is a Region-specific
  setting"), CIS 5.0 5.1.1.
- Custom::ServiceLinkedRole: the service-linked role a service uses in every region
  (CreateServiceLinkedRole, IAM API Reference); one that exists already is kept.
- Custom::ConfigRecording: the AWS Config recorder of this region recording, once its delivery
  channel exists (StartConfigurationRecorder, AWS Config API Reference: "You must have created a
  delivery channel to successfully start the configuration recorder"); delete stops it, which
  DeleteDeliveryChannel needs next ("Before you can delete the delivery channel, you must stop the
  configuration recorder", same).

Delete leaves Block Public Access and EBS encryption as they are: orgboot stops managing them.
Turning Block Public Access off would make public at once what it held back (IgnorePublicAcls has
S3 "ignore all public ACLs on buckets in this account", RestrictPublicBuckets limits buckets with
public policies to AWS services and the owner: S3 API Reference, PublicAccessBlockConfiguration;
without them, those ACLs and policies grant again), and turning EBS encryption off would leave the
next volumes unencrypted: nobody expects either from removing a line of org.yaml, nor from an
account leaving the organization. A service-linked role stays while the service uses it (IAM
refuses to delete it then), in this region or another.

Deployed inline (the template's ZipFile), where Lambda provides `cfnresponse` (CloudFormation
User Guide, "cfn-response module")."""

from collections.abc import Callable
from typing import Any

import boto3
import cfnresponse
from botocore.exceptions import ClientError

from constructs.functions.retries import retrying

# All four settings on, as constructs/account_settings.py BLOCK_ALL has them for the management account.
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def handler(event: dict[str, Any], context: Any) -> None:
    status, reason = cfnresponse.SUCCESS, None
    try:
        apply, remove = SETTINGS[event["ResourceType"]]
        action = remove if event["RequestType"] == "Delete" else apply
        if action is not None:
            action(event["ResourceProperties"], context)
    except Exception as error:  # any failure must still be answered
        status, reason = cfnresponse.FAILED, f"{type(error).__name__}: {error}"[:1000]
    # One physical ID per setting and region, kept on update: a new one would have CloudFormation
    # delete the "old" resource.
    region = context.invoked_function_arn.split(":")[3]  # arn:aws:lambda:<region>:<account>:function:<name>
    physical_id = event.get("PhysicalResourceId", f"{event['ResourceType'].removeprefix('Custom::')}-{region}")
    cfnresponse.send(event, context, status, {}, physicalResourceId=physical_id, reason=reason)


def block_public_access(properties: dict[str, Any], context: Any) -> None:
    s3control: Any = boto3.client("s3control")
    retrying(
        lambda: s3control.put_public_access_block(AccountId=properties["AccountId"], PublicAccessBlockConfiguration=BLOCK_ALL), context
    )


def encrypt_ebs_by_default(properties: dict[str, Any], context: Any) -> None:
    ec2: Any = boto3.client("ec2")
    retrying(lambda: ec2.enable_ebs_encryption_by_default(), context)


def service_linked_role(properties: dict[str, Any], context: Any) -> None:
    iam: Any = boto3.client("iam")
    try:
        retrying(lambda: iam.create_service_linked_role(AWSServiceName=properties["AWSServiceName"]), context)
    except ClientError as error:
        # "Service role name ... has been taken in this account" (InvalidInput): it exists already.
        if error.response.get("Error", {}).get("Code") != "InvalidInput" or "has been taken" not in str(error):
            raise


def start_recording(properties: dict[str, Any], context: Any) -> None:
    config: Any = boto3.client("config")
    retrying(lambda: config.start_configuration_recorder(ConfigurationRecorderName=properties["ConfigurationRecorderName"]), context)


def stop_recording(properties: dict[str, Any], context: Any) -> None:
    config: Any = boto3.client("config")
    try:
        retrying(lambda: config.stop_configuration_recorder(ConfigurationRecorderName=properties["ConfigurationRecorderName"]), context)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchConfigurationRecorderException":  # gone already
            raise


Step = Callable[[dict[str, Any], Any], None]
# Resource type -> what Create and Update do, and what Delete does (None: nothing).
SETTINGS: dict[str, tuple[Step, Step | None]] = {
    "Custom::S3AccountPublicAccessBlock": (block_public_access, None),
    "Custom::EbsEncryptionByDefault": (encrypt_ebs_by_default, None),
    "Custom::ServiceLinkedRole": (service_linked_role, None),
    "Custom::ConfigRecording": (start_recording, stop_recording),
}
