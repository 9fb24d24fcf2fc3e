"""Matching actions, resources and principals against a statement's elements.

Sources (docs/sources/policy-evaluation.md): actions are case-insensitive with * and ? anywhere
(facts 53-54, 36); in a Resource ARN, * and ? stay within a colon-separated segment, except that
a * ending a segment may expand past colons, and * spans '/' (facts 57-58); resources are
matched case-sensitively (fact 56 says so of the IAM user name; ARNs are otherwise compared as
given); an account root ARN or bare account ID as Principal means the whole
account and delegates to its identity policies (fact 63); "*" is everyone (fact 70); principals
are exact, no partial wildcards (fact 65).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from orgboot.policy.statements import Principals
from orgboot.policy.variables import Unresolved, segments


@lru_cache(maxsize=65_536)
def _action_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    return _action_pattern(pattern).fullmatch(action) is not None


@lru_cache(maxsize=65_536)
def any_action_matches(patterns: tuple[str, ...], action: str) -> bool:
    """Whether an Action or NotAction element matches `action`. A statement is asked about the
    same few actions thousands of times (once per account), so the answer is kept."""
    return any(action_matches(pattern, action) for pattern in patterns)


# A * or ? that a policy variable brought into a condition value: literal, not a wildcard.
LITERAL_STAR, LITERAL_QUESTION = "\x00", "\x01"
_LITERALS = {LITERAL_STAR: "*", LITERAL_QUESTION: "?"}


def glob_regex(pieces: Sequence[tuple[str, bool]], *, within_segment: bool) -> str:
    """A regex for a pattern given as (text, literal) pieces. With `within_segment`, * and ?
    do not cross ':' unless the * ends a segment (the Resource element's rule)."""
    text_and_literal = [(c, literal) for piece, literal in pieces for c in piece]
    regex = []
    for index, (c, literal) in enumerate(text_and_literal):
        if c in _LITERALS:
            regex.append(re.escape(_LITERALS[c]))
        elif literal or c not in "*?":
            regex.append(re.escape(c))
        elif c == "?":
            regex.append("[^:]" if within_segment else ".")
        else:
            ends_segment = index + 1 == len(text_and_literal) or text_and_literal[index + 1] == (":", False)
            regex.append(".*" if ends_segment or not within_segment else "[^:]*")
    return "".join(regex)


@lru_cache(maxsize=65_536)
def _resource_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_regex([(pattern, False)], within_segment=True), re.DOTALL)


def resource_matches(pattern: str, resource: str, context: Mapping[str, str | Sequence[str]] | None = None) -> bool:
    """`pattern` from a Resource element; `context` resolves policy variables (None: the
    document has no Version 2012-10-17, so '${' is literal text)."""
    if pattern == "*":
        return True
    if context is None or "${" not in pattern:
        return _resource_pattern(pattern).fullmatch(resource) is not None
    try:
        pieces = segments(pattern, context)
    except Unresolved:
        return False  # a variable with no value matches no resource (fact 101)
    return re.fullmatch(glob_regex(pieces, within_segment=True), resource, re.DOTALL) is not None


def arn_like(pattern: str, arn: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts matched on its own (fact 81)."""
    pattern_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pattern_parts) != len(arn_parts):
        return pattern == "*"
    return all(_arn_part_pattern(p).fullmatch(a) is not None for p, a in zip(pattern_parts, arn_parts, strict=True))


@lru_cache(maxsize=65_536)
def _arn_part_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_regex([(pattern, False)], within_segment=False), re.DOTALL)


@dataclass(frozen=True)
class Caller:
    """Who makes a request, as the Principal element sees it."""

    arn: str  # arn:aws:iam::111122223333:user/alice, ...:role/Admin, ...:root; a service: its principal name
    account: str | None  # None for a service principal
    kind: Literal["user", "role", "root", "service", "service-linked-role"]
    session: str | None = None  # a role's session name, when a policy may name the session itself

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def session_arn(self) -> str | None:
        """The assumed-role session's ARN, arn:aws:sts::111122223333:assumed-role/Admin/alice: the
        role's name without its path (IAM User Guide, "AWS JSON policy elements: Principal", Role
        session principals)."""
        if self.session is None or self.kind not in ("role", "service-linked-role"):
            return None
        partition = self.arn.split(":", 2)[1]
        return f"arn:{partition}:sts::{self.account}:assumed-role/{self.arn.rsplit('/', 1)[-1]}/{self.session}"


# How a Principal element names the caller: its user or role ARN ("direct"), its role session's
# ARN ("session"), its account ("account": delegation to the identity policies), or "*" ("everyone").
PrincipalMatch = Literal["direct", "session", "account", "everyone"]


def not_principal_exempts(not_principals: Principals, caller: Caller, has_boundary: bool) -> bool:
    """Whether a NotPrincipal element keeps its statement off the caller. AWS may check the
    account first and then the principal, so both must be listed (fact 71); a caller with a
    permissions boundary is never exempt from a Deny with NotPrincipal (fact 17)."""
    if has_boundary:
        return False
    if not_principals.everyone:
        return True
    if caller.is_service:
        return caller.arn in not_principals.by_type.get("Service", ())
    listed = set(not_principals.by_type.get("AWS", ()))
    account_listed = caller.account in listed or f"arn:aws:iam::{caller.account}:root" in listed
    return account_listed and (caller.kind == "root" or caller.arn in listed)


def principal_match(principals: Principals, caller: Caller) -> PrincipalMatch | None:
    """How a Principal element names the caller: directly (its ARN, or its service name), by its
    role session, through its account (delegation: the account's identity policies must allow
    too), as everyone, or not."""
    if principals.everyone or "*" in principals.by_type.get("AWS", ()):
        return "everyone"  # "*" is everyone, services included (fact 70)
    if caller.is_service:
        return "direct" if caller.arn in principals.by_type.get("Service", ()) else None
    for value in principals.by_type.get("AWS", ()):
        if value == caller.arn:
            return "direct"
        if caller.session_arn is not None and value == caller.session_arn:
            return "session"
        if caller.account and value in (caller.account, f"arn:aws:iam::{caller.account}:root"):
            return "direct" if caller.kind == "root" else "account"
    return None
