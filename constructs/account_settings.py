"""The account settings of one member account in one region: what the account-settings StackSet
deploys everywhere (stacks/account_settings_template.py). Settings without a CloudFormation type
(account-level S3 Block Public Access, EBS encryption by default: none in the registry schemas
cfn-lint ships) are custom resources of one inline function (constructs/functions/account_settings.py);
a StackSet template takes no assets, so not CDK's AwsCustomResource, whose provider code is one."""

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Aws, CfnCondition, CfnParameter, CfnResource, CustomResource, Fn
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam

from orgboot.aws import account_settings as names

from constructs import Construct
from constructs.inline_function import function_resource, inline_function
from constructs.sdk_call import pin_logical_id

_ACCOUNT_SETTINGS = Path(__file__).with_name("functions") / "account_settings.py"
# S3 Block Public Access, all four settings on (CIS 2.1.4), as the function sets it too.
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
CONFIG_BUCKET_PARAMETER = "ConfigBucket"


@dataclass(frozen=True)
class MemberSettings:
    s3_block_public_access: bool
    ebs_encryption: bool
    config: bool
    global_region: str  # where account-wide settings are made, and Config records global resources, once


class AccountSettings(Construct):
    """The resources of `settings`, each with a logical ID of its own (a StackSet instance is a
    stack: a changed ID deletes the resource and creates another)."""

    def __init__(self, scope: Construct, id: str, *, settings: MemberSettings) -> None:
        super().__init__(scope, id)
        # Account-wide settings are made in one region only; the template is the same in each.
        self.in_global_region = CfnCondition(self, "InGlobalRegion", expression=Fn.condition_equals(Aws.REGION, settings.global_region))
        self.in_global_region.override_logical_id("InGlobalRegion")
        calls = [("S3Control", "putPublicAccessBlock")] if settings.s3_block_public_access else []
        calls += [("EC2", "enableEbsEncryptionByDefault")] if settings.ebs_encryption else []
        if settings.config:
            calls += [
                ("IAM", "createServiceLinkedRole"),
                ("ConfigService", "startConfigurationRecorder"),
                ("ConfigService", "stopConfigurationRecorder"),
            ]
        self.function = inline_function(
            self,
            "Function",
            source=_ACCOUNT_SETTINGS,
            description="orgboot: account settings CloudFormation has no resource type for",
            sdk_calls=calls,
        )
        pin_logical_id(self.function, "AccountSettingsFunction")  # the ServiceToken, which an update cannot change
        # Named, so that guardrails can let it through (orgboot/policy/guardrails/guardrail.py
        # OrgbootRoles.account_settings); one per region, IAM names being global.
        role = self.function.role
        assert isinstance(role, iam.Role)
        _cfn(role).add_property_override("RoleName", Fn.sub(names.FUNCTION_ROLE_NAME))
        if settings.s3_block_public_access:
            block = self._setting("S3AccountPublicAccessBlock", {"AccountId": Aws.ACCOUNT_ID})
            _cfn(block).cfn_options.condition = self.in_global_region
        if settings.ebs_encryption:
            self._setting("EbsEncryptionByDefault", {})
        if settings.config:
            self._config()

    def _setting(self, name: str, properties: dict[str, str], resource_type: str | None = None) -> CustomResource:
        resource = function_resource(
            self, name, function=self.function, resource_type=resource_type or f"Custom::{name}", properties=properties
        )
        pin_logical_id(resource, name)
        return resource

    def _config(self) -> None:
        """CIS 3.3: a recorder of every supported resource, global ones in the global region only,
        delivering to the organization's bucket. The recorder is started by a resource of its own
        once the delivery channel exists (StartConfigurationRecorder needs one: AWS Config API
        Reference), as Terraform's aws_config_configuration_recorder_status does, and deleted the
        other way round: recording stops before the channel goes ("you must stop the
        configuration recorder" before DeleteDeliveryChannel: same)."""
        bucket = CfnParameter(self, CONFIG_BUCKET_PARAMETER, description="The bucket that receives AWS Config's deliveries")
        bucket.override_logical_id(CONFIG_BUCKET_PARAMETER)
        # Config's service-linked role, which the recorder names; every region makes sure it exists.
        role = self._setting("ConfigServiceLinkedRole", {"AWSServiceName": names.SERVICE}, "Custom::ServiceLinkedRole")
        recorder = config.CfnConfigurationRecorder(
            self,
            "Recorder",
            name=names.RECORDER,
            role_arn=Fn.sub(names.SERVICE_LINKED_ROLE_ARN),
            recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True,
                include_global_resource_types=Fn.condition_if(self.in_global_region.logical_id, True, False),
            ),
            started_on_create=False,
        )
        recorder.override_logical_id("ConfigRecorder")
        recorder.node.add_dependency(role)
        channel = config.CfnDeliveryChannel(self, "DeliveryChannel", name=names.DELIVERY_CHANNEL, s3_bucket_name=bucket.value_as_string)
        channel.override_logical_id("ConfigDeliveryChannel")
        channel.add_dependency(recorder)  # PutDeliveryChannel needs the recorder (NoAvailableConfigurationRecorderException)
        recording = self._setting("ConfigRecording", {"ConfigurationRecorderName": names.RECORDER})
        recording.node.add_dependency(channel)


def _cfn(construct: Construct) -> CfnResource:
    resource = construct.node.default_child
    assert isinstance(resource, CfnResource)
    return resource
