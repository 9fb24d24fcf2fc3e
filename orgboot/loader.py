"""Load org.yaml into an OrgSpec, or fail once with every problem, each with file, line and key."""

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from orgboot import rules
from orgboot.problems import Loc, LocatedProblem, Problem, SpecError
from orgboot.spec import OrgSpec, implied_ou_paths


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


class _LineMap:
    """Line of every key and list item in a YAML document, and the duplicate keys PyYAML would
    silently merge (a duplicated account key must not quietly drop an account)."""

    def __init__(self, root: yaml.Node | None):
        self.lines: dict[Loc, int] = {(): 1}
        self.duplicates: list[tuple[Loc, int]] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, loc: Loc) -> None:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                child = loc + (key,)
                if key in seen:
                    self.duplicates.append((child, key_node.start_mark.line + 1))
                    continue
                seen.add(key)
                self.lines[child] = key_node.start_mark.line + 1
                self._walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, loc + (index,))

    def line_of(self, loc: Loc) -> int:
        while loc not in self.lines:
            loc = loc[:-1]
        return self.lines[loc]


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'"
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        return f"{error['input']!r} is not allowed; expected one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} does not match {ctx.get('pattern')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']} (got {error['input']!r})"


def _schema_problems(error: ValidationError) -> list[Problem]:
    items = [(tuple(p for p in e["loc"] if not str(p).startswith("function-")), e) for e in error.errors()]
    problems = []
    for loc, item in items:
        # pydantic counts failed items out of a list and then says it is too short: noise.
        if item["type"] == "too_short" and any(other[: len(loc)] == loc and other != loc for other, _ in items):
            continue
        problems.append(Problem(loc, _message(item)))
    return problems


def _validate(data: dict[str, Any], context: dict[str, Any]) -> tuple[OrgSpec | None, list[Problem]]:
    try:
        return OrgSpec.model_validate(data, context=context), []
    except ValidationError as error:
        return None, _schema_problems(error)


def _partial_spec(
    data: dict[str, Any], problems: list[Problem], context: dict[str, Any]
) -> tuple[OrgSpec | None, dict[str, list[int]]]:
    """The spec without what failed schema validation, so that the rules relating entries still
    run on the rest: first without the offending keys of each entry (an unknown key, a bad
    value), then, where an entry is still invalid, without the entry. Also maps each kept index
    of a list section to its original index, to report rule problems at the right line."""
    data = copy.deepcopy(data)
    for problem in problems:
        entry = data.get(str(problem.loc[0])) if len(problem.loc) >= 3 else None
        entry = entry.get(problem.loc[1]) if isinstance(entry, dict) else None
        if isinstance(entry, dict):
            entry.pop(problem.loc[2], None)
    spec, still_bad = _validate(data, context)
    if spec is not None:
        return spec, {}
    bad = {p.loc[:2] for p in still_bad}
    kept_indexes: dict[str, list[int]] = {}
    for section, value in data.items():
        if isinstance(value, dict):
            data[section] = {k: v for k, v in value.items() if (section, k) not in bad}
        elif isinstance(value, list):
            kept_indexes[section] = [i for i in range(len(value)) if (section, i) not in bad]
            data[section] = [value[i] for i in kept_indexes[section]]
    spec, _ = _validate({k: v for k, v in data.items() if (k,) not in bad}, context)
    return spec, kept_indexes


def declared_names(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """What org.yaml declares, read defensively from the raw data: the context against which
    spec.py checks references, so a reference problem is found even next to a broken entry."""

    def strings(value: Any) -> list[str]:
        return [item for item in value if isinstance(item, str)] if isinstance(value, (list, dict)) else []

    organization = data.get("organization")
    baseline = data.get("management_baseline")
    return {
        "group_names": frozenset(strings(baseline.get("groups")) if isinstance(baseline, dict) else []),
        "ou_paths": frozenset(implied_ou_paths(strings(data.get("organizational_units")))),
        "account_keys": frozenset(strings(data.get("accounts"))),
        "policy_types": frozenset(
            strings(organization.get("policy_types")) if isinstance(organization, dict) else []
        ),
    }


def load_spec(path: str | Path) -> OrgSpec:
    """Parse and validate org.yaml. Raises SpecError with all problems found."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError([LocatedProblem(name, 0, "", f"cannot read the spec: {error.strerror}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        detail = getattr(error, "problem", None) or str(error)
        raise SpecError([LocatedProblem(name, line, "", f"YAML syntax error: {detail}")]) from None
    data = {} if data is None else data
    lines = _LineMap(node)
    if not isinstance(data, dict):
        raise SpecError([LocatedProblem(name, 1, "", "the spec must be a mapping with keys like organization, accounts")])

    context = {"base_dir": path.parent, **declared_names(data)}
    spec, problems = _validate(data, context)
    kept_indexes: dict[str, list[int]] = {}
    if problems:
        spec, kept_indexes = _partial_spec(data, problems, context)
    for problem in rules.check(spec) if spec else []:
        section, rest = problem.loc[0], problem.loc[1:]
        if rest and isinstance(rest[0], int) and section in kept_indexes:
            problem = Problem((section, kept_indexes[section][rest[0]], *rest[1:]), problem.message)
        problems.append(problem)
    located = [LocatedProblem(name, lines.line_of(p.loc), _dotted(p.loc), p.message) for p in problems]
    located += [LocatedProblem(name, line, _dotted(loc), f"key '{loc[-1]}' is given twice; keep one") for loc, line in lines.duplicates]
    if located:
        raise SpecError(located)
    assert spec is not None
    return spec
