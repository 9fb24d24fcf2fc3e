"""The organization as a Mermaid flowchart, for a pull request: the root, the OUs and the
accounts, with the policies and guardrails attached at each level; in a review of a change, what
is added, moved or removed is coloured.

Large organizations stay readable, and within Mermaid's limits (50,000 characters and 500 edges
by default: mermaid's config.schema.yaml, `maxTextSize` and `maxEdges`): beyond a few dozen
accounts, an OU's accounts are one node ("40 accounts") unless one of them changes, and OUs
deeper than what fits in about 150 boxes fold into their parent.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from orgboot.analysis.diff import TreeMarks
from orgboot.aws.policy_types import label
from orgboot.policy.guardrails import REGISTRY
from orgboot.spec import ROOT, OrgSpec, parent_of

DETAILED_ACCOUNTS = 30  # up to this many accounts, every account is drawn
MAX_EDGES = 150  # a diagram of more boxes is scrolled, not read (Mermaid's own limit is 500)
MAX_TEXT = 40_000  # below Mermaid's 50,000 characters
NAMES_PER_LINE = 3

_CLASSES = {
    "added": "fill:#dafbe1,stroke:#1a7f37,color:#1a7f37",
    "moved": "fill:#fff8c5,stroke:#9a6700,color:#6a4a00",
    "removed": "fill:#ffebe9,stroke:#cf222e,color:#a40e26,stroke-dasharray:4 3",
    "summary": "fill:#f6f8fa,stroke:#8c959f,color:#57606a",
}
_MARK_PREFIX = {"added": "+ ", "moved": "→ ", "removed": "− "}


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label, found with Mermaid's own parser (the rules are
    written down in tools/mermaid_check.mjs): `"` would end the label, `<` starts HTML that is
    filtered out, and `#word;` is Mermaid's own entity code, so each is written as an entity code."""
    text = re.sub(r"#(?=\w+;)", "#35;", text)
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _attached(spec: OrgSpec) -> dict[str, list[str]]:
    """Per target, one line per policy type: `SCP: deny-leave-organization, region-deny`."""
    names: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, use in spec.guardrails.items():
        for target in use.targets:
            names[target][REGISTRY[use.guardrail].policy_type].append(key)
    for key, policy in spec.policies.items():
        for target in policy.targets:
            names[target][policy.type].append(key)
    lines: dict[str, list[str]] = {}
    for target, by_type in names.items():
        lines[target] = []
        for policy_type, keys in by_type.items():
            chunks = [", ".join(keys[i : i + NAMES_PER_LINE]) for i in range(0, len(keys), NAMES_PER_LINE)]
            lines[target] += [f"{label(policy_type)}: {chunks[0]}", *chunks[1:]]
    return lines


class _Chart:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.edges = 0
        self.ids: dict[str, str] = {}

    def node(self, key: str, title: str, details: Iterable[str] = (), shape: str = "box", mark: str | None = None) -> str:
        node_id = self.ids.setdefault(key, f"n{len(self.ids)}")
        text = escape(f"{_MARK_PREFIX.get(mark or '', '')}{title}")
        body = "<br/>".join([f"<b>{text}</b>", *(f"<small>{escape(line)}</small>" for line in details)])
        opening, closing = {"box": ('["', '"]'), "round": ('("', '")'), "stadium": ('(["', '"])')}[shape]
        self.lines.append(f"  {node_id}{opening}{body}{closing}" + (f":::{mark}" if mark else ""))
        return node_id

    def edge(self, parent: str, child: str, dashed: bool = False) -> None:
        self.lines.append(f"  {parent} {'-.->' if dashed else '-->'} {child}")
        self.edges += 1

    def text(self) -> str:
        classes = [f"  classDef {name} {style}" for name, style in _CLASSES.items()]
        return "\n".join(["flowchart LR", *self.lines, *classes])


def diagram(spec: OrgSpec, marks: TreeMarks | None = None) -> str:
    """The Mermaid text of the organization `spec` declares; with `marks`, the changes from a base."""
    marks = marks or TreeMarks()
    for depth in range(max((p.count("/") + 1 for p in spec.ou_paths), default=0), -1, -1):
        chart = _draw(spec, marks, depth)
        text = chart.text()
        if depth == 0 or (chart.edges <= MAX_EDGES and len(text) <= MAX_TEXT):
            return text
    raise AssertionError("unreachable")


def _draw(spec: OrgSpec, marks: TreeMarks, depth: int) -> _Chart:
    """OUs down to `depth` levels; the accounts of deeper OUs are counted in their ancestor."""
    chart = _Chart()
    attached = _attached(spec)
    detailed = len(spec.accounts) <= DETAILED_ACCOUNTS

    def shown(path: str) -> str:
        """The drawn OU that stands for `path` (itself, or its ancestor at `depth`)."""
        return path if path == ROOT else "/".join(path.split("/")[:depth]) or ROOT

    def mark_of(key: str) -> str | None:
        return "added" if key in marks.added else "moved" if key in marks.moved else None

    chart.node(ROOT, ROOT, attached.get(ROOT, []), shape="stadium")
    for path in (*spec.ou_paths, *marks.removed_ous):
        if path.count("/") >= depth:
            continue
        mark = "removed" if path in marks.removed_ous else mark_of(path)
        node = chart.node(f"ou:{path}", path.rpartition("/")[2], attached.get(path, []), shape="round", mark=mark)
        parent = parent_of(path)
        chart.edge(chart.ids.get(f"ou:{parent}", chart.ids[ROOT]), node)
    by_ou: dict[str, list[str]] = defaultdict(list)
    for key, account in spec.accounts.items():
        by_ou[shown(account.ou)].append(key)
    for key, (ou, _) in marks.removed_accounts.items():
        by_ou[shown(ou)].append(key)
    for ou, keys in by_ou.items():
        parent = chart.ids.get(f"ou:{ou}", chart.ids[ROOT])
        quiet = [k for k in keys if k in spec.accounts and not mark_of(k)]
        many = not detailed and len(quiet) > 3
        for key in keys:
            if many and key in quiet:
                continue
            present = spec.accounts.get(key)
            mark = "removed" if present is None else mark_of(key)
            title = f"{present.name if present else marks.removed_accounts[key][1]} ({key})"
            chart.edge(parent, chart.node(f"account:{key}", title, attached.get(key, []), mark=mark))
        if many:
            nested = {spec.accounts[k].ou for k in quiet} - {ou}
            deeper = f" ({len(nested)} OUs below)" if nested else ""
            summary = chart.node(f"accounts:{ou}", f"{len(quiet):,} accounts{deeper}", mark="summary")
            chart.edge(parent, summary)
    return chart
