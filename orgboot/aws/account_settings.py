"""Names orgboot gives the account settings it keeps in every account (security_baseline:
s3_block_public_access, ebs_encryption, config), and AWS Config's own names, each with its source."""

from orgboot.aws.regions import PARTITION

# The role of the function that makes the settings without a CloudFormation type in member accounts
# (constructs/functions/account_settings.py), one per region (role names are global). Guardrails
# let it through where it must act (orgboot/policy/guardrails/guardrail.py OrgbootRoles).
FUNCTION_ROLE_NAME = "orgboot-account-settings-${AWS::Region}"  # Fn::Sub
FUNCTION_ROLE_PATTERN = "orgboot-account-settings-*"

# AWS Config
SERVICE = "config.amazonaws.com"
# The service-linked role a recorder uses ("Using Service-Linked Roles for AWS Config", AWS Config
# Developer Guide: AWSServiceRoleForConfig, path aws-service-role/config.amazonaws.com/).
SERVICE_LINKED_ROLE_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
# One recorder and one delivery channel per account and region (AWS Config API Reference,
# PutConfigurationRecorder: MaxNumberOfConfigurationRecordersExceededException; PutDeliveryChannel:
# MaxNumberOfDeliveryChannelsExceededException).
RECORDER = "orgboot"
DELIVERY_CHANNEL = "orgboot"
AGGREGATOR = "orgboot-organization"
# The aggregator's role reads the organization (AWS managed policy AWSConfigRoleForOrganizations,
# "Setting Up an Aggregator Using the AWS Command Line Interface", AWS Config Developer Guide).
AGGREGATOR_POLICY = "service-role/AWSConfigRoleForOrganizations"


def bucket_name(account_id: str, region: str) -> str:
    """The bucket that receives every account's deliveries, in the account and region the spec
    gives it: a name no other account takes (S3 bucket names are global)."""
    return f"orgboot-config-{account_id}-{region}"


def service_linked_role_arn(account_id: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
