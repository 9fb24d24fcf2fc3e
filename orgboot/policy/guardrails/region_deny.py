"""Requests naming a region outside the allowed ones are denied, except for the global services,
which answer from us-east-1 (the exemptions are data: orgboot/aws/global_services.py).

Written from AWS Control Tower's Region deny control (GRREGIONDENY) and the Organizations example
"Deny access to AWS based on the requested AWS Region", which also exempts administrator roles.

Exempt: the StackSets execution roles, in the StackSets' region only, and only when that region
is not allowed anyway (a StackSet whose rollout region were denied would fail in every account of
the OU; member_roles.rollout.region is that region). Then the region is allowed to them alone, by
a second statement. The access role is not exempt: break-glass works in the allowed regions and
the global services like everyone else; work in another region is a reviewed change of
allowed_regions, or `exempt_roles`.
"""

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from orgboot.aws.global_services import REGION_DENY_EXEMPT_ACTIONS
from orgboot.aws.regions import known_region
from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, unless_principal

OUTSIDE_ALLOWED, STACKSETS_REGION = "DenyOutsideAllowedRegions", "DenyStackSetsRegionToOthers"


class RegionDeny(Exemptable):
    allowed_regions: tuple[Annotated[str, AfterValidator(known_region)], ...] = Field(min_length=1)


def _region_deny(sid: str, regions: dict[str, dict[str, Any]], exempt: tuple[str, ...]) -> Statement:
    return {
        "Sid": sid,
        "Effect": "Deny",
        "NotAction": list(REGION_DENY_EXEMPT_ACTIONS),
        "Resource": "*",
        "Condition": {**regions, **(unless_principal(exempt) if exempt else {})},
    }


def _statements(parameters: RegionDeny, roles: OrgbootRoles) -> list[Statement]:
    allowed = sorted(set(parameters.allowed_regions))
    if roles.stacksets_region in allowed:
        return [_region_deny(OUTSIDE_ALLOWED, {"StringNotEquals": {"aws:RequestedRegion": allowed}}, parameters.exempt_principals)]
    return [
        _region_deny(
            OUTSIDE_ALLOWED,
            {"StringNotEquals": {"aws:RequestedRegion": sorted({*allowed, roles.stacksets_region})}},
            parameters.exempt_principals,
        ),
        _region_deny(
            STACKSETS_REGION,
            {"StringEquals": {"aws:RequestedRegion": roles.stacksets_region}},
            (*roles.stacksets_execution, *parameters.exempt_principals),
        ),
    ]


GUARDRAIL = Guardrail(
    "region-deny",
    "SERVICE_CONTROL_POLICY",
    "work happens only in the allowed regions; global services keep working",
    "https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html",
    _statements,
    RegionDeny,
    (OUTSIDE_ALLOWED, STACKSETS_REGION),
)
