"""IAM Identity Center as AWS holds it, read through boto3 from the management account in one region
(emulated, served or real AWS): the organization instance there, its permission sets (managed and
customer managed policies, inline policy, permissions boundary, session duration, relay state), and
who is assigned which permission set in which account, with the group's display name (or the
user's name) from the instance's identity store. Read only: never a write call.

An organization has one organization instance, in the region where Identity Center was enabled
("You can have only one organization instance for each management account": IAM Identity Center
User Guide, "Organization instances of IAM Identity Center"); ListInstances lists "the organization
and account instances ... created in or visible to the account calling this API" (API Reference,
ListInstances), by OwnerAccountId. Elsewhere it finds none, and the view says Identity Center is not
enabled there.

Assignments are read per account, as AWS's API Reference lays them out: the permission sets
provisioned to the account (ListPermissionSetsProvisionedToAccount; "As part of a successful
CreateAccountAssignment call, the specified permission set will automatically be provisioned to the
account", API_CreateAccountAssignment), then who holds each there (ListAccountAssignments, which
takes one account and one permission set). About one call per account, plus one per account and
set provisioned there. Every list is paged (pages.all_items)."""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from orgboot.state.pages import all_items

# The service and region -> a boto3 client of the management account there.
RegionalClients = Callable[[str, str], Any]
GROUP, USER = "GROUP", "USER"  # PrincipalType (API_AccountAssignment)


@dataclass(frozen=True, order=True)
class PolicyReference:
    """A customer managed policy by name and path: it must exist in each account the permission set
    is provisioned to (API_CustomerManagedPolicyReference)."""

    name: str
    path: str = "/"


@dataclass(frozen=True)
class Boundary:
    """A permission set's permissions boundary: an AWS managed policy or a customer managed one."""

    managed_policy_arn: str | None = None
    customer_managed_policy: PolicyReference | None = None


@dataclass(frozen=True)
class PermissionSetView:
    name: str
    arn: str
    description: str = ""
    session_duration: str = "PT1H"  # ISO 8601, as AWS returns it (API_PermissionSet: default one hour)
    relay_state: str = ""
    managed_policies: tuple[str, ...] = ()  # ARNs: arn:aws:iam::aws:policy/AdministratorAccess
    customer_managed_policies: tuple[PolicyReference, ...] = ()
    inline_policy: Mapping[str, Any] | None = None  # the parsed document
    boundary: Boundary | None = None


@dataclass(frozen=True)
class Principal:
    type: str  # GROUP or USER
    id: str
    name: str  # a group's display name, a user's user name; "" when the identity store has none by this ID


@dataclass(frozen=True)
class AssignmentView:
    account_id: str
    permission_set: str  # its name
    principal: Principal


@dataclass(frozen=True)
class IdentityCenterView:
    region: str
    instance_arn: str = ""  # "" when Identity Center has no organization instance in the region
    identity_store_id: str = ""
    permission_sets: Mapping[str, PermissionSetView] = field(default_factory=lambda: MappingProxyType({}))  # by name
    assignments: tuple[AssignmentView, ...] = ()  # sorted by account, permission set, principal
    unread: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # what could not be read -> why

    @property
    def enabled(self) -> bool:
        return bool(self.instance_arn)

    @property
    def status(self) -> str:
        """Where the view comes from, in words: the instance and region, or that there is none."""
        if not self.enabled:
            return f"IAM Identity Center is not enabled in {self.region}: no organization instance there"
        return f"IAM Identity Center instance {self.instance_arn} in {self.region} (identity store {self.identity_store_id})"

    def grants(self) -> dict[tuple[Principal, str], tuple[str, ...]]:
        """(principal, permission set) -> the account IDs it is assigned in, sorted: groups first,
        each by name, then users."""
        found: dict[tuple[Principal, str], list[str]] = {}
        for assignment in self.assignments:
            found.setdefault((assignment.principal, assignment.permission_set), []).append(assignment.account_id)
        order = sorted(found, key=lambda key: (key[0].type != GROUP, key[0].name or key[0].id, key[1]))
        return {key: tuple(sorted(set(found[key]))) for key in order}

    def group_grants(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(group display name, permission set) -> account IDs: the grants of groups only (how
        orgboot assigns), by name (a group the identity store no longer has, by its ID)."""
        return {
            (principal.name or principal.id, permission_set): accounts
            for (principal, permission_set), accounts in self.grants().items()
            if principal.type == GROUP
        }


def read_identity_center(
    client: RegionalClients, region: str, account_ids: Iterable[str], management_account_id: str | None = None
) -> IdentityCenterView:
    """The organization instance in `region` and what it holds; assignments are read in `account_ids`
    (the organization's accounts). `management_account_id` tells the organization instance from an
    account instance a member created (their OwnerAccountId, API_InstanceMetadata)."""
    sso_admin = client("sso-admin", region)
    instances = [
        instance
        for instance in all_items(sso_admin, "list_instances", "Instances")
        if instance.get("Status", "ACTIVE") == "ACTIVE"
        and (management_account_id is None or instance.get("OwnerAccountId", management_account_id) == management_account_id)
    ]
    if not instances:
        return IdentityCenterView(region)
    instance = instances[0]
    instance_arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    unread: dict[str, str] = {}
    if len(instances) > 1:
        others = ", ".join(i["InstanceArn"] for i in instances[1:])
        unread["other instances"] = f"{len(instances)} instances answer in {region}; read {instance_arn}, not {others}"

    sets: dict[str, PermissionSetView] = {}
    names: dict[str, str] = {}  # permission set ARN -> name
    for arn in all_items(sso_admin, "list_permission_sets", "PermissionSets", InstanceArn=instance_arn):
        permission_set = _permission_set(sso_admin, instance_arn, arn, unread)
        sets[permission_set.name] = permission_set
        names[arn] = permission_set.name

    principals = _Principals(client("identitystore", region), store_id)
    assignments = []
    for account_id in sorted(set(account_ids)):
        provisioned = all_items(
            sso_admin, "list_permission_sets_provisioned_to_account", "PermissionSets", InstanceArn=instance_arn, AccountId=account_id
        )
        for arn in sorted(set(provisioned)):  # moto 5.2 alone lists a set once per ProvisionPermissionSet call
            if arn not in names:
                continue  # deleted since: AWS no longer lists it
            for assignment in all_items(
                sso_admin,
                "list_account_assignments",
                "AccountAssignments",
                InstanceArn=instance_arn,
                AccountId=account_id,
                PermissionSetArn=arn,
            ):
                if assignment["AccountId"] == account_id:  # moto 5.2 alone ignores AccountId in ListPermissionSetsProvisionedToAccount
                    principal = principals.get(assignment["PrincipalType"], assignment["PrincipalId"])
                    assignments.append(AssignmentView(account_id, names[arn], principal))
    assignments.sort(key=lambda a: (a.account_id, a.permission_set, a.principal.type, a.principal.name, a.principal.id))
    return IdentityCenterView(
        region,
        instance_arn,
        store_id,
        MappingProxyType(dict(sorted(sets.items()))),
        tuple(dict.fromkeys(assignments)),
        MappingProxyType(unread),
    )


def _permission_set(sso_admin: Any, instance_arn: str, arn: str, unread: dict[str, str]) -> PermissionSetView:
    described = sso_admin.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)["PermissionSet"]
    name = described["Name"]
    ids = {"InstanceArn": instance_arn, "PermissionSetArn": arn}
    managed = all_items(sso_admin, "list_managed_policies_in_permission_set", "AttachedManagedPolicies", **ids)
    customer = all_items(sso_admin, "list_customer_managed_policy_references_in_permission_set", "CustomerManagedPolicyReferences", **ids)
    # "" when the set has none (moto; AWS omits it): API_GetInlinePolicyForPermissionSet.
    inline = sso_admin.get_inline_policy_for_permission_set(**ids).get("InlinePolicy") or ""
    return PermissionSetView(
        name=name,
        arn=arn,
        description=described.get("Description") or "",
        session_duration=_duration(described.get("SessionDuration")),
        relay_state=described.get("RelayState") or "",
        managed_policies=tuple(sorted(policy["Arn"] for policy in managed)),
        customer_managed_policies=tuple(sorted(PolicyReference(p["Name"], p.get("Path") or "/") for p in customer)),
        inline_policy=json.loads(inline) if inline else None,
        boundary=_boundary(sso_admin, ids, name, unread),
    )


def _duration(value: Any) -> str:
    """SessionDuration in ISO 8601, as AWS returns it (PT1H when not set, API_PermissionSet); moto
    5.2 gives 3600 (seconds) for a set created without one."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        seconds = int(value)
        return f"PT{seconds // 3600}H" if seconds % 3600 == 0 else f"PT{seconds // 60}M"
    return str(value or "PT1H")


def _boundary(sso_admin: Any, ids: dict[str, str], name: str, unread: dict[str, str]) -> Boundary | None:
    """The set's permissions boundary; None when it has none, which AWS answers with
    ResourceNotFoundException (API_GetPermissionsBoundaryForPermissionSet, Errors)."""
    try:
        found = sso_admin.get_permissions_boundary_for_permission_set(**ids).get("PermissionsBoundary") or {}
    except sso_admin.exceptions.ResourceNotFoundException:
        return None
    # Denied, or not served (moto: NotImplementedError). The client's ClientError: no botocore import
    # here, which the reports that render this view may not load (pyproject's import contracts).
    except (sso_admin.exceptions.ClientError, NotImplementedError) as error:
        unread[f"permissions boundary of {name}"] = _words(error)
        return None
    reference = found.get("CustomerManagedPolicyReference")
    if not found.get("ManagedPolicyArn") and not reference:
        return None
    return Boundary(
        found.get("ManagedPolicyArn"),
        PolicyReference(reference["Name"], reference.get("Path") or "/") if reference else None,
    )


class _Principals:
    """Groups and users by ID, each described once (DescribeGroup, DescribeUser of the identity store)."""

    def __init__(self, identity_store: Any, store_id: str) -> None:
        self.identity_store, self.store_id = identity_store, store_id
        self.known: dict[tuple[str, str], Principal] = {}

    def get(self, principal_type: str, principal_id: str) -> Principal:
        key = (principal_type, principal_id)
        if key not in self.known:
            self.known[key] = Principal(principal_type, principal_id, self._name(principal_type, principal_id))
        return self.known[key]

    def _name(self, principal_type: str, principal_id: str) -> str:
        store = self.identity_store
        try:
            if principal_type == GROUP:
                return str(store.describe_group(IdentityStoreId=self.store_id, GroupId=principal_id).get("DisplayName") or "")
            return str(store.describe_user(IdentityStoreId=self.store_id, UserId=principal_id).get("UserName") or "")
        except store.exceptions.ResourceNotFoundException:
            return ""  # deleted from the identity store, or never synced: the assignment stays in AWS


def _words(error: Exception) -> str:
    if isinstance(error, NotImplementedError):
        return "the emulator does not serve this API"
    if isinstance(response := getattr(error, "response", None), dict):  # a ClientError
        return f"{response['Error'].get('Code')}: {response['Error'].get('Message')}"
    return str(error) or type(error).__name__


def by_account(view: IdentityCenterView) -> dict[str, tuple[AssignmentView, ...]]:
    """Account ID -> its assignments."""
    found: dict[str, list[AssignmentView]] = {}
    for assignment in view.assignments:
        found.setdefault(assignment.account_id, []).append(assignment)
    return {account_id: tuple(found[account_id]) for account_id in sorted(found)}


def managed_policy_name(arn: str) -> str:
    """arn:aws:iam::aws:policy/job-function/ViewOnlyAccess -> job-function/ViewOnlyAccess: the
    path below policy/ and the name, as an AWS managed policy is referred to."""
    return arn.split(":policy/", 1)[-1]


def cover(reached: Iterable[str], accounts: Mapping[str, str], ous: Mapping[str, str], root: str) -> tuple[str, ...]:
    """The fewest of the root, OUs and accounts that together hold exactly the `reached` accounts:
    the root or an OU where every account below it is reached (and it holds one), else the
    accounts themselves. `accounts` and `ous` map each to its parent (the root's ID or an OU's);
    accounts not in `accounts` (the management account, one orgboot does not manage) are left to
    the caller. In tree order: the root, then OUs and accounts as `ous` and `accounts` list them."""
    reached = set(reached)
    children: dict[str, list[str]] = defaultdict(list)
    for ou, parent in ous.items():
        children[parent].append(ou)
    held: dict[str, list[str]] = defaultdict(list)
    for account, parent in accounts.items():
        held[parent].append(account)

    def below(node: str) -> list[str]:
        return [*held[node], *(account for child in children[node] for account in below(child))]

    def covering(node: str) -> list[str]:
        everything = below(node)
        if everything and all(account in reached for account in everything):
            return [node]
        return [
            *(account for account in held[node] if account in reached),
            *(found for child in children[node] for found in covering(child)),
        ]

    return tuple(covering(root))
