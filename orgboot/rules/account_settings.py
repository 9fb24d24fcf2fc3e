"""The account settings of security_baseline (orgboot/spec/account_settings.py) and what they need
of the rest of it: regions to set a regional setting in, and for AWS Config an account that
administers its aggregator."""

from collections.abc import Iterator
from typing import cast

from orgboot.policy.guardrails.region_deny import RegionDeny
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.account_settings import settings_regions

_REGIONS = "give security_baseline.regions, or a region-deny guardrail whose allowed_regions they default to"


def account_settings_have_what_they_need(spec: OrgSpec) -> Iterator[Problem]:
    baseline = spec.security_baseline
    if baseline.ebs_encryption and not spec.security_regions:
        yield Problem(
            ("security_baseline", "ebs_encryption"),
            f"EBS encryption by default is a setting of each region, and there is no region to set it in: {_REGIONS}",
        )
    if baseline.config is None:
        return
    if not spec.security_regions:
        yield Problem(
            ("security_baseline", "config"), f"AWS Config records in each region, and there is no region to record in: {_REGIONS}"
        )
    if baseline.delegated_administrator is None:
        yield Problem(
            ("security_baseline", "config"),
            "AWS Config's aggregator lives in the delegated administrator, and there is none: give"
            " security_baseline.delegated_administrator (an account key, typically audit)",
        )


def account_settings_allowed_in_regions(spec: OrgSpec) -> Iterator[Problem]:
    """The settings deploy into every member account in each of their regions, and Config's bucket
    into its account and region, by StackSet; a
    region-deny guardrail denies the StackSets execution role the regions it does not allow (but
    the member roles' rollout region: orgboot/policy/guardrails/region_deny.py), and the stack
    instances of the accounts under it would fail there."""
    config = spec.security_baseline.config
    bucket_region = config.bucket_region if config is not None and config.bucket_region else None
    regions = tuple(dict.fromkeys([*settings_regions(spec.security_baseline, spec.security_regions), *filter(None, [bucket_region])]))
    for name, use in spec.guardrails.items():
        if use.guardrail != "region-deny":
            continue
        allowed = set(cast(RegionDeny, use).allowed_regions) | {spec.member_roles.rollout.region}
        if denied := [region for region in regions if region not in allowed]:
            yield Problem(
                ("security_baseline", "regions"),
                f"guardrail {name} denies {', '.join(denied)} to the accounts under {', '.join(use.targets)}, where the account"
                f" settings (S3 Block Public Access, EBS encryption, Config) deploy too: add {', '.join(denied)} to its"
                " allowed_regions, or leave them out of security_baseline.regions",
            )


def settings_leave_a_region_before_its_guardrail(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A change rule. A region the settings leave has its stack instances deleted by the StackSet,
    after OrganizationStack has updated the guardrails (stacks deploy one after the other): where a
    region-deny of the new spec denies that region, the execution role may no longer delete them
    there, and the StackSet update fails (in AWS as in the emulator). Two deploys do it: the settings
    leave the region first, the guardrail denies it next."""
    left = set(settings_regions(base.security_baseline, base.security_regions)) - set(
        settings_regions(head.security_baseline, head.security_regions)
    )
    for name, use in head.guardrails.items():
        if use.guardrail != "region-deny":
            continue
        allowed = set(cast(RegionDeny, use).allowed_regions) | {head.member_roles.rollout.region}
        if denied := sorted(left - allowed):
            yield Problem(
                ("guardrails", name),
                f"{', '.join(denied)} leaves the account settings' regions and guardrail {name}'s allowed regions at once: the"
                " settings' StackSet could no longer delete its stack instances there once the guardrail denies it. Deploy"
                f" first with {', '.join(denied)} out of security_baseline.regions (and still allowed), then deny it",
            )
