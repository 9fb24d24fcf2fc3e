"""Keys indented too little. A key of an entry written at the indentation of the entry itself (or
further out) is, to YAML, an entry of its own or a key of an outer mapping, while the entry it
belongs to lacks it: pydantic then reports the entry as missing a required key and the key as
unknown or as no entry. The one mistake is reported once, at the key, with the indentation that
puts it back where it belongs."""

import bisect
from dataclasses import dataclass
from typing import Any

from orgboot.spec.messages import known_keys
from orgboot.spec.problems import Loc
from orgboot.spec.yaml_source import YamlSource

# What pydantic says of a key written one level too far out: an unknown key of the outer entry, or
# (in a mapping of entries, like accounts) a value where an entry belongs.
_OUT_OF_PLACE = ("extra_forbidden", "model_type", "model_attributes_type")


@dataclass(frozen=True)
class DedentedKey:
    loc: Loc  # where the key is written
    owner: Loc  # the entry above it that it belongs to
    message: str

    @property
    def meant(self) -> Loc:
        return (*self.owner, self.loc[-1])


def dedented_keys(errors: list[tuple[Loc, dict[str, Any]]], source: YamlSource) -> list[DedentedKey]:
    """The keys written too far out; every error at or under one of them (`loc`) is this mistake."""
    found: dict[Loc, DedentedKey] = {}
    written = _last_written(source)
    for loc, error in errors:
        if error.get("type") in _OUT_OF_PLACE and loc and isinstance(loc[-1], str) and loc in source.lines:
            if error["type"] != "extra_forbidden" and isinstance(_value(source.data, loc), dict):
                continue  # a mapping where an entry belongs: an entry, unless it is a key's mapping (below)
            candidate = loc
        elif error.get("type") in ("missing", "extra_forbidden") and _is_keys_mapping(loc[:-1], source):
            candidate = loc[:-1]  # `tags: {...}` read as an entry of accounts: the entry lacks its keys, has the tags'
        else:
            continue
        owner = _owner(candidate, source, written)
        if owner is not None and candidate not in found:
            found[candidate] = DedentedKey(candidate, owner, _message(candidate, owner, source))
    return list(found.values())


def _is_keys_mapping(loc: Loc, source: YamlSource) -> bool:
    """Whether the mapping at `loc`, written where an entry belongs (an account), holds none of an
    entry's keys: then it is no entry but the value of a key named like it (tags: {cost-center: ...})."""
    value = _value(source.data, loc)
    if not loc or not isinstance(loc[-1], str) or loc not in source.lines or not isinstance(value, dict):
        return False
    container = loc[:-1]
    entry_keys = known_keys(loc, _guardrail(loc, value))
    return known_keys(container) is None and entry_keys is not None and not entry_keys & set(value)


def _last_written(source: YamlSource) -> tuple[list[int], list[Loc]]:
    """The lines that hold a key or value, ascending, each with the deepest place written on it."""
    deepest: dict[int, Loc] = {}
    for place, line in source.lines.items():
        if len(place) >= len(deepest.get(line, ())):
            deepest[line] = place
    lines = sorted(deepest)
    return lines, [deepest[line] for line in lines]


def _owner(loc: Loc, source: YamlSource, written: tuple[list[int], list[Loc]]) -> Loc | None:
    """The entry written just above the key, or one holding it, that takes the key and lacks it."""
    lines, places = written
    index = bisect.bisect_left(lines, source.lines[loc]) - 1
    if index < 0:
        return None
    last = places[index]
    for depth in range(len(last), len(loc) - 1, -1):  # from the last key written out to the key's own mapping
        candidate = last[:depth]
        if candidate[: len(loc) - 1] != loc[:-1]:
            return None  # not inside the mapping the key is written in
        entry = _value(source.data, candidate)
        if isinstance(entry, dict) and loc[-1] not in entry and loc[-1] in (known_keys(candidate, _guardrail(candidate, entry)) or ()):
            return candidate
    return None


def _guardrail(loc: Loc, entry: dict[str, Any]) -> str | None:
    return str(entry.get("guardrail", loc[1])) if loc[:1] == ("guardrails",) and len(loc) == 2 else None


def _message(loc: Loc, owner: Loc, source: YamlSource) -> str:
    key, container = loc[-1], loc[:-1]
    where = f"an entry of {_dotted(container)}" if known_keys(container) is None else f"a key of {_dotted(container) or 'the top level'}"
    if owner in source.flow:
        return (
            f"'{key}' is written as {where}, but it is a key of {_dotted(owner)} above it: write it inside that entry's braces"
            f" (line {source.lines[owner]})"
        )
    columns = [column for place, column in source.columns.items() if place[:-1] == owner and len(place) == len(owner) + 1]
    indent = f"indent it {min(columns)} spaces, as" if columns else "indent it as"
    message = (
        f"'{key}' is indented as {where}, but it is a key of {_dotted(owner)} above it: {indent} the other keys of {_dotted(owner)} are"
    )
    return message + (_lines_under(loc, source, min(columns) - source.columns[loc]) if columns and loc in source.columns else "")


def _lines_under(loc: Loc, source: YamlSource, shift: int) -> str:
    """The block the key holds (its mapping or list on the lines below it), which moves with it."""
    if loc in source.flow:
        return ""
    below = [line for place, line in source.lines.items() if place[: len(loc)] == loc and line > source.lines[loc]]
    if not below or shift <= 0:
        return ""
    first, last = min(below), max(below)
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    return f", and the {'line' if first == last else 'lines'} under it ({lines}) {shift} spaces more, with it"


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _value(data: Any, loc: Loc) -> Any:
    for part in loc:
        found = isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not found:
            return None
        data = data[part]
    return data
