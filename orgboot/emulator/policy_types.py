"""What moto leaves out of policy types: time, and what Organizations refuses meanwhile.

EnablePolicyType and DisablePolicyType are each "an asynchronous request that AWS performs in the
background. AWS recommends that you first use ListRoots to see the status of policy types"
(Organizations API Reference). Meanwhile ListRoots shows the type PENDING_ENABLE or PENDING_DISABLE
(PolicyTypeSummary, Status: ENABLED | PENDING_ENABLE | PENDING_DISABLE), and "to attach a policy of
the specified type to a root or to an OU or account in that root, it must be available in the
organization and enabled for that root" (PolicyTypeSummary; AttachPolicy lists
PolicyTypeNotEnabledException). Both calls list ConcurrentModificationException ("The target of
the operation is currently being modified by a different request. Try again later.") and
PolicyChangesInProgressException (botocore's organizations service model); enabling a type while
another is being enabled fails in practice with the first (aws-control-tower-customizations#175),
and Terraform's provider enables or disables one type and waits until ListRoots shows it ENABLED,
or gone, before the next (terraform-provider-aws, internal/service/organizations/organization.go:
waitDefaultRootPolicyTypeEnabled, waitDefaultRootPolicyTypeDisabled). moto changes a type at once.

The emulator's model, on its clock (clock.py: only the sleeps of inline functions advance it):
- A change stays pending for PENDING_SECONDS after the call: ListRoots shows PENDING_ENABLE, or
  PENDING_DISABLE (moto has removed the type already), until then.
- While a change of another type is pending, EnablePolicyType and DisablePolicyType are refused
  with ConcurrentModificationException (AWS documents no more precise rule: a change to the root
  while one is in progress is what that error names). What a call about the pending type itself
  gets is not documented either: moto answers it (PolicyTypeAlreadyEnabledException, for one).
- A policy of a type enabled in this deploy may be attached only by a resource that waits (through
  its dependencies) for a resource that saw it ENABLED: anything else CloudFormation could run
  while the type is still pending.
- Between stack deploys time has passed, and every change is done (settle).

And what a change does to attachments, which moto leaves as they were (follow_up): "When you disable
a policy type, all policies of the specified type are automatically detached from all entities in
the organization root. The policies are not deleted"; and once SCPs are enabled again "all entities
in the organization root are initially attached to only the default FullAWSAccess SCP"
(Organizations User Guide, "Disabling a policy type"; RCPFullAWSAccess likewise for RCPs, "Resource
control policies")."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.emulator.clock import EmulatedClock
from orgboot.state.pages import all_items

# How long a change stays pending, in emulated seconds. AWS gives no figure; any positive one
# makes the same demand of the code: look (ListRoots) and wait, never assume.
PENDING_SECONDS = 10.0
CHANGES = {"EnablePolicyType": True, "DisablePolicyType": False}  # operation -> whether it enables


@dataclass
class _Change:
    enabling: bool
    done_at: float  # on the emulated clock
    observer: str | None = None  # the resource whose ListRoots saw it done (enabling only)

    def status(self) -> str:
        return "PENDING_ENABLE" if self.enabling else "PENDING_DISABLE"


class PolicyTypeActivations:
    def __init__(self, clock: EmulatedClock) -> None:
        self._clock = clock
        self._changes: dict[str, _Change] = {}  # by policy type, the last change of each

    def _pending(self) -> dict[str, _Change]:
        return {name: change for name, change in self._changes.items() if self._clock.now < change.done_at}

    def refuse_change(self, operation: str, parameters: Mapping[str, Any]) -> None:
        """Raise what Organizations answers to `operation` with `parameters` when it is a change of
        policy type (EnablePolicyType, DisablePolicyType) made while another type's is pending."""
        if operation not in CHANGES:
            return
        policy_type = str(parameters.get("PolicyType", ""))
        pending = {name: change for name, change in self._pending().items() if name != policy_type}
        if not pending:
            return
        states = ", ".join(f"{name} is {change.status()}" for name, change in sorted(pending.items()))
        message = (
            "AWS Organizations can't complete your request because it conflicts with another attempt to modify the same"
            f" entity. Try again later. (emulator: {operation} {policy_type} while {states}: a policy type change is"
            " asynchronous; wait until ListRoots shows no type pending before the next one)"
        )
        raise ClientError({"Error": {"Code": "ConcurrentModificationException", "Message": message}}, operation)

    def started(self, operation: str, parameters: Mapping[str, Any]) -> None:
        """Record a successful call: a change of policy type starts (nothing for other operations)."""
        if operation in CHANGES:
            self._changes[str(parameters["PolicyType"])] = _Change(CHANGES[operation], self._clock.now + PENDING_SECONDS)

    def observe(self, roots: list[dict[str, Any]], observer: str) -> None:
        """Give a ListRoots response, made on behalf of resource `observer`, the statuses AWS would."""
        for root in roots:
            summaries = root.setdefault("PolicyTypes", [])
            for policy_type, change in self._changes.items():
                pending = self._clock.now < change.done_at
                listed = [summary for summary in summaries if summary["Type"] == policy_type]
                if change.enabling and listed:
                    if pending:
                        listed[0]["Status"] = change.status()
                    elif change.observer is None:
                        change.observer = observer
                elif not change.enabling and pending and not listed:
                    summaries.append({"Type": policy_type, "Status": change.status()})

    def attach_problem(self, policy_type: str, waits_for: Callable[[str], bool]) -> str | None:
        """Why attaching a policy of `policy_type` now would fail, or None."""
        change = self._changes.get(policy_type)
        if change is None or not change.enabling:
            return None
        if change.observer is not None and waits_for(change.observer):
            return None
        return (
            f"PolicyTypeNotEnabledException: {policy_type} was enabled in this deploy and may still be PENDING_ENABLE"
            " (EnablePolicyType is asynchronous), and nothing this resource waits for has seen it ENABLED. Make it depend"
            " on a resource that polls ListRoots until the type is ENABLED"
        )

    def settle(self) -> None:
        self._changes.clear()


_GONE = ("OrganizationalUnitNotFoundException", "AccountNotFoundException", "TargetNotFoundException")


def follow_up(organizations: Any, operation: str, policy_type: str) -> None:
    """After moto has done `operation` (EnablePolicyType, DisablePolicyType) of `policy_type`, with
    the management account's Organizations client: what AWS does to attachments besides (module
    docstring). Nothing for other operations."""
    if operation not in CHANGES:
        return
    policies = all_items(organizations, "list_policies", "Policies", Filter=policy_type)
    if not CHANGES[operation]:
        for policy in policies:
            for target in all_items(organizations, "list_targets_for_policy", "Targets", PolicyId=policy["Id"]):
                try:
                    organizations.detach_policy(PolicyId=policy["Id"], TargetId=target["TargetId"])
                except ClientError as error:
                    # moto keeps a deleted OU (or a removed account) among a policy's targets: gone, nothing to detach.
                    if error.response["Error"].get("Code") not in _GONE:
                        raise
        return
    default = POLICY_TYPES[policy_type].default_policy if policy_type in POLICY_TYPES else None
    managed = next((p for p in policies if p.get("AwsManaged") and p["Name"] == default), None)
    if managed is None:
        return
    attached = {t["TargetId"] for t in all_items(organizations, "list_targets_for_policy", "Targets", PolicyId=managed["Id"])}
    everything = [root["Id"] for root in all_items(organizations, "list_roots", "Roots")]
    parents = list(everything)
    while parents:
        found = all_items(organizations, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parents.pop())
        everything += [ou["Id"] for ou in found]
        parents += [ou["Id"] for ou in found]
    everything += [account["Id"] for account in all_items(organizations, "list_accounts", "Accounts")]
    for target in everything:
        if target not in attached:
            organizations.attach_policy(PolicyId=managed["Id"], TargetId=target)
