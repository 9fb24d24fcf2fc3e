"""Guardrails packed into organization policy documents.

AWS allows few policies per target (SCP: 10 with FullAWSAccess; RCP: 5 with RCPFullAWSAccess), so
guardrails are not one policy each. The guardrails of one type that share exactly the same targets
go into one document, filled in key order up to the type's size limit and continued in a next one.
That is deterministic (the same guardrails give the same documents), and it keeps a change small:
adding, removing or changing one guardrail rewrites only the documents of its own target set; a
new target set is a new document. A document's key comes from its type and target set, so it
stays the same resource (an update in place) while its guardrails change.
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from orgboot.aws.policy_types import POLICY_TYPES, PolicyTypeName
from orgboot.policy.guardrails.guardrail import Statement

PACK_PREFIX = "guardrails-"  # policy keys orgboot keeps for itself
PACK_DESCRIPTION = "orgboot guardrails: "  # then the guardrails' keys, which reports show instead of the document's name


@dataclass(frozen=True)
class Enabled:
    """One guardrail as org.yaml enables it, its statements built."""

    key: str
    policy_type: PolicyTypeName
    targets: tuple[str, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Pack:
    key: str
    policy_type: PolicyTypeName
    targets: tuple[str, ...]
    members: tuple[str, ...]  # the keys of the guardrails it holds
    content: dict[str, Any]

    @property
    def description(self) -> str:
        return f"{PACK_DESCRIPTION}{', '.join(self.members)}"[:512]


def pack(enabled: Iterable[Enabled]) -> list[Pack]:
    groups: dict[tuple[PolicyTypeName, tuple[str, ...]], list[Enabled]] = defaultdict(list)
    for guardrail in enabled:
        groups[(guardrail.policy_type, tuple(sorted(set(guardrail.targets))))].append(guardrail)
    packs: list[Pack] = []
    for (policy_type, targets), members in sorted(groups.items()):
        for number, chunk in enumerate(_chunks(sorted(members, key=lambda m: m.key), POLICY_TYPES[policy_type].max_chars), start=1):
            packs.append(Pack(pack_key(policy_type, targets, number), policy_type, targets, tuple(m.key for m in chunk), _document(chunk)))
    return packs


def pack_key(policy_type: str, targets: Iterable[str], number: int = 1) -> str:
    """The key (and policy name) of the `number`th document of the guardrails of a type on a target set."""
    digest = hashlib.sha256("\n".join(sorted(set(targets))).encode()).hexdigest()[:8]
    return f"{PACK_PREFIX}{POLICY_TYPES[policy_type].label.lower()}-{digest}" + (f"-{number}" if number > 1 else "")


def _chunks(members: list[Enabled], max_chars: int) -> Iterable[list[Enabled]]:
    """Consecutive runs that fit the size limit; a guardrail too large alone stands alone (and the
    size rule reports it)."""
    chunk: list[Enabled] = []
    for member in members:
        if chunk and _size(_document([*chunk, member])) > max_chars:
            yield chunk
            chunk = []
        chunk.append(member)
    if chunk:
        yield chunk


def _document(members: list[Enabled]) -> dict[str, Any]:
    statements: list[Statement] = []
    seen: set[str] = set()
    for member in members:
        for statement in member.statements:
            sid = statement.get("Sid", "")
            if sid in seen or not sid:  # Sids are unique in a document: the guardrail's key tells them apart
                sid = _pascal(member.key) + sid
            while sid in seen:
                sid += "X"
            seen.add(sid)
            statements.append({**statement, "Sid": sid})
    return {"Version": "2012-10-17", "Statement": statements}


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def _size(document: dict[str, Any]) -> int:
    return len(json.dumps(document, separators=(",", ":")))
