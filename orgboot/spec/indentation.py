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
    found = []
    written = _last_written(source)
    for loc, error in errors:
        if error.get("type") not in _OUT_OF_PLACE or not loc or not isinstance(loc[-1], str) or loc not in source.lines:
            continue
        if error["type"] != "extra_forbidden" and isinstance(_value(source.data, loc), dict):
            continue  # a mapping where an entry belongs is an entry, whatever its name
        owner = _owner(loc, source, written)
        if owner is not None:
            found.append(DedentedKey(loc, owner, _message(loc, owner, source)))
    return found


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
    return f"'{key}' is indented as {where}, but it is a key of {_dotted(owner)} above it: {indent} the other keys of {_dotted(owner)} are"


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _value(data: Any, loc: Loc) -> Any:
    for part in loc:
        found = isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not found:
            return None
        data = data[part]
    return data
