"""A small evaluator of CloudWatch Logs JSON filter patterns, for tests: whether a log event (a
CloudTrail record) matches a metric filter's pattern, as the CloudWatch Logs User Guide, "Filter
pattern syntax for metric filters, subscription filters, filter log events, and Live Tail" ("Using
filter patterns to match terms in JSON log events") describes them:

- `{ ... }` holds the expression; `&&` and `||` combine conditions, parentheses group them;
- `$.a.b` selects a field by its path; `= value` and `!= value` compare it with a string, quoted or
  not, in which `*` is a wildcard (CIS 4.1's own pattern: "*UnauthorizedOperation");
- `NOT EXISTS` holds when the field is absent.

Only what the patterns orgboot writes use (the CIS patterns and the break-glass one): no numbers,
arrays, IS NULL or regular expressions. A pattern it cannot read raises ValueError: a test then
fails rather than passing on a pattern CloudWatch Logs would read otherwise."""

import fnmatch
import re
from typing import Any

_TOKEN = re.compile(r'\s*(\{|\}|\(|\)|&&|\|\||!=|=|NOT EXISTS|"(?:[^"\\]|\\.)*"|[^\s(){}=!&|"]+)')


def _tokens(pattern: str) -> list[str]:
    tokens, position = [], 0
    pattern = pattern.strip()
    while position < len(pattern):
        found = _TOKEN.match(pattern, position)
        if not found:
            raise ValueError(f"cannot read the filter pattern at {pattern[position:]!r}")
        tokens.append(found.group(1))
        position = found.end()
        while position < len(pattern) and pattern[position].isspace():
            position += 1
    return tokens


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.tokens = _tokens(pattern)
        self.at = 0

    def take(self, expected: str | None = None) -> str:
        if self.at >= len(self.tokens):
            raise ValueError(f"the filter pattern ends early (expected {expected or 'more'})")
        token = self.tokens[self.at]
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r} in the filter pattern, found {token!r}")
        self.at += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Any:
        self.take("{")
        tree = self.disjunction()
        self.take("}")
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} after the filter pattern's closing brace")
        return tree

    def disjunction(self) -> Any:
        terms = [self.conjunction()]
        while self.peek() == "||":
            self.take()
            terms.append(self.conjunction())
        return ("or", terms) if len(terms) > 1 else terms[0]

    def conjunction(self) -> Any:
        terms = [self.primary()]
        while self.peek() == "&&":
            self.take()
            terms.append(self.primary())
        return ("and", terms) if len(terms) > 1 else terms[0]

    def primary(self) -> Any:
        if self.peek() == "(":
            self.take()
            tree = self.disjunction()
            self.take(")")
            return tree
        selector = self.take()
        if not selector.startswith("$."):
            raise ValueError(f"expected a field selector ($.a.b), found {selector!r}")
        operator = self.take()
        if operator == "NOT EXISTS":
            return ("absent", selector[2:].split("."))
        if operator not in ("=", "!="):
            raise ValueError(f"this evaluator reads = and != only, found {operator!r}")
        value = self.take()
        if value.startswith('"'):
            value = value[1:-1]
        return (operator, selector[2:].split("."), value)


def _field(event: dict[str, Any], path: list[str]) -> Any:
    value: Any = event
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _holds(tree: Any, event: dict[str, Any]) -> bool:
    kind = tree[0]
    if kind == "or":
        return any(_holds(term, event) for term in tree[1])
    if kind == "and":
        return all(_holds(term, event) for term in tree[1])
    if kind == "absent":
        return _field(event, tree[1]) is None
    value = _field(event, tree[1])
    # A string compared with a string; fnmatch reads '*' as any run of characters (and '?'/'[' too,
    # which orgboot's patterns never hold). fnmatchcase: CloudWatch Logs compares case-sensitively.
    equal = isinstance(value, str) and fnmatch.fnmatchcase(value, tree[2])
    return equal if kind == "=" else (value is not None and not equal)


def matches(pattern: str, event: dict[str, Any]) -> bool:
    """Whether the JSON log event `event` matches the JSON filter pattern `pattern`."""
    return _holds(_Parser(pattern).parse(), event)
