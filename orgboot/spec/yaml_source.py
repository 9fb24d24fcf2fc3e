"""org.yaml as YAML: parsed once with libyaml (PyYAML's C parser, several times faster than its
pure-Python one), with the line of every key and list item, the duplicate keys PyYAML would
silently merge, and a bound on alias expansion so a YAML alias bomb is refused at once instead of
exhausting memory in everything that walks the data."""

from dataclasses import dataclass, field
from typing import Any

import yaml

from orgboot.spec.problems import Loc, LocatedProblem, SpecError

# A 5,000-account org.yaml has about 60,000 values; aliases may repeat some, not multiply them.
MAX_EXPANDED_VALUES = 1_000_000
# org.yaml nests about 8 levels deep; far deeper is a mistake, and would exhaust Python's stack.
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml ships in PyYAML's wheels


@dataclass
class YamlSource:
    """The parsed document and where each part of it is written."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=lambda: {(): 1})
    duplicates: list[tuple[Loc, int]] = field(default_factory=list)
    # Values YAML read as something other than text (070000000001 as the number 7516192769, yes as
    # true), as written: what a message shows, since the value no longer says it.
    written: dict[Loc, str] = field(default_factory=dict)
    columns: dict[Loc, int] = field(default_factory=dict)  # of each mapping key, from 0
    flow: set[Loc] = field(default_factory=set)  # mappings written in braces

    def line_of(self, loc: Loc) -> int:
        while loc not in self.lines:
            loc = loc[:-1]
        return self.lines[loc]


def parse_yaml(text: str, file: str) -> YamlSource:
    """Parse `text`; a syntax error or an alias bomb raises SpecError naming the line."""
    loader = _Loader(text)
    try:
        if _could_nest_deeply(text):
            _refuse_deep_nesting(text, file)
        node = loader.get_single_node()
        source = YamlSource(None)
        if node is not None:
            if "&" in text:  # without an anchor there is no alias: the nodes are a tree, walked once below
                _refuse_alias_bombs(node, file)
            _map_lines(node, (), source, file)  # before construction: merge keys (<<) rewrite the nodes
            source.data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise SpecError([_syntax_problem(error, file, text)]) from None
    finally:
        loader.dispose()
    return source


# libyaml composes nodes recursively in C: some 30,000 levels overflow its stack and kill the
# process before Python could say anything. Nesting goes one level deeper per bracket of a flow
# collection, and per column or so of a block one, so text with fewer brackets and shorter lines
# than this cannot come near; other text has its nesting counted from the parser's events first.
_SAFE_TO_COMPOSE = 5_000


def _could_nest_deeply(text: str) -> bool:
    brackets = text.count("[") + text.count("{")
    return brackets + max((len(line) for line in text.splitlines()), default=0) >= _SAFE_TO_COMPOSE


def _refuse_deep_nesting(text: str, file: str) -> None:
    parser = _Loader(text)
    try:
        depth = 0
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    message = f"values nested more than {MAX_DEPTH} levels deep"
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    raise SpecError([LocatedProblem(file, line, "", message)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def _syntax_problem(error: yaml.YAMLError, file: str, text: str) -> LocatedProblem:
    """Where the mistake is. An unclosed bracket or quote is reported where it opens (the
    context), not where the parser gave up, which is often the next line. Elsewhere the parser's
    line is the one to look at, with what usually went wrong there."""
    problem = getattr(error, "problem", None) or str(error)
    problem_mark, context_mark = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    context = getattr(error, "context", None) or ""
    if problem_mark is not None and (opened_at := _quote_left_open(text, problem_mark)) is not None:
        quote, start, end = opened_at
        message = (
            f"YAML syntax error: the quote ({quote}) opened on this line is closed only on line {end}, so what lies between is"
            f" read as one value; close it on this line"
        )
        return LocatedProblem(file, start, "", message)
    if "quoted scalar" in context and "end of stream" in problem and context_mark is not None:  # no closing quote anywhere
        quote = text[context_mark.index] if context_mark.index < len(text) else "'"
        message = (
            f"YAML syntax error: the quote ({quote}) opened on this line is never closed, so the rest of the file is read as"
            " one value; close it on this line"
        )
        return LocatedProblem(file, context_mark.line + 1, "", message)
    opened = "flow" in context or "quoted" in context
    if opened and context_mark is not None and problem_mark is not None and context_mark.line < problem_mark.line:
        message = f"YAML syntax error {context} that starts here: {problem} (line {problem_mark.line + 1})"
        return LocatedProblem(file, context_mark.line + 1, "", message)
    if "simple key" in context and context_mark is not None:  # a key whose ':' never came: the key's line
        return LocatedProblem(file, context_mark.line + 1, "", f"YAML syntax error: {problem}; is a ':' missing on this line?")
    line = problem_mark.line + 1 if problem_mark is not None else 1
    if ("mapping values are not allowed" in problem or "did not find expected key" in problem) and (
        dedented := _dedented_line(line, text.splitlines())
    ):
        return LocatedProblem(file, dedented[0], "", dedented[1])
    return LocatedProblem(file, line, "", f"YAML syntax error: {problem}{_hint(problem, line, text.splitlines())}")


def _dedented_line(line: int, lines: list[str]) -> tuple[int, str] | None:
    """A key indented less than the keys around it, in the middle of an entry: it ends the entry, so
    YAML reads the next key, indented as it should be, as a continuation of its value, and stumbles
    there. The line and the message when the line above `line` is that key: written further out
    than `line`, whose indentation is the one of the keys before it in the same entry."""
    if not 1 < line <= len(lines):
        return None
    indent = _indent(lines[line - 1])
    previous = next((n for n in range(line - 1, 0, -1) if _is_content(lines[n - 1])), None)
    if previous is None or ":" not in lines[previous - 1].split("#")[0] or _indent(lines[previous - 1]) >= indent:
        return None
    before = next((n for n in range(previous - 1, 0, -1) if _is_content(lines[n - 1]) and _indent(lines[n - 1]) <= indent), None)
    if before is None or _key_column(lines[before - 1]) != indent:
        return None
    return previous, (
        f"YAML syntax error: line {previous} is indented {_spaces(_indent(lines[previous - 1]))}, out of the entry it is written"
        f" in: the keys around it (lines {before} and {line}) are indented {_spaces(indent)}; indent it {_spaces(indent)}, as they are"
    )


def _is_content(text: str) -> bool:
    return bool(text.strip()) and not text.lstrip().startswith("#")


def _key_column(text: str) -> int:
    """Where the keys of a line start: after the dash of a list item."""
    stripped = text.lstrip(" ")
    return _indent(text) + (len(stripped) - len(stripped[1:].lstrip(" ")) if stripped.startswith("- ") else 0)


def _quote_left_open(text: str, problem_mark: Any) -> tuple[str, int, int] | None:
    """(quote, line, closing line) of a quoted value that runs on past its line and closes where the
    parser gave up: a quote left open on its line closes at the next quote, further down, and the
    parser stumbles over what follows that one, far from the mistake."""
    scanner = _Loader(text)
    found = None
    try:
        while (token := scanner.get_token()) is not None and token.start_mark.index < problem_mark.index:
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.start_mark.line < token.end_mark.line:
                found = (token.style, token.start_mark.line + 1, token.end_mark.line + 1)
    except yaml.YAMLError:
        pass  # the scanner may stumble too: the quoted values before that are what counts
    finally:
        scanner.dispose()
    return found if found is not None and found[2] == problem_mark.line + 1 else None


def _hint(problem: str, line: int, lines: list[str]) -> str:
    """The usual causes of libyaml's two block-structure errors, pointed at their lines."""
    if "did not find expected key" in problem or "did not find expected '-' indicator" in problem:
        return _indentation_hint(line, lines)
    if "mapping values are not allowed" in problem and 0 < line <= len(lines):
        key, _, value = lines[line - 1].strip().partition(": ")
        if ": " in value:
            return f"; a value holding ': ' must be quoted: {key}: \"{value}\""
        previous = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip()), None)
        if previous is not None and ":" not in lines[previous - 1].split("#")[0]:
            return f"; is a ':' missing on line {previous}, or is line {line} indented too far?"
        return f"; is line {line} indented too far?"
    return ""


def _indentation_hint(line: int, lines: list[str]) -> str:
    """A line indented to no level open above it: the levels it could mean, each with a line at it."""
    if not 0 < line <= len(lines) or not lines[line - 1].strip():
        return f"; check the indentation of line {line}"
    indent = _indent(lines[line - 1])
    levels: dict[int, int] = {}  # indentation -> the nearest line above at it, of the blocks still open there
    innermost = None
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        own = _indent(text)
        if innermost is None or own < innermost:
            innermost = own
            levels.setdefault(own, number)
            if text.lstrip().startswith("- "):  # a list item's keys line up after its dash
                levels.setdefault(own + len(text.lstrip()) - len(text.lstrip()[1:].lstrip()), number)
        if own == 0:
            break
    if indent in levels or not levels:
        return f"; check the indentation of line {line}"
    deeper = min((level for level in levels if level > indent), default=None)
    shallower = max((level for level in levels if level < indent), default=None)
    choices = [f"{_spaces(level)}, like line {levels[level]}" for level in (deeper, shallower) if level is not None]
    return f"; line {line} is indented {_spaces(indent)}, in line with no key above it: indent it {', or '.join(choices)}"


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _refuse_alias_bombs(root: yaml.Node, file: str) -> None:
    """Refuses a document whose aliases expand past MAX_EXPANDED_VALUES, nest deeper than
    MAX_DEPTH (through aliases too) or refer to themselves. Sizes and heights are computed once per
    node, iteratively: the point is not to recurse, nor to expand."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    in_progress: set[int] = set()
    while pending:
        node, children_done = pending.pop()
        key = id(node)
        if children_done:
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            heights[key] = 1 + max((heights[id(child)] for child in children), default=0)
            in_progress.discard(key)
            if heights[key] > MAX_DEPTH:
                raise SpecError([LocatedProblem(file, node.start_mark.line + 1, "", f"values nested more than {MAX_DEPTH} levels deep")])
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise SpecError([LocatedProblem(file, node.start_mark.line + 1, "", "a YAML alias refers to itself; write the value out")])
        in_progress.add(key)
        pending.append((node, True))
        for child in _children(node):
            if id(child) in in_progress:
                raise SpecError([LocatedProblem(file, child.start_mark.line + 1, "", "a YAML alias refers to itself; write the value out")])
            pending.append((child, False))
    if sizes[id(root)] <= MAX_EXPANDED_VALUES:
        return
    node, loc = root, []
    while True:  # the deepest value that alone expands past the bound: where the aliases pile up
        bigger = next(((part, child) for part, child in _parts(node) if sizes[id(child)] > MAX_EXPANDED_VALUES), None)
        if bigger is None:
            break
        part, node = bigger
        loc.append(part)
    message = f"YAML aliases here expand to {sizes[id(node)]:,} values (more than {MAX_EXPANDED_VALUES:,}); write the values out"
    raise SpecError([LocatedProblem(file, node.start_mark.line + 1, ".".join(str(part) for part in loc), message)])


def _parts(node: yaml.Node) -> list[tuple[str | int, yaml.Node]]:
    """A node's children, each with the part of a loc that leads to it (a key, for the key's own node too)."""
    if isinstance(node, yaml.MappingNode):
        return [(key.value, part) for key, value in node.value for part in (key, value)]
    if isinstance(node, yaml.SequenceNode):
        return list(enumerate(node.value))
    return []


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _map_lines(node: yaml.Node, loc: Loc, source: YamlSource, file: str) -> None:
    if len(loc) >= MAX_DEPTH:  # before Python's own stack runs out
        raise SpecError([LocatedProblem(file, node.start_mark.line + 1, "", f"values nested more than {MAX_DEPTH} levels deep")])
    source.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        if node.flow_style:
            source.flow.add(loc)
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = loc + (key,)
            if key in seen:
                source.duplicates.append((child, key_node.start_mark.line + 1))
                continue
            seen.add(key)
            source.lines[child] = key_node.start_mark.line + 1
            source.columns[child] = key_node.start_mark.column
            _map_lines(value_node, child, source, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, loc + (index,), source, file)
    elif isinstance(node, yaml.ScalarNode) and node.tag != _TEXT and not node.style:  # a plain scalar YAML read as no text
        source.written[loc] = node.value


_TEXT = "tag:yaml.org,2002:str"
