"""How every answer names a policy and an account: as the reader wrote or knows them, never by the
names orgboot makes up underneath.

- A statement of a guardrail document (a pack of library guardrails, policy/guardrails/packing.py)
  is named by its guardrail: "guardrail region-deny", read from its Sid.
- A written SCP or RCP by its name in AWS (the spec's `name:`, else its key): "SCP ProdChangeFreeze".
- Any other policy (identity, boundary, trust) by its own name: "Admins-switch-roles".
- An account by its key, where the offline evaluation gave it a stand-in ID: "account shop-prod",
  and inside an ARN too (arn:aws:iam::shop-prod:role/app), so an answer never shows an ID AWS
  would not (the management account's stand-in reads "management").

The access matrix, its residual denials and `orgboot simulate` all label with this one Labeller.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from orgboot.policy.evaluation import Decision
from orgboot.policy.guardrails import guardrail_of_sid
from orgboot.policy.guardrails.packing import PACK_PREFIX
from orgboot.policy.statements import Statement

GUARDRAIL = "guardrail"
_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


@dataclass(frozen=True)
class Labeller:
    names: Mapping[str, str] = field(default_factory=dict)  # a written policy's key -> its name in AWS
    accounts: Mapping[str, str] = field(default_factory=dict)  # a stand-in account ID -> the account's key

    def source(self, statement: Statement) -> tuple[str, str]:
        """("guardrail", "region-deny"), ("SCP", "ProdChangeFreeze"), or ("", name) for a policy
        that is not an organization policy."""
        ref = statement.policy
        guardrail = guardrail_of_sid(statement.sid or "") if ref.name.startswith(PACK_PREFIX) else None
        if guardrail:
            return GUARDRAIL, guardrail
        if ref.kind in ("scp", "rcp"):
            return ref.kind.upper(), self.names.get(ref.name, ref.name)
        return "", ref.name

    def policy(self, statement: Statement) -> str:
        """The policy a statement is in, as a reader knows it: "guardrail region-deny", "SCP prod-freeze"."""
        return " ".join(part for part in self.source(statement) if part)

    def statement(self, statement: Statement, where: bool = True) -> str:
        """ "guardrail region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)"; without
        `where` (a step of the decision already says the level), "FullAWSAccess (statement 1)"."""
        source, name = self.source(statement)
        label = self.policy(statement) if source == GUARDRAIL or where else name
        which = f"statement {statement.sid or statement.index + 1}"
        at = statement.policy.attached_at
        return f"{label} ({self.text(f'on {at}, ') if at and where else ''}{which})"

    def why(self, decision: Decision) -> str:
        """The decision's reason with the statements that decided it: "explicitly denied by guardrail
        region-deny (on OU Workloads, statement DenyOutsideAllowedRegions)"."""
        reason = self.text(decision.reason)
        if not decision.statements:
            return reason
        by = " and ".join(self.statement(s) for s in decision.statements)
        return f"{reason} by {by}" if reason in ("explicitly denied", "allowed") else f"{reason}, by {by}"

    def text(self, text: str) -> str:
        """`text` with each stand-in account ID replaced by the account's key."""
        return _ACCOUNT_ID.sub(lambda found: self.accounts.get(found.group(), found.group()), text) if self.accounts else text
