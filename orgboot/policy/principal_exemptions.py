"""Who a Deny statement lets through by name: each value of a negated operator (ArnNotLike,
StringNotEquals, ...) on aws:PrincipalArn keeps the statement off the principals it matches. For
a role's sessions aws:PrincipalArn is the role's ARN (IAM User Guide, "AWS global condition
context keys"), so a role is exempt wherever one of these values matches its ARN.

The one enumeration of exemptions: the access matrix (analysis/access.py) asks whether a role is
exempt, the rules (rules/exemptions.py) whether the names exempted exist and are protected.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from orgboot.policy.conditions import OPERATORS, condition_holds, split_operator
from orgboot.policy.statements import Statement, as_tuple

PRINCIPAL_ARN = "aws:principalarn"


@dataclass(frozen=True)
class PrincipalExemption:
    """One aws:PrincipalArn value a Deny statement lets through, as written, with its operator."""

    pattern: str
    operator: str  # as written: "ArnNotLike", "StringNotEqualsIfExists", ...
    key: str  # as written: "aws:PrincipalArn", any case (fact 74)
    statement: Statement

    def exempts(self, principal_arn: str) -> bool:
        """Whether this value keeps the statement off `principal_arn` (its operator's match, negated)."""
        condition = {self.operator: {self.key: self.pattern}}
        return not condition_holds(condition, {PRINCIPAL_ARN: principal_arn}, self.statement.variables)


def principal_exemptions(statement: Statement) -> Iterator[PrincipalExemption]:
    """The aws:PrincipalArn values a Deny statement lets through (its negated operators)."""
    if statement.effect != "Deny":
        return
    for operator, keys in statement.condition.items():
        _, base, _ = split_operator(operator)
        if base not in OPERATORS or not OPERATORS[base][1] or not isinstance(keys, Mapping):
            continue  # not a negated operator: it lets nobody through by name
        for key, values in keys.items():
            if key.lower() == PRINCIPAL_ARN:
                texts = (value for value in as_tuple(values) or () if isinstance(value, str))
                yield from (PrincipalExemption(value, operator, key, statement) for value in texts)
