"""security_baseline in org.yaml: what CIS AWS Foundations asks of every account, which only the
organization's owner can set up for all of them (docs/security-baseline.md)."""

from typing import Annotated

from pydantic import AfterValidator, Field

from orgboot.spec import account_settings, security_services
from orgboot.spec.account_settings import ConfigRecording
from orgboot.spec.contacts import AlternateContacts
from orgboot.spec.fields import Model, Region, check_listed_once
from orgboot.spec.references import AccountRef
from orgboot.spec.security_services import AccessAnalyzer, GuardDuty, SecurityHub


class SecurityBaseline(Model):
    """Security settings for every account of the organization."""

    alternate_contacts: AlternateContacts | None = Field(
        None,
        description="CIS 1.2: billing, operations and security contacts for every account, overridden per OU and account",
    )
    delegated_administrator: AccountRef | None = Field(
        None,
        description="The account key (typically audit) that administers the organization's security services for everyone",
    )
    regions: Annotated[tuple[Region, ...], AfterValidator(check_listed_once)] | None = Field(
        None,
        min_length=1,
        description="Where the regional security services run in every account; when omitted, the allowed regions of the"
        " region-deny guardrail",
    )
    s3_block_public_access: bool = account_settings.S3_BLOCK_PUBLIC_ACCESS
    ebs_encryption: bool = account_settings.EBS_ENCRYPTION
    config: ConfigRecording | None = account_settings.CONFIG
    guardduty: GuardDuty | None = security_services.GUARDDUTY
    security_hub: SecurityHub | None = security_services.SECURITY_HUB
    access_analyzer: AccessAnalyzer | None = security_services.ACCESS_ANALYZER
