"""The account settings of the example deployed into the emulator, read back through boto3 in every
account (the management account too) and region: S3 Block Public Access, EBS encryption by default,
AWS Config recording and delivering to the log archive's bucket, the aggregator in audit. Then
updates: a region and an account added (both get everything), every setting turned off (Block
Public Access and EBS encryption left as they were, the recorders deleted; an account created
meanwhile gets nothing) and on again."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
from orgboot.emulator.errors import EmulationError
from tests.conftest import EXAMPLE_PARAMETERS, example_variant, synth

REGIONS = ("eu-west-1", "us-east-1", "eu-central-1")
Settings = dict[str, dict[str, Any]]  # account name -> what it holds


def read_settings() -> Settings:
    organizations = management().client("organizations")
    found: Settings = {}
    for account in organizations.list_accounts()["Accounts"]:
        account_id = account["Id"]
        aws = management() if account_id == MANAGEMENT_ACCOUNT_ID else assume(account_id)
        s3control = aws.client("s3control")
        try:
            block = s3control.get_public_access_block(AccountId=account_id)["PublicAccessBlockConfiguration"]
        except s3control.exceptions.NoSuchPublicAccessBlockConfiguration:
            block = {}
        found[account["Name"]] = {
            "block_public_access": bool(block) and all(block.values()),
            "ebs_encrypted_in": {r for r in REGIONS if aws.client("ec2", r).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]},
            "config": {region: recording(aws.client("config", region)) for region in REGIONS},
            "aggregators": {
                region: aggregator["OrganizationAggregationSource"]["AwsRegions"]
                for region in REGIONS
                for aggregator in aws.client("config", region).describe_configuration_aggregators()["ConfigurationAggregators"]
            },
        }
    return found


def recording(config: Any) -> tuple[Any, ...] | None:
    """What a region's recorder records and delivers where, when it is recording; None without one."""
    statuses = {s["name"]: s["recording"] for s in config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]}
    channels = [c["s3BucketName"] for c in config.describe_delivery_channels()["DeliveryChannels"]]
    for recorder in config.describe_configuration_recorders()["ConfigurationRecorders"]:
        group = recorder["recordingGroup"]
        return (statuses[recorder["name"]], group["allSupported"], group["includeGlobalResourceTypes"], *channels)
    return None


def recorders(regions: tuple[str, ...], bucket: str) -> dict[str, Any]:
    """Recording every supported resource in `regions`, global ones in us-east-1 only, delivering to `bucket`."""
    return {region: (True, True, region == "us-east-1", bucket) if region in regions else None for region in REGIONS}


def config_bucket(state: Settings) -> str:
    (channel,) = {found[3] for account in state.values() for found in account["config"].values() if found}
    return str(channel)


def with_region_and_account(data: dict[str, Any]) -> None:
    data["guardrails"]["region-deny"]["allowed_regions"].append("eu-central-1")  # the settings' regions follow
    data["accounts"]["shop-stage"] = {"name": "Shop Stage", "email": "aws+shop-stage@example.com", "ou": "Workloads/Dev"}


def turned_off(data: dict[str, Any]) -> None:
    with_region_and_account(data)
    data["security_baseline"]["s3_block_public_access"] = False
    data["security_baseline"]["ebs_encryption"] = False
    data["security_baseline"]["config"]["recording"] = False
    data["accounts"]["shop-qa"] = {"name": "Shop QA", "email": "aws+shop-qa@example.com", "ou": "Workloads/Dev"}


def on_again(data: dict[str, Any]) -> None:
    turned_off(data)
    data["security_baseline"]["s3_block_public_access"] = True
    data["security_baseline"]["ebs_encryption"] = True
    data["security_baseline"]["config"]["recording"] = True


def variant(tmp_path_factory: pytest.TempPathFactory, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    directory = tmp_path_factory.mktemp(name)
    return synth(example_variant(directory, change), directory / "cdk.out", directory / "org.yaml")


@pytest.fixture(scope="module")
def deployed(example_assembly: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Settings]:
    """What the accounts hold after each deploy: the example, with a region and an account, turned off
    (and an account more), on again."""
    assemblies = [
        example_assembly,
        variant(tmp_path_factory, "with-region", with_region_and_account),
        variant(tmp_path_factory, "off", turned_off),
        variant(tmp_path_factory, "on-again", on_again),
    ]
    states = []
    with emulated_aws():
        engine = Engine()
        for assembly in assemblies:
            deploy_assembly(engine, assembly, EXAMPLE_PARAMETERS)
            states.append(read_settings())
    return states


def test_every_account_blocks_public_access_encrypts_ebs_and_records_in_each_region(deployed):
    example = deployed[0]
    assert len(example) == 7  # the management account and the six members
    bucket = config_bucket(example)
    assert bucket.startswith("orgboot-config-")
    assert bucket.endswith("-us-east-1")
    for name, settings in example.items():
        assert settings["block_public_access"], name
        assert settings["ebs_encrypted_in"] == {"eu-west-1", "us-east-1"}, name
        assert settings["config"] == recorders(("eu-west-1", "us-east-1"), bucket), name


def test_the_aggregator_is_in_the_delegated_administrator_only(deployed):
    example = deployed[0]
    assert {name: settings["aggregators"] for name, settings in example.items() if settings["aggregators"]} == {
        "Audit": {"us-east-1": ["eu-west-1", "us-east-1"]}
    }


def test_a_region_added_gets_the_settings_and_an_account_added_gets_them_all(deployed):
    state = deployed[1]
    bucket = config_bucket(state)
    for name, settings in state.items():
        assert settings["block_public_access"], name
        assert settings["ebs_encrypted_in"] == set(REGIONS), name
        assert settings["config"] == recorders(REGIONS, bucket), name
    assert "Shop Stage" in state
    assert state["Audit"]["aggregators"] == {"us-east-1": ["eu-central-1", "eu-west-1", "us-east-1"]}


def test_turned_off_the_settings_stay_the_recorders_go_and_a_new_account_gets_none(deployed):
    before, off = deployed[1], dict(deployed[2])
    assert off.pop("Shop QA") == {
        "block_public_access": False,
        "ebs_encrypted_in": set(),
        "config": dict.fromkeys(REGIONS),
        "aggregators": {},
    }
    assert before.keys() == off.keys()
    for name, settings in off.items():
        # Left as they were: orgboot stopped managing them.
        assert (settings["block_public_access"], settings["ebs_encrypted_in"]) == (True, set(REGIONS)), name
        assert settings["config"] == dict.fromkeys(REGIONS), name  # the recorders and their channels deleted
        assert settings["aggregators"] == before[name]["aggregators"], name  # kept, with the bucket, for recording again


def test_on_again_every_account_has_them(deployed):
    state = deployed[3]
    bucket = config_bucket(state)
    assert bucket == config_bucket(deployed[0])  # the bucket was kept, and is used again
    for name, settings in state.items():
        assert settings["block_public_access"], name
        assert settings["ebs_encrypted_in"] == set(REGIONS), name
        assert settings["config"] == recorders(REGIONS, bucket), name


def test_an_scp_denying_a_setting_fails_the_stack_set(tmp_path_factory):
    """The members' function is an ordinary role under its account's SCPs (only the management
    account is beyond them): an SCP on Sandbox denying EBS encryption fails the instance there, as
    in AWS."""
    directory = tmp_path_factory.mktemp("denied")
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:EnableEbsEncryptionByDefault", "Resource": "*"}]}
    (directory / "extra").mkdir()
    (directory / "extra" / "deny-ebs.json").write_text(json.dumps(deny))

    def denied(data: dict[str, Any]) -> None:
        data["policies"]["deny-ebs-encryption"] = {
            "type": "SERVICE_CONTROL_POLICY",
            "document": "extra/deny-ebs.json",
            "targets": ["Sandbox"],
        }

    assembly = synth(example_variant(directory, denied), directory / "cdk.out", directory / "org.yaml")
    with emulated_aws(), pytest.raises(EmulationError) as failure:
        deploy_assembly(Engine(), assembly, EXAMPLE_PARAMETERS)
    message = str(failure.value)
    assert "AccountSettingsStackSet" in message
    assert "EbsEncryptionByDefault" in message
    assert "orgboot-account-settings-" in message
    assert "ec2:EnableEbsEncryptionByDefault" in message
    assert "deny-ebs-encryption" in message
