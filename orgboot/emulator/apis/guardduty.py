"""Amazon GuardDuty with AWS Organizations, which moto 5.2 keeps only in part (detectors, and an
administrator list it never checks): detectors per account and region, the delegated administrator
per region, its organization configuration and its members, as the GuardDuty API Reference and
User Guide describe them.

- EnableOrganizationAdminAccount: the management account only ("Only the organization's management
  account can run this API operation"), one region at a time; it "enables GuardDuty as a trusted
  service in AWS Organizations" and "enables GuardDuty for the delegated GuardDuty administrator
  account" ("Permissions required to designate a delegated GuardDuty administrator account"): a
  detector in that account and region, which AWS's own solutions wait for (aws-security-reference-
  architecture-examples, guardduty_org: check_for_detectors).
- UpdateOrganizationConfiguration, from the delegated administrator: AutoEnableOrganizationMembers
  ALL enables GuardDuty in "all accounts in the organization", new ones included; NEW in accounts
  that join from then on; NONE leaves existing members as they are (API Reference). Auto-enable
  does not reach the management account: "Before the management account gets added as a GuardDuty
  member, it must have GuardDuty enabled" ("Adding members to the organization"), and then
  CreateMembers adds it. AWS takes up to 24 hours; the emulator settles at once and after each
  stack deploy (settle).
- DisableOrganizationAdminAccount: members are disassociated and keep their detectors; the
  registration in Organizations stays (AWS's solution deregisters it itself after disabling each
  region: aws-security-reference-architecture-examples, guardduty_org, process_delete_event).
- A member of an administrator cannot delete its detector (members of an organization cannot turn
  GuardDuty off: "Managing GuardDuty accounts with AWS Organizations").
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orgboot.aws.security_services import GUARDDUTY
from orgboot.emulator.apis.api import Api, Call, Organization
from orgboot.emulator.apis.rest_json import ApiError
from orgboot.emulator.aws import AwsAccount

Place = tuple[str, str]  # (account, region)


@dataclass
class Detector:
    id: str
    created_at: datetime
    finding_publishing_frequency: str = "SIX_HOURS"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class Membership:
    administrator: str
    email: str
    invited_at: datetime


@dataclass
class OrganizationConfiguration:
    auto_enable: str  # AutoEnableOrganizationMembers: ALL, NEW or NONE
    accounts_then: frozenset[str]  # the organization's accounts when it was set: NEW reaches the others


def _bad_request(message: str) -> ApiError:
    return ApiError("BadRequestException", message)


class GuardDuty(Api):
    service_name = "guardduty"

    def __init__(self) -> None:
        super().__init__()
        self.detectors: dict[Place, Detector] = {}
        self.administrators: dict[Place, str] = {}  # (management account, region) -> delegated administrator
        self.configurations: dict[Place, OrganizationConfiguration] = {}  # (administrator, region) ->
        self.members: dict[Place, Membership] = {}  # (member, region) ->
        self._created = 0

    # Detectors

    def create_detector(self, call: Call) -> dict[str, Any]:
        if (call.account_id, call.region) in self.detectors:
            raise _bad_request("The request is rejected because a detector already exists for the current account.")
        detector = self._new_detector(call.account_id, call.region)
        detector.finding_publishing_frequency = call.params.get("FindingPublishingFrequency", "SIX_HOURS")
        detector.tags = dict(call.params.get("Tags", {}))
        return {"DetectorId": detector.id}

    def list_detectors(self, call: Call) -> dict[str, Any]:
        detector = self.detectors.get((call.account_id, call.region))
        return {"DetectorIds": [detector.id] if detector else []}

    def get_detector(self, call: Call) -> dict[str, Any]:
        detector = self._detector(call)
        return {
            "CreatedAt": detector.created_at.isoformat(),
            "UpdatedAt": detector.created_at.isoformat(),
            "FindingPublishingFrequency": detector.finding_publishing_frequency,
            "ServiceRole": f"arn:aws:iam::{call.account_id}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
            "Status": "ENABLED",
            "Tags": detector.tags,
        }

    def update_detector(self, call: Call) -> dict[str, Any]:
        detector = self._detector(call)
        detector.finding_publishing_frequency = call.params.get("FindingPublishingFrequency", detector.finding_publishing_frequency)
        return {}

    def delete_detector(self, call: Call) -> dict[str, Any]:
        self._detector(call)
        place = (call.account_id, call.region)
        if place in self.members:
            raise _bad_request(
                f"The request is rejected because the account is a member of the GuardDuty administrator"
                f" {self.members[place].administrator}: only the administrator can disassociate it."
            )
        if any(administrator == call.account_id and region == call.region for (_, region), administrator in self.administrators.items()):
            raise _bad_request("The request is rejected because the account is the delegated administrator in this Region.")
        del self.detectors[place]
        return {}

    # The organization: its delegated administrator (the management account calls)

    def enable_organization_admin_account(self, call: Call) -> dict[str, Any]:
        organization = self._from_management(call)
        admin = call.params["AdminAccountId"]
        if admin not in organization.active_accounts():
            raise _bad_request(f"The request is rejected because the account {admin} is not a member of the organization.")
        registered = organization.delegated_administrators(GUARDDUTY)
        if registered and registered != [admin]:
            raise _bad_request(
                f"The request is rejected because {registered[0]} is the delegated administrator of GuardDuty in the organization."
            )
        current = self.administrators.get((call.account_id, call.region))
        if current is not None and current != admin:
            raise _bad_request(f"The request is rejected because {current} is the delegated administrator in this Region.")
        # Trusted access and the registration in Organizations, as GuardDuty makes them for the caller.
        organizations = AwsAccount(call.account_id, call.region).client("organizations")
        organizations.enable_aws_service_access(ServicePrincipal=GUARDDUTY)
        if not registered:
            organizations.register_delegated_administrator(AccountId=admin, ServicePrincipal=GUARDDUTY)
        self.administrators[(call.account_id, call.region)] = admin
        if (admin, call.region) not in self.detectors:
            self._new_detector(admin, call.region)
        return {}

    def disable_organization_admin_account(self, call: Call) -> dict[str, Any]:
        self._from_management(call)
        admin = call.params["AdminAccountId"]
        if self.administrators.get((call.account_id, call.region)) != admin:
            raise _bad_request(f"The request is rejected because {admin} is not the delegated administrator in this Region.")
        del self.administrators[(call.account_id, call.region)]
        self.configurations.pop((admin, call.region), None)
        for place in [p for p, m in self.members.items() if m.administrator == admin and p[1] == call.region]:
            del self.members[place]  # disassociated; the detector stays
        return {}

    def list_organization_admin_accounts(self, call: Call) -> dict[str, Any]:
        self._from_management(call)
        admin = self.administrators.get((call.account_id, call.region))
        return {"AdminAccounts": [{"AdminAccountId": admin, "AdminStatus": "ENABLED"}] if admin else []}

    # The organization: its configuration and members (the delegated administrator calls)

    def update_organization_configuration(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        params = call.params
        if ("AutoEnable" in params) == ("AutoEnableOrganizationMembers" in params):
            raise _bad_request("You must provide a value for either autoEnableOrganizationMembers or autoEnable, but not both.")
        auto_enable = params.get("AutoEnableOrganizationMembers") or ("NEW" if params["AutoEnable"] else "NONE")
        accounts = frozenset(call.organization.active_accounts())
        self.configurations[(call.account_id, call.region)] = OrganizationConfiguration(auto_enable, accounts)
        self.settle()
        return {}

    def describe_organization_configuration(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        configuration = self.configurations.get((call.account_id, call.region), OrganizationConfiguration("NONE", frozenset()))
        return {
            "AutoEnable": configuration.auto_enable != "NONE",
            "AutoEnableOrganizationMembers": configuration.auto_enable,
            "MemberAccountLimitReached": False,
        }

    def create_members(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        organization = call.organization
        accounts = organization.active_accounts()
        unprocessed = []
        for detail in call.params["AccountDetails"]:
            account = detail["AccountId"]
            if account not in accounts or account == call.account_id:
                unprocessed.append({"AccountId": account, "Result": "The account is not a member of the organization."})
            elif account == organization.management_account_id and (account, call.region) not in self.detectors:
                # "Before the management account gets added as a GuardDuty member, it must have GuardDuty enabled."
                unprocessed.append({"AccountId": account, "Result": "GuardDuty is not enabled in the management account."})
            else:
                self._associate(account, call.region, call.account_id, detail.get("Email") or accounts[account])
        return {"UnprocessedAccounts": unprocessed}

    def list_members(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        return {"Members": [self._member(place, m) for place, m in self._members_of(call.account_id, call.region).items()]}

    def get_members(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        members = {place[0]: (place, m) for place, m in self._members_of(call.account_id, call.region).items()}
        wanted = call.params["AccountIds"]
        return {
            "Members": [self._member(*members[a]) for a in wanted if a in members],
            "UnprocessedAccounts": [{"AccountId": a, "Result": "The account is not a member."} for a in wanted if a not in members],
        }

    def get_administrator_account(self, call: Call) -> dict[str, Any]:
        self._detector(call)
        membership = self.members.get((call.account_id, call.region))
        if membership is None:
            return {}
        return {
            "Administrator": {
                "AccountId": membership.administrator,
                "InvitationId": f"organization-{membership.administrator}",
                "RelationshipStatus": "Enabled",
                "InvitedAt": membership.invited_at.isoformat(),
            }
        }

    def settle(self) -> None:
        """Auto-enable at work: every account the organization configuration reaches is a member
        with a detector (AWS takes up to 24 hours; the emulator is done now)."""
        for (admin, region), configuration in list(self.configurations.items()):
            if configuration.auto_enable == "NONE":
                continue
            organization = Organization(AwsAccount(admin, region))
            for account, email in organization.active_accounts().items():
                if account in (admin, organization.management_account_id) or (account, region) in self.members:
                    continue
                if configuration.auto_enable == "ALL" or account not in configuration.accounts_then:
                    if (account, region) not in self.detectors:
                        self._new_detector(account, region)
                    self._associate(account, region, admin, email)

    def _associate(self, account: str, region: str, admin: str, email: str) -> None:
        if (account, region) not in self.detectors:
            self._new_detector(account, region)  # "using CreateMembers will enable GuardDuty in the added member accounts"
        self.members[(account, region)] = Membership(admin, email, datetime.now(UTC))

    def _members_of(self, admin: str, region: str) -> dict[Place, Membership]:
        return {place: m for place, m in self.members.items() if m.administrator == admin and place[1] == region}

    def _member(self, place: Place, membership: Membership) -> dict[str, Any]:
        return {
            "AccountId": place[0],
            "DetectorId": self.detectors[place].id,
            "MasterId": membership.administrator,
            "AdministratorId": membership.administrator,
            "Email": membership.email,
            "RelationshipStatus": "Enabled",
            "InvitedAt": membership.invited_at.isoformat(),
            "UpdatedAt": membership.invited_at.isoformat(),
        }

    def _new_detector(self, account: str, region: str) -> Detector:
        self._created += 1
        detector_id = hashlib.sha256(f"{account}/{region}/{self._created}".encode()).hexdigest()[:32]
        self.detectors[(account, region)] = detector = Detector(detector_id, datetime.now(UTC))
        return detector

    def _detector(self, call: Call) -> Detector:
        detector = self.detectors.get((call.account_id, call.region))
        if detector is None or detector.id != call.params.get("DetectorId"):
            raise _bad_request("The request is rejected because the input detectorId is not owned by the current account.")
        return detector

    @staticmethod
    def _from_management(call: Call) -> Organization:
        organization = call.organization
        if call.account_id != organization.management_account_id:
            raise _bad_request("The request is rejected because only the organization's management account can run this API operation.")
        return organization

    def _as_administrator(self, call: Call) -> None:
        self._detector(call)
        management = call.organization.management_account_id
        if self.administrators.get((management, call.region)) != call.account_id:
            raise _bad_request(
                "The request is rejected because the current account is not the delegated administrator of the organization."
            )
