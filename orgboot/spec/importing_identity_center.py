"""identity_center in org.yaml from IAM Identity Center as AWS holds it (state/identity_center.py),
for `orgboot import`: the region of the organization instance, each permission set (its inline
policy to policies/identity-center/<name>.json), and the assignments of each group and permission
set, their accounts collapsed to Root or an OU wherever every account below has the assignment.

What org.yaml cannot say is written as a comment, never dropped: an assignment to a user (orgboot
assigns groups), to a group the identity store no longer has, or in an account orgboot does not
manage (not ACTIVE, or no longer in the organization). Identity Center keeps those as they are.

What org.yaml declares is also mapped for `cdk import` (`identity_center_mappings`): each permission
set and each group assignment by its type's primaryIdentifier, all of it (the registry schemas
cfn-lint ships: AWS::SSO::PermissionSet InstanceArn and PermissionSetArn; AWS::SSO::Assignment
InstanceArn, TargetId, TargetType, PermissionSetArn, PrincipalType and PrincipalId, every one also
create-only), one entry per property, as `cdk import --resource-mapping` takes a compound identifier
(aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/resource-import/importer.ts: ResourceMap, each
logical ID -> {property: value}, sent as ResourcesToImport's ResourceIdentifier map). The adopt
assembly writes these values as the resources' properties (stacks/identity_center_stack.py)."""

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from orgboot.aws import identity_center as aws
from orgboot.aws import managed_policies
from orgboot.aws.organizations import ROOT
from orgboot.spec import layout, logical_ids
from orgboot.spec.identity_center import MANAGEMENT
from orgboot.spec.importing import _flow as flow
from orgboot.spec.importing import _scalar as scalar
from orgboot.state.identity_center import GROUP, Boundary, IdentityCenterView, PermissionSetView, PolicyReference, cover
from orgboot.state.inventory import Inventory

POLICY_FOLDER = "policies/identity-center"


@dataclass(frozen=True)
class ImportedIdentityCenter:
    lines: tuple[str, ...]  # the identity_center section of org.yaml, and a blank line after it
    policy_files: dict[str, str]  # path in the repository -> content
    notes: tuple[str, ...]  # what the user should know: left untouched, unread
    # stack -> logical ID -> identifier: what `cdk import` adopts (identity_center_mappings)
    mappings: dict[str, dict[str, dict[str, str]]] = dataclasses.field(default_factory=dict)


def identity_center_section(view: IdentityCenterView, inventory: Inventory, account_keys: Mapping[str, str]) -> ImportedIdentityCenter:
    """`account_keys`: the key of each account org.yaml declares in `accounts` (those orgboot manages), by ID."""
    lines = [
        f"# IAM Identity Center, read in {view.region} (instance {view.instance_arn}): docs/identity-center.md.",
        "# Permission set names are create-only in AWS: renaming one replaces it, with every assignment made from it.",
        "identity_center:",
        f"  region: {view.region}",
    ]
    files: dict[str, str] = {}
    notes: list[str] = []
    written, untouched = _assignments(view, inventory, account_keys)
    triples = sum(reached for _, _, _, reached in written)
    stacks = assignment_stacks(triples)
    if stacks is not None:
        lines.append(f"  assignment_stacks: {stacks}   # {triples:,} assignments, more than one stack holds: docs/scale.md")
    if view.permission_sets:
        lines.append("  permission_sets:")
        for name, permission_set in view.permission_sets.items():
            lines += _permission_set(name, permission_set, files, view.unread)
    if written:
        lines.append("  assignments:")
        for group, set_name, targets, _ in written:
            lines += [f"    - group: {scalar(group)}", f"      permission_set: {scalar(set_name)}", f"      targets: {flow(targets)}"]
    if untouched:
        lines.append(
            "  # Left untouched: orgboot assigns Identity Center groups, in the accounts it manages; these stay as they are in AWS:"
        )
        lines += [f"  #   {line}" for line in untouched]
        notes.append(
            f"IAM Identity Center: {len(untouched)} assignment{'s' if len(untouched) != 1 else ''} left untouched (to users, to groups"
            " the identity store no longer has, or in accounts orgboot does not manage): see the comments under identity_center"
        )
    notes += [f"not read: {what}: {why}" for what, why in view.unread.items()]
    return ImportedIdentityCenter((*lines, ""), files, tuple(notes), identity_center_mappings(view, inventory, account_keys, stacks))


def assignment_stacks(assignments: int) -> int | None:
    """identity_center.assignment_stacks as import writes it for `assignments` (account, group,
    permission set) triples: none while one stack holds them, as validation advises."""
    return layout.suggested_assignment_stacks(assignments) if assignments > layout.ASSIGNMENTS_PER_STACK_MAX else None


def identity_center_mappings(
    view: IdentityCenterView, inventory: Inventory, account_keys: Mapping[str, str], stacks: int | None
) -> dict[str, dict[str, dict[str, str]]]:
    """The resource mappings of what identity_center declares, by stack (IdentityCenterStack and the
    assignment stacks, `stacks` of them as org.yaml says): each permission set under its logical ID
    (logical_ids.permission_set), each group's assignment in an account org.yaml declares (or the
    management account) under logical_ids.assignment(account key, group, set), in the stack
    layout.assignment_stack gives that key, with the live ARNs and IDs."""
    if not view.enabled:
        return {}
    mappings: dict[str, dict[str, dict[str, str]]] = {
        layout.IDENTITY_CENTER_STACK: {
            logical_ids.permission_set(name): {"InstanceArn": view.instance_arn, "PermissionSetArn": permission_set.arn}
            for name, permission_set in sorted(view.permission_sets.items())
        }
    }
    for (principal, set_name), account_ids in view.grants().items():
        if principal.type != GROUP or not principal.name or set_name not in view.permission_sets:
            continue  # a comment in org.yaml, left untouched (_assignments)
        for account_id in account_ids:
            if account_id in account_keys:
                key = account_keys[account_id]
            elif account_id == inventory.management_account_id:
                key = MANAGEMENT
            else:
                continue
            stack = mappings.setdefault(layout.assignment_stack(key, stacks), {})
            stack[logical_ids.assignment(key, principal.name, set_name)] = {
                "InstanceArn": view.instance_arn,
                "TargetId": account_id,
                "TargetType": aws.TARGET_TYPE,
                "PermissionSetArn": view.permission_sets[set_name].arn,
                "PrincipalType": aws.PRINCIPAL_TYPE_GROUP,
                "PrincipalId": principal.id,
            }
    return mappings


def _permission_set(name: str, permission_set: PermissionSetView, files: dict[str, str], unread: Mapping[str, str]) -> list[str]:
    lines = [f"    {scalar(name)}:"]
    if permission_set.description:
        lines.append(f"      description: {scalar(permission_set.description)}")
    if permission_set.managed_policies:
        lines.append(f"      managed_policies: {flow(_managed(arn) for arn in permission_set.managed_policies)}")
    if permission_set.customer_managed_policies:
        lines.append(f"      customer_managed_policies: [{', '.join(_reference(ref) for ref in permission_set.customer_managed_policies)}]")
    if permission_set.inline_policy is not None:
        path = f"{POLICY_FOLDER}/{name}.json"
        files[path] = json.dumps(permission_set.inline_policy, indent=2) + "\n"
        lines.append(f"      inline_policy: {path}")
    if permission_set.boundary is not None:
        lines.append(f"      permissions_boundary: {_boundary(permission_set.boundary)}")
    elif (why := unread.get(f"permissions boundary of {name}")) is not None:
        lines.append(f"      # permissions boundary not read ({why}): add it here if the set has one")
    hours, exact = session_hours(permission_set.session_duration)
    if hours != aws.SESSION_HOURS_DEFAULT or not exact:
        said = "" if exact else f"   # AWS has {permission_set.session_duration}: org.yaml takes whole hours, 1 to 12"
        lines.append(f"      session_hours: {hours}{said}")
    if permission_set.relay_state:
        lines.append(f"      relay_state: {scalar(permission_set.relay_state)}")
    if all(line.lstrip().startswith("#") for line in lines[1:]):  # no policy, AWS's defaults: an empty entry
        lines[0] += " {}"
    return lines


def _managed(arn: str) -> str:
    """An AWS managed policy by its name (job-function/ViewOnlyAccess), as org.yaml writes it; by
    its ARN when the catalogue does not know it (newer than orgboot's copy)."""
    name = arn.removeprefix(managed_policies.ARN_PREFIX)
    return name if name != arn and managed_policies.exists(name) else arn


def _reference(reference: PolicyReference) -> str:
    return f"{{name: {scalar(reference.name)}, path: {scalar(reference.path)}}}"


def _boundary(boundary: Boundary) -> str:
    if boundary.customer_managed_policy is not None:
        return f"{{customer_managed_policy: {_reference(boundary.customer_managed_policy)}}}"
    return f"{{managed_policy: {scalar(_managed(boundary.managed_policy_arn or ''))}}}"


def session_hours(duration: str) -> tuple[int, bool]:
    """PT4H -> (4, True); a duration in minutes or out of 1-12 hours -> the nearest hours in range,
    False. AWS gives SessionDuration in ISO 8601 (API_PermissionSet)."""
    found = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", duration)
    if not found:
        return aws.SESSION_HOURS_DEFAULT, False
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    total = hours * 3600 + minutes * 60 + seconds
    low, high = aws.SESSION_HOURS
    rounded = min(high, max(low, round(total / 3600)))
    return rounded, rounded * 3600 == total


def _assignments(
    view: IdentityCenterView, inventory: Inventory, account_keys: Mapping[str, str]
) -> tuple[list[tuple[str, str, list[str], int]], list[str]]:
    """The entries org.yaml declares: (group, permission set, targets, accounts reached); and a line
    for each grant it cannot declare (to a user, to a group no longer in the identity store, in an
    account orgboot does not manage)."""
    members = {account_id: inventory.accounts[account_id].parent_id for account_id in sorted(account_keys, key=account_keys.__getitem__)}
    ous = {ou.id: ou.parent_id for ou in inventory.ous.values()}
    management = inventory.management_account_id
    written: dict[tuple[str, str], tuple[list[str], int]] = {}
    untouched = []
    for (principal, permission_set), account_ids in view.grants().items():
        declared = [a for a in account_ids if a in members or a == management]
        left = [a for a in account_ids if a not in declared]
        if principal.type != GROUP or not principal.name:
            who = (
                f"{principal.type.lower()} {principal.name}"
                if principal.name
                else f"{principal.type.lower()} {principal.id} (not in the identity store {view.identity_store_id})"
            )
            untouched.append(f"{_one_line(who)}: {permission_set} in {_accounts(account_ids, inventory, account_keys)}")
            continue
        if left:
            untouched.append(f"group {_one_line(principal.name)}: {permission_set} in {_accounts(tuple(left), inventory, account_keys)}")
        if not declared:
            continue
        targets = [
            _target(node, inventory, account_keys) for node in cover((a for a in declared if a in members), members, ous, inventory.root_id)
        ]
        if management in declared:
            targets.append(MANAGEMENT)
        written[(principal.name, permission_set)] = (targets, len(declared))
    entries = [(group, permission_set, targets, count) for (group, permission_set), (targets, count) in sorted(written.items())]
    return entries, untouched


def _target(node_id: str, inventory: Inventory, account_keys: Mapping[str, str]) -> str:
    if node_id == inventory.root_id:
        return ROOT
    return inventory.ous[node_id].path if node_id in inventory.ous else account_keys[node_id]


def _accounts(account_ids: tuple[str, ...], inventory: Inventory, account_keys: Mapping[str, str]) -> str:
    """Accounts named for a comment: by key, or by name and ID with why orgboot does not manage them."""
    said = []
    for account_id in account_ids:
        if account_id in account_keys:
            said.append(account_keys[account_id])
        elif account_id == inventory.management_account_id:
            said.append(MANAGEMENT)
        elif (account := inventory.accounts.get(account_id)) is not None:
            said.append(f"{_one_line(account.name)} ({account_id}, {account.state}: not managed by orgboot)")
        else:
            said.append(f"{account_id} (not in the organization)")
    return ", ".join(said)


def _one_line(text: str) -> str:
    return " ".join(text.split())
