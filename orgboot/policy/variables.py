"""Policy variables: ${aws:username}, ${aws:PrincipalTag/team, 'default'}, and the escapes ${*},
${?} and ${$}.

Source: IAM User Guide, "IAM policy elements: Variables and tags" (docs/sources/policy-evaluation.md,
facts 96-104): variables only in Version 2012-10-17 documents; key names case-insensitive; a
variable with no value and no default is null, so a Resource holding it matches nothing and a
condition value holding it matches nothing (inverted operators then match).
"""

import re
from collections.abc import Mapping, Sequence

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


class Unresolved(Exception):
    """A variable with no value in the request and no default."""


def segments(text: str, context: Mapping[str, str | Sequence[str]]) -> list[tuple[str, bool]]:
    """`text` as (piece, literal) pairs: variable values and escapes are literal (never
    wildcards), the rest is the policy's own text. Raises Unresolved for a missing value."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        pieces.append((text[position : match.start()], False))
        pieces.append((_value(match.group(1), context), True))
        position = match.end()
    pieces.append((text[position:], False))
    return [(piece, literal) for piece, literal in pieces if piece]


def _value(inner: str, context: Mapping[str, str | Sequence[str]]) -> str:
    if inner in _ESCAPES:
        return _ESCAPES[inner]
    default = None
    if match := _DEFAULT.match(inner):
        inner, default = match.group(1), match.group(2)
    value = context.get(inner.strip().lower())
    if isinstance(value, str) and value != "":
        return value
    if default is not None:
        return default
    raise Unresolved(inner)  # multivalued keys cannot be variables (fact 97): treated as no value
