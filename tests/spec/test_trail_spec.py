"""management_baseline.organization_trail's log_archive and retention: refused at their line and
key when AWS would refuse them, or when they name what org.yaml does not declare."""

import pytest

from orgboot.rules import load_spec
from tests.spec.test_loader import BASE, problems, write


def trail(text: str) -> str:
    lines = "".join(f"    {line}\n" for line in text.strip("\n").splitlines())
    return BASE + "management_baseline:\n  organization_trail:\n" + lines


def test_log_archive_and_retention_are_read(tmp_path):
    spec = load_spec(
        write(
            tmp_path,
            trail("log_archive: {account: shop-prod, region: eu-central-1}\nretention: {glacier_after_days: 0, expire_after_days: 400}"),
        )
    )
    organization_trail = spec.management_baseline.organization_trail
    assert organization_trail is not None
    assert organization_trail.log_archive is not None
    assert (organization_trail.log_archive.account, organization_trail.log_archive.region) == ("shop-prod", "eu-central-1")
    assert organization_trail.retention is not None
    assert (organization_trail.retention.glacier_after_days, organization_trail.retention.expire_after_days) == (0, 400)


def test_the_logs_stay_where_they_are_and_for_good_unless_asked(tmp_path):
    organization_trail = load_spec(write(tmp_path, trail("name: organization-trail"))).management_baseline.organization_trail
    assert organization_trail is not None
    assert (organization_trail.log_archive, organization_trail.retention) == (None, None)
    log_archive = load_spec(write(tmp_path / "la", trail("log_archive: {account: shop-prod}"))).management_baseline.organization_trail
    assert log_archive is not None
    assert log_archive.log_archive is not None
    assert log_archive.log_archive.region == "us-east-1"


def test_the_log_archive_account_is_declared(tmp_path):
    assert problems(tmp_path, trail("log_archive: {account: shop-dev}")) == [
        "org.yaml:9: management_baseline.organization_trail.log_archive.account: account 'shop-dev' is not declared"
        " (did you mean 'shop-prod'?); give the key of an entry of accounts"
    ]


def test_the_log_archive_region_is_a_region(tmp_path):
    (found,) = problems(tmp_path, trail("log_archive: {account: shop-prod, region: eu-west-9}"))
    assert found.startswith("org.yaml:9: management_baseline.organization_trail.log_archive.region: 'eu-west-9' is not an AWS region")


@pytest.mark.parametrize("days", [365, 400])
def test_logs_expire_after_they_move_to_glacier(tmp_path, days):
    found = problems(tmp_path, trail(f"retention:\n  glacier_after_days: 400\n  expire_after_days: {days}"))
    assert found == [
        f"org.yaml:11: management_baseline.organization_trail.retention.expire_after_days: expire_after_days {days} must be"
        " greater than glacier_after_days 400: S3 refuses a lifecycle rule that expires log files before or when it moves them"
    ]


def test_an_empty_retention_says_what_to_give(tmp_path):
    assert problems(tmp_path, trail("retention: {}")) == [
        "org.yaml:9: management_baseline.organization_trail.retention: no retention given; give glacier_after_days or"
        " expire_after_days, or leave retention out"
    ]


def test_logs_expire_a_day_after_delivery_at_the_soonest(tmp_path):
    (found,) = problems(tmp_path, trail("retention: {expire_after_days: 0}"))
    assert found.startswith("org.yaml:9: management_baseline.organization_trail.retention.expire_after_days: ")


def test_the_log_archive_region_is_one_region_deny_allows_there(tmp_path):
    """The StackSet's execution role is denied what region-deny does not allow, but for the member
    roles' rollout region (us-east-1 by default)."""
    guardrail = (
        "guardrails:\n  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}\n  protect-orgboot-roles: {targets: [Root]}\n"
    )
    assert problems(tmp_path, guardrail + trail("log_archive: {account: shop-prod, region: eu-central-1}")) == [
        "org.yaml:12: management_baseline.organization_trail.log_archive.region: the log archive account 'shop-prod' is under"
        " guardrail region-deny, which denies eu-central-1: the trail's bucket and key could not be deployed there. Give one"
        " of its allowed_regions, or add eu-central-1 to them"
    ]
    for allowed in ("eu-west-1", "us-east-1"):
        load_spec(write(tmp_path / allowed, guardrail + trail(f"log_archive: {{account: shop-prod, region: {allowed}}}")))
