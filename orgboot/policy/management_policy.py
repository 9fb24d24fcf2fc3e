"""The syntax every management policy type shares (tag, backup, AI services opt-out, declarative):
JSON whose settings are written through inheritance operators. Each type describes its keys as a
grammar (Block, Named, Setting: tag_policy.py is the first); `check` walks a document against it and
handles the operators the same way for every type.

Organizations User Guide, "Inheritance operators"
(https://docs.aws.amazon.com/organizations/latest/userguide/policy-operators.html):
- "@@assign – Overwrites any inherited policy settings with the specified settings ... This operator
  can apply to any policy setting of any type": a single value, or a JSON array it replaces.
- "@@append – Adds the specified settings ... You can use this operator only with multi-valued
  settings"; "@@remove – Removes the specified inherited settings ... only with multi-valued settings".
- "@@operators_allowed_for_child_policies": ["@@all"] (the default), one or more of ["@@assign",
  "@@append", "@@remove"], or ["@@none"] ("Child OUs and accounts can't use operators in policies").
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgboot.policy.findings import Finding, Path
from orgboot.suggest import did_you_mean

ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
VALUE_SETTING = (ASSIGN, APPEND, REMOVE)
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
OPERATORS = (*VALUE_SETTING, CHILD_CONTROL)
_ALL, _NONE = "@@all", "@@none"
CHILD_CONTROL_VALUES = (_ALL, *VALUE_SETTING, _NONE)

ItemCheck = Callable[[str, Path], Iterator[Finding]]


@dataclass(frozen=True)
class Setting:
    """A value the policy sets, always through a value-setting operator: {"@@assign": value}.
    A multi-valued setting is a JSON array, which @@append and @@remove also change."""

    multi_valued: bool
    example: str  # a value as JSON, for messages: '"CostCenter"', '["100"]'
    check_item: ItemCheck | None = None  # each string the setting holds


@dataclass(frozen=True)
class Block:
    """An object of keys the policy type defines (a tag policy's entry: tag_key, tag_value, ...)."""

    label: str  # "a tag policy entry"
    keys: Mapping[str, "Grammar"]
    required: Mapping[str, str] = field(default_factory=dict)  # key -> what it is, for the message
    # Checks that relate keys of one block, given the key the block is written under.
    check: Callable[[str, Mapping[str, Any], Path], Iterator[Finding]] | None = None


@dataclass(frozen=True)
class Named:
    """An object whose keys the author names (a tag policy's policy keys, backup plan names), each
    holding the same kind of Block."""

    entry: Block


Grammar = Setting | Block | Named


def check(document: Any, grammar: Block) -> Iterator[Finding]:
    """Every finding in `document`, a whole policy of the type `grammar` describes."""
    yield from _block(grammar, "", document, ())


def _closest(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    return did_you_mean(word, candidates, cutoff=0.75)


def _element(grammar: Grammar, name: str, value: Any, path: Path) -> Iterator[Finding]:
    if isinstance(grammar, Setting):
        yield from _setting(grammar, name, value, path)
    elif isinstance(grammar, Named):
        yield from _named(grammar, name, value, path)
    else:
        yield from _block(grammar, name, value, path)


def _is_operator(key: Any) -> bool:
    # A single @ is a misspelt operator, never a key a policy type defines.
    return isinstance(key, str) and key.startswith("@")


def _operator(key: str, value: Any, path: Path) -> Iterator[Finding]:
    """An operator where it may stand: the child control is checked here, value-setting operators
    by the setting that holds them."""
    if key not in OPERATORS:
        yield Finding((*path, key), f"unknown operator '{key}'{_closest(key, OPERATORS)}; operators are {', '.join(OPERATORS)}")
    elif key == CHILD_CONTROL:
        yield from _child_control(value, (*path, key))


def _child_control(value: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(value, list) or not value:
        yield Finding(path, f'{CHILD_CONTROL} takes a list of operators, like ["@@none"] or ["@@append"]')
        return
    for index, operator in enumerate(value):
        if operator not in CHILD_CONTROL_VALUES:
            allowed = f"{', '.join(CHILD_CONTROL_VALUES[:-1])} or {CHILD_CONTROL_VALUES[-1]}"
            shown, hint = (
                (f"'{operator}'", _closest(operator, CHILD_CONTROL_VALUES)) if isinstance(operator, str) else (json.dumps(operator), "")
            )
            yield Finding((*path, index), f"unknown operator {shown}{hint}; child policies may be allowed {allowed}")
    for alone, meaning in ((_NONE, "it allows no operator"), (_ALL, "it allows every operator")):
        if alone in value and len(value) > 1:
            yield Finding(path, f'["{alone}"] stands alone: {meaning}')


def _block(grammar: Block, name: str, value: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(value, Mapping):
        yield Finding(path, f"'{name}' takes an object of {', '.join(grammar.keys)}")
        return
    for key, child in value.items():
        if _is_operator(key):
            yield from _operator(key, child, path)
        elif key in grammar.keys:
            yield from _element(grammar.keys[key], key, child, (*path, key))
        else:
            yield Finding(
                (*path, key), f"unknown key '{key}'{_closest(str(key), list(grammar.keys))}; {grammar.label} has {', '.join(grammar.keys)}"
            )
    for key, what in grammar.required.items():
        if key not in value:
            yield Finding(path, f"{grammar.label} needs {key} ({what})")
    if grammar.check is not None:
        yield from grammar.check(name, value, path)


def _named(grammar: Named, name: str, value: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(value, Mapping):
        yield Finding(path, f"'{name}' must be an object")
        return
    for key, child in value.items():
        if _is_operator(key):
            yield from _operator(key, child, path)
        else:
            yield from _block(grammar.entry, key, child, (*path, key))


def _setting(grammar: Setting, name: str, value: Any, path: Path) -> Iterator[Finding]:
    if not isinstance(value, Mapping):
        shown = json.dumps(value) if _holds(grammar, value) else grammar.example
        yield Finding(path, f'{name} takes an inheritance operator, like {{"{ASSIGN}": {shown}}}')
        return
    for key, operand in value.items():
        if not _is_operator(key):
            yield Finding((*path, key), f"unknown key '{key}' in {name}; a setting holds operators: {', '.join(OPERATORS)}")
        elif key in (APPEND, REMOVE) and not grammar.multi_valued:
            verb = "adds to" if key == APPEND else "removes from"
            yield Finding((*path, key), f"{key} {verb} a list, and {name} holds one value; use {ASSIGN}")
        elif key in VALUE_SETTING:
            yield from _operand(grammar, name, operand, (*path, key))
        else:
            yield from _operator(key, operand, path)


def _holds(grammar: Setting, value: Any) -> bool:
    if grammar.multi_valued:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, str)


def _operand(grammar: Setting, name: str, value: Any, path: Path) -> Iterator[Finding]:
    if grammar.multi_valued:
        if not isinstance(value, list):
            shown = json.dumps([value]) if isinstance(value, str) else grammar.example
            yield Finding(path, f"{name} takes a list, like {shown}")
            return
        items = [(item, (*path, index)) for index, item in enumerate(value)]
    else:
        items = [(value, path)]
    for item, where in items:
        if not isinstance(item, str):
            yield Finding(
                where, f"{name} takes {'strings' if grammar.multi_valued else 'a string'}, like {grammar.example}, not {json.dumps(item)}"
            )
        elif grammar.check_item is not None:
            yield from grammar.check_item(item, where)
