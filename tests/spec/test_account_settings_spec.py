"""security_baseline's account settings (S3 Block Public Access, EBS encryption by default, AWS
Config): read from org.yaml, and refused where they lack what they need, with what would be right."""

import pytest

from orgboot.rules import load_change, load_spec
from orgboot.spec import SpecError
from orgboot.spec.account_settings import global_region, settings_regions
from tests.spec.test_loader import BASE, problems, write

AUDIT = "  audit: {name: Audit, email: audit@example.com, ou: Security}\n"
REGION_DENY = "guardrails:\n  region-deny: {allowed_regions: [eu-west-1, us-east-1], targets: [Workloads]}\n"


def security(text: str, *, guardrails: str = REGION_DENY) -> str:
    return BASE + AUDIT + guardrails + "security_baseline:\n" + "".join(f"  {line}\n" for line in text.strip("\n").splitlines())


def test_everything_off_unless_turned_on(tmp_path):
    baseline = load_spec(write(tmp_path, BASE)).security_baseline
    assert (baseline.s3_block_public_access, baseline.ebs_encryption, baseline.config) == (False, False, None)
    assert settings_regions(baseline, ("eu-west-1",)) == ()


def test_settings_on_and_where_they_go(tmp_path):
    spec = load_spec(write(tmp_path, security("s3_block_public_access: true\nebs_encryption: true")))
    baseline = spec.security_baseline
    assert baseline.s3_block_public_access
    assert baseline.ebs_encryption
    assert settings_regions(baseline, spec.security_regions) == ("eu-west-1", "us-east-1")


def test_block_public_access_alone_goes_to_one_region(tmp_path):
    spec = load_spec(write(tmp_path, security("s3_block_public_access: true", guardrails="")))
    assert spec.security_regions == ()
    assert settings_regions(spec.security_baseline, spec.security_regions) == ("us-east-1",)


def test_the_global_region_is_us_east_1_when_among_them_else_the_first():
    assert global_region(("eu-west-1", "us-east-1")) == "us-east-1"
    assert global_region(("eu-west-1", "eu-central-1")) == "eu-west-1"
    assert global_region(()) == "us-east-1"


def test_a_setting_is_a_yes_or_no(tmp_path):
    found = problems(tmp_path, security("ebs_encryption: sometimes"))
    assert found == ["org.yaml:11: security_baseline.ebs_encryption: 'sometimes' is not true or false"]


def test_ebs_encryption_needs_regions(tmp_path):
    assert problems(tmp_path, security("ebs_encryption: true", guardrails="")) == [
        "org.yaml:9: security_baseline.ebs_encryption: EBS encryption by default is a setting of each region, and there is no"
        " region to set it in: give security_baseline.regions, or a region-deny guardrail whose allowed_regions they default to"
    ]


def test_config_needs_regions_and_a_delegated_administrator(tmp_path):
    assert problems(tmp_path, security("config: {}", guardrails="")) == [
        "org.yaml:9: security_baseline.config: AWS Config records in each region, and there is no region to record in: give"
        " security_baseline.regions, or a region-deny guardrail whose allowed_regions they default to",
        "org.yaml:9: security_baseline.config: AWS Config's aggregator lives in the delegated administrator, and there is"
        " none: give security_baseline.delegated_administrator (an account key, typically audit)",
    ]


def test_config_options_are_checked_where_written(tmp_path):
    text = security("delegated_administrator: audit\nconfig:\n  bucket_account: logs\n  bucket_region: eu-wset-1\n  retention_days: 7")
    assert problems(tmp_path, text) == [
        "org.yaml:13: security_baseline.config.bucket_account: account 'logs' is not declared; give the key of an entry of accounts",
        "org.yaml:14: security_baseline.config.bucket_region: 'eu-wset-1' is not an AWS region (did you mean 'eu-west-1'?)",
        "org.yaml:15: security_baseline.config.retention_days: 7 is too small: the least allowed is 30",
    ]


def test_settings_regions_must_be_allowed_where_the_settings_deploy(tmp_path):
    text = security("regions: [eu-west-1, eu-central-1]\nebs_encryption: true")
    assert problems(tmp_path, text) == [
        "org.yaml:11: security_baseline.regions: guardrail region-deny denies eu-central-1 to the accounts under Workloads,"
        " where the account settings (S3 Block Public Access, EBS encryption, Config) deploy too: add eu-central-1 to its"
        " allowed_regions, or leave them out of security_baseline.regions"
    ]


def test_config_may_stop_recording_and_keep_its_bucket(tmp_path):
    spec = load_spec(write(tmp_path, security("delegated_administrator: audit\nconfig: {recording: false}")))
    assert spec.security_baseline.config is not None
    assert not spec.security_baseline.config.recording
    assert settings_regions(spec.security_baseline, spec.security_regions) == ()  # nothing in the members


def test_the_config_bucket_region_must_be_allowed_too(tmp_path):
    text = security("delegated_administrator: audit\nconfig: {bucket_region: eu-central-1}")
    assert problems(tmp_path, text) == [
        "org.yaml:10: security_baseline.regions: guardrail region-deny denies eu-central-1 to the accounts under Workloads,"
        " where the account settings (S3 Block Public Access, EBS encryption, Config) deploy too: add eu-central-1 to its"
        " allowed_regions, or leave them out of security_baseline.regions"
    ]


def test_a_region_leaves_the_settings_before_a_guardrail_denies_it(tmp_path):
    base = write(tmp_path / "base", security("ebs_encryption: true"))
    narrowed = REGION_DENY.replace("[eu-west-1, us-east-1]", "[us-east-1]")
    with pytest.raises(SpecError) as refused:
        load_change(write(tmp_path / "head", security("ebs_encryption: true", guardrails=narrowed)), base)
    assert [problem.message for problem in refused.value.problems] == [
        "eu-west-1 leaves the account settings' regions and guardrail region-deny's allowed regions at once: the settings'"
        " StackSet could no longer delete its stack instances there once the guardrail denies it. Deploy first with"
        " eu-west-1 out of security_baseline.regions (and still allowed), then deny it"
    ]
    # The first of the two deploys: the settings leave eu-west-1, which stays allowed.
    first = write(tmp_path / "first", security("regions: [us-east-1]\nebs_encryption: true"))
    assert load_change(first, base)[1] == []
    assert load_change(write(tmp_path / "second", security("regions: [us-east-1]\nebs_encryption: true", guardrails=narrowed)), first)
