"""The synthesized AccountSettingsStack: the StackSet that keeps the account settings in every member
account and region, the template it carries, the management account's own settings, and AWS
Config's bucket (in the log archive) and aggregator (in the delegated administrator)."""

import json
from pathlib import Path

import pytest

from tests.conftest import template

STACK = "AccountSettingsStack"
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


@pytest.fixture(scope="module")
def stack(example_assembly: Path) -> dict:
    return template(example_assembly, STACK)


@pytest.fixture(scope="module")
def stack_set(stack) -> dict:
    properties: dict = stack["Resources"]["AccountSettingsStackSet"]["Properties"]
    return properties


@pytest.fixture(scope="module")
def member(stack_set) -> dict:
    body: dict = json.loads(stack_set["TemplateBody"])
    return body


def sdk_call(resource: dict, key: str = "Create") -> dict:
    """A Custom::AWS resource's call, its references left as markers."""
    value = resource["Properties"][key]
    if isinstance(value, dict):  # Fn::Join around references
        value = "".join(part if isinstance(part, str) else f"<{next(iter(part.values()))}>" for part in value["Fn::Join"][1])
    call: dict = json.loads(value)
    return call


def test_the_stack_set_reaches_every_member_account_in_each_region(stack, stack_set):
    assert stack_set["StackSetName"] == "orgboot-account-settings"
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED"
    # Accounts created later get the settings without anyone running anything.
    assert stack_set["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    (group,) = stack_set["StackInstancesGroup"]
    assert group["Regions"] == ["eu-west-1", "us-east-1"]  # region-deny's allowed regions, by default
    (root,) = group["DeploymentTargets"]["OrganizationalUnitIds"]
    assert root["Fn::GetStackOutput"]["StackName"] == "OrganizationStack"  # the root's ID
    # Service-managed StackSets need trusted access, which this stack activates (it deploys before
    # MemberRolesStack), first of its writes to the organization; the members' recorders deliver to the bucket.
    assert set(stack["Resources"]["AccountSettingsStackSet"]["DependsOn"]) >= {"ConfigDelegatedAdministrator", "ConfigBucketStackSet"}
    assert "AccountSettingsStackSetsTrustedAccess" in stack["Resources"]["ConfigTrustedAccess"]["DependsOn"]
    assert sdk_call(stack["Resources"]["AccountSettingsStackSetsTrustedAccess"])["action"] == "activateOrganizationsAccess"


def test_members_set_block_public_access_once_and_ebs_encryption_in_each_region(member):
    resources = member["Resources"]
    assert member["Conditions"] == {"InGlobalRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}}
    block = resources["S3AccountPublicAccessBlock"]
    assert block["Type"] == "Custom::S3AccountPublicAccessBlock"
    assert block["Condition"] == "InGlobalRegion"  # an account-wide setting
    assert block["Properties"]["AccountId"] == {"Ref": "AWS::AccountId"}
    ebs = resources["EbsEncryptionByDefault"]
    assert ebs["Type"] == "Custom::EbsEncryptionByDefault"
    assert "Condition" not in ebs
    token = {"Fn::GetAtt": ["AccountSettingsFunction", "Arn"]}
    assert block["Properties"]["ServiceToken"] == ebs["Properties"]["ServiceToken"] == token


def test_the_members_function_is_inline_and_may_do_only_its_settings(member):
    resources = member["Resources"]
    function = resources["AccountSettingsFunction"]["Properties"]
    assert "def handler(" in function["Code"]["ZipFile"]  # no assets in a StackSet template
    (policy,) = [r for r in resources.values() if r["Type"] == "AWS::IAM::Policy"]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == [
        "config:StartConfigurationRecorder",
        "config:StopConfigurationRecorder",
        "ec2:EnableEbsEncryptionByDefault",
        "iam:CreateServiceLinkedRole",
        "s3:PutAccountPublicAccessBlock",
    ]
    # Named per region, so that guardrails can let it through (protect-security-services, protect-s3-public-access-block).
    (role,) = [r for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
    assert role["Properties"]["RoleName"] == {"Fn::Sub": "orgboot-account-settings-${AWS::Region}"}


def test_the_management_account_sets_its_own(stack):
    resources = stack["Resources"]
    block = sdk_call(resources["S3AccountPublicAccessBlock"])
    assert (block["service"], block["action"]) == ("S3Control", "putPublicAccessBlock")
    assert block["parameters"] == {"AccountId": "<AWS::AccountId>", "PublicAccessBlockConfiguration": BLOCK_ALL}
    assert sdk_call(resources["S3AccountPublicAccessBlock"], "Update") == block
    for region in ("eu-west-1", "us-east-1"):
        encrypt = sdk_call(resources[f"EbsEncryptionByDefault{region.title().replace('-', '')}"])
        assert (encrypt["service"], encrypt["action"], encrypt["region"]) == ("EC2", "enableEbsEncryptionByDefault", region)
    # Turned off, Block Public Access and EBS encryption are left as they are: no delete step.
    for logical_id in ("S3AccountPublicAccessBlock", "EbsEncryptionByDefaultEuWest1", "EbsEncryptionByDefaultUsEast1"):
        assert "Delete" not in resources[logical_id]["Properties"]


def test_logical_ids_are_pinned(stack, member):
    custom = {lid for lid, r in stack["Resources"].items() if r["Type"] == "Custom::AWS"}
    regional = {f"{kind}{region}" for kind in ("EbsEncryptionByDefault", "ConfigRecorder", "ConfigDeliveryChannel", "ConfigRecording")
                for region in ("EuWest1", "UsEast1")}  # fmt: skip
    assert custom == {
        "AccountSettingsStackSetsTrustedAccess",
        "S3AccountPublicAccessBlock",
        "ConfigTrustedAccess",
        "ConfigDelegatedAdministrator",
        "ConfigServiceLinkedRole",
        *regional,
    }
    stack_sets = {lid for lid, r in stack["Resources"].items() if r["Type"] == "AWS::CloudFormation::StackSet"}
    assert stack_sets == {"AccountSettingsStackSet", "ConfigBucketStackSet", "ConfigAggregatorStackSet"}
    assert {lid for lid, r in member["Resources"].items() if r["Type"].startswith(("Custom::", "AWS::Config::"))} == {
        "S3AccountPublicAccessBlock",
        "EbsEncryptionByDefault",
        "ConfigServiceLinkedRole",
        "ConfigRecorder",
        "ConfigDeliveryChannel",
        "ConfigRecording",
    }
    assert "AccountSettingsFunction" in member["Resources"]  # the ServiceToken, which an update cannot change


def test_members_record_every_resource_global_ones_once_and_start_after_the_channel(stack_set, member):
    resources = member["Resources"]
    recorder = resources["ConfigRecorder"]["Properties"]
    assert recorder["Name"] == "orgboot"
    assert recorder["RoleARN"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    }
    assert recorder["RecordingGroup"] == {"AllSupported": True, "IncludeGlobalResourceTypes": {"Fn::If": ["InGlobalRegion", True, False]}}
    assert recorder["StartedOnCreate"] is False  # started by ConfigRecording, once the channel exists
    assert resources["ConfigRecorder"]["DependsOn"] == ["ConfigServiceLinkedRole"]
    assert resources["ConfigServiceLinkedRole"]["Properties"]["AWSServiceName"] == "config.amazonaws.com"
    channel = resources["ConfigDeliveryChannel"]
    assert channel["Properties"] == {"Name": "orgboot", "S3BucketName": {"Ref": "ConfigBucket"}}
    assert channel["DependsOn"] == ["ConfigRecorder"]
    assert resources["ConfigRecording"]["Type"] == "Custom::ConfigRecording"
    assert "ConfigDeliveryChannel" in resources["ConfigRecording"]["DependsOn"]
    (parameter,) = stack_set["Parameters"]
    assert parameter["ParameterKey"] == "ConfigBucket"
    bucket = parameter["ParameterValue"]["Fn::Join"][1]
    assert bucket[0] == "orgboot-config-"
    assert bucket[2] == "-us-east-1"
    assert bucket[1]["Fn::GetStackOutput"]["StackName"] == "OrganizationStack"


def test_the_bucket_and_the_aggregator_each_go_to_one_account(stack):
    resources = stack["Resources"]
    for logical_id, name, account_key in (
        ("ConfigBucketStackSet", "orgboot-config-bucket", "LogArchive"),
        ("ConfigAggregatorStackSet", "orgboot-config-aggregator", "Audit"),
    ):
        properties = resources[logical_id]["Properties"]
        assert properties["StackSetName"] == name
        (group,) = properties["StackInstancesGroup"]
        assert group["Regions"] == ["us-east-1"]
        targets = group["DeploymentTargets"]
        assert targets["AccountFilterType"] == "INTERSECTION"  # the root's accounts, narrowed to one
        (account,) = targets["Accounts"]
        assert account_key in account["Fn::GetStackOutput"]["OutputName"]
    # The aggregator after Config's trusted access and the delegated administrator's registration, in that order.
    assert "ConfigDelegatedAdministrator" in resources["ConfigAggregatorStackSet"]["DependsOn"]
    assert "ConfigTrustedAccess" in resources["ConfigDelegatedAdministrator"]["DependsOn"]
    register = sdk_call(resources["ConfigDelegatedAdministrator"])
    assert (register["action"], register["parameters"]["ServicePrincipal"]) == ("registerDelegatedAdministrator", "config.amazonaws.com")
    assert sdk_call(resources["ConfigDelegatedAdministrator"], "Delete")["action"] == "deregisterDelegatedAdministrator"
    assert "Delete" not in resources["ConfigTrustedAccess"]["Properties"]  # kept: Organizations advises it


def test_the_bucket_keeps_the_history_and_admits_the_organization_only(stack):
    properties = stack["Resources"]["ConfigBucketStackSet"]["Properties"]
    (parameter,) = properties["Parameters"]
    assert parameter["ParameterKey"] == "OrganizationId"
    template = json.loads(properties["TemplateBody"])
    bucket = template["Resources"]["ConfigBucket"]
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert bucket["Properties"]["BucketName"] == {"Fn::Sub": "orgboot-config-${AWS::AccountId}-${AWS::Region}"}
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 2557
    statements = template["Resources"]["ConfigBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Sid"] for s in allows] == ["AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck", "AWSConfigBucketDelivery"]
    assert all(s["Condition"]["StringEquals"]["aws:SourceOrgID"] == {"Ref": "OrganizationId"} for s in allows)


def test_the_management_account_records_in_each_region_undone_in_reverse(stack):
    resources = stack["Resources"]
    for region, pascal in (("eu-west-1", "EuWest1"), ("us-east-1", "UsEast1")):
        recorder = sdk_call(resources[f"ConfigRecorder{pascal}"])
        assert (recorder["action"], recorder["region"]) == ("putConfigurationRecorder", region)
        group = recorder["parameters"]["ConfigurationRecorder"]["recordingGroup"]
        assert group == {"allSupported": True, "includeGlobalResourceTypes": region == "us-east-1"}
        assert sdk_call(resources[f"ConfigRecorder{pascal}"], "Delete")["action"] == "deleteConfigurationRecorder"
        assert sdk_call(resources[f"ConfigDeliveryChannel{pascal}"], "Delete")["action"] == "deleteDeliveryChannel"
        assert sdk_call(resources[f"ConfigRecording{pascal}"])["action"] == "startConfigurationRecorder"
        assert sdk_call(resources[f"ConfigRecording{pascal}"], "Delete")["action"] == "stopConfigurationRecorder"
        # Created recorder, channel, recording; deleted the other way round.
        assert f"ConfigRecorder{pascal}" in resources[f"ConfigDeliveryChannel{pascal}"]["DependsOn"]
        assert "ConfigBucketStackSet" in resources[f"ConfigDeliveryChannel{pascal}"]["DependsOn"]
        assert f"ConfigDeliveryChannel{pascal}" in resources[f"ConfigRecording{pascal}"]["DependsOn"]


def test_it_deploys_after_the_management_baseline_and_before_the_member_roles(example_assembly):
    artifacts = json.loads((example_assembly / "manifest.json").read_text())["artifacts"]
    assert "ManagementBaselineStack" in artifacts[STACK]["dependencies"]
    assert STACK in artifacts["MemberRolesStack"]["dependencies"]
