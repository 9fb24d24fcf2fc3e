"""tools/mermaid_check.mjs is a real judge of Mermaid text: Mermaid's own parser and the limits of its
renderer's default configuration accept what Mermaid draws and refuse, with Mermaid's message, what it
would not."""

import pytest

from tests.support.mermaid import mermaid_errors

VALID = """\
%% An organization: OUs as subgraphs, accounts as nodes.
flowchart TD
  subgraph n_root["Root (r-ab12)"]
    direction TB
    subgraph n_prod["Prod / Workloads (ou-ab12-cd34ef56)"]
      n_111111111111["Payments API (111111111111)"]
      n_222222222222["Data lake: raw/curated"]
    end
    n_mgmt["Management account (123456789012)"]
  end
  %% policies and where they are attached
  n_scp["SCP: DenyLeaveOrganization"] -->|"attached to"| n_prod
  n_scp -.-> n_111111111111
  classDef account fill:#eef,stroke:#336;
  classDef policy fill:#fee,stroke:#633
  class n_111111111111,n_222222222222,n_mgmt account
  class n_scp policy
"""

# mermaid's defaults (config.schema.yaml): the checker reads them from mermaid itself.
MAX_TEXT_SIZE = 50_000
MAX_EDGES = 500


def chain(edges: int) -> str:
    """A flowchart of `edges` edges, one a line."""
    return "flowchart LR\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(edges))


def nodes_of_length(length: int) -> str:
    """A valid flowchart of exactly `length` characters: labelled nodes, no edges."""
    text, number = "flowchart TD\n", 0
    while length - len(text) > 200:
        text += f'  n{number}["{"x" * 60}"]\n'
        number += 1
    last = f'  n{number}[""]\n'
    text += last.replace('""', f'"{"x" * (length - len(text) - len(last))}"')
    assert len(text) == length
    return text


def test_a_valid_flowchart_passes() -> None:
    assert mermaid_errors(VALID) == []


# Mermaid's messages, verbatim (jison's: the line count includes the newline Mermaid appends; `got '1'` is the end of the text).
@pytest.mark.parametrize(
    ("diagram", "message"),
    [
        pytest.param(
            "flowchart TD\n  subgraph a\n    A --> B\n",
            "diagram-1.mmd: Parse error on line 5:\n...raph a    A --> B\n--------------------^\n"
            "Expecting 'SEMI', 'NEWLINE', 'SPACE', 'EOF', 'subgraph', 'end', 'acc_title', 'acc_descr', 'acc_descr_multiline_value', 'AMP', 'COLON', 'STYLE', 'LINKSTYLE', 'CLASSDEF', 'CLASS', 'CLICK', 'DOWN', 'DEFAULT', 'NUM', 'COMMA', 'NODE_STRING', 'BRKT', 'MINUS', 'MULT', 'UNICODE_TEXT', 'direction_tb', 'direction_bt', 'direction_rl', 'direction_lr', 'direction_td', got '1'",
            id="unclosed subgraph",
        ),
        pytest.param(
            "flowchart TD\n  A[foo --> B\n",
            "diagram-1.mmd: Parse error on line 4:\n...t TD  A[foo --> B\n--------------------^\n"
            "Expecting 'SQE', 'DOUBLECIRCLEEND', 'PE', '-)', 'STADIUMEND', 'SUBROUTINEEND', 'PIPE', 'CYLINDEREND', 'DIAMOND_STOP', 'TAGEND', 'TRAPEND', 'INVTRAPEND', 'UNICODE_TEXT', 'TEXT', 'TAGSTART', got '1'",
            id="unbalanced bracket",
        ),
        pytest.param(
            "flowchat TD\n  A --> B\n",
            "diagram-1.mmd: No diagram type detected matching given configuration for text: flowchat TD\n  A --> B",
            id="unknown diagram type",
        ),
    ],
)
def test_an_invalid_diagram_fails_with_mermaids_message(diagram: str, message: str) -> None:
    assert mermaid_errors(diagram) == [message]


def test_max_text_size_is_mermaids_default() -> None:
    at_limit, over_limit = nodes_of_length(MAX_TEXT_SIZE), nodes_of_length(MAX_TEXT_SIZE + 1)
    assert mermaid_errors(at_limit, over_limit) == [
        "diagram-2.mmd: Maximum text size in diagram exceeded: 50001 characters, but the limit is 50000 "
        "(mermaid's maxTextSize; its renderer draws this message instead of the diagram)"
    ]


def test_max_edges_is_mermaids_default() -> None:
    [error] = mermaid_errors(chain(MAX_EDGES), chain(MAX_EDGES + 1))
    # Mermaid's flowchart parser itself refuses the 501st edge.
    assert error.startswith("diagram-2.mmd: Edge limit exceeded. 500 edges found, but the limit is 500.\n")


def test_one_error_per_bad_diagram_when_checked_together() -> None:
    errors = mermaid_errors(
        VALID,
        "flowchart TD\n  subgraph a\n    A --> B\n",
        VALID,
        "flowchart TD\n  A[foo --> B\n",
        "flowchat TD\n  A --> B\n",
        chain(MAX_EDGES + 1),
        VALID,
    )
    assert [error.partition(":")[0] for error in errors] == ["diagram-2.mmd", "diagram-4.mmd", "diagram-5.mmd", "diagram-6.mmd"]


# The label rules the Markdown report's flowcharts rely on (and tools/mermaid_check.mjs writes down).
LABELS_THAT_PARSE = [
    "Prod / Workloads (ou-ab12-cd34ef56)",
    "a [b] {c} | d; e: f, g. 'h' & i * j + k = l ? m ! n @ o $ p ^ q ~ r --> s %% t",
    "say #quot;hi#quot;",  # the double quote's entity code
    "#35;1 C# a# #lt;b#gt; #amp; #9829;",
    "#96;code`",  # a leading backtick, as its entity code
    "ünïcødé 日本",
    "line one<br>line two",
    " ",
]
# A bare `"` is no escape: `a"b` and `a "b" c` fail, but `say "hi"` parses as `say hi` (the quotes lost),
# out of this checker's sight: write every `"` as `#quot;`.
LABELS_THAT_FAIL = [
    'a"b',
    'a "b" c',
    'a \\"b\\" c',
    "`code",  # a Markdown string, never closed
    "",
    "one\n%% two",
]


def test_label_rules() -> None:
    diagrams = [f'flowchart TD\n  n_a["{label}"] --> n_b\n' for label in LABELS_THAT_PARSE + LABELS_THAT_FAIL]
    failed = {error.partition(":")[0] for error in mermaid_errors(*diagrams)}
    expected = {f"diagram-{number}.mmd" for number in range(len(LABELS_THAT_PARSE) + 1, len(diagrams) + 1)}
    assert failed == expected
    # Unquoted, brackets and parentheses break a label.
    assert len(mermaid_errors("flowchart TD\n  n_a[Root (r-ab12)] --> n_b\n")) == 1
