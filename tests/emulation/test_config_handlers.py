"""AWS Config in the emulator, on small hand-written templates: what AWS refuses and moto would let
through (a recorder started without a channel, a channel whose bucket Config may not write to, an
organization aggregator outside the management account and its delegated administrators), and the
bucket policy orgboot writes, which lets the organization's accounts deliver and nobody else."""

import json
from typing import Any

import pytest

from orgboot.emulator import EmulationError, Engine, emulated_aws, management
from orgboot.emulator.aws import assume
from orgboot.emulator.config_delivery import delivery_problems
from orgboot.policy.config_delivery import config_bucket_policy
from orgboot.state.organization import read_organization

ROLE = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
BUCKET = "config-history"


def organization() -> tuple[str, str]:
    """An organization with one member account: its ID and the member's."""
    organizations = management().client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="Audit", Email="audit@example.com")["CreateAccountStatus"]["AccountId"]
    return organizations.describe_organization()["Organization"]["Id"], member


def recorder(started: bool = False) -> dict[str, Any]:
    return {
        "Type": "AWS::Config::ConfigurationRecorder",
        "Properties": {
            "Name": "orgboot",
            "RoleARN": ROLE,
            "RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": "true"},
            "StartedOnCreate": started,
        },
    }


def channel() -> dict[str, Any]:
    return {
        "Type": "AWS::Config::DeliveryChannel",
        "DependsOn": "Recorder",
        "Properties": {"Name": "orgboot", "S3BucketName": BUCKET},
    }


def bucket(policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": BUCKET}},
        "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": policy}},
    }


def test_a_recorder_started_on_create_needs_a_delivery_channel():
    with emulated_aws(), pytest.raises(EmulationError, match="NoAvailableDeliveryChannelException"):
        Engine().deploy("Stack", {"Resources": {"Recorder": recorder(started=True)}}, management())


def test_a_channel_delivers_where_the_bucket_policy_lets_config_write():
    with emulated_aws():
        organization_id, _ = organization()
        policy = config_bucket_policy(f"arn:aws:s3:::{BUCKET}", organization_id)
        state = Engine().deploy("Stack", {"Resources": {**bucket(policy), "Recorder": recorder(), "Channel": channel()}}, management())
        assert state.status == "CREATE_COMPLETE"
        (found,) = management().client("config").describe_delivery_channels()["DeliveryChannels"]
        assert found == {"name": "orgboot", "s3BucketName": BUCKET}


def test_a_channel_is_refused_where_config_may_not_write_or_the_bucket_is_missing():
    nobody = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
    with emulated_aws():
        organization()
        with pytest.raises(EmulationError, match="InsufficientDeliveryPolicyException: Config may not s3:PutObject"):
            Engine().deploy("Stack", {"Resources": {**bucket(nobody), "Recorder": recorder(), "Channel": channel()}}, management())
    with emulated_aws():
        organization()
        with pytest.raises(EmulationError, match=f"NoSuchBucketException: the delivery channel's bucket {BUCKET} does not exist"):
            Engine().deploy("Stack", {"Resources": {"Recorder": recorder(), "Channel": channel()}}, management())


def test_the_bucket_policy_admits_the_organization_only():
    with emulated_aws():
        organization_id, member = organization()
        management().client("s3").create_bucket(Bucket=BUCKET)
        channel = {"name": "orgboot", "s3BucketName": BUCKET}
        policy = config_bucket_policy(f"arn:aws:s3:::{BUCKET}", organization_id)
        management().client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
        read = read_organization(management().client("organizations"))
        assert delivery_problems(member, "eu-west-1", channel, read) == []
        # Without its aws:SourceOrgID conditions, anyone's Config could deliver there: the confused deputy.
        for statement in policy["Statement"]:
            if statement["Effect"] == "Allow":
                del statement["Condition"]
        management().client("s3").put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
        (problem,) = delivery_problems(member, "eu-west-1", channel, read)
        assert problem.startswith("orgboot refuses: Config may deliver another organization's account")


def test_an_organization_aggregator_needs_trusted_access_and_a_delegated_administrator():
    aggregator = {
        "Type": "AWS::Config::ConfigurationAggregator",
        "Properties": {
            "ConfigurationAggregatorName": "orgboot-organization",
            "OrganizationAggregationSource": {"RoleArn": ROLE, "AwsRegions": ["us-east-1"], "AllAwsRegions": False},
        },
    }
    with emulated_aws():
        _, member = organization()
        organizations = management().client("organizations")
        with pytest.raises(EmulationError, match="trusted access for config.amazonaws.com is not enabled"):
            Engine().deploy("Aggregator", {"Resources": {"Aggregator": aggregator}}, assume(member))
        organizations.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
        with pytest.raises(EmulationError, match=f"account {member} is not a delegated administrator for config.amazonaws.com"):
            Engine().deploy("Aggregator", {"Resources": {"Aggregator": aggregator}}, assume(member))
        organizations.register_delegated_administrator(AccountId=member, ServicePrincipal="config.amazonaws.com")
        Engine().deploy("Aggregator", {"Resources": {"Aggregator": aggregator}}, assume(member))
        (found,) = assume(member).client("config").describe_configuration_aggregators()["ConfigurationAggregators"]
        assert found["OrganizationAggregationSource"]["AwsRegions"] == ["us-east-1"]
