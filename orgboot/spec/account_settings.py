"""Settings orgboot keeps on in every account of the organization, the management account included,
in every region of security_baseline.regions (docs/security-baseline.md, "Per-account settings in
every region"): S3 account-level Block Public Access (CIS AWS Foundations 5.0, 2.1.4), EBS
encryption by default (5.1.1; 2.2.1 before CIS 4.0) and AWS Config recording (3.3)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from orgboot.aws.regions import HOME_REGION
from orgboot.spec.fields import Model, Region
from orgboot.spec.references import AccountRef

if TYPE_CHECKING:
    from orgboot.spec.security import SecurityBaseline

# AWS Config keeps configuration history for 7 years unless told otherwise, and a retention
# configuration takes 30 to 2557 days (AWS Config Developer Guide, "Deleting AWS Config Data").
CONFIG_RETENTION_DAYS_MIN, CONFIG_RETENTION_DAYS_MAX = 30, 2557


class ConfigRecording(Model):
    """AWS Config records every supported resource in every account and region, global ones (IAM)
    in one region only, and delivers to one bucket; an aggregator in the delegated administrator
    shows the whole organization."""

    bucket_account: AccountRef | None = Field(
        None,
        description="The account key (typically log-archive) whose bucket receives every account's configuration history"
        " and snapshots; when omitted, the delegated administrator",
    )
    bucket_region: Region | None = Field(
        None,
        description="Where that bucket is; when omitted, the region that records global resources (us-east-1 when it is one"
        " of the regions, else the first)",
    )
    retention_days: int | None = Field(
        None,
        ge=CONFIG_RETENTION_DAYS_MIN,
        le=CONFIG_RETENTION_DAYS_MAX,
        description="Days the bucket keeps what Config delivers before it expires; when omitted, kept for good",
    )
    recording: bool = Field(
        True,
        description="False stops recording everywhere (the recorders are deleted); the bucket, with the configuration"
        " history, and the aggregator stay, for recording to start again",
    )


# The fields of SecurityBaseline (orgboot/spec/security.py) this module stands behind.
S3_BLOCK_PUBLIC_ACCESS = Field(
    False,
    description="CIS 2.1.4: S3 Block Public Access on for the whole account (all four settings), in every account. Turned"
    " off here, orgboot stops setting it and leaves it as it is",
)
EBS_ENCRYPTION = Field(
    False,
    description="CIS 5.1.1: new EBS volumes encrypted by default, in every account and region. Turned off here, orgboot stops"
    " setting it and leaves it as it is",
)
CONFIG = Field(
    None,
    description="CIS 3.3: AWS Config recording in every account and region, an aggregator in the delegated administrator"
    " (`config: {}` turns it on with the defaults). Removed, the recorders and the aggregator are deleted and the bucket"
    " is kept, outside orgboot: to stop recording for a while, set recording: false instead",
)


def turned_on(baseline: "SecurityBaseline") -> bool:
    return baseline.s3_block_public_access or baseline.ebs_encryption or baseline.config is not None


def records(baseline: "SecurityBaseline") -> bool:
    """Whether AWS Config records in every account and region."""
    return baseline.config is not None and baseline.config.recording


def global_region(regions: Sequence[str]) -> str:
    """The one region where account-wide settings are made and AWS Config records global resources:
    us-east-1 when it is one of `regions` (or there are none), else the first. Recording IAM's
    resources in one region avoids identical configuration items in each ("To prevent duplicate
    configuration items, you should consider customizing AWS Config in only one region to record
    global resources"; global types onboarded after February 2022 "will only be recorded in the
    service's home region": AWS Config API Reference, RecordingGroup)."""
    return HOME_REGION if not regions or HOME_REGION in regions else regions[0]


def settings_regions(baseline: "SecurityBaseline", regions: Sequence[str]) -> tuple[str, ...]:
    """Where the account settings are deployed: `regions` when a regional setting is on (EBS
    encryption, Config), only the global region for Block Public Access alone (an account-wide
    setting), none when nothing is on."""
    if baseline.ebs_encryption or records(baseline):
        return tuple(regions)
    return (global_region(regions),) if baseline.s3_block_public_access else ()
