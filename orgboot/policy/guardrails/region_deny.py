"""Requests naming a region outside the allowed ones are denied, except for the global services,
which answer from us-east-1 (the exemptions are data: orgboot/aws/global_services.py).

Written from AWS Control Tower's Region deny control (GRREGIONDENY) and the Organizations example
"Deny access to AWS based on the requested AWS Region", which also exempts administrator roles.
orgboot exempts the roles it deploys and reaches accounts through: a StackSet whose rollout region
were denied would fail in every account of the OU.
"""

from typing import Annotated

from pydantic import AfterValidator, Field

from orgboot.aws.global_services import REGION_DENY_EXEMPT_ACTIONS
from orgboot.aws.regions import commercial_regions
from orgboot.policy.guardrails.guardrail import Exemptable, Guardrail, OrgbootRoles, Statement, unless_principal
from orgboot.suggest import did_you_mean


def _known_region(region: str) -> str:
    if region not in commercial_regions():
        raise ValueError(f"'{region}' is not an AWS region{did_you_mean(region, commercial_regions())}")
    return region


class RegionDeny(Exemptable):
    allowed_regions: tuple[Annotated[str, AfterValidator(_known_region)], ...] = Field(min_length=1)


def _statements(parameters: RegionDeny, roles: OrgbootRoles) -> list[Statement]:
    return [
        {
            "Sid": "DenyOutsideAllowedRegions",
            "Effect": "Deny",
            "NotAction": list(REGION_DENY_EXEMPT_ACTIONS),
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": sorted(set(parameters.allowed_regions))},
                **unless_principal((*roles.deployers, *parameters.exempt_roles)),
            },
        }
    ]


GUARDRAIL = Guardrail(
    "region-deny",
    "SERVICE_CONTROL_POLICY",
    "work happens only in the allowed regions; global services keep working",
    "https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html",
    _statements,
    RegionDeny,
)
