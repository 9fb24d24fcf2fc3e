"""Access assertions: what a team expects of its organization's access, checked in CI by
`orgboot simulate --assertions access-assertions.yaml`.

The file is a YAML list; each entry is one question of `orgboot simulate` and its expected answer:

    - principal: Auditors          # a group or user of the management baseline, a role, or an ARN
      account: shop-prod
      action: iam:CreateUser
      expected: deny               # allow or deny
      # optional: resource, resource_account, region, context (a mapping of keys to a value or a list)

A file that cannot be read as that is refused whole, every problem with its file, line and key;
an entry whose question names what the spec does not have (an account, a role) fails on its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgboot.analysis.simulate import Answer, SimulationError, simulate
from orgboot.policy.evaluation import ContextValue
from orgboot.spec import LocatedProblem, OrgSpec, SpecError
from orgboot.spec.yaml_source import YamlSource, parse_yaml
from orgboot.suggest import did_you_mean

EXPECTED = ("allow", "deny")
REQUIRED = ("principal", "account", "action", "expected")
OPTIONAL = ("resource", "resource_account", "region", "context")
EXAMPLE = "- {principal: Auditors, account: shop-prod, action: iam:CreateUser, expected: deny}"


class AssertionsError(Exception):
    """The assertions file cannot be read: every problem, in file order."""

    def __init__(self, file: str, problems: list[LocatedProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.key))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the assertions file {file}:\n{lines}")


@dataclass(frozen=True)
class Assertion:
    file: str
    line: int
    lines: Mapping[str, int]  # the line of each key of the entry
    principal: str
    account: str
    action: str
    expected: str
    resource: str = "*"
    resource_account: str | None = None
    region: str | None = None
    context: Mapping[str, ContextValue] | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def question(self) -> str:
        on = f" on {self.resource}" if self.resource != "*" else ""
        return f"{self.principal} {self.action}{on} in {self.account}"


@dataclass(frozen=True)
class Outcome:
    assertion: Assertion
    answer: Answer | None  # None when the question names what the spec does not have
    error: LocatedProblem | None = None

    @property
    def holds(self) -> bool:
        return self.answer is not None and ("allow" if self.answer.allowed else "deny") == self.assertion.expected

    @property
    def got(self) -> str:
        if self.answer is None:
            return "no answer"
        return f"{'allow' if self.answer.allowed else 'deny'} ({self.answer.why})"


def read_assertions(path: Path) -> list[Assertion]:
    """The file's assertions; AssertionsError when the file is not a list of well-formed entries."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise AssertionsError(file, [LocatedProblem(file, 1, "", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None
    try:
        source = parse_yaml(text, file)
    except SpecError as error:
        raise AssertionsError(file, error.problems) from None
    if not isinstance(source.data, list) or not source.data:
        got = "an empty file" if source.data is None else _kind(source.data)
        message = f"expected a list of assertions, one entry per question, like\n    {EXAMPLE}\n  (got {got})"
        raise AssertionsError(file, [LocatedProblem(file, source.line_of(()), "", message)])
    problems = [LocatedProblem(file, line, _key(loc), f"'{loc[-1]}' is given twice in one entry") for loc, line in source.duplicates]
    assertions = []
    for index, entry in enumerate(source.data):
        assertion = _entry(file, text, source, index, entry, problems)
        if assertion:
            assertions.append(assertion)
    if problems:
        raise AssertionsError(file, problems)
    return assertions


def _entry(file: str, text: str, source: YamlSource, index: int, entry: Any, problems: list[LocatedProblem]) -> Assertion | None:
    line = source.line_of((index,))

    def problem(key: str, message: str) -> None:
        problems.append(
            LocatedProblem(file, source.line_of((index, key)) if key else line, _key((index, key) if key else (index,)), message)
        )

    if not isinstance(entry, Mapping):
        problem("", f"an assertion is a mapping of principal, account, action and expected, like\n    {EXAMPLE}\n  (got {_kind(entry)})")
        return None
    before = len(problems)
    known = (*REQUIRED, *OPTIONAL)
    for key in entry:
        if key not in known:
            problem(str(key), f"unknown key '{key}'{did_you_mean(str(key), known)}; an assertion has {', '.join(known)}")
    for key in REQUIRED:
        if key not in entry:
            problem("", f"'{key}' is missing; an assertion needs {', '.join(REQUIRED)}")
    values: dict[str, Any] = {}
    for key in (*REQUIRED, *OPTIONAL[:3]):
        value = entry.get(key)
        if key in entry and not isinstance(value, str):
            written = _written(text, source.line_of((index, key)))
            if key == "expected" and isinstance(value, bool | int | float):
                # Quoted, 'true' would be text and still no answer: only allow and deny are.
                shown = written or (str(value).lower() if isinstance(value, bool) else str(value))
                problem(key, f"'expected' is {shown}, which YAML reads as {_kind(value)}, not an answer: write allow or deny")
            else:
                problem(key, f"'{key}' is {_kind(value)}, not text{_quote_hint(value, written)}")
        values[key] = value
    expected = values["expected"]
    if isinstance(expected, str) and expected not in EXPECTED:
        problem("expected", f"'{expected}' is not an expected answer{did_you_mean(expected, EXPECTED)}: write allow or deny")
    context = _context(entry.get("context"), lambda message: problem("context", message)) if "context" in entry else None
    if len(problems) > before:
        return None
    lines = {str(key): source.line_of((index, key)) for key in entry}
    return Assertion(file, line, lines, **{k: v for k, v in values.items() if v is not None}, context=context)


def _context(value: Any, problem: Any) -> dict[str, ContextValue] | None:
    """The context keys: a mapping of keys to a value or a list of values. YAML reads `true` and
    numbers as such; IAM compares their text, so they are written back as text."""
    if not isinstance(value, Mapping):
        problem(f"'context' is a mapping of condition keys to values, like {{aws:SecureTransport: 'false'}} (got {_kind(value)})")
        return None
    context: dict[str, ContextValue] = {}
    for key, item in value.items():
        items = item if isinstance(item, list) else [item]
        if not isinstance(key, str) or not all(isinstance(i, str | bool | int | float) for i in items):
            problem(f"context key {key!r}: a value is text, a number, true or false, or a list of them")
            continue
        texts = tuple(str(i).lower() if isinstance(i, bool) else str(i) for i in items)
        context[key] = texts if isinstance(item, list) else texts[0]
    return context


def _key(loc: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def _quote_hint(value: Any, written: str) -> str:
    """How to write a number or a boolean as the text it was meant to be: YAML 1.1 reads 070000000001
    as an octal number (7516192769), and yes/no/on/off as true or false."""
    if isinstance(value, bool | int | float) and written and not written.startswith(("'", '"', "[", "{")):
        read = str(value).lower() if isinstance(value, bool) else str(value)
        again = f" as {read}" if read != written else ""
        return f": YAML reads {written} unquoted{again}; write it in quotes: '{written}'"
    return ""


def _written(text: str, line: int) -> str:
    """The value as written on the key's line (a flow mapping has several: then nothing)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines) or lines[line - 1].count(":") != 1:
        return ""
    return lines[line - 1].split(":", 1)[1].split(" #", 1)[0].strip()


def _kind(value: Any) -> str:
    """What YAML read, as a message names it: "a mapping", "text", ..."""
    kinds = {dict: "a mapping", list: "a list", str: "text", bool: "true or false", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def check(spec: OrgSpec, assertions: list[Assertion]) -> list[Outcome]:
    outcomes = []
    for assertion in assertions:
        try:
            answer = simulate(
                spec,
                account=assertion.account,
                principal=assertion.principal,
                action=assertion.action,
                resource=assertion.resource,
                resource_account=assertion.resource_account,
                region=assertion.region,
                context=assertion.context,
            )
        except SimulationError as error:
            line = assertion.lines.get(error.key, assertion.line)
            outcomes.append(Outcome(assertion, None, LocatedProblem(assertion.file, line, error.key, str(error))))
            continue
        outcomes.append(Outcome(assertion, answer))
    return outcomes
