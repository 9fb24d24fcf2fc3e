"""GitHub Actions expressions (`${{ ... }}`), evaluated as GitHub evaluates them, for the tests of the
workflows: what a job's `if:`, its `name:` and the `concurrency:` group come to for a given event.

The subset the workflows use, with GitHub's semantics (GitHub docs, "Evaluate expressions in
workflows and actions"): literals (null, true, false, numbers, 'strings' with '' for a quote),
property access (`a.b`, `a['b']`; a missing property is null), `!`, `<`, `<=`, `>`, `>=`, `==`, `!=`,
`&&`, `||` and parentheses, in that order of precedence from the tightest; `&&` and `||` give one of
their operands (which makes `cond && 'a' || 'b'` a choice); equality is loose (operands of different
types are compared as numbers) and compares strings case-insensitively; falsy are false, 0, '',
null and NaN. Functions: format, contains, startsWith, endsWith. Anything else is refused, never
guessed."""

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'(?:[^']|'')*')|(?P<name>[A-Za-z_][\w-]*)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,]))"
)
TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


class ExpressionError(ValueError):
    """An expression outside the subset this evaluator knows: the test must not pass on a guess."""


def tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def truthy(value: Any) -> bool:
    return not (value is None or value is False or value == "" or (isinstance(value, int | float) and (value == 0 or math.isnan(value))))


def number(value: Any) -> float:
    """GitHub's coercion to a number: null 0, booleans 1 and 0, a string its JSON number (empty 0), else NaN."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if not value.strip():
            return 0.0
        try:
            return float(json.loads(value.strip()))
        except (ValueError, TypeError):
            return math.nan
    return math.nan


def equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) and not isinstance(left, int | float):
        return left is right if isinstance(left, dict | list) else bool(left == right)
    return number(left) == number(right)


def text(value: Any) -> str:
    """A value as `${{ }}` writes it into a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: text(args[int(m.group(1))]), template.replace("{{", "\0").replace("}}", "\1")).translate(
        {0: "{", 1: "}"}
    )


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "contains": lambda haystack, needle: (
        any(equal(item, needle) for item in haystack)
        if isinstance(haystack, list)
        else text(needle).casefold() in text(haystack).casefold()
    ),
    "startswith": lambda value, prefix: text(value).casefold().startswith(text(prefix).casefold()),
    "endswith": lambda value, suffix: text(value).casefold().endswith(text(suffix).casefold()),
}


class Parser:
    def __init__(self, source: str, contexts: Mapping[str, Any]) -> None:
        self.source, self.contexts = source, contexts
        self.tokens = tokens(source)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens) or (expected is not None and self.tokens[self.at][1] != expected):
            raise ExpressionError(f"expected {expected or 'more'} in {self.source!r}")
        self.at += 1
        return self.tokens[self.at - 1]

    def parse(self) -> Any:
        value = self.either()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.source!r}")
        return value

    def either(self) -> Any:
        value = self.both()
        while self.peek() == "||":
            self.take()
            right = self.both()
            value = value if truthy(value) else right
        return value

    def both(self) -> Any:
        value = self.equality()
        while self.peek() == "&&":
            self.take()
            right = self.equality()
            value = right if truthy(value) else value
        return value

    def equality(self) -> Any:
        value = self.comparison()
        while self.peek() in ("==", "!="):
            operator = self.take()[1]
            right = self.comparison()
            value = equal(value, right) == (operator == "==")
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in ("<", "<=", ">", ">="):
            operator = self.take()[1]
            left, right = number(value), number(self.unary())
            value = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.access()

    def access(self) -> Any:
        value = self.primary()
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, key = self.take()
                if kind != "name":
                    raise ExpressionError(f"expected a property name, not {key!r}, in {self.source!r}")
            else:
                key = text(self.either())
                self.take("]")
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def primary(self) -> Any:
        kind, token = self.take()
        if kind == "number":
            return float(token)
        if kind == "string":
            return token[1:-1].replace("''", "'")
        if token == "(":
            value = self.either()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {token!r} in {self.source!r}")
        literal = {"null": None, "true": True, "false": False}
        if token in literal:
            return literal[token]
        if self.peek() == "(":
            return self.call(token)
        if token not in self.contexts:
            raise ExpressionError(f"no context {token!r} given for {self.source!r}")
        return self.contexts[token]

    def call(self, name: str) -> Any:
        function = FUNCTIONS.get(name.lower())
        if function is None:
            raise ExpressionError(f"function {name}() is not in this evaluator's subset ({self.source!r})")
        self.take("(")
        args = []
        while self.peek() != ")":
            args.append(self.either())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return function(*args)


def evaluate(expression: str, contexts: Mapping[str, Any]) -> Any:
    """The value of one expression (the text inside `${{ }}`, or a bare `if:` condition)."""
    return Parser(expression, contexts).parse()


def only_expression(value: str) -> str | None:
    """The expression of a value that is one `${{ }}` and nothing else."""
    found = list(TEMPLATE.finditer(value.strip()))
    return found[0].group(1) if len(found) == 1 and found[0].span() == (0, len(value.strip())) else None


def interpolate(value: str, contexts: Mapping[str, Any]) -> Any:
    """A workflow value as GitHub reads it: a value that is one `${{ }}` and nothing else is that
    expression's value; otherwise each `${{ }}` is written into the string."""
    whole = only_expression(value)
    if whole is not None:
        return evaluate(whole, contexts)
    return TEMPLATE.sub(lambda m: text(evaluate(m.group(1), contexts)), value)


def condition(value: str | bool | None, contexts: Mapping[str, Any]) -> bool:
    """Whether an `if:` lets its job or step run; `if:` may leave out the `${{ }}`. (GitHub adds an
    implicit success() that holds for a job without `needs`, and for a step while no step has failed.)"""
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    whole = only_expression(value)
    return truthy(evaluate(value if whole is None else whole, contexts))
