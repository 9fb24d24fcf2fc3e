"""Everything orgboot import and drift need to know of a live organization, read once through boto3:
the OU tree, every account (with its State and how it joined), every policy of every type, enabled on
the root or not (content, description, tags, targets; AWS managed ones too), delegated administrators, trusted
services, and the management account's settings and names. Read only: never a write call.

Lists are paged (pages.all_items). Each read costs one call per OU, account (its tags), and policy
(its content and targets): about 2 x accounts + 3 x policies calls in all."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.aws.regions import HOME_REGION
from orgboot.state.pages import all_items

ClientFactory = Callable[..., Any]  # (service name, region=None) -> a boto3 client of the management account
# What a read may fail to get (Inventory.unread), besides the names of kinds of resources.
SERVICES, PASSWORD_POLICY, ALIAS = "trusted services and delegated administrators", "password policy", "account alias"


class NotAnOrganization(Exception):
    """The credentials do not reach an organization's management account."""


@dataclass(frozen=True)
class LiveOu:
    id: str
    name: str
    parent_id: str
    path: str  # as org.yaml writes it: Workloads/Prod
    tags: dict[str, str]


@dataclass(frozen=True)
class LiveAccount:
    id: str
    name: str
    email: str
    state: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE...
    joined_method: str  # CREATED or INVITED
    parent_id: str
    tags: dict[str, str]


@dataclass(frozen=True)
class LivePolicy:
    id: str
    name: str
    type: str
    description: str
    aws_managed: bool
    content: Any  # the parsed JSON document
    tags: dict[str, str]
    targets: tuple[str, ...]  # root, OU and account IDs


@dataclass
class Inventory:
    organization_id: str
    feature_set: str
    management_account_id: str
    root_id: str
    policy_types: tuple[str, ...]  # enabled on the root
    ous: dict[str, LiveOu]  # by ID, parents before children
    accounts: dict[str, LiveAccount]  # by ID
    policies: dict[str, LivePolicy]  # by ID
    delegated_administrators: list[tuple[str, str]] = field(default_factory=list)  # (account ID, service principal)
    trusted_services: list[str] = field(default_factory=list)
    password_policy: dict[str, Any] | None = None
    alias: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)  # kind -> names taken in the management account
    unread: dict[str, str] = field(default_factory=dict)  # what could not be read -> why

    def was_read(self, what: str) -> bool:
        return what not in self.unread

    def place(self, parent_id: str) -> str:
        """Root or the OU path of a parent ID."""
        return "Root" if parent_id == self.root_id else self.ous[parent_id].path


def read_inventory(client: ClientFactory, *, management_settings: bool = True, names: bool = True) -> Inventory:
    """`management_settings`: the password policy and alias; `names`: what orgboot could collide with."""
    organizations = client("organizations")
    try:
        description = organizations.describe_organization()["Organization"]
    except ClientError as error:
        raise NotAnOrganization(_words(error)) from None
    management_id = description["MasterAccountId"]
    # A delegated administrator may list the organization too, but its own alias and password
    # policy are not the management account's: only the management account's credentials will do.
    caller = client("sts").get_caller_identity()["Account"]
    if caller != management_id:
        raise NotAnOrganization(
            f"account {caller} is a member of {description['Id']}; use the management account's credentials ({management_id})"
        )
    root = all_items(organizations, "list_roots", "Roots")[0]
    enabled = tuple(t["Type"] for t in root.get("PolicyTypes", []) if t["Status"] == "ENABLED")

    def tags(resource_id: str) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in all_items(organizations, "list_tags_for_resource", "Tags", ResourceId=resource_id)}

    ous: dict[str, LiveOu] = {}
    accounts: dict[str, LiveAccount] = {}
    parents = [(root["Id"], "")]
    while parents:  # breadth first: parents before children
        parent_id, parent_path = parents.pop(0)
        for account in all_items(organizations, "list_accounts_for_parent", "Accounts", ParentId=parent_id):
            accounts[account["Id"]] = LiveAccount(
                account["Id"],
                account["Name"],
                account["Email"],
                account.get("State") or account.get("Status", "ACTIVE"),  # State replaces Status in 2026
                account.get("JoinedMethod", "CREATED"),
                parent_id,
                tags(account["Id"]),
            )
        for ou in all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
            path = f"{parent_path}/{ou['Name']}" if parent_path else ou["Name"]
            ous[ou["Id"]] = LiveOu(ou["Id"], ou["Name"], parent_id, path, tags(ou["Id"]))
            parents.append((ou["Id"], path))

    policies: dict[str, LivePolicy] = {}
    for policy_type, summaries in _policies_of_every_type(organizations, enabled):
        for summary in summaries:
            policy = organizations.describe_policy(PolicyId=summary["Id"])["Policy"]
            targets = all_items(organizations, "list_targets_for_policy", "Targets", PolicyId=summary["Id"])
            policies[summary["Id"]] = LivePolicy(
                summary["Id"],
                summary["Name"],
                policy_type,
                summary.get("Description", ""),
                summary.get("AwsManaged", False),
                json.loads(policy["Content"]),
                {} if summary.get("AwsManaged") else tags(summary["Id"]),
                tuple(sorted(t["TargetId"] for t in targets)),
            )

    inventory = Inventory(
        description["Id"], description.get("FeatureSet", "ALL"), management_id, root["Id"], enabled, ous, accounts, policies
    )
    _read_services(organizations, inventory)
    if management_settings:
        _read_management_account(client, inventory, names)
    return inventory


def _policies_of_every_type(organizations: Any, enabled: tuple[str, ...]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The policy summaries of each type, whether or not the type is enabled on the root: disabling a
    type detaches its policies but does not delete them ("Disabled policies are detached from all
    entities but not deleted", Organizations User Guide, "Disabling a policy type"), and CreatePolicy
    needs no enabled type either (only AttachPolicy lists PolicyTypeNotEnabledException; ListPolicies
    does not: botocore's organizations/2016-11-28/service-2.json). So a policy of a disabled type is
    still there to import and to compare.

    Every type the SDK names is read (botocore's PolicyType enum; orgboot's own and the enabled ones
    first). A type neither orgboot's nor enabled that this AWS refuses as a filter
    (InvalidInputException: a partition without it, or the emulator, whose moto serves five types)
    can hold no policy there: it is passed over."""
    known = getattr(getattr(organizations, "meta", None), "service_model", None)
    sdk_types = list(known.shape_for("PolicyType").enum) if known is not None else []
    read = []
    for policy_type in dict.fromkeys([*POLICY_TYPES, *enabled, *sdk_types]):
        try:
            read.append((policy_type, all_items(organizations, "list_policies", "Policies", Filter=policy_type)))
        except ClientError as error:
            beyond = policy_type not in POLICY_TYPES and policy_type not in enabled
            if not beyond or error.response["Error"].get("Code") != "InvalidInputException":
                raise
    return read


def _read_services(organizations: Any, inventory: Inventory) -> None:
    try:
        inventory.trusted_services = sorted(
            s["ServicePrincipal"] for s in all_items(organizations, "list_aws_service_access_for_organization", "EnabledServicePrincipals")
        )
        for admin in all_items(organizations, "list_delegated_administrators", "DelegatedAdministrators"):
            for service in all_items(organizations, "list_delegated_services_for_account", "DelegatedServices", AccountId=admin["Id"]):
                inventory.delegated_administrators.append((admin["Id"], service["ServicePrincipal"]))
    except ClientError as error:
        inventory.unread[SERVICES] = _words(error)


# Roles AWS creates and manages: never orgboot's, never in its way.
_AWS_ROLE_PATHS = ("/aws-service-role/", "/aws-reserved/", "/service-role/")


def _read_management_account(client: ClientFactory, inventory: Inventory, names: bool) -> None:
    """The password policy and alias (orgboot manages them), and the names orgboot could collide with:
    the regional ones (trails, StackSets) where orgboot's stacks make them, HOME_REGION (app.py),
    whatever region the credentials default to."""
    iam = client("iam")
    reads: dict[str, Callable[[], list[str]]] = {
        "iam_groups": lambda: [g["GroupName"] for g in all_items(iam, "list_groups", "Groups")],
        "iam_users": lambda: [u["UserName"] for u in all_items(iam, "list_users", "Users")],
        "iam_roles": lambda: [r["RoleName"] for r in all_items(iam, "list_roles", "Roles") if not r["Path"].startswith(_AWS_ROLE_PATHS)],
        "iam_policies": lambda: [p["PolicyName"] for p in all_items(iam, "list_policies", "Policies", Scope="Local")],
        "trails": lambda: [t["Name"] for t in client("cloudtrail", HOME_REGION).describe_trails(includeShadowTrails=False)["trailList"]],
        "budgets": lambda: [
            b["BudgetName"] for b in all_items(client("budgets"), "describe_budgets", "Budgets", AccountId=inventory.management_account_id)
        ],
        "stack_sets": lambda: [
            s["StackSetName"]
            for s in all_items(client("cloudformation", HOME_REGION), "list_stack_sets", "Summaries", Status="ACTIVE", CallAs="SELF")
        ],
    }
    for kind, read in reads.items() if names else ():
        try:
            inventory.names[kind] = sorted(read())
        # A read-only role may lack some rights. moto lacks some reads (NotImplementedError), and its
        # CloudFormation needs packages moto[s3] leaves out (ModuleNotFoundError): the emulator keeps
        # StackSets in its own engine, not in moto.
        except (ClientError, BotoCoreError, NotImplementedError, ModuleNotFoundError) as error:
            inventory.unread[kind.replace("_", " ")] = _words(error)
    try:
        inventory.password_policy = iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        inventory.password_policy = None
    except ClientError as error:
        inventory.unread[PASSWORD_POLICY] = _words(error)
    try:
        aliases = all_items(iam, "list_account_aliases", "AccountAliases")
        inventory.alias = aliases[0] if aliases else None
    except ClientError as error:
        inventory.unread[ALIAS] = _words(error)


def _words(error: Exception) -> str:
    served = isinstance(error, ClientError) and error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 501
    if isinstance(error, ModuleNotFoundError | NotImplementedError) or served:
        return "the emulator does not serve this API (its StackSets live in orgboot's engine, not in moto)"
    if isinstance(error, ClientError):
        return f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}"
    return str(error) or type(error).__name__
