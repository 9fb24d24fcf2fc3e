"""The security services of security_baseline that a delegated administrator runs for the whole
organization (docs/security-baseline.md, "Security services with a delegated administrator"):
GuardDuty, Security Hub and IAM Access Analyzer. Each is off unless given; `{}` turns one on with
its defaults. They run in the delegated administrator, in every region of security_baseline.regions."""

from typing import TYPE_CHECKING, Annotated, Literal, cast

from pydantic import AfterValidator, Field

from orgboot.aws.security_services import CIS_5, FOUNDATIONAL
from orgboot.spec.fields import Model, Region, check_listed_once

if TYPE_CHECKING:
    from orgboot.spec.security import SecurityBaseline

# The standards of orgboot/aws/security_services.py STANDARDS (tests/spec/test_security_services_spec.py keeps them equal).
Standard = Literal["cis-aws-foundations-benchmark/v/5.0.0", "aws-foundational-security-best-practices/v/1.0.0"]


class GuardDuty(Model):
    """GuardDuty in every account, the management account included, and every region: the
    delegated administrator turns it on for every account that is or joins the organization."""


class SecurityHub(Model):
    """Security Hub with central configuration: one configuration policy, managed from the home
    region by the delegated administrator, enables Security Hub and the standards in every account
    and region."""

    standards: Annotated[tuple[Standard, ...], AfterValidator(check_listed_once)] = Field(
        cast(tuple[Standard, ...], (CIS_5, FOUNDATIONAL)),
        min_length=1,
        description="The standards every account runs, by the name their ARN ends with",
    )
    home_region: Region | None = Field(
        None,
        description="Where findings of every region aggregate and the configuration policy lives; one of the regions. When"
        " omitted, us-east-1 when it is one of them, else the first",
    )


class AccessAnalyzer(Model):
    """An IAM Access Analyzer with the organization as its zone of trust, in the delegated
    administrator, in every region: it finds what is shared outside the organization (CIS 1.19)."""


# security_baseline's fields (orgboot/spec/security.py), each off unless given.
GUARDDUTY = Field(None, description="GuardDuty for every account and region, administered by the delegated administrator (`guardduty: {}`)")
SECURITY_HUB = Field(
    None,
    description="CIS 5.0 4.16: Security Hub with central configuration and its standards in every account and region"
    " (`security_hub: {}`: CIS 5.0 and AWS Foundational Security Best Practices)",
)
ACCESS_ANALYZER = Field(
    None, description="CIS 1.19: an IAM Access Analyzer for the whole organization in every region (`access_analyzer: {}`)"
)
SERVICES = ("guardduty", "security_hub", "access_analyzer")  # the fields, in the order of the section


def security_hub_home(security_hub: SecurityHub, regions: tuple[str, ...]) -> str:
    """Security Hub's home region: as given, or us-east-1 when it is one of `regions`, else the first."""
    if security_hub.home_region is not None:
        return security_hub.home_region
    return "us-east-1" if "us-east-1" in regions else regions[0]


def run_by_stack_sets(baseline: "SecurityBaseline") -> bool:
    """Whether orgboot's StackSets run security services in member accounts: these services in the
    delegated administrator, AWS Config and S3 Block Public Access in every account
    (orgboot/spec/account_settings.py). protect-security-services then lets the StackSets' execution
    roles (and the account-settings function) turn them off, protect-s3-public-access-block lets
    the account-settings function set Block Public Access. While a
    delegated administrator is named, whether a service is on or not: the deploy that turns the
    last one off updates the guardrails (OrganizationStack) before its StackSet is deleted
    (SecurityServicesStack), and the delete needs the exemption still."""
    return baseline.delegated_administrator is not None or baseline.config is not None or baseline.s3_block_public_access
