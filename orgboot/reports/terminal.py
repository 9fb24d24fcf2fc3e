"""Renders for the terminal what the emulator (or AWS) holds: the organization as a tree, the
management baseline, the access matrix, and what a deploy did."""

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from orgboot.analysis.access import Access, Denial
from orgboot.analysis.budgets import NEAR, Budget, fullest, largest_document
from orgboot.analysis.cis import Coverage, Status, summary
from orgboot.analysis.plan import Plan, ResourceEvent
from orgboot.aws.cis_monitoring import BREAK_GLASS_NAMESPACE
from orgboot.aws.cis_monitoring import CONTROLS as CIS_CONTROLS
from orgboot.aws.cis_monitoring import NAMESPACE as CIS_NAMESPACE
from orgboot.aws.policy_types import DEFAULT_POLICIES, POLICY_TYPES, label
from orgboot.policy.guardrails.packing import PACK_DESCRIPTION, PACK_PREFIX
from orgboot.state.baseline import Baseline
from orgboot.state.organization import Node, Organization


def _shown(name: str, descriptions: dict[str, str]) -> str:
    """A policy by its name; a document orgboot packed from guardrails by the guardrails in it."""
    description = descriptions.get(name, "")
    if name.startswith(PACK_PREFIX) and description.startswith(PACK_DESCRIPTION):
        return description.removeprefix(PACK_DESCRIPTION)
    return name


def _type_order(policy_type: str) -> tuple[int, str]:
    """The order of POLICY_TYPES; types orgboot does not manage (declarative, ...) after them."""
    order = list(POLICY_TYPES)
    return (order.index(policy_type) if policy_type in order else len(order), policy_type)


def _defaults(organization: Organization) -> dict[str, str]:
    """AWS's default policy of each enabled type that has one (FullAWSAccess, RCPFullAWSAccess), by type."""
    return {
        policy_type: default
        for policy_type in organization.enabled_policy_types
        if policy_type in POLICY_TYPES and (default := POLICY_TYPES[policy_type].default_policy)
    }


def _without_default(node: Node, organization: Organization) -> list[str]:
    """AWS's default policies not attached to the node (FullAWSAccess detached: an allow-list)."""
    return [default for policy_type, default in _defaults(organization).items() if default not in node.policies.get(policy_type, [])]


def _policies(node: Node, organization: Organization) -> Text:
    """One line per policy type under the node: with guardrails, a level holds many. AWS's default
    policies are left out where attached; where one is not, the line says so."""
    text = Text()
    defaults = _defaults(organization)
    for policy_type in sorted({*node.policies, *defaults}, key=_type_order):
        names = node.policies.get(policy_type, [])
        own = [_shown(name, organization.descriptions) for name in names if name not in DEFAULT_POLICIES]
        detached = policy_type in defaults and defaults[policy_type] not in names
        if own or detached:
            text.append(f"\n  {label(policy_type)}: ", style="dim")
            text.append(", ".join(own), style="magenta")
            if detached:
                text.append(f"{'  ' if own else ''}(no {defaults[policy_type]})", style="yellow")
    return text


def _label(node: Node, organization: Organization) -> Text:
    if node.kind == "account":
        label = Text.assemble((node.name, "bold"), "  ", (node.id, "cyan"), "  ", (node.email, "dim"))
        if node.id == organization.management_account_id:
            label.append("  (management account)", style="yellow")
        if node.tags:
            label.append("  " + " ".join(f"{k}={v}" for k, v in sorted(node.tags.items())), style="green")
    elif node.kind == "ou":
        label = Text.assemble((f"{node.name}/", "bold blue"), "  ", (node.id, "dim"))
    else:
        label = Text.assemble(("Root", "bold"), "  ", (node.id, "dim"))
    return label + _policies(node, organization)


def organization_tree(organization: Organization) -> Group:
    types = ", ".join(label(t) for t in organization.enabled_policy_types) or "none"
    header = Text.assemble(
        ("Organization ", "bold"),
        (organization.id, "cyan"),
        f"   management account {organization.management_account_id}   policy types: {types}",
    )
    tree = Tree(_label(organization.root, organization), guide_style="dim")

    def add(branch: Tree, node: Node) -> None:
        for child in node.children:
            add(branch.add(_label(child, organization)), child)

    add(tree, organization.root)
    accounts = len(organization.accounts())
    ous = len(organization.ous())
    footer = Text(f"{ous} OUs, {accounts} accounts (the management account included).{_defaults_said(organization)}", style="dim")
    return Group(header, tree, footer)


def _defaults_said(organization: Organization, named: int = 5) -> str:
    """Where AWS's default policies are attached, which the tree does not list: everywhere, or
    everywhere but where the tree marks them absent (read from the organization, never assumed)."""
    defaults = sorted(_defaults(organization).values())
    if not defaults:
        return ""
    without: dict[str, list[str]] = {default: [] for default in defaults}
    for node in organization.root.walk():
        for default in _without_default(node, organization):
            without[default].append(node.path if node.kind != "account" else node.name)
    one = len(defaults) == 1
    if not any(without.values()):
        return f" {', '.join(defaults)} {'stays' if one else 'stay'} attached everywhere and {'is' if one else 'are'} not listed."
    said = []
    for default in defaults:
        if where := without[default]:
            shown = ", ".join(where[:named]) + (f" and {len(where) - named} more" if len(where) > named else "")
            said.append(f"{default} is attached everywhere but at {shown} (marked: no {default})")
        else:
            said.append(f"{default} is attached everywhere")
    return f" {'; '.join(said)}. Where attached, {'it is' if one else 'they are'} not listed."


# Resource types people think in, in the order they read best; the rest (the custom-resource
# provider's role and function) is counted as supporting resources.
_FRIENDLY_TYPES = {
    "AWS::Organizations::Organization": "organization",
    "AWS::Organizations::OrganizationalUnit": "OUs",
    "AWS::Organizations::Account": "accounts",
    "AWS::Organizations::Policy": "policies",
    "AWS::CloudFormation::StackSet": "StackSets",
    "AWS::IAM::Group": "groups",
    "AWS::IAM::User": "users",
    "AWS::IAM::Role": "roles",
    "AWS::CloudWatch::Alarm": "alarms",
    "AWS::Logs::MetricFilter": "metric filters",
    "Custom::AWS": "SDK calls",
}
_ACTIONS = {
    "CREATE": "created",
    "UPDATE": "updated",
    "REPLACE": "replaced",
    "DELETE": "deleted",
    "RETAIN": "retained",
    "IMPORT": "imported",
}


def _count(count: int, plural: str) -> str:
    singular = {"OUs": "OU", "policies": "policy", "supporting resources": "supporting resource"}.get(plural, plural.removesuffix("s"))
    return f"{count} {plural if count != 1 else singular}"


def deploy_summary(events: Iterable[ResourceEvent]) -> Text:
    """One line per stack: what the deploy did, in words."""
    kinds = [*_FRIENDLY_TYPES.values(), "supporting resources"]
    per_stack: dict[str, Counter[tuple[str, str]]] = {}
    accounts: dict[str, set[str]] = {}
    for event in events:
        kind = _FRIENDLY_TYPES.get(event.type, "supporting resources")
        per_stack.setdefault(event.stack, Counter())[(event.action, kind)] += 1
        accounts.setdefault(event.stack, set()).add(event.account_id)
    text = Text()
    for stack, counts in per_stack.items():
        parts = []
        for action, verb in _ACTIONS.items():
            done = [_count(counts[(action, kind)], kind) for kind in kinds if counts[(action, kind)]]
            if done:
                parts.append(f"{verb} " + ", ".join(done))
        where = f" in {len(accounts[stack])} accounts" if len(accounts[stack]) > 1 else ""
        text.append(f"  {stack}: ", style="bold")
        text.append("; ".join(parts) + where + "\n")
    text.rstrip()
    return text


_ACTION_STYLES = {"CREATE": "green", "UPDATE": "yellow", "REPLACE": "bold red", "DELETE": "bold red", "RETAIN": "cyan", "IMPORT": "blue"}


def deploy_changes(events: Iterable[ResourceEvent], management_account_id: str, failed: str | None = None) -> Text:
    """What a deploy did to each resource, as CloudFormation's events would say it (plan_changes)."""
    return plan_changes(Plan.of(events, management_account_id, failed))


class _Done(NamedTuple):
    stack: str
    logical_id: str
    type: str
    action: str
    account_id: str


def plan_summary(plan: Plan) -> Text:
    """A plan too long to read resource by resource: what it does per stack, in words (as
    deploy_summary says it), then, one by one, what it replaces, deletes or lets go, its StackSet
    instances and its failure (as plan_changes does)."""
    text = deploy_summary(_Done(c.stack, c.logical_id, c.type, c.action, "") for c in plan.resources)
    drastic = tuple(c for c in plan.resources if c.action in ("REPLACE", "DELETE", "RETAIN"))
    if not drastic and not plan.instances and not plan.failure:
        return text
    return Text("\n").join([text, plan_changes(dataclasses.replace(plan, resources=drastic))])


def plan_changes(plan: Plan) -> Text:
    """One line per resource of the management account's stacks (a replacement's deletion of the
    old resource is part of "replace"), one line per StackSet and action for its instances in member
    accounts, and the resource that failed, with why."""
    text = Text()
    for change in plan.resources:
        text.append(f"  {_ACTIONS[change.action]:<9}", style=_ACTION_STYLES[change.action])
        text.append(f"{change.stack}/{change.logical_id}  ", style="bold")
        text.append(f"{change.type}\n", style="dim")
    for instance in plan.instances:
        text.append(f"  {_ACTIONS[instance.action]:<9}", style=_ACTION_STYLES[instance.action])
        text.append(f"{instance.stack}  ", style="bold")
        text.append(f"StackSet instance resources in {_count(instance.accounts, 'accounts')}\n", style="dim")
    if plan.failure is not None:
        text.append(f"  {'failed':<9}", style="bold red")
        text.append(f"{plan.failure}\n")
    if not text:
        text.append("  no changes\n", style="dim")
    text.rstrip()
    return text


def _grant(role_arn: str, org_paths: list[str], path_names: dict[str, str]) -> str:
    role = role_arn.rsplit("/", 1)[-1]
    if not org_paths:
        return f"{role} (this account)"
    where = ", ".join(path_names.get(p.removesuffix("*"), p) for p in org_paths)
    return f"{role} in {'every member account' if where == 'Root' else where}"


def baseline_report(baseline: Baseline, organization: Organization) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Account alias", baseline.alias or "[dim]none[/]")
    policy = baseline.password_policy
    if policy:
        classes = [
            name
            for key, name in (
                ("RequireUppercaseCharacters", "upper"),
                ("RequireLowercaseCharacters", "lower"),
                ("RequireNumbers", "numbers"),
                ("RequireSymbols", "symbols"),
            )
            if policy.get(key)
        ]
        # A maximum age or reuse prevention of 0, or none, is none: IAM's default (UpdateAccountPasswordPolicy).
        expiry = f"expires after {policy['MaxPasswordAge']} days" if policy.get("MaxPasswordAge") else "never expires"
        reuse = f"last {policy['PasswordReusePrevention']} not reusable" if policy.get("PasswordReusePrevention") else "any may be reused"
        change = "may" if policy.get("AllowUsersToChangePassword") else "may not"
        length = f"at least {policy['MinimumPasswordLength']} characters ({', '.join(classes)})"
        facts.add_row("Password policy", f"{length}; {expiry}; {reuse}; users {change} change their own")
    else:
        facts.add_row("Password policy", "[red]none[/]")

    def notified(alarm: dict[str, Any]) -> list[str]:
        return [e for arn in alarm.get("AlarmActions", []) for e in baseline.subscriptions.get(arn, [])]

    for alarm in baseline.alarms:
        if alarm["Namespace"] == BREAK_GLASS_NAMESPACE:
            watched = alarm.get("AlarmDescription", alarm["MetricName"])
            facts.add_row("Break-glass alarm", f"{watched} -> {', '.join(notified(alarm)) or 'nobody'}")
        elif alarm["Namespace"] != CIS_NAMESPACE:
            facts.add_row(
                "Billing alarm",
                f"{alarm['Namespace']} {alarm['MetricName']} > {alarm['Threshold']:g} USD -> {', '.join(notified(alarm)) or 'nobody'}",
            )
    if cis := [alarm for alarm in baseline.alarms if alarm["Namespace"] == CIS_NAMESPACE]:
        emails = sorted({email for alarm in cis for email in notified(alarm)})
        facts.add_row(
            "CIS alarms",
            f"{len(cis)} of the {len(CIS_CONTROLS)} alarms of CIS {CIS_CONTROLS[0].number}-{CIS_CONTROLS[-1].number}"
            f" -> {', '.join(emails) or 'nobody'}",
        )
    for budget in baseline.budgets:
        alerts = ", ".join(f"{n['NotificationType'].lower()} > {n['Threshold']:g}%" for n, _ in budget["Notifications"])
        facts.add_row(
            "Budget",
            f"{budget['BudgetName']}: {float(budget['BudgetLimit']['Amount']):g} {budget['BudgetLimit']['Unit']} a month;"
            f" alerts on {alerts}",
        )
    for trail in baseline.trails:
        traits = [
            label
            for key, label in (
                ("IsOrganizationTrail", "whole organization"),
                ("IsMultiRegionTrail", "all regions"),
                ("LogFileValidationEnabled", "log file validation"),
                ("KmsKeyId", "KMS-encrypted"),
                ("IsLogging", "logging"),
            )
            if trail.get(key)
        ]
        group = trail.get("CloudWatchLogsLogGroupArn", "").partition(":log-group:")[2].split(":")[0]  # arn:...:log-group:NAME:*
        logs = f", CloudWatch Logs {group}" if group else ""
        facts.add_row("CloudTrail", f"{trail['Name']}: {', '.join(traits)} -> s3://{trail['S3BucketName']}{logs}")

    nodes = {node.id: node for node in organization.root.walk()}
    path_names = {path: nodes[node_id].path for node_id, path in organization.org_paths().items() if nodes[node_id].kind != "account"}
    groups = Table(title=None, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("group", "members", "policies", "may assume"):
        groups.add_column(column, style="bold" if column == "group" else None)
    for name, group in baseline.groups.items():
        groups.add_row(
            name,
            ", ".join(group.members) or "-",
            ", ".join(group.managed_policies + sorted(group.inline_policies)),
            "\n".join(_grant(role, paths, path_names) for role, paths in group.assumable_roles) or "-",
        )
    return Group(Text("Management account baseline", style="bold"), facts, Text(), groups)


def access_report(matrix: list[Access], member_account_count: int) -> Group:
    """The access matrix: the IAM groups' roles, then, in a table of their own, the Identity Center
    groups' permission sets (a group signs in with a permission set where it is assigned)."""
    iam = [access for access in matrix if not access.identity_center]
    parts: list[Text | Table] = [
        Text("Access matrix (who can switch into which role, where: decided by the policies, signed in with MFA)", style="bold"),
        _access_table(iam, ("group", "can become"), member_account_count),
    ]
    if centered := [access for access in matrix if access.identity_center]:
        parts += [
            Text(),
            Text("Identity Center groups (who signs in with which permission set, where: decided by the policies)", style="bold"),
            _access_table(centered, ("Identity Center group", "permission set"), member_account_count),
        ]
    return Group(*parts)


def _access_table(matrix: list[Access], who: tuple[str, str], member_account_count: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in (*who, "in accounts", "exempt from", "denied by"):
        table.add_column(column, style="bold" if column == who[0] else None)
    for access in matrix:
        reach = "all member accounts" if len(access.accounts) == member_account_count else ", ".join(access.accounts) or "[red]none[/]"
        reach = "the management account" if access.management else reach
        role = Text(access.role)
        if access.break_glass:
            role.append(" (break-glass)", style="bold red")
        exempt = [
            exemption.label + ("" if exemption.accounts == access.accounts else f" (in {', '.join(exemption.accounts)})")
            for exemption in access.exempt_from
        ]
        # What the organization policies take of the role where the group reaches it (analysis/residual.py).
        denied = Text("\n".join(_denial(access, denial) for denial in access.denied) or "-", style="red" if access.denied else "dim")
        table.add_row(access.group, role, reach, Text("\n".join(exempt) or "-", style="yellow" if exempt else "dim"), denied)
    return table


def _denial(access: Access, denial: Denial) -> str:
    where = "" if denial.accounts == access.accounts else f" (in {', '.join(denial.accounts)})"
    return denial.label + where


def budget_summary(budgets: list[Budget]) -> str:
    """One line for a whole organization: how many targets, the fullest, the largest document, and
    how many come near a limit (followed by their table, when any do)."""
    targets = len({budget.target for budget in budgets})
    parts = [f"policy budget: {targets:,} target{'' if targets == 1 else 's'}"]
    if (most := fullest(budgets)) is not None:
        parts.append(f"the fullest {most.target}, {most.used} of {most.allowed} {_policies_of(most.policy_type)}")
    if (largest := largest_document(budgets)) is not None:
        document = _a_policy_of(largest.policy_type)
        parts.append(f"the largest document {largest.largest:,} of {largest.max_chars:,} characters ({document} on {largest.target})")
    near = sum(1 for budget in budgets if budget.near_limit)
    limit = f"({NEAR:.0%} of AWS's count per target or of its document size)"
    parts.append(f"{near:,} near a limit {limit}:" if near else f"none near a limit {limit}; --budgets lists every target")
    return "; ".join(parts)


def _policies_of(policy_type: str) -> str:
    """The type's label in the plural: "SCPs", "tag policies"."""
    name = label(policy_type)
    return f"{name}s" if name.isupper() else f"{name} policies"


def _a_policy_of(policy_type: str) -> str:
    """One policy of the type: "an SCP", "a tag policy" (an acronym reads by its letters: S is "ess")."""
    name = label(policy_type)
    vowel_sound = name[0] in ("AEFHILMNORSX" if name.split()[0].isupper() else "AEIOU")
    return f"{'an' if vowel_sound else 'a'} {name if name.isupper() else name + ' policy'}"


def budget_table(budgets: Iterable[Budget], title: str = "Policy budget per target") -> Table:
    """Each target's use of AWS's per-target count (AWS's default policy counted where it is
    attached) and the largest document's size limit."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("target", "type", "attached", "largest document"):
        table.add_column(column)
    for budget in budgets:
        count_style = "red" if budget.used > budget.allowed else "yellow" if budget.used == budget.allowed else ""
        size_style = "red" if budget.largest > budget.max_chars else "yellow" if budget.largest > 0.9 * budget.max_chars else ""
        used = Text(f"{budget.used}/{budget.allowed}", style=count_style)
        if budget.default_detached:  # AWS's default policy counts only where it is attached
            used.append(f" (no {POLICY_TYPES[budget.policy_type].default_policy})", style="dim")
        table.add_row(
            budget.target,
            label(budget.policy_type),
            used,
            Text(f"{budget.largest:,}/{budget.max_chars:,} characters", style=size_style),
        )
    return table


_CIS_STYLES = {Status.MET: "green", Status.NOT_MET: "red", Status.OUT_OF_SCOPE: "dim"}


def cis_table(covered: Iterable[Coverage]) -> Table:
    """`validate --cis`: each CIS AWS Foundations 5.0 recommendation orgboot owns, met, not met
    (with what to set in org.yaml) or out of scope (with why)."""
    covered = list(covered)
    table = Table(title=f"CIS AWS Foundations 5.0: {summary(covered)}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("CIS", "recommendation", "status", "how, what to set, or why"):
        table.add_column(column, no_wrap=column in ("CIS", "status"))
    for each in covered:
        style = _CIS_STYLES[each.status]
        # Text, not markup: a detail says "targets: [Root]"
        table.add_row(each.recommendation.number, Text(each.recommendation.title), Text(str(each.status), style=style), Text(each.detail))
    return table
