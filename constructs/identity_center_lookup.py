"""IAM Identity Center's organization instance, Identity Center groups by display name and accounts
by email, read while a stack deploys (constructs/functions/look_up_identity_center.py)."""

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from aws_cdk import CustomResource

from orgboot.aws.quotas import CUSTOM_RESOURCE_RESPONSE_MAX
from orgboot.spec import logical_ids

from constructs import Construct, IDependable
from constructs.inline_function import function_resource, inline_function
from constructs.sdk_call import pin_logical_id

_LOOK_UP = Path(__file__).with_name("functions") / "look_up_identity_center.py"
RESOURCE_TYPE = "Custom::IdentityCenterLookup"

# What an answer holds besides the IDs it looks up, at its longest (CloudFormation User Guide,
# "Custom resource response objects": Status, Reason, PhysicalResourceId, StackId, RequestId,
# LogicalResourceId, NoEcho, Data; cfnresponse's Reason names the log stream): the stack ARN (a
# stack name runs to 128 characters), a logical ID to 255, the log stream's name, the instance's
# ARN (to 1,224 characters by the API's pattern, 48 in practice: arn:aws:sso:::instance/ssoins-
# and 16 characters) and the identity store's ID (to 36: IdentityStoreId), with the JSON around them.
ANSWER_OVERHEAD = 1_000
ANSWER_BUDGET = CUSTOM_RESOURCE_RESPONSE_MAX - ANSWER_OVERHEAD
# cfnresponse writes the answer with json.dumps' separators: "name": "value", per entry.
ENTRY_OVERHEAD = len('"": "", ')
ACCOUNT_ID_LENGTH = 12  # Organizations API Reference, Account Id: ^\d{12}$
# GroupId: "([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
# 1-47 characters (Identity Store API Reference, GetGroupId).
GROUP_ID_MAX = 47
# Lookups per stack, picked by a hash of each account key or group name, so that adding one changes
# one lookup only; a lookup whose answer could pass ANSWER_BUDGET is halved (by a further hash) until
# each fits. A stack at its fullest (450 assignments, one per account: layout.ASSIGNMENTS_PER_STACK_MAX)
# has about 56 accounts a lookup, halved to 28 (34 fit with keys at their longest); a typical one a
# few, in 8 lookups: few resources, few invocations.
ACCOUNT_LOOKUPS, GROUP_LOOKUPS = 8, 2


def _hash(text: str, buckets: int) -> int:
    """A bucket for `text`, salted: the assignment stacks pick an account's stack by the same
    SHA-256 of its key (orgboot/spec/layout.py), and unsalted, the accounts of one stack would
    share their remainders by every factor the two bucket counts share (16 and 28: only 4 of the
    16 lookups used)."""
    return int.from_bytes(hashlib.sha256(f"identity-center-lookup\0{text}".encode()).digest()[:8], "big") % buckets


def chunks(entries: Mapping[str, int], lookups: int, budget: int = ANSWER_BUDGET) -> dict[str, list[str]]:
    """The lookups that share `entries` (identity -> the bytes its entry adds to an answer), by
    name (01..NN, a halved one 07A and 07B): each identity in the lookup its hash picks, each lookup
    within `budget`. A pure function of each identity and its neighbours in the same lookup."""
    found: dict[str, list[str]] = {}

    def place(name: str, members: list[str], depth: int) -> None:
        if sum(entries[m] for m in members) <= budget or len(members) == 1:
            found[name] = sorted(members)
            return
        halves: dict[int, list[str]] = {}
        for member in members:
            halves.setdefault(_hash(f"{depth}\0{member}", 2), []).append(member)
        for half, half_members in sorted(halves.items()):
            place(name + "AB"[half], half_members, depth + 1)

    buckets: dict[int, list[str]] = {}
    for identity in entries:
        buckets.setdefault(_hash(identity, lookups), []).append(identity)
    for bucket, members in sorted(buckets.items()):
        place(f"{bucket + 1:02d}", members, 0)
    return found


def group_attribute(display_name: str) -> str:
    """The answer's attribute name for a group: display names run to 1,024 characters of any kind,
    attribute names are letters and digits. Readable part and digest, as logical IDs are made."""
    readable = "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", display_name) if w)[:40]
    return "Group" + readable + hashlib.sha256(display_name.encode()).hexdigest()[:8].upper()


def account_attribute(key: str) -> str:
    return logical_ids.account(key)


def account_entry_size(key: str) -> int:
    return len(account_attribute(key)) + ACCOUNT_ID_LENGTH + ENTRY_OVERHEAD


def group_entry_size(display_name: str) -> int:
    return len(group_attribute(display_name)) + GROUP_ID_MAX + ENTRY_OVERHEAD


class IdentityCenterLookup(Construct):
    """One function (its ServiceToken pinned: CloudFormation does not let a custom resource change
    it) and its lookups: the instance (InstanceArn, IdentityStoreId), then groups and accounts in
    lookups sized for CloudFormation's 4,096-byte answer (`chunks`). Each lookup waits for the one
    before: the function reads the organization's accounts once and keeps them for the lookups that
    follow, where lookups at once would each list every account (ListAccounts gives 20 a page)."""

    def __init__(self, scope: Construct, id: str, *, groups: Iterable[str] = (), accounts: Mapping[str, str] | None = None) -> None:
        """`groups`: Identity Center group display names; `accounts`: account key -> email."""
        super().__init__(scope, id)
        groups, accounts = sorted(set(groups)), dict(accounts or {})
        sdk_calls = [("SSOAdmin", "listInstances")]
        if groups:
            sdk_calls.append(("IdentityStore", "getGroupId"))
        if accounts:
            sdk_calls.append(("Organizations", "listAccounts"))
        self.function = inline_function(
            self,
            "Function",
            source=_LOOK_UP,
            description="orgboot: looks up IAM Identity Center's instance, group IDs by display name, account IDs by email",
            sdk_calls=sdk_calls,
        )
        pin_logical_id(self.function, logical_ids.IDENTITY_CENTER_LOOKUP_FUNCTION)
        instance = self._lookup(logical_ids.IDENTITY_CENTER_LOOKUP, {}, after=None)
        self.instance_arn = instance.get_att_string("InstanceArn")
        self.identity_store_id = instance.get_att_string("IdentityStoreId")
        last: IDependable = instance
        self._group_ids: dict[str, str] = {}
        for chunk, names in chunks({name: group_entry_size(name) for name in groups}, GROUP_LOOKUPS).items():
            properties: dict[str, object] = {"Groups": {group_attribute(name): name for name in names}}
            last = lookup = self._lookup(logical_ids.identity_center_groups_lookup(chunk), properties, after=last)
            for name in names:
                # Each name of the answer's Data is an attribute for Fn::GetAtt (CloudFormation User
                # Guide, "Custom resource response objects", Data).
                self._group_ids[name] = lookup.get_att_string(group_attribute(name))
        self._account_ids: dict[str, str] = {}
        for chunk, keys in chunks({key: account_entry_size(key) for key in accounts}, ACCOUNT_LOOKUPS).items():
            entries = {account_attribute(key): {"Key": key, "Email": accounts[key]} for key in keys}
            properties = {"Accounts": entries}
            last = lookup = self._lookup(logical_ids.identity_center_accounts_lookup(chunk), properties, after=last)
            for key in keys:
                self._account_ids[key] = lookup.get_att_string(account_attribute(key))

    def _lookup(self, logical_id: str, properties: Mapping[str, object], after: IDependable | None) -> CustomResource:
        lookup = function_resource(self, logical_id, function=self.function, resource_type=RESOURCE_TYPE, properties=properties)
        pin_logical_id(lookup, logical_id)
        if after is not None:
            lookup.node.add_dependency(after)
        return lookup

    def group_id(self, display_name: str) -> str:
        return self._group_ids[display_name]

    def account_id(self, key: str) -> str:
        return self._account_ids[key]
