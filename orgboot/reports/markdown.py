"""The review of an organization, or of a change to it, as GitHub-flavoured Markdown for a
pull-request comment: counts first, then what needs a reviewer (findings, dangerous and refused
changes), the diagram, and the rest folded (`<details>`), the way Atlantis or tfcmt lay out plans."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from orgboot.analysis.access import Access
from orgboot.analysis.budgets import Budget
from orgboot.analysis.cis import Coverage, Status, summary
from orgboot.analysis.diff import SECTIONS, Change, Diff, code
from orgboot.analysis.plan import ACTIONS, Plan
from orgboot.aws.policy_types import label
from orgboot.policy.guardrails import REGISTRY
from orgboot.reports.mermaid import diagram
from orgboot.spec import LocatedProblem, OrgSpec

MARKER = "<!-- orgboot-review -->"  # how CI finds its own comment to update in place
DRIFT_MARKER = "<!-- orgboot-drift -->"


@dataclass(frozen=True)
class Refusal:
    """A change the change rules refuse (AWS would fail it, or an account would be lost), and the
    option that accepts it, if any."""

    problem: LocatedProblem
    option: str | None
    accepted: bool


@dataclass(frozen=True)
class Review:
    spec_path: str
    spec: OrgSpec | None  # None when org.yaml could not be read at all
    findings: Sequence[LocatedProblem]
    budgets: Sequence[Budget] = ()
    access: Sequence[Access] = ()
    base: str | None = None  # what the change is from
    diff: Diff | None = None
    acknowledged: Mapping[str, str] = field(default_factory=dict)  # change ID -> reason
    stale: Sequence[str] = ()  # acknowledgements that match no change
    refusals: Sequence[Refusal] = ()
    plan: Plan | None = None
    cis: Sequence[Coverage] = ()  # the CIS AWS Foundations recommendations, decided (informational)

    @property
    def unacknowledged(self) -> list[Change]:
        return [change for change in (self.diff.dangerous if self.diff else ()) if change.id not in self.acknowledged]

    @property
    def passes(self) -> bool:
        """Nothing for CI to stop on: no finding, refusal, unacknowledged dangerous change or failed plan."""
        refused = [r for r in self.refusals if not r.accepted]
        failed = self.plan is not None and self.plan.failure is not None
        return not self.findings and not refused and not self.unacknowledged and not failed


def md(text: object) -> str:
    """Text from the spec, safe in Markdown prose and table cells: ASCII punctuation escaped."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>|~" else c for c in str(text).replace("\n", " "))


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# The summary line ------------------------------------------------------------------------------


def _counts(review: Review) -> str:
    parts = []
    if review.diff is not None:
        dangerous, open_ = len(review.diff.dangerous), len(review.unacknowledged)
        if open_:
            parts.append(f"🔴 **{_plural(open_, 'dangerous change')} not acknowledged**")
        if dangerous - open_:
            parts.append(f"🟡 {dangerous - open_} dangerous acknowledged")
        parts.append(_plural(len(review.diff.changes), "change"))
    if refused := [r for r in review.refusals if not r.accepted]:
        parts.append(f"⛔ **{_plural(len(refused), 'refused change')}**")
    if accepted := [r for r in review.refusals if r.accepted]:
        parts.append(f"🟡 {_plural(len(accepted), 'refusal')} acknowledged")
    if review.plan is not None:
        actions = Counter(change.action for change in review.plan.resources)
        planned = ", ".join(f"{actions[a]} {a.lower()}" for a in ACTIONS if actions[a]) or "no resource changes"
        if review.plan.unavailable:
            planned = "none (see below)"
        parts.append(f"plan: {'❌ **fails**, ' if review.plan.failure else ''}{planned}")
    parts.append(f"❌ **{_plural(len(review.findings), 'finding')}**" if review.findings else "✅ valid")
    if review.spec is not None:
        spec = review.spec
        parts += [
            _plural(len(spec.ou_paths), "OU"),
            _plural(len(spec.accounts), "account"),
            f"{len(spec.policies):,} {'policy' if len(spec.policies) == 1 else 'policies'}",
            _plural(len(spec.guardrails), "guardrail"),
        ]
    return " · ".join(parts)


def _title(review: Review, command: str) -> str:
    against = f" against {code(review.base)}" if review.base else ""
    return f"### orgboot {command} of {code(review.spec_path)}{against}"


# Sections --------------------------------------------------------------------------------------


def _findings(findings: Sequence[LocatedProblem]) -> str:
    items = [f"- {code(f'{p.file}:{p.line}')}{' ' + code(p.key) if p.key else ''}: {md(p.message)}" for p in findings]
    return "#### ❌ Findings\n\nThe spec does not validate; nothing can be deployed until these are fixed.\n\n" + "\n".join(items)


def _dangerous(review: Review) -> str:
    assert review.diff is not None
    rows = []
    for change in review.diff.dangerous:
        reason = review.acknowledged.get(change.id)
        status = "🔴 not acknowledged" if reason is None else f"🟡 acknowledged: {md(reason) or 'by option'}"
        rows.append((change.summary, code(change.id), status))
    text = (
        "#### ⚠️ Dangerous changes\n\nEach needs a reviewer's yes: acknowledge it in org.yaml under `acknowledged_changes` (its ID,"
        " and why) or with `--acknowledge ID`.\n\n" + _table(("change", "ID", "status"), rows)
    )
    if review.stale:
        text += "\n\nAcknowledged in org.yaml but not in this change (remove them once merged): " + ", ".join(map(code, review.stale))
    return text


def _refusal_item(refusal: Refusal, mark: str) -> str:
    p = refusal.problem
    how = f" (accepted with `--{refusal.option.replace('_', '-')}`)" if refusal.accepted and refusal.option else ""
    return f"- {mark} {code(f'{p.file}:{p.line}')} {code(p.key)}: {md(p.message)}{how}"


def _refusals(refusals: Sequence[Refusal]) -> str:
    items = [_refusal_item(refusal, "⛔") for refusal in refusals]
    return "#### ⛔ Refused changes\n\nAWS would fail these, or an account would be lost.\n\n" + "\n".join(items)


def _acknowledged_refusals(refusals: Sequence[Refusal]) -> str:
    """Refusals accepted: an OU moved or replaced, accounts moving between stacks, an account
    imported, each acknowledged in org.yaml (its message ends with the reason) or by an option. With
    acknowledgements in org.yaml this is how such a change is normally made: a reviewer checks the
    reasons, apart from what cannot deploy at all."""
    items = [_refusal_item(refusal, "🟡") for refusal in refusals]
    intro = (
        "Refused unless acknowledged (docs/review.md), and acknowledged: in org.yaml with the reason given, or for this"
        " run by an option. Each still needs a reviewer's yes to its reason."
    )
    return f"#### 🟡 Acknowledged refusals\n\n{intro}\n\n" + "\n".join(items)


def _diagram(review: Review) -> str:
    assert review.spec is not None
    legend = " Colours: green added, yellow moved or renamed, red dashed removed." if review.diff else ""
    return f"#### Organization\n\n```mermaid\n{diagram(review.spec, review.diff.marks if review.diff else None)}\n```\n\n" + (
        f"<sub>Policies and guardrails are listed where they are attached.{legend}</sub>"
    )


def _changes(diff: Diff, folded: bool = True) -> str:
    if not diff.changes:
        return "#### Changes\n\nNo change to the organization."
    by_section: dict[str, list[Change]] = defaultdict(list)
    for change in diff.changes:
        by_section[change.section].append(change)
    parts = []
    for section in SECTIONS:
        if not (changes := by_section.get(section)):
            continue
        lines = []
        for change in changes:
            lines.append(f"- {'⚠️ ' if change.dangerous else ''}{change.summary}")
            if change.details:
                language = "diff" if change.details.startswith("---") else "json"
                lines.append("  " + _details("statements", f"```{language}\n{change.details}\n```").replace("\n", "\n  "))
        parts.append(f"**{section}** ({len(changes)})\n\n" + "\n".join(lines))
    body = "\n\n".join(parts)
    return _details(f"<b>Changes</b> ({len(diff.changes)})", body) if folded else f"#### Changes ({len(diff.changes)})\n\n{body}"


_VERBS = {"CREATE": "create", "UPDATE": "update", "REPLACE": "replace", "DELETE": "delete", "RETAIN": "retain"}
_ICONS = {"CREATE": "🟢", "UPDATE": "🟡", "REPLACE": "🔴", "DELETE": "🔴", "RETAIN": "🔵"}


def _plan(plan: Plan, folded: bool = True) -> str:
    if plan.unavailable:
        return f"> [!NOTE]\n> No plan: {md(plan.unavailable)}"
    by_stack: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for change in plan.resources:
        by_stack[change.stack].append((f"{_ICONS[change.action]} {_VERBS[change.action]}", code(change.logical_id), code(change.type)))
    for instance in plan.instances:
        what = f"StackSet instance resources in {_plural(instance.accounts, 'account')}"
        by_stack[instance.stack].append((f"{_ICONS[instance.action]} {_VERBS[instance.action]}", what, ""))
    parts = [f"**{md(stack)}**\n\n" + _table(("action", "resource", "type"), rows) for stack, rows in by_stack.items()]
    body = "\n\n".join(parts) or "No resource changes: CloudFormation would find nothing to do."
    text = ""
    if plan.failure:
        text = f"> [!CAUTION]\n> The head does not deploy over the base: {md(plan.failure)}"
        if not plan.resources and not plan.instances:
            return text
        text += "\n\n"
    intro = "The base deployed into the emulated AWS, then the head over it, as CloudFormation would (docs/review.md)."
    title = f"<b>Plan</b> ({_plural(len(plan.resources), 'resource change')})"
    return text + (_details(title, f"{intro}\n\n{body}") if folded else f"{intro}\n\n{body}")


def _accounts(spec: OrgSpec) -> str:
    rows = []
    for key, account in spec.accounts.items():
        tags = ", ".join(f"{md(k)}={md(v)}" for k, v in account.tags.items())
        rows.append((code(key), md(account.name), code(account.ou), tags))
    return _details(f"<b>Accounts</b> ({len(spec.accounts):,})", _table(("key", "name", "OU", "tags"), rows))


def _policies(spec: OrgSpec, budgets: Sequence[Budget]) -> str:
    documents = spec.organization_policies
    rows = []
    for key, policy in spec.policies.items():
        size = len(policy.document.minified)
        rows.append((code(key), label(policy.type), ", ".join(map(code, policy.targets)), md(policy.description), f"{size:,}"))
    for key, use in spec.guardrails.items():
        guardrail = REGISTRY[use.guardrail]
        rows.append((code(key), f"{label(guardrail.policy_type)} guardrail", ", ".join(map(code, use.targets)), md(guardrail.why), ""))
    packs = [
        (
            code(pack.key),
            label(pack.policy_type),
            ", ".join(map(code, pack.targets)),
            ", ".join(map(code, pack.members)),
            f"{len(documents[pack.key].document.minified):,}",
        )
        for pack in spec.guardrail_packs
    ]
    budget_rows = [
        (
            code(b.target),
            label(b.policy_type),
            f"{b.used} of {b.allowed}" + (" ⚠️" if b.used == b.allowed else ""),
            f"{b.largest:,} of {b.max_chars:,}" + (" ⚠️" if b.largest > 0.9 * b.max_chars else ""),
        )
        for b in budgets
    ]
    body = _table(("policy", "type", "targets", "why", "characters"), rows)
    if packs:
        body += "\n\nGuardrails are packed into documents, one per type and target set:\n\n"
        body += _table(("document", "type", "targets", "guardrails", "characters"), packs)
    if budget_rows:
        body += "\n\nEach target's budget: policies attached (AWS's default policy counted) and its largest document:\n\n"
        body += _table(("target", "type", "attached", "largest document"), budget_rows)
    return _details(f"<b>Policies and guardrails</b> ({len(rows)})", body)


def _reached(spec: OrgSpec, names: Iterable[str]) -> str:
    """Accounts by name, summarized per OU: `Workloads/Prod` (all 40), `Sandbox` (2 of 5)."""
    names = list(names)
    if len(names) == len(spec.accounts) > 1:
        return f"every member account ({len(names):,})"
    keys_by_name = {account.name: key for key, account in spec.accounts.items()}
    in_ou: Counter[str] = Counter(account.ou for account in spec.accounts.values())
    reached: dict[str, list[str]] = defaultdict(list)
    for name in names:
        reached[spec.accounts[keys_by_name[name]].ou].append(name)
    parts = []
    for ou, found in sorted(reached.items()):
        if len(found) == in_ou[ou] and in_ou[ou] > 1:
            parts.append(f"{code(ou)} (all {in_ou[ou]})")
        else:
            parts.append(f"{code(ou)}: " + ", ".join(md(n) for n in sorted(found)))
    return "; ".join(parts)


def _access(spec: OrgSpec, access: Sequence[Access]) -> str:
    rows = [
        (
            code(row.group) + (" (Identity Center)" if row.identity_center else ""),
            code(row.role) + (" (permission set)" if row.identity_center else "") + (" **break-glass**" if row.break_glass else ""),
            "the management account" if row.management else _reached(spec, row.accounts),
            _exempt(spec, row) or "-",
            _denied(spec, row) or "-",
        )
        for row in access
    ]
    intro = (
        "Who can become what, where, as the policy evaluator finds it offline (a group member signed in with MFA;"
        " SCPs, RCPs and trust policies applied). **break-glass** marks a grant of the access role (`break_glass`),"
        " apart from everyday grants; *exempt from* names the guardrails and policies whose denies let the role"
        " through in those accounts; *denied by* what the SCPs and RCPs take of the role there, on probe actions"
        " its own policies allow (docs/management-baseline.md). Roles of the management account (the administrator"
        " and support roles) are reached there, where no SCP or RCP applies."
    )
    if any(row.identity_center for row in access):
        intro += (
            " An *Identity Center* group's members sign in through IAM Identity Center with a *permission set* where it is"
            " assigned, as the role Identity Center provisions there (docs/identity-center.md)."
        )
    intro += ":\n\n"
    header = ("group", "role", "accounts", "exempt from", "denied by")
    body = intro + _table(header, rows) if rows else "No group reaches a role."
    return _details(f"<b>Access</b> ({_plural(len(rows), 'grant')})", body)


def _denied(spec: OrgSpec, row: Access) -> str:
    """**denied** by SCP `prod-freeze` (in `Workloads/Prod`: Prod); partly denied by ... (3 of 20 probed actions)."""
    parts = []
    for denial in row.denied:
        where = "" if denial.accounts == row.accounts else f" (in {_reached(spec, denial.accounts)})"
        by = " and ".join(_policy_label(label) for label in denial.by)
        if denial.everything:
            parts.append(f"**denied** by {by}{where}")
        else:
            parts.append(f"partly denied by {by}, {denial.denied} of {denial.probed} probed actions{where}")
    return "; ".join(parts)


def _policy_label(label: str) -> str:
    """A policy named in code (SCP `prod-freeze`); a reason ("no SCP attached to OU X allows it") as text."""
    source, _, name = label.partition(" ")
    return f"{source} {code(name)}" if source in ("SCP", "RCP", "guardrail") and " " not in name else md(label)


def _exempt(spec: OrgSpec, row: Access) -> str:
    """`guardrail quarantine`, and where, when not in every account the row reaches."""
    parts = []
    for exemption in row.exempt_from:
        where = "" if exemption.accounts == row.accounts else f" (in {_reached(spec, exemption.accounts)})"
        parts.append(f"{exemption.source} {code(exemption.name)}{where}")
    return "; ".join(parts)


_CIS_MARKS = {Status.MET: "✅ met", Status.NOT_MET: "❌ not met", Status.OUT_OF_SCOPE: "➖ out of scope"}


def _cis(covered: Sequence[Coverage]) -> str:
    """The CIS AWS Foundations 5.0 recommendations an account bootstrapper owns, each met, not met
    (with what to set) or out of scope (with why). Informational: it never fails the review."""
    rows = [(c.recommendation.number, md(c.recommendation.title), _CIS_MARKS[c.status], md(c.detail)) for c in covered]
    intro = (
        "Decided from this spec, as its stacks and organization policies would deploy it: *not met* says what to set in"
        " org.yaml, *out of scope* why orgboot cannot (docs/security-baseline.md). Informational: it fails no check.\n\n"
    )
    body = intro + _table(("CIS", "recommendation", "status", "how, what to set, or why"), rows)
    return _details(f"<b>CIS AWS Foundations 5.0</b> ({summary(covered)})", body)


def plan_report(plan: Plan, base: str, head: str) -> str:
    """`orgboot plan` alone: the plan, unfolded."""
    actions = Counter(change.action for change in plan.resources)
    counts = ", ".join(f"{actions[a]} {_VERBS[a]}" for a in ACTIONS if actions[a]) or "no resource changes"
    if plan.unavailable:
        counts = "no plan"
    title = f"### orgboot plan: {code(head)} over {code(base)}\n\n{'❌ **fails** · ' if plan.failure else ''}{counts}"
    return f"{title}\n\n{_plan(plan, folded=False)}\n"


def render(review: Review, *, inventory: bool = True, command: str = "review") -> str:
    """The whole review; `inventory` False leaves out the diagram and the folded inventory
    (accounts, policies, access), for `orgboot diff`, whose title names it (`command`)."""
    parts = [MARKER, _title(review, command), _counts(review)]
    if review.findings:
        parts.append(_findings(review.findings))
    if refused := [r for r in review.refusals if not r.accepted]:
        parts.append(_refusals(refused))
    if accepted := [r for r in review.refusals if r.accepted]:
        parts.append(_acknowledged_refusals(accepted))
    if review.diff is not None and review.diff.dangerous:
        parts.append(_dangerous(review))
    if review.spec is not None and inventory:
        parts.append(_diagram(review))
    if review.diff is not None:
        parts.append(_changes(review.diff, folded=inventory))
    if review.plan is not None:
        parts.append(_plan(review.plan))
    if review.spec is not None and inventory:
        parts += [_accounts(review.spec), _policies(review.spec, review.budgets), _access(review.spec, review.access)]
        if review.cis:
            parts.append(_cis(review.cis))
    return "\n\n".join(parts) + "\n"


def drift_report(changes: Sequence[Change], spec_path: str, organization_id: str, sections: Sequence[str], dangerous: Iterable[str]) -> str:
    """`orgboot drift` for a scheduled CI job: what AWS holds that the spec does not say; changes of
    a `dangerous` kind reopen what a guardrail closed."""
    dangerous = set(dangerous)
    title = f"### orgboot drift: {code(organization_id)} against {code(spec_path)}"
    if not changes:
        return f"{DRIFT_MARKER}\n{title}\n\n✅ No drift: the organization is as {code(spec_path)} says.\n"
    reopening = sum(1 for change in changes if change.kind in dangerous)
    counts = f"❌ **{_plural(len(changes), 'difference')}**" + (f", {reopening} reopening a guardrail" if reopening else "")
    by_section: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_section[change.section].append(change)
    parts = [DRIFT_MARKER, title, counts]
    for section in sections:
        if found := by_section.get(section):
            lines = []
            for change in found:
                lines.append(f"- {'⚠️ ' if change.kind in dangerous else ''}{change.summary}")
                if change.details:
                    lines.append("  " + _details("statements", f"```diff\n{change.details}\n```").replace("\n", "\n  "))
            parts.append(f"**{section}** ({len(found)})\n\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"
