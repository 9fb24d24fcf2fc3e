"""Reading org.yaml into an OrgSpec: the file, its YAML, and the schema with every field check.

Every problem is collected; where entries are broken, validation goes on with a partial spec from
which only the bad leaves were removed (a bad value, an unknown key, a bad list item), so the
rules relating entries still run on everything else and each mistake is reported once.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orgboot.aws.organizations import ROOT
from orgboot.spec.identity_center import MANAGEMENT
from orgboot.spec.indentation import dedented_keys
from orgboot.spec.messages import known_keys, schema_problem
from orgboot.spec.model import OrgSpec
from orgboot.spec.problems import Loc, LocatedProblem, Problem, SpecError
from orgboot.spec.references import declared_names
from orgboot.spec.yaml_source import YamlSource, parse_yaml
from orgboot.suggest import closest


@dataclass
class ReadSpec:
    """org.yaml after schema validation: the spec (partial when there are problems, None when
    nothing could be kept), its problems, and where each part of it is written."""

    file: str
    source: YamlSource
    spec: OrgSpec | None
    problems: list[Problem] = field(default_factory=list)
    _marked: Any = None  # the data with removed parts marked, in the file's own coordinates

    def locate(self, problem: Problem) -> LocatedProblem:
        """A problem found by a rule on the (partial) spec, at its place in the file."""
        if problem.at is not None:
            file, line, key = problem.at
            return LocatedProblem(file, line, key, problem.message)
        loc = _original_loc(self._marked, problem.loc) if self._marked is not None else problem.loc
        return self._at(loc, problem.message)

    def located_problems(self) -> list[LocatedProblem]:
        """The schema's problems and the duplicate keys, at their places in the file."""
        return [self._at(p.loc, p.message) for p in self.problems] + [
            self._at(loc, f"key '{loc[-1]}' is given twice; keep one", line) for loc, line in self.source.duplicates
        ]

    def _at(self, loc: Loc, message: str, line: int | None = None) -> LocatedProblem:
        return LocatedProblem(self.file, line or self.source.line_of(loc), ".".join(str(part) for part in loc), message)


def read_spec(path: str | Path) -> ReadSpec:
    """Read and schema-validate org.yaml. Raises SpecError when the file itself cannot be read as
    YAML holding a mapping; problems inside the spec are returned with it."""
    path = Path(path)
    file = str(path)
    text = _read_text(path)
    source = parse_yaml(text, file)
    data = {} if source.data is None else source.data
    if not isinstance(data, dict):
        raise SpecError([LocatedProblem(file, 1, "", "the spec must be a mapping with keys like organization, accounts")])
    if not data:  # deploying it would create a bare organization, most likely by mistake
        raise SpecError([LocatedProblem(file, 1, "", "the spec is empty; declare the organization (the example is org.yaml)")])
    context = {"base_dir": path.parent, **declared_names(data)}
    spec, errors = _validate(data, context)
    if not errors:
        return ReadSpec(file, source, spec)
    partial, marked = _partial_spec(data, errors, context)
    dedented = dedented_keys(errors, source)
    # Each mistake once: a misspelt key or a dedented one is the problem, not the key its entry misses.
    explained = _misspelt_keys(errors) | {key.meant for key in dedented}
    problems = [Problem(key.loc, key.message) for key in dedented]
    problems += [
        schema_problem(loc, error, source.written.get(loc))
        for loc, error in errors
        if loc not in explained and not any(loc[: len(key.loc)] == key.loc for key in dedented)  # at or under a dedented key
    ]
    return ReadSpec(file, source, partial, problems, marked)


def _misspelt_keys(errors: list[tuple[Loc, dict[str, Any]]]) -> set[Loc]:
    """Required keys reported missing only because they are written with a typo: the typo is
    reported as an unknown key with the right name, which is the one thing to fix."""
    unknown = [loc for loc, error in errors if error["type"] == "extra_forbidden" and loc[:1] != ("guardrails",)]
    missing = {loc for loc, error in errors if error["type"] == "missing"}
    return {
        loc[:-1] + (match,)
        for loc in unknown
        if (known := known_keys(loc[:-1])) and (match := closest(str(loc[-1]), known)) and loc[:-1] + (match,) in missing
    }


def _read_text(path: Path) -> str:
    file = str(path)
    if path.is_dir():
        raise SpecError([LocatedProblem(file, 1, "", "is a folder; give the path of the org.yaml file")])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([LocatedProblem(file, 1, "", "no such file; give the path of an org.yaml (the example is org.yaml)")]) from None
    except OSError as error:
        raise SpecError([LocatedProblem(file, 1, "", f"cannot read the spec: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise SpecError([LocatedProblem(file, line, "", f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8")]) from None


def _validate(data: dict[str, Any], context: dict[str, Any]) -> tuple[OrgSpec | None, list[tuple[Loc, dict[str, Any]]]]:
    try:
        return OrgSpec.model_validate(data, context=context), []
    except ValidationError as error:
        # Pydantic marks a bad dict key with "[key]" after the key itself: the key names the place.
        items = [(_loc(e["loc"]), dict(e)) for e in error.errors()]
        # pydantic counts failed items out of a list and then says it is too short: noise.
        return None, [
            (loc, item)
            for loc, item in items
            if not (item["type"] == "too_short" and any(other[: len(loc)] == loc and other != loc for other, _ in items))
        ]


def _loc(loc: Loc) -> Loc:
    """Pydantic's loc of an error as a path in the file: without the markers it adds for a bad
    dict key ("[key]" after the key), for validator functions, and for the guardrail model an
    entry was validated by (its name, after the entry's key)."""
    parts = tuple(p for p in loc if not str(p).startswith("function-") and p != "[key]")
    return parts[:2] + parts[3:] if parts[:1] == ("guardrails",) and len(parts) > 2 else parts


_REMOVED = object()  # a part of the data left out of the partial spec


def _partial_spec(data: dict[str, Any], errors: list[tuple[Loc, dict[str, Any]]], context: dict[str, Any]) -> tuple[OrgSpec | None, Any]:
    """The spec without what failed: first the bad leaf of each problem; where an entry is still
    invalid without it (a required key is missing), the entry itself. Removed parts are marked in
    place, never shifted, so a loc on the partial spec maps back to the file (_original_loc)."""
    marked = copy.deepcopy(data)
    for _ in range(16):  # each round removes something; depth bounds the rounds
        originals = [_original_loc(marked, loc) for loc, _error in errors]  # all before any removal
        for loc in originals:
            if not _remove(marked, loc):
                return None, marked
        spec, errors = _validate(_compact(marked), context)
        if spec is not None and not (dangling := _dangling(spec)):
            return spec, marked
        if spec is not None:
            errors = [(loc, {}) for loc in dangling]
    return None, marked


def _dangling(spec: OrgSpec) -> list[Loc]:
    """References to entries the partial spec left out (an OU that failed validation, say): they
    were checked against the file, so they are valid there, but the rules need what they point at."""
    ous = {ROOT, *spec.ou_paths}
    targets = ous | set(spec.accounts)
    found: list[Loc] = [("accounts", key, "ou") for key, account in spec.accounts.items() if account.ou not in ous]
    for key, policy in spec.policies.items():
        found += [("policies", key, "targets", index) for index, target in enumerate(policy.targets) if target not in targets]
    for name, group in spec.management_baseline.groups.items():
        for section in ("may_assume", "break_glass"):
            for index, grant in enumerate(getattr(group, section)):
                found += [
                    ("management_baseline", "groups", name, section, index, "ous", i) for i, ou in enumerate(grant.ous) if ou not in ous
                ]
    for name, role in spec.member_roles.catalogue.items():
        found += [("member_roles", "catalogue", name, "targets", index) for index, target in enumerate(role.targets) if target not in ous]
    for key, use in spec.guardrails.items():
        found += [("guardrails", key, "targets", index) for index, target in enumerate(use.targets) if target not in targets]
    center = spec.identity_center
    for index, assignment in enumerate(center.assignments if center is not None else ()):
        entry = ("identity_center", "assignments", index)
        found += [(*entry, "permission_set")] if center and assignment.permission_set not in center.permission_sets else []
        found += [(*entry, "targets", i) for i, target in enumerate(assignment.targets) if target not in targets | {MANAGEMENT}]
    return found


_MISSING = object()


def _remove(marked: Any, loc: Loc) -> bool:
    """Mark the part at `loc` removed; where it is not there (a required key is missing, or was
    removed in an earlier round), the entry that should hold it. False when that would be the
    whole spec."""
    node, path = marked, []
    for index, part in enumerate(loc):
        child = _child(node, part)
        if child is _REMOVED and index < len(loc) - 1:
            return True  # inside a part already removed
        if child is _MISSING or child is _REMOVED:
            break
        path.append(part)
        node = child
    if not path:
        return False
    container = marked
    for part in path[:-1]:
        container = _child(container, part)
    container[path[-1]] = _REMOVED
    return True


def _child(container: Any, part: str | int) -> Any:
    if isinstance(container, dict) and part in container:
        return container[part]
    if isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container):
        return container[part]
    return _MISSING


def _compact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not _REMOVED}
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not _REMOVED]
    return value


def _original_loc(marked: Any, loc: Loc) -> Loc:
    """A loc in the compacted data, in the coordinates of the file (list items not shifted)."""
    result: list[str | int] = []
    node = marked
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            kept = [index for index, item in enumerate(node) if item is not _REMOVED]
            part = kept[part] if part < len(kept) else part
        result.append(part)
        node = _child(node, part)
    return tuple(result)
