"""What the security services hold, read through boto3 as a scanner reads them (emulated, served or
real AWS): the delegated administrator registered for each, and per account and region, its
organization analyzer, GuardDuty and its administrator, Security Hub and its standards."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orgboot.aws.regions import commercial_regions
from orgboot.aws.security_services import ACCESS_ANALYZER, GUARDDUTY, SECURITY_HUB
from orgboot.state.organization import Organization


@dataclass(frozen=True)
class AccountServices:
    analyzers: tuple[str, ...] = ()  # the regions of its active organization analyzers
    guardduty: dict[str, str] = field(default_factory=dict)  # region -> its administrator's account ID, or "" when on alone
    security_hub: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region -> its standards, by the name their ARN ends with


@dataclass(frozen=True)
class SecurityServices:
    administrators: dict[str, str]  # service principal -> the account Organizations registers for it
    regions: tuple[str, ...]  # where the administrator runs a service
    accounts: dict[str, AccountServices]  # by account ID


def read_security_services(organization: Organization, management: Any, assume: Callable[[str], Any]) -> SecurityServices:
    """`management`: the management account's clients; `assume(account_id)`: a member account's."""
    organizations = management.client("organizations")
    administrators = {}
    for principal in (ACCESS_ANALYZER, GUARDDUTY, SECURITY_HUB):
        if registered := organizations.list_delegated_administrators(ServicePrincipal=principal)["DelegatedAdministrators"]:
            administrators[principal] = registered[0]["Id"]
    if not administrators:
        return SecurityServices({}, (), {})

    def clients(account_id: str) -> Any:
        return management if account_id == organization.management_account_id else assume(account_id)

    first = next(iter(administrators.values()))
    regions = tuple(region for region in sorted(commercial_regions()) if _runs_here(clients(first), region))
    accounts = {account_id: _account(clients(account_id), regions) for account_id in organization.accounts()}
    return SecurityServices(administrators, regions, accounts)


def _runs_here(aws: Any, region: str) -> bool:
    """Whether the administrator runs a service in the region: an analyzer or a detector of its own,
    or Security Hub."""
    if aws.client("accessanalyzer", region).list_analyzers(type="ORGANIZATION")["analyzers"]:
        return True
    return bool(aws.client("guardduty", region).list_detectors()["DetectorIds"]) or _security_hub(aws, region) is not None


def _account(aws: Any, regions: tuple[str, ...]) -> AccountServices:
    analyzers, guardduty, security_hub = [], {}, {}
    for region in regions:
        found = aws.client("accessanalyzer", region).list_analyzers(type="ORGANIZATION")["analyzers"]
        if any(analyzer["status"] == "ACTIVE" for analyzer in found):
            analyzers.append(region)
        client = aws.client("guardduty", region)
        if detectors := client.list_detectors()["DetectorIds"]:
            administrator = client.get_administrator_account(DetectorId=detectors[0]).get("Administrator", {})
            guardduty[region] = administrator.get("AccountId", "")
        if (standards := _security_hub(aws, region)) is not None:
            security_hub[region] = standards
    return AccountServices(tuple(analyzers), guardduty, security_hub)


def _security_hub(aws: Any, region: str) -> tuple[str, ...] | None:
    """The standards Security Hub runs in the account and region; None when it is off there."""
    client = aws.client("securityhub", region)
    try:
        subscriptions = client.get_enabled_standards()["StandardsSubscriptions"]
    except client.exceptions.InvalidAccessException:  # "Account ... is not subscribed to AWS Security Hub"
        return None
    return tuple(subscription["StandardsArn"].split("/", 1)[1] for subscription in subscriptions)
