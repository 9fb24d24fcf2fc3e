"""What moto leaves out of enabling a policy type: time.

"This is an asynchronous request that AWS performs in the background. AWS recommends that you
first use ListRoots to see the status of policy types" (Organizations API Reference,
EnablePolicyType). Until then the type reads PENDING_ENABLE, and "to attach a policy of the
specified type to a root or to an OU or account in that root, it must be available in the
organization and enabled for that root" (PolicyTypeSummary; AttachPolicy lists
PolicyTypeNotEnabledException). moto enables at once.

The emulator's model: a type enabled during a stack deploy reads PENDING_ENABLE on the first
ListRoots after it and ENABLED from the next one on. A policy of that type may be attached only by
a resource that waits (through its dependencies) for a resource that saw it ENABLED: anything else
CloudFormation could run while the type is still pending. Between stack deploys time has passed,
and every type is settled."""

from collections.abc import Callable
from typing import Any


class PolicyTypeActivations:
    def __init__(self) -> None:
        self._seen_pending: set[str] = set()
        self._pending: dict[str, str | None] = {}  # type -> the resource that saw it ENABLED

    def started(self, policy_type: str) -> None:
        self._pending[policy_type] = None
        self._seen_pending.discard(policy_type)

    def observe(self, roots: list[dict[str, Any]], observer: str) -> None:
        """Give a ListRoots response, made on behalf of resource `observer`, the statuses AWS would."""
        for root in roots:
            for summary in root.get("PolicyTypes", []):
                policy_type = summary["Type"]
                if policy_type not in self._pending or self._pending[policy_type] is not None:
                    continue
                if policy_type in self._seen_pending:
                    self._pending[policy_type] = observer
                else:
                    summary["Status"] = "PENDING_ENABLE"
                    self._seen_pending.add(policy_type)

    def attach_problem(self, policy_type: str, waits_for: Callable[[str], bool]) -> str | None:
        """Why attaching a policy of `policy_type` now would fail, or None."""
        if policy_type not in self._pending:
            return None
        observer = self._pending[policy_type]
        if observer is not None and waits_for(observer):
            return None
        return (
            f"PolicyTypeNotEnabledException: {policy_type} was enabled in this deploy and may still be PENDING_ENABLE"
            " (EnablePolicyType is asynchronous), and nothing this resource waits for has seen it ENABLED. Make it depend"
            " on a resource that polls ListRoots until the type is ENABLED"
        )

    def settle(self) -> None:
        self._pending.clear()
        self._seen_pending.clear()
