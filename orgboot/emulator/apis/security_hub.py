"""AWS Security Hub (CSPM) with AWS Organizations and central configuration, which moto 5.2 keeps
only in part (a hub, and an organization configuration shared by every region): hubs and their
standards per account and region, the delegated administrator, the finding aggregator, the
organization configuration, configuration policies and their associations, as the Security Hub API
Reference and User Guide describe them.

- EnableOrganizationAdminAccount: the management account only; it registers the administrator in
  Organizations and enables Security Hub in it, with the default standards (AWS's solution waits
  for them, then disables them: aws-security-reference-architecture-examples, securityhub_org).
- Central configuration ("Enabling central configuration in Security Hub", User Guide): only in the
  home Region, the finding aggregator's (AWS::SecurityHub::OrganizationConfiguration: "can opt-in to
  Central Configuration only in the aggregation region of FindingAggregator"); never with the
  management account as administrator ("The Organizations management account cannot be set as the
  delegated administrator account"); AutoEnable "is set to false and can't be changed"
  (UpdateOrganizationConfiguration). While it is on, the administrator cannot be removed through
  Security Hub, nor the aggregator deleted.
- A configuration policy associated with a target applies in the home Region and every linked
  Region to every account under it; a disassociated account keeps the configuration it had
  ("Member accounts retain the configuration that they had"). A centrally managed account cannot
  change its own standards or turn Security Hub off.
- Non-administrators calling organization APIs: "InvalidAccessException: Account <id> is not an
  administrator for this organization" (as reported in landing-zone-accelerator-on-aws#413).
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orgboot.aws.regions import PARTITION
from orgboot.aws.security_services import SECURITY_HUB
from orgboot.emulator.apis.api import Api, Call, Organization
from orgboot.emulator.apis.rest_json import ApiError
from orgboot.emulator.aws import AwsAccount

Place = tuple[str, str]  # (account, region)
DEFAULT_STANDARDS = ("aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.2.0")


@dataclass
class Hub:
    subscribed_at: datetime
    standards: list[str] = field(default_factory=list)  # standards ARNs, in the order enabled


@dataclass
class Aggregator:
    arn: str
    region: str  # the home Region
    mode: str
    regions: list[str]


@dataclass
class Policy:
    id: str
    arn: str
    name: str
    description: str
    document: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def _invalid_input(message: str) -> ApiError:
    return ApiError("InvalidInputException", message)


def _standard_arn(arn: str, region: str) -> str:
    """A standard's ARN in another region (arn:aws:securityhub:<region>::standards/<name>)."""
    parts = arn.split(":")
    return ":".join([*parts[:3], region, *parts[4:]]) if len(parts) > 4 and parts[3] else arn


class SecurityHub(Api):
    service_name = "securityhub"

    def __init__(self) -> None:
        super().__init__()
        self.hubs: dict[Place, Hub] = {}
        self.administrators: dict[Place, str] = {}  # (management account, region) -> administrator
        self.central: dict[str, str] = {}  # administrator -> its home Region, while central configuration is on
        self.aggregators: dict[str, Aggregator] = {}  # by administrator: one per account
        self.policies: dict[str, dict[str, Policy]] = {}  # administrator -> by ID
        self.associations: dict[str, dict[tuple[str, str], str]] = {}  # administrator -> (target type, ID) -> policy ID

    # An account's own hub

    def enable_security_hub(self, call: Call) -> dict[str, Any]:
        if (call.account_id, call.region) in self.hubs:
            raise ApiError("ResourceConflictException", "Account is already subscribed to Security Hub")
        defaults = DEFAULT_STANDARDS if call.params.get("EnableDefaultStandards", True) else ()
        self.hubs[(call.account_id, call.region)] = Hub(datetime.now(UTC), [self._arn(call.region, s) for s in defaults])
        return {}

    def describe_hub(self, call: Call) -> dict[str, Any]:
        hub = self._hub(call.account_id, call.region)
        arn = f"arn:{PARTITION}:securityhub:{call.region}:{call.account_id}:hub/default"
        return {
            "HubArn": arn,
            "SubscribedAt": hub.subscribed_at.isoformat(),
            "AutoEnableControls": True,
            "ControlFindingGenerator": "SECURITY_CONTROL",
        }

    def disable_security_hub(self, call: Call) -> dict[str, Any]:
        self._hub(call.account_id, call.region)
        self._refuse_if_centrally_managed(call)
        if any(admin == call.account_id for (_, region), admin in self.administrators.items() if region == call.region):
            raise _invalid_input("The delegated administrator cannot disable Security Hub while it administers the organization.")
        del self.hubs[(call.account_id, call.region)]
        return {}

    def get_enabled_standards(self, call: Call) -> dict[str, Any]:
        hub = self._hub(call.account_id, call.region)
        return {
            "StandardsSubscriptions": [
                {
                    "StandardsSubscriptionArn": f"arn:{PARTITION}:securityhub:{call.region}:{call.account_id}:subscription/"
                    + arn.rsplit(":", 1)[-1].split("/", 1)[1],
                    "StandardsArn": arn,
                    "StandardsInput": {},
                    "StandardsStatus": "READY",
                }
                for arn in hub.standards
            ]
        }

    def batch_enable_standards(self, call: Call) -> dict[str, Any]:
        hub = self._hub(call.account_id, call.region)
        self._refuse_if_centrally_managed(call)
        hub.standards += [r["StandardsArn"] for r in call.params["StandardsSubscriptionRequests"] if r["StandardsArn"] not in hub.standards]
        return self.get_enabled_standards(call)

    # The organization's administrator (the management account calls)

    def enable_organization_admin_account(self, call: Call) -> dict[str, Any]:
        organization = self._from_management(call)
        admin = call.params["AdminAccountId"]
        if admin not in organization.active_accounts():
            raise _invalid_input(f"The account {admin} is not a member of the organization.")
        current = self.administrators.get((call.account_id, call.region))
        if current not in (None, admin):
            raise _invalid_input(f"{current} is the delegated administrator: remove it first.")
        organizations = AwsAccount(call.account_id, call.region).client("organizations")
        organizations.enable_aws_service_access(ServicePrincipal=SECURITY_HUB)
        # The management account may administer Security Hub (not with central configuration), but
        # Organizations registers no management account as a delegated administrator.
        if admin != call.account_id and admin not in organization.delegated_administrators(SECURITY_HUB):
            organizations.register_delegated_administrator(AccountId=admin, ServicePrincipal=SECURITY_HUB)
        self.administrators[(call.account_id, call.region)] = admin
        if (admin, call.region) not in self.hubs:
            self.hubs[(admin, call.region)] = Hub(datetime.now(UTC), [self._arn(call.region, s) for s in DEFAULT_STANDARDS])
        return {"AdminAccountId": admin}

    def disable_organization_admin_account(self, call: Call) -> dict[str, Any]:
        self._from_management(call)
        admin = call.params["AdminAccountId"]
        if self.administrators.get((call.account_id, call.region)) != admin:
            raise _invalid_input(f"{admin} is not the delegated administrator in this Region.")
        if admin in self.central:
            raise _invalid_input(
                "The delegated administrator cannot be removed through Security Hub while it uses central configuration: stop"
                " central configuration first"
            )
        del self.administrators[(call.account_id, call.region)]
        if admin != call.account_id and not any(a == admin for a in self.administrators.values()):
            AwsAccount(call.account_id, call.region).client("organizations").deregister_delegated_administrator(
                AccountId=admin, ServicePrincipal=SECURITY_HUB
            )
        return {}

    def list_organization_admin_accounts(self, call: Call) -> dict[str, Any]:
        organization = self._from_management(call)
        admin = self._administrator(organization, call.region)
        return {"AdminAccounts": [{"AccountId": admin, "Status": "ENABLED"}] if admin else []}

    # The organization's configuration (the administrator calls)

    def update_organization_configuration(self, call: Call) -> dict[str, Any]:
        organization = self._as_administrator(call)
        wanted = call.params.get("OrganizationConfiguration", {}).get("ConfigurationType", "LOCAL")
        if wanted == "CENTRAL":
            aggregator = self.aggregators.get(call.account_id)
            if aggregator is None or aggregator.region != call.region:
                raise _invalid_input(
                    "Central configuration is enabled from the home Region: create a finding aggregator in this Region first"
                )
            if call.account_id == organization.management_account_id:
                raise _invalid_input("The organization's management account cannot use central configuration as delegated administrator.")
            if call.params.get("AutoEnable"):
                raise _invalid_input("With central configuration, AutoEnable is false: a configuration policy enables Security Hub.")
            self.central[call.account_id] = call.region
        elif self.central.get(call.account_id) == call.region:
            # Central configuration stopped: policies disassociated and deleted, accounts keep their settings.
            del self.central[call.account_id]
            self.associations.pop(call.account_id, None)
            self.policies.pop(call.account_id, None)
        return {}

    def describe_organization_configuration(self, call: Call) -> dict[str, Any]:
        self._as_administrator(call)
        central = call.account_id in self.central and call.region in self._linked(call.account_id)
        return {
            "AutoEnable": False,
            "MemberAccountLimitReached": False,
            "AutoEnableStandards": "NONE" if central else "DEFAULT",
            "OrganizationConfiguration": {"ConfigurationType": "CENTRAL" if central else "LOCAL", "Status": "ENABLED"},
        }

    def create_finding_aggregator(self, call: Call) -> dict[str, Any]:
        self._hub(call.account_id, call.region)
        if call.account_id in self.aggregators:
            raise _invalid_input("A finding aggregator exists already: an account has one.")
        arn = f"arn:{PARTITION}:securityhub:{call.region}:{call.account_id}:finding-aggregator/{uuid.uuid4()}"
        regions = list(call.params.get("Regions", []))
        self.aggregators[call.account_id] = Aggregator(arn, call.region, call.params["RegionLinkingMode"], regions)
        return self._aggregator_answer(self.aggregators[call.account_id])

    def get_finding_aggregator(self, call: Call) -> dict[str, Any]:
        return self._aggregator_answer(self._aggregator(call))

    def list_finding_aggregators(self, call: Call) -> dict[str, Any]:
        aggregator = self.aggregators.get(call.account_id)
        return {"FindingAggregators": [{"FindingAggregatorArn": aggregator.arn}] if aggregator else []}

    def update_finding_aggregator(self, call: Call) -> dict[str, Any]:
        aggregator = self._aggregator(call)
        aggregator.mode, aggregator.regions = call.params["RegionLinkingMode"], list(call.params.get("Regions", []))
        self.settle()
        return self._aggregator_answer(aggregator)

    def delete_finding_aggregator(self, call: Call) -> dict[str, Any]:
        self._aggregator(call)
        if call.account_id in self.central:
            raise _invalid_input("The finding aggregator cannot be deleted while central configuration uses its home Region.")
        del self.aggregators[call.account_id]
        return {}

    def create_configuration_policy(self, call: Call) -> dict[str, Any]:
        self._in_home_region(call)
        policies = self.policies.setdefault(call.account_id, {})
        if any(policy.name == call.params["Name"] for policy in policies.values()):
            raise ApiError("ResourceConflictException", f"A configuration policy named {call.params['Name']} exists already.")
        policy_id, now = str(uuid.uuid4()), datetime.now(UTC)
        arn = f"arn:{PARTITION}:securityhub:{call.region}:{call.account_id}:configuration-policy/{policy_id}"
        policies[policy_id] = Policy(
            policy_id, arn, call.params["Name"], call.params.get("Description", ""), call.params["ConfigurationPolicy"], now, now
        )
        return self._policy_answer(policies[policy_id])

    def get_configuration_policy(self, call: Call) -> dict[str, Any]:
        return self._policy_answer(self._policy(call, call.params["Identifier"]))

    def list_configuration_policies(self, call: Call) -> dict[str, Any]:
        self._in_home_region(call)
        return {
            "ConfigurationPolicySummaries": [
                {"Arn": p.arn, "Id": p.id, "Name": p.name, "Description": p.description, "UpdatedAt": p.updated_at, "ServiceEnabled": True}
                for p in self.policies.get(call.account_id, {}).values()
            ]
        }

    def update_configuration_policy(self, call: Call) -> dict[str, Any]:
        policy = self._policy(call, call.params["Identifier"])
        policy.name = call.params.get("Name", policy.name)
        policy.description = call.params.get("Description", policy.description)
        policy.document = call.params.get("ConfigurationPolicy", policy.document)
        policy.updated_at = datetime.now(UTC)
        self.settle()
        return self._policy_answer(policy)

    def delete_configuration_policy(self, call: Call) -> dict[str, Any]:
        policy = self._policy(call, call.params["Identifier"])
        if policy.id in self.associations.get(call.account_id, {}).values():
            raise ApiError("ResourceInUseException", "The configuration policy is associated with targets: disassociate it first.")
        del self.policies[call.account_id][policy.id]
        return {}

    def start_configuration_policy_association(self, call: Call) -> dict[str, Any]:
        policy = self._policy(call, call.params["ConfigurationPolicyIdentifier"])
        target = self._target(call)
        self.associations.setdefault(call.account_id, {})[target] = policy.id
        self.settle()
        return self._association_answer(target, policy.id)

    def start_configuration_policy_disassociation(self, call: Call) -> dict[str, Any]:
        self._in_home_region(call)
        target = self._target(call)
        associations = self.associations.get(call.account_id, {})
        if target not in associations:
            raise ApiError("ResourceNotFoundException", "The target has no configuration policy association.")
        del associations[target]  # the accounts keep the configuration they had
        return {}

    def get_configuration_policy_association(self, call: Call) -> dict[str, Any]:
        self._in_home_region(call)
        target = self._target(call)
        policy_id = self.associations.get(call.account_id, {}).get(target)
        if policy_id is None:
            raise ApiError("ResourceNotFoundException", "The target has no configuration policy association.")
        return self._association_answer(target, policy_id)

    def list_configuration_policy_associations(self, call: Call) -> dict[str, Any]:
        self._in_home_region(call)
        return {
            "ConfigurationPolicyAssociationSummaries": [
                self._association_answer(target, policy_id) for target, policy_id in self.associations.get(call.account_id, {}).items()
            ]
        }

    # Members, as their administrator and as themselves

    def list_members(self, call: Call) -> dict[str, Any]:
        organization = call.organization
        if self._administrator(organization, call.region) != call.account_id:
            return {"Members": []}
        accounts = organization.active_accounts()
        return {
            "Members": [
                {"AccountId": a, "Email": e, "AdministratorId": call.account_id, "MasterId": call.account_id, "MemberStatus": "Enabled"}
                for a, e in accounts.items()
                if a != call.account_id and (a, call.region) in self.hubs
            ]
        }

    def get_administrator_account(self, call: Call) -> dict[str, Any]:
        self._hub(call.account_id, call.region)
        admin = self._administrator(call.organization, call.region)
        if admin is None or admin == call.account_id:
            return {}
        return {"Administrator": {"AccountId": admin, "InvitationId": f"organization-{admin}", "MemberStatus": "Enabled"}}

    def settle(self) -> None:
        """Configuration policies at work: every account a policy's target reaches, in the home
        Region and each linked Region, runs Security Hub as the policy says."""
        for admin, home in self.central.items():
            organization = Organization(AwsAccount(admin, home))
            policies = self.policies.get(admin, {})
            for (kind, target), policy_id in self.associations.get(admin, {}).items():
                settings = policies[policy_id].document.get("SecurityHub", {})
                for account in self._accounts_of(organization, kind, target):
                    for region in self._linked(admin):
                        self._apply(account, region, settings)

    def _apply(self, account: str, region: str, settings: dict[str, Any]) -> None:
        if not settings.get("ServiceEnabled"):
            self.hubs.pop((account, region), None)
            return
        hub = self.hubs.setdefault((account, region), Hub(datetime.now(UTC)))
        hub.standards = [_standard_arn(arn, region) for arn in settings.get("EnabledStandardIdentifiers", [])]

    @staticmethod
    def _accounts_of(organization: Organization, kind: str, target: str) -> list[str]:
        if kind == "ACCOUNT":
            return [target] if target in organization.active_accounts() else []
        return organization.accounts_under(target)

    def _linked(self, admin: str) -> list[str]:
        aggregator = self.aggregators.get(admin)
        if aggregator is None:
            return []
        return [aggregator.region, *(r for r in aggregator.regions if aggregator.mode == "SPECIFIED_REGIONS" and r != aggregator.region)]

    def _refuse_if_centrally_managed(self, call: Call) -> None:
        for admin in self.central:
            if call.region in self._linked(admin) and call.account_id in self._managed_accounts(admin):
                raise ApiError("AccessDeniedException", "The account is centrally managed by its Security Hub delegated administrator.")

    def _managed_accounts(self, admin: str) -> set[str]:
        organization = Organization(AwsAccount(admin, self.central[admin]))
        return {a for (kind, target) in self.associations.get(admin, {}) for a in self._accounts_of(organization, kind, target)}

    def _administrator(self, organization: Organization, region: str) -> str | None:
        admin = self.administrators.get((organization.management_account_id, region))
        if admin is None:  # central configuration sets the home Region's administrator in every linked Region
            admin = next((a for a in self.central if region in self._linked(a)), None)
        return admin

    def _target(self, call: Call) -> tuple[str, str]:
        target = call.params["Target"]
        for key, kind in (("AccountId", "ACCOUNT"), ("OrganizationalUnitId", "ORGANIZATIONAL_UNIT"), ("RootId", "ROOT")):
            if key in target:
                return kind, target[key]
        raise _invalid_input("Give the target's AccountId, OrganizationalUnitId or RootId.")

    def _association_answer(self, target: tuple[str, str], policy_id: str) -> dict[str, Any]:
        return {
            "ConfigurationPolicyId": policy_id,
            "TargetType": target[0],
            "TargetId": target[1],
            "AssociationType": "APPLIED",
            "AssociationStatus": "SUCCESS",
            "UpdatedAt": datetime.now(UTC),
        }

    def _policy(self, call: Call, identifier: str) -> Policy:
        self._in_home_region(call)
        for policy in self.policies.get(call.account_id, {}).values():
            if identifier in (policy.id, policy.arn):
                return policy
        raise ApiError("ResourceNotFoundException", f"Configuration policy {identifier} not found.")

    @staticmethod
    def _policy_answer(policy: Policy) -> dict[str, Any]:
        return {
            "Arn": policy.arn,
            "Id": policy.id,
            "Name": policy.name,
            "Description": policy.description,
            "CreatedAt": policy.created_at,
            "UpdatedAt": policy.updated_at,
            "ConfigurationPolicy": policy.document,
        }

    def _aggregator(self, call: Call) -> Aggregator:
        aggregator = self.aggregators.get(call.account_id)
        if aggregator is None or aggregator.arn != call.params.get("FindingAggregatorArn", aggregator.arn):
            raise ApiError("ResourceNotFoundException", "Finding aggregator not found.")
        return aggregator

    @staticmethod
    def _aggregator_answer(aggregator: Aggregator) -> dict[str, Any]:
        return {
            "FindingAggregatorArn": aggregator.arn,
            "FindingAggregationRegion": aggregator.region,
            "RegionLinkingMode": aggregator.mode,
            "Regions": aggregator.regions,
        }

    def _in_home_region(self, call: Call) -> None:
        self._as_administrator(call)
        if self.central.get(call.account_id) != call.region:
            raise _invalid_input("Configuration policies are managed from the home Region, with central configuration on.")

    def _hub(self, account: str, region: str) -> Hub:
        hub = self.hubs.get((account, region))
        if hub is None:
            raise ApiError("InvalidAccessException", f"Account {account} is not subscribed to AWS Security Hub")
        return hub

    @staticmethod
    def _arn(region: str, standard: str) -> str:
        if standard.startswith("cis-aws-foundations-benchmark/v/1.2.0"):
            return f"arn:{PARTITION}:securityhub:::ruleset/{standard}"  # CIS 1.2.0 has the old, regionless form
        return f"arn:{PARTITION}:securityhub:{region}::standards/{standard}"

    @staticmethod
    def _from_management(call: Call) -> Organization:
        organization = call.organization
        if call.account_id != organization.management_account_id:
            raise ApiError("AccessDeniedException", "Only the organization's management account can designate the administrator.")
        return organization

    def _as_administrator(self, call: Call) -> Organization:
        organization = call.organization
        if self._administrator(organization, call.region) != call.account_id:
            raise ApiError("InvalidAccessException", f"Account {call.account_id} is not an administrator for this organization")
        return organization
