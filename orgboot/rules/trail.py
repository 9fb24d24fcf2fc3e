"""The organization trail's log archive (management_baseline.organization_trail.log_archive)."""

from collections.abc import Iterator
from typing import cast

from orgboot.policy.guardrails.region_deny import RegionDeny
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers


def log_archive_region_allowed(spec: OrgSpec) -> Iterator[Problem]:
    """The log store deploys into the log archive account by StackSet, in log_archive.region; a
    region-deny guardrail over that account denies its StackSets execution role every region it
    does not allow (orgboot/policy/guardrails/region_deny.py exempts that role in the member roles'
    rollout region only), and the stack instance, then the trail waiting for it, would fail."""
    trail = spec.management_baseline.organization_trail
    if trail is None or trail.log_archive is None or trail.log_archive.account not in spec.accounts:
        return
    key, region = trail.log_archive.account, trail.log_archive.region
    ou = spec.accounts[key].ou
    for name, use in spec.guardrails.items():
        if use.guardrail != "region-deny" or not any(target == key or covers(target, ou) for target in use.targets):
            continue
        if region not in {*cast(RegionDeny, use).allowed_regions, spec.member_roles.rollout.region}:
            yield Problem(
                ("management_baseline", "organization_trail", "log_archive", "region"),
                f"the log archive account '{key}' is under guardrail {name}, which denies {region}: the trail's bucket and key"
                f" could not be deployed there. Give one of its allowed_regions, or add {region} to them",
            )
