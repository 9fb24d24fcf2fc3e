"""Renders what the emulator (or AWS) holds for people: the organization as a tree."""

from collections import Counter
from collections.abc import Iterable

from rich.console import Group
from rich.text import Text
from rich.tree import Tree

from orgboot.emulator.engine import Event
from orgboot.inventory import Node, Organization

POLICY_LABELS = {
    "SERVICE_CONTROL_POLICY": "SCP",
    "RESOURCE_CONTROL_POLICY": "RCP",
    "TAG_POLICY": "tag",
    "BACKUP_POLICY": "backup",
    "AISERVICES_OPT_OUT_POLICY": "AI opt-out",
}
# AWS attaches these to every target once the type is enabled; listing them everywhere is noise.
AWS_DEFAULTS = {"FullAWSAccess", "RCPFullAWSAccess"}


def _policies(node: Node) -> Text:
    text = Text()
    for policy_type, names in node.policies.items():
        own = [name for name in names if name not in AWS_DEFAULTS]
        if own:
            text.append(f"  {POLICY_LABELS.get(policy_type, policy_type)}: ", style="dim")
            text.append(", ".join(own), style="magenta")
    return text


def _label(node: Node, management_account_id: str) -> Text:
    if node.kind == "account":
        label = Text.assemble((node.name, "bold"), "  ", (node.id, "cyan"), "  ", (node.email, "dim"))
        if node.id == management_account_id:
            label.append("  (management account)", style="yellow")
        if node.tags:
            label.append("  " + " ".join(f"{k}={v}" for k, v in sorted(node.tags.items())), style="green")
    elif node.kind == "ou":
        label = Text.assemble((f"{node.name}/", "bold blue"), "  ", (node.id, "dim"))
    else:
        label = Text.assemble(("Root", "bold"), "  ", (node.id, "dim"))
    return label + _policies(node)


def organization_tree(organization: Organization) -> Group:
    types = ", ".join(POLICY_LABELS.get(t, t) for t in organization.enabled_policy_types) or "none"
    header = Text.assemble(
        ("Organization ", "bold"), (organization.id, "cyan"),
        f"   management account {organization.management_account_id}   policy types: {types}",
    )
    tree = Tree(_label(organization.root, organization.management_account_id), guide_style="dim")

    def add(branch: Tree, node: Node) -> None:
        for child in node.children:
            add(branch.add(_label(child, organization.management_account_id)), child)

    add(tree, organization.root)
    accounts = len(organization.accounts())
    ous = len(organization.ous())
    footer = Text(f"{ous} OUs, {accounts} accounts (the management account included). "
                  f"{', '.join(sorted(AWS_DEFAULTS))} stay attached everywhere and are not listed.", style="dim")
    return Group(header, tree, footer)


# Resource types people think in, in the order they read best; the rest (the custom-resource
# provider's role and function) is counted as supporting resources.
_FRIENDLY_TYPES = {
    "AWS::Organizations::Organization": "organization",
    "AWS::Organizations::OrganizationalUnit": "OUs",
    "AWS::Organizations::Account": "accounts",
    "AWS::Organizations::Policy": "policies",
    "Custom::AWS": "SDK calls",
}
_ACTIONS = {"CREATE": "created", "UPDATE": "updated", "REPLACE": "replaced", "DELETE": "deleted", "RETAIN": "retained"}


def deploy_summary(events: Iterable[Event]) -> Text:
    """One line per stack: what the deploy did, in words."""
    kinds = [*_FRIENDLY_TYPES.values(), "supporting resources"]
    per_stack: dict[str, Counter[tuple[str, str]]] = {}
    for event in events:
        kind = _FRIENDLY_TYPES.get(event.type, "supporting resources")
        per_stack.setdefault(event.stack, Counter())[(event.action, kind)] += 1
    text = Text()
    for stack, counts in per_stack.items():
        parts = []
        for action, verb in _ACTIONS.items():
            done = [f"{counts[(action, kind)]} {kind}" for kind in kinds if counts[(action, kind)]]
            if done:
                parts.append(f"{verb} " + ", ".join(done))
        text.append(f"  {stack}: ", style="bold")
        text.append("; ".join(parts) + "\n")
    text.rstrip()
    return text
