"""IAM Identity Center as AWS holds it (orgboot/state/identity_center.py), for `orgboot emulate`:
who can reach which account with which permission set, and what each permission set gives."""

from collections import defaultdict

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from orgboot.state.identity_center import GROUP, IdentityCenterView, PermissionSetView, Principal, cover, managed_policy_name
from orgboot.state.organization import Organization

TITLE = "Identity Center: who can reach which account with which permission set"


def identity_center_report(view: IdentityCenterView, organization: Organization) -> Group:
    if not view.enabled:
        return Group(Text(f"Identity Center: {view.status}", style="dim"))
    grants = Table(box=box.SIMPLE, title=f"{TITLE} ({view.region})", title_justify="left")
    for column in ("Group", "Permission set", "Accounts"):
        grants.add_column(column, style="bold" if column == "Group" else None)
    sets = view.permission_sets
    for (principal, permission_set), accounts in view.grants().items():
        grants.add_row(_principal(principal), _permission_set(permission_set, sets.get(permission_set)), reach(accounts, organization))
    parts: list[Text | Table] = [grants] if view.assignments else [Text(f"{TITLE}: nobody, no assignment in {view.region}", style="dim")]
    if sets:
        parts.append(_permission_sets(view))
    parts += [Text(f"not read: {what}: {why}", style="yellow") for what, why in view.unread.items()]
    return Group(*parts)


def _principal(principal: Principal) -> Text:
    if not principal.name:
        return Text.assemble(principal.id, (f" ({principal.type.lower()} not in the identity store)", "red"))
    return Text(principal.name) if principal.type == GROUP else Text.assemble(principal.name, (" (user)", "yellow"))


def _permission_set(name: str, permission_set: PermissionSetView | None) -> Text:
    hours = _hours(permission_set.session_duration) if permission_set else ""
    return Text.assemble(name, (f"  {hours}" if hours else "", "dim"))


def _hours(duration: str) -> str:
    """PT4H -> 4h sessions; AWS's SessionDuration is ISO 8601 (API_PermissionSet)."""
    return duration.removeprefix("PT").lower() + " sessions" if duration.startswith("PT") else duration


def reach(account_ids: tuple[str, ...], organization: Organization) -> str:
    """The accounts reached, by the fewest names: every member account, whole OUs (all N), accounts;
    and the management account, which no OU or Root target covers."""
    management = organization.management_account_id
    nodes = {node.id: node for node in organization.root.walk()}
    parents = {child.id: node.id for node in nodes.values() for child in node.children}
    members = {node_id: parents[node_id] for node_id, node in nodes.items() if node.kind == "account" and node_id != management}
    ous = {node_id: parents[node_id] for node_id, node in nodes.items() if node.kind == "ou"}
    held: dict[str, list[str]] = defaultdict(list)  # the member accounts below each OU
    for account_id in members:
        node_id = account_id
        while (node_id := parents.get(node_id, "")) in ous:
            held[node_id].append(account_id)
    parts = []
    for found in cover((a for a in account_ids if a in members), members, ous, organization.root.id):
        node = nodes[found]
        if node.kind == "root":
            parts.append(f"every member account ({len(members)})")
        elif node.kind == "ou" and len(held[found]) > 1:
            parts.append(f"{node.path} (all {len(held[found])})")
        else:  # an account; an OU of one account, by that account's name
            parts.append(nodes[held[found][0]].name if node.kind == "ou" else node.name)
    if management in account_ids:
        parts.append("the management account")
    parts += [account_id for account_id in account_ids if account_id not in nodes]  # no longer in the organization
    return ", ".join(parts) or "none"


def _permission_sets(view: IdentityCenterView) -> Table:
    table = Table(box=box.SIMPLE, title="Permission sets", title_justify="left")
    for column in ("Permission set", "Policies", "Permissions boundary", "Session"):
        table.add_column(column, style="bold" if column == "Permission set" else None)
    for name, permission_set in view.permission_sets.items():
        policies = [managed_policy_name(arn) for arn in permission_set.managed_policies]
        policies += [f"{ref.path}{ref.name} (customer managed)" for ref in permission_set.customer_managed_policies]
        if permission_set.inline_policy is not None:
            policies.append("inline policy")
        boundary = "-"
        if (found := permission_set.boundary) is not None:
            reference = found.customer_managed_policy
            boundary = managed_policy_name(found.managed_policy_arn or "") or (f"{reference.path}{reference.name}" if reference else "-")
        table.add_row(
            name, Text(", ".join(policies) or "none", style="" if policies else "red"), boundary, _hours(permission_set.session_duration)
        )
    return table
