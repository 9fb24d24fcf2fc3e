"""The account settings security_baseline keeps in every account, read through boto3 as a scanner
reads them (emulated, served or real AWS): S3 Block Public Access (GetPublicAccessBlock of S3
Control), EBS encryption by default (GetEbsEncryptionByDefault) and AWS Config recording, per
account and region, the organization aggregators, and the alternate contacts the management account
reads for each account (GetAlternateContact, with the member's AccountId)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orgboot.aws.account_management import CONTACT_TYPES
from orgboot.aws.regions import commercial_regions
from orgboot.state.organization import Organization


@dataclass(frozen=True)
class AccountSettings:
    block_public_access: bool  # all four settings on
    ebs_encrypted: tuple[str, ...]  # the regions
    recording: tuple[str, ...]  # the regions where a recorder records, with a delivery channel
    aggregators: tuple[str, ...]  # the regions of its organization aggregators
    contacts: tuple[str, ...] = ()  # the alternate contact types set (BILLING, OPERATIONS, SECURITY)


@dataclass(frozen=True)
class Settings:
    regions: tuple[str, ...]  # where the management account has a regional setting
    accounts: dict[str, AccountSettings]  # by account ID


def read_account_settings(organization: Organization, management: Any, assume: Callable[[str], Any]) -> Settings:
    """`management`: the management account's clients; `assume(account_id)`: a member account's.
    Regions are those where the management account encrypts EBS or records: every account is read
    there."""
    regions = tuple(region for region in sorted(commercial_regions()) if _regional(management, region))

    def clients(account_id: str) -> Any:
        return management if account_id == organization.management_account_id else assume(account_id)

    return Settings(
        regions,
        {
            account_id: _account(clients(account_id), account_id, regions, _contacts(management, account_id, organization))
            for account_id in organization.accounts()
        },
    )


def _contacts(management: Any, account_id: str, organization: Organization) -> tuple[str, ...]:
    """The contact types set, read centrally: the management account names a member by AccountId
    and itself without one (Account Management API Reference, GetAlternateContact)."""
    account = management.client("account")
    named = {} if account_id == organization.management_account_id else {"AccountId": account_id}
    found = []
    for kind in CONTACT_TYPES:
        try:
            account.get_alternate_contact(AlternateContactType=kind, **named)
        except account.exceptions.ResourceNotFoundException:
            continue
        found.append(kind)
    return tuple(found)


def _regional(aws: Any, region: str) -> bool:
    return bool(aws.client("ec2", region).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]) or bool(_recording(aws, region))


def _recording(aws: Any, region: str) -> bool:
    config = aws.client("config", region)
    recording = any(status["recording"] for status in config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"])
    return recording and bool(config.describe_delivery_channels()["DeliveryChannels"])


def _account(aws: Any, account_id: str, regions: tuple[str, ...], contacts: tuple[str, ...]) -> AccountSettings:
    s3control = aws.client("s3control")
    try:
        block = s3control.get_public_access_block(AccountId=account_id)["PublicAccessBlockConfiguration"]
    except s3control.exceptions.NoSuchPublicAccessBlockConfiguration:
        block = {}
    return AccountSettings(
        block_public_access=bool(block) and all(block.values()),
        ebs_encrypted=tuple(r for r in regions if aws.client("ec2", r).get_ebs_encryption_by_default()["EbsEncryptionByDefault"]),
        recording=tuple(r for r in regions if _recording(aws, r)),
        aggregators=tuple(
            r
            for r in regions
            if any(
                "OrganizationAggregationSource" in aggregator
                for aggregator in aws.client("config", r).describe_configuration_aggregators()["ConfigurationAggregators"]
            )
        ),
        contacts=contacts,
    )
