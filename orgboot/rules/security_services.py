"""The security services of security_baseline (orgboot/spec/security_services.py): who runs them and where."""

from collections.abc import Iterator
from typing import cast

from orgboot.policy.guardrails.region_deny import RegionDeny
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.fields import covers
from orgboot.spec.security_services import SERVICES, security_hub_home

NAMES = {"guardduty": "GuardDuty", "security_hub": "Security Hub", "access_analyzer": "IAM Access Analyzer"}


def _services_on(spec: OrgSpec) -> list[str]:
    return [key for key in SERVICES if getattr(spec.security_baseline, key) is not None]


def services_have_an_administrator(spec: OrgSpec) -> Iterator[Problem]:
    """Each service runs in a delegated administrator, a member account: AWS advises against
    the management account (Organizations User Guide, "Best practices for the management
    account": use it only for tasks only it can do; Security Hub's central configuration refuses
    it outright, "Enabling central configuration in Security Hub")."""
    if spec.security_baseline.delegated_administrator is not None:
        return
    for key in _services_on(spec):
        yield Problem(
            ("security_baseline", key),
            f"{NAMES[key]} needs security_baseline.delegated_administrator: the key of the member account (typically audit)"
            " that runs it for the organization; AWS advises against the management account",
        )


def services_have_regions(spec: OrgSpec) -> Iterator[Problem]:
    if spec.security_regions:
        return
    for key in _services_on(spec):
        yield Problem(
            ("security_baseline", key),
            f"{NAMES[key]} runs in the regions of security_baseline.regions, and there are none: list them there, or give a"
            " region-deny guardrail, whose allowed_regions they default to",
        )


def security_hub_home_among_regions(spec: OrgSpec) -> Iterator[Problem]:
    """Central configuration manages every linked region from the home region, which aggregates
    their findings (Security Hub User Guide, "Central configuration and cross-Region aggregation").
    A home region without linked regions needs the aggregator's NO_REGIONS mode, which the API has
    but AWS::SecurityHub::FindingAggregator does not (its registry schema's RegionLinkingMode enum)."""
    security_hub, regions = spec.security_baseline.security_hub, spec.security_regions
    if security_hub is None or not regions:
        return
    if len(regions) == 1:
        yield Problem(
            ("security_baseline", "security_hub"),
            f"Security Hub's central configuration links other regions to its home region, and {regions[0]} is the only one:"
            " CloudFormation's finding aggregator cannot link none. Add a region to security_baseline.regions",
        )
    elif security_hub.home_region is not None and security_hub_home(security_hub, regions) not in regions:
        yield Problem(
            ("security_baseline", "security_hub", "home_region"),
            f"home region {security_hub.home_region} is not one of the regions Security Hub runs in ({', '.join(regions)}):"
            " give one of them, or add it to security_baseline.regions",
        )


def administrator_may_work_in_regions(spec: OrgSpec) -> Iterator[Problem]:
    """The services deploy into the delegated administrator by StackSet, in every region; a
    region-deny guardrail over its account denies its StackSets execution role the regions it does
    not allow (orgboot/policy/guardrails/region_deny.py exempts that role in the member roles'
    rollout region only), and the stack instances there would fail."""
    key = spec.security_baseline.delegated_administrator
    if key is None or key not in spec.accounts or not _services_on(spec):
        return
    ou = spec.accounts[key].ou
    for name, use in spec.guardrails.items():
        if use.guardrail != "region-deny" or not any(target == key or covers(target, ou) for target in use.targets):
            continue
        allowed = set(cast(RegionDeny, use).allowed_regions) | {spec.member_roles.rollout.region}
        if denied := [region for region in spec.security_regions if region not in allowed]:
            yield Problem(
                ("security_baseline", "regions"),
                f"the delegated administrator '{key}' is under guardrail {name}, which denies {', '.join(denied)}: its security"
                f" services could not deploy there. Add {', '.join(denied)} to that guardrail's allowed_regions, or drop"
                f" {'it' if len(denied) == 1 else 'them'} from security_baseline.regions",
            )


def administrator_kept_while_services_run(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A change of delegated administrator while the base runs services. Removed: SecurityServicesStack
    leaves the app, and `cdk deploy` deletes no stack the app no longer has, so its StackSets and
    registrations would stay. Replaced: the registration is a call made once (its update does
    nothing), and the services may have one administrator at a time: the StackSets would move to an
    account that is not registered, and AWS refuses its analyzers ("is not a delegated
    administrator"). Either way: turn the services off first, deploy, then change it."""
    before, after = base.security_baseline.delegated_administrator, head.security_baseline.delegated_administrator
    running = [NAMES[key] for key in _services_on(base)]
    if before is None or before == after or not running:
        return
    change = "removed" if after is None else f"changed to '{after}'"
    yield Problem(
        ("security_baseline", "delegated_administrator"),
        f"the delegated administrator '{before}' is {change} while it runs {', '.join(running)}: first turn them off"
        f" (remove them from security_baseline, keeping delegated_administrator: '{before}') and deploy, then change it",
    )
