"""What an API the emulator answers itself is: a service model (botocore's, the one every AWS SDK is
generated from), state, and a method per operation it serves; and the call it answers, with what it
may read of the organization (Organizations in moto, through boto3)."""

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from botocore import xform_name
from botocore.model import ServiceModel
from botocore.session import get_session

from orgboot.emulator.apis.rest_json import ApiError
from orgboot.emulator.aws import AwsAccount
from orgboot.state.pages import all_items


@dataclass(frozen=True)
class Call:
    account_id: str
    region: str
    operation: str
    params: dict[str, Any]

    @property
    def aws(self) -> AwsAccount:
        return AwsAccount(self.account_id, self.region)

    @cached_property
    def organization(self) -> "Organization":
        return Organization(self.aws)


class Organization:
    """The caller's organization as its services see it, read from its management account."""

    def __init__(self, caller: AwsAccount) -> None:
        try:
            described = caller.client("organizations").describe_organization()["Organization"]
        except caller.client("organizations").exceptions.AWSOrganizationsNotInUseException:
            raise ApiError("AccessDeniedException", "Your account is not a member of an organization.") from None
        self.management_account_id: str = described["MasterAccountId"]
        self._organizations = AwsAccount(self.management_account_id, caller.region).client("organizations")

    def trusted(self, service_principal: str) -> bool:
        """Whether trusted access is enabled for the service (EnableAWSServiceAccess)."""
        enabled = self._organizations.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        return any(service["ServicePrincipal"] == service_principal for service in enabled)

    def delegated_administrators(self, service_principal: str) -> list[str]:
        admins = self._organizations.list_delegated_administrators(ServicePrincipal=service_principal)["DelegatedAdministrators"]
        return [admin["Id"] for admin in admins]

    def accounts_under(self, parent_id: str) -> list[str]:
        """The active accounts under the root or an OU, nested OUs included."""
        active, found, parents = self.active_accounts(), [], [parent_id]
        while parents:
            parent = parents.pop()
            found += [
                a["Id"]
                for a in all_items(self._organizations, "list_accounts_for_parent", "Accounts", ParentId=parent)
                if a["Id"] in active
            ]
            parents += [
                ou["Id"]
                for ou in all_items(self._organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent)
            ]
        return found

    def active_accounts(self) -> dict[str, str]:
        """Account ID -> email, of every active account, the management account included."""
        accounts = all_items(self._organizations, "list_accounts", "Accounts")
        return {account["Id"]: account["Email"] for account in accounts if account["Status"] == "ACTIVE"}


@cache
def _model(service_name: str) -> ServiceModel:
    return get_session().get_service_model(service_name)


class Api:
    """An API served here: `handle` runs the method named after the operation (CreateAnalyzer ->
    create_analyzer); an operation without one is refused as moto refuses what it lacks."""

    service_name = ""  # botocore's name for the service
    # True for an API that moto serves in part: the operations this class has no method for are
    # moto's (apis/__init__.py passes them on).
    extends_moto = False

    def __init__(self) -> None:
        self.model = _model(self.service_name)

    @property
    def endpoint_prefix(self) -> str:
        return str(self.model.endpoint_prefix)

    @property
    def signing_name(self) -> str:
        return str(self.model.signing_name)

    def settle(self) -> None:
        """Finish what the service does in the background (nothing, unless the API says otherwise)."""

    def answers(self, operation: str) -> bool:
        return callable(getattr(self, xform_name(operation), None))

    def handle(self, call: Call) -> dict[str, Any]:
        method = getattr(self, xform_name(call.operation), None)
        if method is None:
            raise NotImplementedError(f"The {call.operation} action has not been implemented in orgboot's emulated {self.service_name}")
        result: dict[str, Any] = method(call)
        return result
