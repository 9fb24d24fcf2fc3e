"""A live organization (state/inventory.py) as org.yaml: the spec writer of `orgboot import`, the
matching of live resources to spec keys that import and drift share, and the resource mappings
`cdk import --resource-mapping` reads.

Keys come from names (Payments Prod -> payments-prod); two names with one key both get their ID
appended, so a key never depends on which other accounts exist. With a spec given as a hint, its
keys are kept for what it already declares (matched by account ID, then email; policies by name).
"""

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from orgboot.aws.organizations import CLOUDTRAIL_SERVICE_PRINCIPAL, ROOT, STACKSETS_SERVICE_PRINCIPAL
from orgboot.aws.policy_types import DEFAULT_POLICIES, POLICY_TYPES
from orgboot.aws.quotas import OU_NAME_MAX
from orgboot.policy.guardrails.packing import PACK_PREFIX
from orgboot.spec import layout, logical_ids
from orgboot.spec.identity_center import MANAGEMENT as IDENTITY_CENTER_MANAGEMENT
from orgboot.spec.model import OrgSpec
from orgboot.spec.unmanaged import MANAGEMENT_ACCOUNT, NOT_ACTIVE, created_names
from orgboot.state.identity_center import IdentityCenterView
from orgboot.state.inventory import Inventory, LiveAccount, LivePolicy

FULL_AWS_ACCESS = POLICY_TYPES["SERVICE_CONTROL_POLICY"].default_policy
# Trusted access orgboot's own stacks turn on: never news in a drift report.
ENABLED_BY_ORGBOOT = (CLOUDTRAIL_SERVICE_PRINCIPAL, STACKSETS_SERVICE_PRINCIPAL)


class ImportRefused(Exception):
    """The organization cannot be written as org.yaml; the message says what to change in AWS."""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48].strip("-")


def _keys(items: Iterable[tuple[str, str]], fallback: str) -> dict[str, str]:
    """(ID, name) -> key: the name's slug, or slug-ID where two names share one."""
    items = list(items)
    counts: dict[str, int] = {}
    for _, name in items:
        counts[slug(name) or fallback] = counts.get(slug(name) or fallback, 0) + 1
    return {
        item_id: (base if counts[base] == 1 else f"{base}-{item_id.lower()}")
        for item_id, name in items
        for base in [slug(name) or fallback]
    }


@dataclass
class Matching:
    """Live IDs -> spec names: accounts (managed or not) to keys, OUs to paths, policies to keys."""

    accounts: dict[str, str] = field(default_factory=dict)  # account ID -> key
    ous: dict[str, str] = field(default_factory=dict)  # OU ID -> path (and the root ID -> Root)
    policies: dict[str, str] = field(default_factory=dict)  # policy ID -> key
    ou_keys: dict[str, str] = field(default_factory=dict)  # OU ID -> its key, for OUs whose names collide (ou_keys)

    def target(self, target_id: str) -> str:
        return self.ous.get(target_id) or self.accounts.get(target_id) or target_id


def match(inventory: Inventory, spec: OrgSpec | None = None) -> Matching:
    """Each live account, OU and policy under its key in `spec` where it declares it, else a key
    derived from its name."""
    matching = Matching(ous={inventory.root_id: ROOT, **{ou.id: ou.path for ou in inventory.ous.values()}})
    taken: set[str] = set()
    if spec is not None:
        by_id = {account_id: key for key, account_id in spec.known_account_ids.items()}
        by_email = {a.email.lower(): key for key, a in spec.accounts.items()}
        by_email |= {a.email.lower(): key for key, a in spec.unmanaged.accounts.items()}
        for account in inventory.accounts.values():
            if key := by_id.get(account.id) or by_email.get(account.email.lower()):
                matching.accounts[account.id] = key
        by_name: dict[tuple[str, str], str] = {(spec.policy_name(k), p.type): k for k, p in spec.organization_policies.items()}
        by_name |= {(p.name, p.type): key for key, p in spec.unmanaged.policies.items()}
        for policy in inventory.policies.values():
            if key := by_name.get((policy.name, policy.type)):
                matching.policies[policy.id] = key
        taken = set(spec.accounts) | set(spec.unmanaged.accounts) | set(spec.organization_policies) | set(spec.unmanaged.policies)
    rest = [(a.id, a.name) for a in inventory.accounts.values() if a.id not in matching.accounts]
    # identity_center's assignments name the management account `management`: no member account takes that key.
    reserved = {IDENTITY_CENTER_MANAGEMENT}
    matching.accounts |= {
        i: _untaken(k, i, taken | (reserved if i != inventory.management_account_id else set())) for i, k in _keys(rest, "account").items()
    }
    own = [(p.id, p.name) for p in inventory.policies.values() if p.id not in matching.policies and not p.aws_managed]
    matching.policies |= {i: _untaken(k, i, taken) for i, k in _keys(own, "policy").items()}
    return matching


def _unreserved(key: str) -> str:
    """Keys starting like orgboot's guardrail documents are orgboot's (rules/policies.py): a
    guardrail document deployed before comes back as a policy of its own, under another key."""
    return f"adopted-{key}" if key.startswith(PACK_PREFIX) else key


def _untaken(key: str, item_id: str, taken: set[str]) -> str:
    return key if key not in taken else f"{key}-{item_id.lower()}"


def managed(account: LiveAccount, inventory: Inventory) -> bool:
    """Whether orgboot can hold the account in a stack: not the management account (deleting an
    AWS::Organizations::Account closes it), and ACTIVE (the Account provider's read gives
    NotFound otherwise, so CloudFormation cannot import it)."""
    return account.id != inventory.management_account_id and account.state == "ACTIVE"


def managed_policy(policy: LivePolicy) -> bool:
    """Whether org.yaml can declare the policy: one of ours, of a type orgboot manages, attached
    somewhere (org.yaml declares a policy with its targets)."""
    return not policy.aws_managed and policy.type in POLICY_TYPES and bool(policy.targets)


def _why_unmanaged(policy: LivePolicy, enabled: tuple[str, ...]) -> str:
    if policy.aws_managed:
        return "AWS managed"
    if policy.type not in POLICY_TYPES:
        return f"orgboot does not manage {policy.type} policies yet"
    if policy.type not in enabled:
        # Disabling a type detached its policies without deleting them (Organizations User Guide,
        # "Disabling a policy type"), and one can be created while its type is disabled.
        return (
            f"{policy.type} is not enabled on the root, so the policy is attached nowhere: to manage it, enable the type"
            " (organization.policy_types), attach it and import again; or delete it"
        )
    return "attached nowhere: org.yaml declares a policy with its targets; attach it and import again, or delete it"


# The spec ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedRepository:
    org_yaml: str
    policy_files: dict[str, str]  # path in the repository -> content
    mappings: dict[str, dict[str, dict[str, str]]]  # stack -> logical ID -> identifier
    notes: list[str]  # what the user should know: left alone, unread


def import_organization(
    inventory: Inventory, hint: OrgSpec | None = None, identity_center: IdentityCenterView | None = None
) -> ImportedRepository:
    """org.yaml, policies and mappings for the organization; with `hint`, under its keys; with
    `identity_center` enabled, its permission sets and assignments (importing_identity_center.py)."""
    if inventory.feature_set != "ALL":
        raise ImportRefused(
            f"organization {inventory.organization_id} has only consolidated billing features; orgboot manages organization"
            " policies, which need all features: enable them first (Organizations User Guide, 'Enabling all features')"
        )
    rename = "rename it in AWS (aws organizations update-organizational-unit) and import again"
    for ou in inventory.ous.values():
        if "/" in ou.name:
            raise ImportRefused(
                f"OU '{ou.name}' ({ou.id}) has a '/' in its name, which org.yaml uses between the levels of a path: {rename}"
            )
        if ou.path == ROOT:
            raise ImportRefused(f"OU '{ou.name}' ({ou.id}) is named like the organization root, which org.yaml calls {ROOT}: {rename}")
    matching = match(inventory, hint)
    matching.policies = {policy_id: _unreserved(key) for policy_id, key in matching.policies.items()}
    matching.ou_keys = ou_keys(inventory)
    if hint is not None:  # what the spec's own stacks created is no name taken
        own = {(field, name) for _, name, _, field in created_names(hint)}
        names = {field: [name for name in found if (field, name) not in own] for field, found in inventory.names.items()}
        inventory = dataclasses.replace(inventory, names=names)
    writer = _Writer(inventory, matching, emulator_only=hint is not None and hint.emulator_only, identity_center=identity_center)
    org_yaml = writer.write()
    spec_accounts = {matching.accounts[a.id]: a for a in inventory.accounts.values() if managed(a, inventory)}
    identities = ou_identities(inventory, matching.ou_keys)
    mappings = _mappings(inventory, matching, spec_accounts, writer.account_stacks, lambda path: logical_ids.ou(identities[path]))
    mappings |= writer.identity_center_mappings  # IdentityCenterStack and the assignment stacks
    return ImportedRepository(org_yaml, writer.policy_files, mappings, writer.notes)


def ou_keys(inventory: Inventory) -> dict[str, str]:
    """OU ID -> the key org.yaml gives the OU (spec/fields.py ou_identities: it stands for the OU's
    name in its identity, which names its CloudFormation resource), for the OUs whose resources
    would otherwise collide: an OU's logical ID keeps only the ASCII letters and digits of its
    identity (logical_ids.ou), so Prod and prod, or Data Platform and Data-Platform, under one
    parent, or Workloads/Prod and a top-level WorkloadsProd, would be one resource, and a name
    without ASCII letters or digits (開発) would add nothing to its parent's. Siblings whose names
    differ only in case are keyed too (validation refuses them unkeyed: rules/organizational_units.py).

    Every OU of a collision gets a key, its name and its ID (IDs never change), so a key never
    depends on which other OUs exist; a name without ASCII letters or digits gets one alone. Keys
    are added until no two OUs share a logical ID (a keyed OU's children follow its identity)."""
    keys: dict[str, str] = {}
    for ou in inventory.ous.values():
        if not logical_ids.ou(ou.name).removeprefix("Ou"):
            keys[ou.id] = _ou_key(ou.name, ou.id)
    while True:
        identities = ou_identities(inventory, keys)
        groups: dict[tuple[str, ...], list[str]] = {}
        for ou in inventory.ous.values():
            groups.setdefault(("logical ID", logical_ids.ou(identities[ou.path])), []).append(ou.id)
            groups.setdefault(("sibling", ou.parent_id, ou.name.casefold()), []).append(ou.id)
        colliding = {ou_id for group in groups.values() if len(group) > 1 for ou_id in group if ou_id not in keys}
        if not colliding:
            return keys
        keys |= {ou_id: _ou_key(inventory.ous[ou_id].name, ou_id) for ou_id in colliding}


def _ou_key(name: str, ou_id: str) -> str:
    key = f"{name} {ou_id}"
    return key if len(key) <= OU_NAME_MAX else ou_id


def ou_identities(inventory: Inventory, keys: Mapping[str, str]) -> dict[str, str]:
    """OU path -> its identity, with `keys` (OU ID -> key), as OrgSpec.ou_identities gives it."""
    identities: dict[str, str] = {}
    for ou in inventory.ous.values():  # parents before children
        own = keys.get(ou.id, ou.name)
        identities[ou.path] = f"{identities[inventory.ous[ou.parent_id].path]}/{own}" if ou.parent_id in inventory.ous else own
    return identities


def _mappings(
    inventory: Inventory,
    matching: Matching,
    accounts: Mapping[str, LiveAccount],
    account_stacks: int | None,
    ou_logical_id: Callable[[str], str] = logical_ids.ou,
) -> dict[str, dict[str, dict[str, str]]]:
    """The identifiers `cdk import --resource-mapping` takes, per stack (CloudFormation's
    primaryIdentifier of each type: Organization and OU and Policy by Id, Account by AccountId)."""
    organization_stack: dict[str, dict[str, str]] = {logical_ids.ORGANIZATION: {"Id": inventory.organization_id}}
    for ou in inventory.ous.values():
        organization_stack[ou_logical_id(ou.path)] = {"Id": ou.id}
    for policy in inventory.policies.values():
        if managed_policy(policy):
            organization_stack[logical_ids.policy(matching.policies[policy.id])] = {"Id": policy.id}
    mappings = {layout.ORGANIZATION_STACK: organization_stack}
    for key, account in sorted(accounts.items()):
        stack = layout.account_stack(key, account_stacks)
        mappings.setdefault(stack, {})[logical_ids.account(key)] = {"AccountId": account.id}
    return mappings


def mappings_for(spec: OrgSpec, inventory: Inventory) -> dict[str, dict[str, dict[str, str]]]:
    """The mappings of what `spec` declares and AWS holds already: a failed first deploy's retained
    organization and accounts, taken back under their stacks without rewriting org.yaml."""
    matching = match(inventory, spec)
    accounts = {
        key: account
        for account in inventory.accounts.values()
        if managed(account, inventory) and (key := matching.accounts[account.id]) in spec.accounts
    }

    # An OU's resource is named by its identity in the spec (a key keeps it through a rename).
    def ou_logical_id(path: str) -> str:
        return spec.ou_logical_id(path) if path in spec.ou_identities else logical_ids.ou(path)

    mappings = _mappings(inventory, matching, accounts, spec.organization.account_stacks, ou_logical_id)
    declared = {
        logical_ids.ORGANIZATION,
        *map(spec.ou_logical_id, spec.ou_paths),
        *map(logical_ids.policy, spec.organization_policies),
        *map(logical_ids.account, spec.accounts),
    }
    mappings[layout.ORGANIZATION_STACK] = {k: v for k, v in mappings[layout.ORGANIZATION_STACK].items() if k in declared}
    return mappings


# Writing -------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    """A YAML scalar, quoted only where YAML needs it (a 12-digit ID would read as a number)."""
    text: str = yaml.safe_dump(value, default_flow_style=True, width=math.inf, allow_unicode=True)
    return text.removesuffix("\n...\n").strip()


def _flow(values: Iterable[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _mapping(values: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in sorted(values.items())) + "}"


PASSWORD_POLICY_FIELDS = (  # AWS's field -> org.yaml's
    ("MinimumPasswordLength", "minimum_length"),
    ("RequireUppercaseCharacters", "require_uppercase"),
    ("RequireLowercaseCharacters", "require_lowercase"),
    ("RequireNumbers", "require_numbers"),
    ("RequireSymbols", "require_symbols"),
    ("AllowUsersToChangePassword", "allow_users_to_change"),
    ("MaxPasswordAge", "max_age_days"),
    ("PasswordReusePrevention", "reuse_prevention"),
    ("HardExpiry", "hard_expiry"),
)


def password_policy_values(live: Mapping[str, Any]) -> dict[str, Any]:
    """org.yaml's password_policy fields from what GetAccountPasswordPolicy returns. A maximum age
    or reuse prevention of 0, or none, means none: passwords never expire, any may be reused
    (IAM API Reference, UpdateAccountPasswordPolicy: "the default value of 0")."""
    values = {name: live.get(aws_name) for aws_name, name in PASSWORD_POLICY_FIELDS}
    for name in ("max_age_days", "reuse_prevention"):
        values[name] = values[name] or None
    for name in ("require_uppercase", "require_lowercase", "require_numbers", "require_symbols", "allow_users_to_change", "hard_expiry"):
        values[name] = bool(values[name])
    return values


class _Writer:
    def __init__(
        self, inventory: Inventory, matching: Matching, *, emulator_only: bool, identity_center: IdentityCenterView | None = None
    ) -> None:
        self.inventory, self.matching, self.emulator_only = inventory, matching, emulator_only
        self.identity_center = identity_center
        self.lines: list[str] = []
        self.policy_files: dict[str, str] = {}
        self.notes: list[str] = []
        self.identity_center_mappings: dict[str, dict[str, dict[str, str]]] = {}  # the Identity Center stacks' mappings
        accounts = [a for a in inventory.accounts.values() if managed(a, inventory)]
        policies = [p for p in inventory.policies.values() if managed_policy(p)]
        # As validation advises (rules/stacks.py): half-full account stacks, room to grow.
        spread = layout.needs_account_stacks(len(inventory.ous), len(policies), len(accounts))
        self.account_stacks = layout.suggested_account_stacks(len(accounts)) if spread else None

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def write(self) -> str:
        inventory = self.inventory
        self.add(
            f"# The organization {inventory.organization_id}, as `orgboot import` read it. Adopt it step by step: docs/adopt.md.",
            "# Keys (payments-prod) name CloudFormation resources: keep them. Validate with `orgboot validate`.",
            "",
        )
        if self.emulator_only:
            self.add("emulator_only: true   # as the spec it was imported with says", "")
        self._organization()
        self._ous()
        self._accounts()
        self._policies()
        self._baseline()
        self._identity_center()
        self._unmanaged()
        return "\n".join(self.lines) + "\n"

    def _organization(self) -> None:
        managed_types = [t for t in self.inventory.policy_types if t in POLICY_TYPES]
        self.add("organization:", "  feature_set: ALL", f"  policy_types: {_flow(managed_types)}")
        if self.account_stacks:
            self.add(
                f"  account_stacks: {self.account_stacks}   # more accounts than one stack holds: docs/scale.md",
            )
        detached = self._detached()
        if detached:
            self.add(
                "  # The AWS managed FullAWSAccess SCP is not attached here (an allow-list strategy): only the SCPs attached",
                "  # there allow anything. orgboot never attaches or detaches it.",
                f"  full_aws_access_detached: {_flow(detached)}",
            )
        self.add("")

    def _detached(self) -> list[str]:
        if "SERVICE_CONTROL_POLICY" not in self.inventory.policy_types:
            return []
        attached = {t for p in self.inventory.policies.values() if p.aws_managed and p.name == FULL_AWS_ACCESS for t in p.targets}
        everywhere = [self.inventory.root_id, *self.inventory.ous, *self.inventory.accounts]
        return [self.matching.target(t) for t in everywhere if t not in attached]

    def _ous(self) -> None:
        if not self.inventory.ous:
            return
        self.add("# OU paths, nested with '/'. Parents first.", "organizational_units:")
        if self.matching.ou_keys:
            self.add(
                "  # An OU with a key: its name would give its CloudFormation resource the name of another's (orgboot keeps",
                "  # only the ASCII letters and digits). The key names it instead, for good: keep it (docs/organization.md).",
            )
        for ou in self.inventory.ous.values():
            comment = f"   # {ou.id}" + (f"; tags (not managed by orgboot, left as they are): {_mapping(ou.tags)}" if ou.tags else "")
            key = self.matching.ou_keys.get(ou.id)
            entry = _scalar(ou.path) if key is None else f"{_scalar(ou.path)}: {{key: {_scalar(key)}}}"
            self.add(f"  - {entry}{comment}")
        self.add("")

    def _accounts(self) -> None:
        inventory = self.inventory
        accounts = sorted((a for a in inventory.accounts.values() if managed(a, inventory)), key=lambda a: self.matching.accounts[a.id])
        if not accounts:
            return
        self.add(
            "# The key is forever: it names the CloudFormation resource. Name and email only the account's root user can change.",
            "accounts:",
        )
        for account in accounts:
            self.add(
                f"  {self.matching.accounts[account.id]}:",
                f"    name: {_scalar(account.name)}",
                f"    email: {_scalar(account.email)}",
                f"    ou: {_scalar(inventory.place(account.parent_id))}",
                f"    account_id: {_scalar(account.id)}",
            )
            if account.tags:
                self.add(f"    tags: {_mapping(account.tags)}")
            if account.joined_method == "INVITED":
                self.add("    invited: true   # joined by invitation: it has OrganizationAccountAccessRole only if someone created it")
        self.add("")

    def _policies(self) -> None:
        policies = sorted((p for p in self.inventory.policies.values() if managed_policy(p)), key=lambda p: self.matching.policies[p.id])
        if not policies:
            return
        self.add("policies:")
        for policy in policies:
            key = self.matching.policies[policy.id]
            path = f"policies/{key}.json"
            self.policy_files[path] = json.dumps(policy.content, indent=2) + "\n"
            self.add(f"  {key}:", f"    type: {policy.type}")
            if policy.name != key:
                self.add(f"    name: {_scalar(policy.name)}")
            if policy.description:
                self.add(f"    description: {_scalar(policy.description)}")
            self.add(f"    document: {path}")
            if policy.tags:
                self.add(f"    tags: {_mapping(policy.tags)}")
            self.add(f"    targets: {_flow(self.matching.target(t) for t in policy.targets)}")
        self.add("")

    def _baseline(self) -> None:
        inventory = self.inventory
        self.add("# The management account's own baseline (docs/management-baseline.md).", "management_baseline:")
        if inventory.alias:
            self.add(f"  account_alias: {_scalar(inventory.alias)}")
        if inventory.password_policy is None:
            self.add("  password_policy: null   # none is set: orgboot leaves it so until you declare one (CIS asks for one)")
        else:
            self.add("  password_policy:")
            for name, value in password_policy_values(inventory.password_policy).items():
                self.add(f"    {name}: {_scalar(value)}")
        self.add("")

    def _identity_center(self) -> None:
        if self.identity_center is None or not self.identity_center.enabled:
            return
        from orgboot.spec.importing_identity_center import identity_center_section  # it writes with _scalar and _flow

        keys = {
            account.id: self.matching.accounts[account.id]
            for account in self.inventory.accounts.values()
            if managed(account, self.inventory)
        }
        section = identity_center_section(self.identity_center, self.inventory, keys)
        self.add(*section.lines)
        self.policy_files.update(section.policy_files)
        self.notes.extend(section.notes)
        self.identity_center_mappings = section.mappings

    def _unmanaged(self) -> None:
        inventory, matching = self.inventory, self.matching
        self.add(
            "# What exists and orgboot does not manage: written so that nothing is lost, never deployed, never touched.",
            "unmanaged:",
        )
        accounts = [a for a in inventory.accounts.values() if not managed(a, inventory)]
        if accounts:
            self.add("  accounts:")
            for account in sorted(accounts, key=lambda a: matching.accounts[a.id]):
                why = MANAGEMENT_ACCOUNT if account.id == inventory.management_account_id else NOT_ACTIVE
                reason = (
                    "deleting an AWS::Organizations::Account would close it"
                    if why == MANAGEMENT_ACCOUNT
                    else f"{account.state}: CloudFormation cannot import an account that is not ACTIVE"
                )
                self.add(
                    f"    {matching.accounts[account.id]}:   # {reason}",
                    f"      id: {_scalar(account.id)}",
                    f"      name: {_scalar(account.name)}",
                    f"      email: {_scalar(account.email)}",
                    f"      ou: {_scalar(inventory.place(account.parent_id))}",
                    f"      state: {account.state}",
                    f"      why: {why}",
                )
        others = [p for p in inventory.policies.values() if not managed_policy(p) and p.name not in DEFAULT_POLICIES]
        if others:
            self.add("  policies:")
            for policy in sorted(others, key=lambda p: p.name):
                why = _why_unmanaged(policy, inventory.policy_types)
                self.add(
                    f"    {_scalar(self.matching.policies.get(policy.id) or slug(policy.name) + '-' + policy.id.lower())}:",
                    f"      id: {policy.id}",
                    f"      name: {_scalar(policy.name)}",
                    f"      type: {policy.type}",
                    f"      targets: {_flow(matching.target(t) for t in policy.targets)}",
                    f"      why: {_scalar(why)}",
                )
        other_types = [t for t in inventory.policy_types if t not in POLICY_TYPES]
        if other_types:
            self.add(f"  policy_types: {_flow(other_types)}   # enabled; orgboot never enables or disables them")
        if inventory.delegated_administrators:
            self.add("  delegated_administrators:")
            for account_id, service in inventory.delegated_administrators:
                self.add(f"    - {{account: {_scalar(matching.accounts.get(account_id, account_id))}, service: {service}}}")
        if inventory.trusted_services:
            self.add(f"  trusted_services: {_flow(inventory.trusted_services)}")
        names = {kind: found for kind, found in inventory.names.items() if found}
        if names:
            self.add("  management_account_names:   # taken already: orgboot refuses to create another by the same name")
            for kind, found in names.items():
                self.add(f"    {kind}: {_flow(found)}")
        for what, why in inventory.unread.items():
            self.add(f"  # not read: {what}: {why}")
            self.notes.append(f"not read: {what}: {why}")
        if self.lines[-1] == "unmanaged:":
            self.lines[-1] = "unmanaged: {}"
