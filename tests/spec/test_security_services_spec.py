"""security_baseline's security services (GuardDuty, Security Hub, IAM Access Analyzer): who runs
them and where, refused with what would be right."""

from pathlib import Path
from typing import get_args

import pytest

from orgboot.aws.security_services import STANDARDS
from orgboot.rules import load_change, load_spec
from orgboot.spec import SpecError
from orgboot.spec.security_services import Standard
from tests.spec.test_loader import BASE, problems, write

AUDIT = "  audit: {name: Audit, email: audit@example.com, ou: Security}\n"
REGION_DENY = "guardrails:\n  region-deny: {allowed_regions: [eu-west-1, us-east-1], targets: [Workloads]}\n"


def security(text: str, *, guardrails: str = REGION_DENY) -> str:
    return BASE + AUDIT + guardrails + "security_baseline:\n" + "".join(f"  {line}\n" for line in text.strip("\n").splitlines())


def change_problems(tmp_path: Path, base: str, head: str) -> list[str]:
    """What validate --base says of the change from `base` to `head`."""
    (tmp_path / "base").mkdir(parents=True)
    (tmp_path / "head").mkdir()
    head_file = write(tmp_path / "head", head)
    try:
        load_change(head_file, write(tmp_path / "base", base))
    except SpecError as error:
        return [str(problem).replace(str(head_file), "org.yaml") for problem in error.problems]
    return []


def test_the_standards_are_those_aws_names():
    assert set(get_args(Standard)) == set(STANDARDS)


def test_services_on_with_their_defaults(tmp_path):
    spec = load_spec(write(tmp_path, security("delegated_administrator: audit\nguardduty: {}\nsecurity_hub: {}\naccess_analyzer: {}")))
    baseline = spec.security_baseline
    assert baseline.guardduty is not None
    assert baseline.security_hub is not None
    assert baseline.security_hub.standards == tuple(STANDARDS)
    assert baseline.access_analyzer is not None
    assert spec.security_regions == ("eu-west-1", "us-east-1")  # region-deny's, by default


def test_a_service_needs_a_delegated_administrator(tmp_path):
    assert problems(tmp_path, security("access_analyzer: {}\nguardduty: {}")) == [
        "org.yaml:11: security_baseline.access_analyzer: IAM Access Analyzer needs security_baseline.delegated_administrator:"
        " the key of the member account (typically audit) that runs it for the organization; AWS advises against the"
        " management account",
        "org.yaml:12: security_baseline.guardduty: GuardDuty needs security_baseline.delegated_administrator: the key of the"
        " member account (typically audit) that runs it for the organization; AWS advises against the management account",
    ]


def test_the_delegated_administrator_is_an_account_orgboot_manages(tmp_path):
    found = problems(tmp_path, security("delegated_administrator: auditor\naccess_analyzer: {}"))
    assert found[0] == (
        "org.yaml:11: security_baseline.delegated_administrator: account 'auditor' is not declared (did you mean 'audit'?);"
        " give the key of an entry of accounts"
    )


def test_a_service_needs_regions(tmp_path):
    assert problems(tmp_path, security("delegated_administrator: audit\nsecurity_hub: {}", guardrails="")) == [
        "org.yaml:10: security_baseline.security_hub: Security Hub runs in the regions of security_baseline.regions, and"
        " there are none: list them there, or give a region-deny guardrail, whose allowed_regions they default to"
    ]


def test_security_hub_home_region_is_one_of_the_regions(tmp_path):
    text = security("delegated_administrator: audit\nregions: [eu-west-1, us-east-1]\nsecurity_hub: {home_region: eu-central-1}")
    assert problems(tmp_path, text) == [
        "org.yaml:13: security_baseline.security_hub.home_region: home region eu-central-1 is not one of the regions Security"
        " Hub runs in (eu-west-1, us-east-1): give one of them, or add it to security_baseline.regions"
    ]


def test_the_delegated_administrator_may_work_in_every_region(tmp_path):
    text = BASE + (
        "  audit: {name: Audit, email: audit@example.com, ou: Workloads/Prod}\n"
        "guardrails:\n  protect-orgboot-roles: {targets: [Root]}\n  region-deny: {allowed_regions: [eu-west-1], targets: [Workloads]}\n"
        "security_baseline:\n  delegated_administrator: audit\n  regions: [eu-west-1, eu-central-1]\n  access_analyzer: {}\n"
    )
    assert problems(tmp_path, text) == [
        "org.yaml:13: security_baseline.regions: the delegated administrator 'audit' is under guardrail region-deny, which"
        " denies eu-central-1: its security services could not deploy there. Add eu-central-1 to that guardrail's"
        " allowed_regions, or drop it from security_baseline.regions"
    ]


def test_a_standard_aws_does_not_have_is_refused(tmp_path):
    text = security("delegated_administrator: audit\nsecurity_hub: {standards: [cis-aws-foundations-benchmark/v/9.9.9]}")
    assert problems(tmp_path, text) == [
        "org.yaml:12: security_baseline.security_hub.standards.0: 'cis-aws-foundations-benchmark/v/9.9.9' is not allowed (did"
        " you mean 'cis-aws-foundations-benchmark/v/5.0.0'?); expected one of 'cis-aws-foundations-benchmark/v/5.0.0' or"
        " 'aws-foundational-security-best-practices/v/1.0.0'"
    ]


ON = security("delegated_administrator: audit\naccess_analyzer: {}")
SHOP_AUDIT = "  shop-audit: {name: Shop Audit, email: shop-audit@example.com, ou: Security}\n"


@pytest.mark.parametrize(
    ("head", "change"),
    [
        (BASE + AUDIT + REGION_DENY, "removed"),
        (
            security("delegated_administrator: shop-audit\naccess_analyzer: {}").replace(AUDIT, AUDIT + SHOP_AUDIT),
            "changed to 'shop-audit'",
        ),
    ],
)
def test_the_administrator_changes_only_once_its_services_are_off(tmp_path, head, change):
    found = change_problems(tmp_path, ON, head)
    assert [problem.split(": ", 2)[1:] for problem in found] == [
        [
            "security_baseline.delegated_administrator",
            f"the delegated administrator 'audit' is {change} while it runs IAM Access Analyzer: first turn them off (remove"
            " them from security_baseline, keeping delegated_administrator: 'audit') and deploy, then change it",
        ]
    ]


def test_services_turned_off_first_then_the_administrator_goes(tmp_path):
    off = security("delegated_administrator: audit")
    assert change_problems(tmp_path / "first", ON, off) == []
    assert change_problems(tmp_path / "then", off, BASE + AUDIT + REGION_DENY) == []


def test_security_hub_needs_a_region_to_link(tmp_path):
    assert problems(tmp_path, security("delegated_administrator: audit\nregions: [eu-west-1]\nsecurity_hub: {}")) == [
        "org.yaml:13: security_baseline.security_hub: Security Hub's central configuration links other regions to its home"
        " region, and eu-west-1 is the only one: CloudFormation's finding aggregator cannot link none. Add a region to"
        " security_baseline.regions"
    ]
