"""What a change to org.yaml does to the organization, in its own terms: accounts added, moved or
leaving; OUs added, renamed or moved; policies and guardrails changed, attached or detached;
baseline and member-role values changed; IAM Identity Center's permission sets and assignments; and
the access the policy evaluator finds widened or narrowed, and the accounts left without an admin
path (admin_paths.py). Changes of a kind in DANGEROUS (orgboot/spec/acknowledgements.py) are
marked for review.

Pure: two specs in, a list of changes out. The change rules (orgboot/rules/changes.py) say what
AWS would refuse; this says what the change means.
"""

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from orgboot.analysis.access import Access, spec_access
from orgboot.analysis.admin_paths import AdminPath, admin_paths
from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.aws.policy_types import POLICY_TYPES
from orgboot.policy.guardrails import REGISTRY
from orgboot.spec import OrgSpec, PolicyDocument, parent_of
from orgboot.spec.acknowledgements import DANGEROUS
from orgboot.spec.guardrails import orgboot_roles, with_exempted
from orgboot.spec.security_services import run_by_stack_sets

# Sections of the report, in order.
ACCOUNTS, OUS, POLICIES, GUARDRAILS, BASELINE, SECURITY, MEMBER_ROLES, IDENTITY_CENTER, ACCESS = (
    "Accounts",
    "Organizational units",
    "Policies",
    "Guardrails",
    "Management baseline",
    "Security baseline",
    "Member roles",
    "Identity Center",
    "Effective access",
)
SECTIONS = (ACCOUNTS, OUS, POLICIES, GUARDRAILS, BASELINE, SECURITY, MEMBER_ROLES, IDENTITY_CENTER, ACCESS)

# Policy types whose detachment takes a protection away (the others tag, back up or opt out).
_PROTECTIVE = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
_ADMIN_POLICY = "AdministratorAccess"


@dataclass(frozen=True)
class Change:
    section: str
    kind: str
    subject: str
    summary: str  # one line, plain text with `code` spans
    details: str = ""  # e.g. a unified diff of a policy's statements

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.subject}"

    @property
    def dangerous(self) -> bool:
        return self.kind in DANGEROUS


@dataclass(frozen=True)
class TreeMarks:
    """What the diagram shows as changed: by account key and OU path."""

    added: frozenset[str] = frozenset()
    moved: frozenset[str] = frozenset()  # accounts moved; OUs renamed or moved (their new path)
    removed_ous: tuple[str, ...] = ()  # parents first
    removed_accounts: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # key -> (its OU, its name)


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    marks: TreeMarks

    @property
    def dangerous(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.dangerous)


def diff(base: OrgSpec, head: OrgSpec, head_access: Sequence[Access] | None = None, base_access: Sequence[Access] | None = None) -> Diff:
    """Every change from `base` to `head`, dangerous ones first, then by section. `head_access`
    and `base_access` are the access matrices, when they are known already."""
    renamed = _renamed_ous(base, head)
    base_access = spec_access(base) if base_access is None else base_access
    head_access = spec_access(head) if head_access is None else head_access
    changes = [
        *_accounts(base, head, renamed),
        *_ous(base, head, renamed),
        *_policies(base, head),
        *_guardrails(base, head),
        *_baseline(base, head),
        *_security_baseline(base, head),
        *_member_roles(base, head),
        *_identity_center(base, head),
        *_access(base, head, base_access, head_access),
        *_admin_paths_lost(base, head, base_access, head_access),
    ]
    changes.sort(key=lambda change: (not change.dangerous, SECTIONS.index(change.section)))
    return Diff(tuple(changes), _marks(base, head, renamed))


def acknowledged(changes: Iterable[Change], acknowledgements: Mapping[str, str]) -> dict[str, str]:
    """Each dangerous change's ID that an acknowledgement names (its ID, or its kind for all of
    that kind), with the acknowledgement's reason."""
    return {
        change.id: acknowledgements.get(change.id, acknowledgements.get(change.kind, ""))
        for change in changes
        if change.dangerous and (change.id in acknowledgements or change.kind in acknowledgements)
    }


def code(value: object) -> str:
    """Inline code in Markdown; a value holding a backtick gets a double fence."""
    fence = "``" if "`" in str(value) else "`"
    return f"{fence}{value}{fence}"


def _listing(values: Iterable[str]) -> str:
    return ", ".join(code(value) for value in values) or "nothing"


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, PolicyDocument):
        return value.path
    return str(value)


# Accounts -------------------------------------------------------------------------------------


def _accounts(base: OrgSpec, head: OrgSpec, renamed: Mapping[str, str]) -> Iterator[Change]:
    for key, account in head.accounts.items():
        if key not in base.accounts:
            yield Change(ACCOUNTS, "account-added", key, f"{code(key)} ({code(account.name)}) joins `{account.ou}`")
    for key, account in base.accounts.items():
        if key not in head.accounts:
            how = (
                "released: it stays in the organization, unmanaged; its roles stay unless StackSets remove them"
                if key in head.released_accounts
                else "removed without `released_accounts`: orgboot refuses this (see the refused changes)"
            )
            yield Change(ACCOUNTS, "account-leaving", key, f"{code(key)} ({code(account.name)}) leaves orgboot: {how}")
    for key, after in head.accounts.items():
        before = base.accounts.get(key)
        if before is None:
            continue
        if renamed.get(before.ou, before.ou) != after.ou:
            yield Change(ACCOUNTS, "account-moved", key, f"{code(key)} moves from `{before.ou}` to `{after.ou}`")
        changed = [
            f"{name} {code(_value(getattr(before, name)))} → {code(_value(getattr(after, name)))}"
            for name in ("name", "email", "role_name")
            if getattr(before, name) != getattr(after, name)
        ]
        changed += [
            f"tag {code(tag)} {code(before.tags.get(tag, 'unset'))} → {code(after.tags.get(tag, 'unset'))}"
            for tag in sorted(before.tags.keys() | after.tags.keys())
            if before.tags.get(tag) != after.tags.get(tag)
        ]
        if changed:
            yield Change(ACCOUNTS, "account-changed", key, f"{code(key)}: {'; '.join(changed)}")


# Organizational units -------------------------------------------------------------------------


def _direct_accounts(spec: OrgSpec) -> dict[str, frozenset[str]]:
    held: dict[str, set[str]] = {}
    for key, account in spec.accounts.items():
        held.setdefault(account.ou, set()).add(key)
    return {ou: frozenset(keys) for ou, keys in held.items()}


def _renamed_in_place(base: OrgSpec, head: OrgSpec) -> dict[str, str]:
    """Old path -> new path for OUs that keep their identity under another path: the same resource,
    its Name updated in place (a key keeps the identity: spec/fields.py ou_identities), or carried
    along by a parent renamed so."""
    new_path = {identity: path for path, identity in head.ou_identities.items()}
    return {old: new_path[identity] for old, identity in base.ou_identities.items() if identity in new_path and new_path[identity] != old}


def _renamed_ous(base: OrgSpec, head: OrgSpec) -> dict[str, str]:
    """Old path -> new path for OUs renamed or moved: those renamed in place (by identity); then,
    among the OUs replaced (a new identity), the parent's change carried down, else the same
    accounts directly under the new path, else the only new OU with the same name."""
    renamed = _renamed_in_place(base, head)
    kept = set(head.ou_identities.values())
    gone = [path for path in base.ou_paths if base.ou_identities[path] not in kept]
    new = [path for path in head.ou_paths if head.ou_identities[path] not in set(base.ou_identities.values())]
    held_before, held_after = _direct_accounts(base), _direct_accounts(head)
    for old in gone:  # parents first
        name, parent = old.rpartition("/")[2], parent_of(old)
        candidates = [path for path in new if path not in renamed.values()]
        carried = f"{renamed[parent]}/{name}" if parent in renamed else None
        same_accounts = [path for path in candidates if held_before.get(old) and held_after.get(path) == held_before[old]]
        same_name = [path for path in candidates if path.rpartition("/")[2] == name]
        if carried in candidates:
            renamed[old] = carried
        elif len(same_accounts) == 1:
            renamed[old] = same_accounts[0]
        elif len(same_name) == 1:
            renamed[old] = same_name[0]
    return renamed


def _ous(base: OrgSpec, head: OrgSpec, renamed: Mapping[str, str]) -> Iterator[Change]:
    in_place = _renamed_in_place(base, head)
    for old, new in renamed.items():
        if parent_of(old) in renamed and renamed[parent_of(old)] == parent_of(new):
            continue  # carried by its parent's change
        below = [path for path in renamed if path.startswith(f"{old}/")]
        with_children = f" (with {_listing(below)})" if below else ""
        if old in in_place:
            yield Change(
                OUS, "ou-renamed", old, f"`{old}` is renamed to `{new}`{with_children}: the same OU, its accounts and policies stay"
            )
        elif old == new:  # a key added, changed or dropped: nothing was renamed (rules/changes.py ou_identities_kept)
            yield Change(
                OUS,
                "ou-replaced",
                old,
                f"`{old}` keeps its path but its identity changes to `{head.ou_identities[new]}`: a second OU of the same name,"
                " which AWS refuses (see the refused changes)",
            )
        elif parent_of(old) == parent_of(new):
            key = base.ou_identities[old].rpartition("/")[2]
            yield Change(
                OUS,
                "ou-replaced",
                old,
                f"`{old}` is replaced by a new OU `{new}`{with_children} (to rename it in place, write `- {new}: {{key: {key}}}`)",
            )
        else:
            yield Change(OUS, "ou-moved", old, f"`{old}` is moved to `{new}`{with_children}: a new OU replaces it")
    for path in head.ou_paths:
        if head.ou_identities[path] not in set(base.ou_identities.values()) and path not in renamed.values():
            yield Change(OUS, "ou-added", path, f"`{path}` is added")
    for path in base.ou_paths:
        if base.ou_identities[path] not in set(head.ou_identities.values()) and path not in renamed:
            yield Change(OUS, "ou-removed", path, f"`{path}` is removed")


def _marks(base: OrgSpec, head: OrgSpec, renamed: Mapping[str, str]) -> TreeMarks:
    added = {key for key in head.accounts if key not in base.accounts}
    kept, known = set(head.ou_identities.values()), set(base.ou_identities.values())
    added |= {path for path in head.ou_paths if head.ou_identities[path] not in known and path not in renamed.values()}
    moved = {
        key
        for key, a in head.accounts.items()
        if key in base.accounts and renamed.get(base.accounts[key].ou, base.accounts[key].ou) != a.ou
    }
    moved |= set(renamed.values())
    removed_ous = tuple(path for path in base.ou_paths if base.ou_identities[path] not in kept and path not in renamed)
    removed_accounts = {key: (a.ou, a.name) for key, a in base.accounts.items() if key not in head.accounts}
    return TreeMarks(frozenset(added), frozenset(moved), removed_ous, removed_accounts)


# Policies and guardrails ----------------------------------------------------------------------


def statement_diff(before: Any, after: Any) -> str:
    """A unified diff of two policy documents (or statement lists), statement by statement: paired
    by Sid (else by position), each changed one under its Sid."""
    old, new = _statements(before), _statements(after)
    parts: list[str] = []
    for sid in dict.fromkeys([*old, *new]):
        if old.get(sid) != new.get(sid):
            lines_before = json.dumps(old[sid], indent=2).splitlines() if sid in old else []
            lines_after = json.dumps(new[sid], indent=2).splitlines() if sid in new else []
            parts += difflib.unified_diff(lines_before, lines_after, sid, sid, n=3, lineterm="")
    if isinstance(before, dict) and isinstance(after, dict):  # Version, Id
        for key in sorted({*before, *after} - {"Statement"}):
            if before.get(key) != after.get(key):
                parts += difflib.unified_diff([f"{key}: {before.get(key)}"], [f"{key}: {after.get(key)}"], key, key, lineterm="")
    return "\n".join(parts)


def _statements(document: Any) -> dict[str, Any]:
    statements = document.get("Statement", []) if isinstance(document, dict) else document
    if isinstance(statements, dict):
        statements = [statements]
    return {
        str(s.get("Sid") if isinstance(s, dict) and s.get("Sid") else f"statement {index + 1}"): s for index, s in enumerate(statements)
    }


def _targets(
    kind: str, key: str, before: tuple[str, ...], after: tuple[str, ...], protective: bool, section: str, base: OrgSpec, head: OrgSpec
) -> Iterator[Change]:
    """Targets attached and detached, compared by identity: a policy that follows an OU renamed in
    place stays attached to the same OU (its target IDs do not change), whatever its path now."""
    identities_before = {base.target_identity(target) for target in before}
    identities_after = {head.target_identity(target) for target in after}
    for target in after:
        if head.target_identity(target) not in identities_before:
            yield Change(section, f"{kind}-attached", f"{key}@{target}", f"{code(key)} is attached to `{target}`")
    for target in before:
        if base.target_identity(target) not in identities_after:
            danger = "guardrail-detached" if protective else f"{kind}-detached"
            yield Change(section, danger, f"{key}@{target}", f"{code(key)} no longer applies to `{target}`")


def _policies(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    for key, policy in head.policies.items():
        label = POLICY_TYPES[policy.type].label
        old = base.policies.get(key)
        if old is None:
            yield Change(
                POLICIES,
                "policy-added",
                key,
                f"{label} {code(key)} is added, on {_listing(policy.targets)}",
                json.dumps(policy.document.content, indent=2),
            )
            continue
        if old.type != policy.type:
            yield Change(POLICIES, "policy-replaced", key, f"{code(key)} changes type from {POLICY_TYPES[old.type].label} to {label}")
        if old.document.content != policy.document.content:
            yield Change(
                POLICIES,
                "policy-changed",
                key,
                f"{label} {code(key)}: its statements change",
                statement_diff(old.document.content, policy.document.content),
            )
        if old.description != policy.description:
            yield Change(
                POLICIES, "policy-changed", f"{key}.description", f"{code(key)}: description {old.description!r} → {policy.description!r}"
            )
        if old.type == policy.type:
            yield from _targets("policy", key, old.targets, policy.targets, old.type in _PROTECTIVE, POLICIES, base, head)
        else:  # another type is another policy: the old one leaves every target, and its protection with it
            yield from _targets("policy", key, old.targets, (), old.type in _PROTECTIVE, POLICIES, base, head)
            yield from _targets("policy", key, (), policy.targets, False, POLICIES, base, head)
    for key, old in base.policies.items():
        if key not in head.policies:
            yield Change(POLICIES, "policy-removed", key, f"{POLICY_TYPES[old.type].label} {code(key)} is removed")
            yield from _targets("policy", key, old.targets, (), old.type in _PROTECTIVE, POLICIES, base, head)


def _guardrail_statements(spec: OrgSpec, key: str) -> list[Any]:
    use = spec.guardrails[key]
    roles = orgboot_roles(spec.accounts, spec.member_roles, run_by_stack_sets(spec.security_baseline))
    return list(REGISTRY[use.guardrail].statements(use, with_exempted(roles, spec.guardrails)))


def _parameters(use: BaseModel) -> dict[str, Any]:
    return use.model_dump(exclude={"targets", "guardrail"})


def _guardrails(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    for key, use in head.guardrails.items():
        old = base.guardrails.get(key)
        if old is None:
            yield Change(GUARDRAILS, "guardrail-added", key, f"{code(key)} is enabled on {_listing(use.targets)}")
            continue
        before, after = _parameters(old), _parameters(use)
        changed = [
            f"{name} {_value(before.get(name))} → {_value(after.get(name))}" for name in after if before.get(name) != after.get(name)
        ]
        statements_before, statements_after = _guardrail_statements(base, key), _guardrail_statements(head, key)
        if changed or statements_before != statements_after:
            why = "; ".join(changed) or "its exemptions follow the spec's roles"
            yield Change(GUARDRAILS, "guardrail-changed", key, f"{code(key)}: {why}", statement_diff(statements_before, statements_after))
        yield from _targets("guardrail", key, old.targets, use.targets, True, GUARDRAILS, base, head)
    for key, old in base.guardrails.items():
        if key not in head.guardrails:
            yield Change(GUARDRAILS, "guardrail-removed", key, f"{code(key)} is no longer enabled")
            yield from _targets("guardrail", key, old.targets, (), True, GUARDRAILS, base, head)


# Baseline and member roles --------------------------------------------------------------------


def _flatten(value: Any, prefix: str) -> dict[str, Any]:
    """Dotted keys to leaf values; a list of models is indexed, a list of scalars is one leaf."""
    if isinstance(value, BaseModel):
        return {k: v for name in type(value).model_fields for k, v in _flatten(getattr(value, name), f"{prefix}.{name}").items()}
    if isinstance(value, Mapping):
        return {k: v for name, item in value.items() for k, v in _flatten(item, f"{prefix}.{name}").items()}
    if isinstance(value, tuple | list) and any(isinstance(item, BaseModel | PolicyDocument) for item in value):
        return {k: v for index, item in enumerate(value) for k, v in _flatten(item, f"{prefix}[{index}]").items()}
    return {prefix: value}


def _changed_values(before: Any, after: Any, prefix: str, base: OrgSpec, head: OrgSpec) -> Iterator[tuple[str, Any, Any]]:
    old, new = _flatten(before, prefix), _flatten(after, prefix)
    for key in dict.fromkeys([*old, *new]):
        if _comparable(key, old.get(key, _ABSENT), base) != _comparable(key, new.get(key, _ABSENT), head):
            yield key, old.get(key, _ABSENT), new.get(key, _ABSENT)


# Leaves that list OUs by path: a member role's StackSet targets, a group's grants (`ous`).
_OU_LISTS = (".targets", ".ous")


def _comparable(key: str, value: Any, spec: OrgSpec) -> Any:
    """A policy file by what it says and where it is written, not where it was read from; a list of
    OUs by their identities, as policy targets are (_targets): after a rename in place it names the
    same OUs, which keep their IDs, so the StackSet or grant built from it does not change."""
    if isinstance(value, PolicyDocument):
        return (value.path, value.content)
    if key.endswith(_OU_LISTS) and isinstance(value, tuple):
        return tuple(spec.target_identity(item) for item in value)
    return value


class _Absent:
    def __repr__(self) -> str:
        return "absent"

    __str__ = __repr__


_ABSENT: Any = _Absent()


def _weakens_password_policy(name: str, before: Any, after: Any) -> bool:
    if after is _ABSENT:  # password_policy: null, and the stack deletes the account's password policy
        return True
    if name == "minimum_length":
        return bool(after < before)
    if name.startswith("require_"):
        return bool(before and not after)
    if name == "max_age_days":  # longer-lived passwords, or none that expire
        return before is not None and (after is None or after > before)
    if name == "reuse_prevention":
        return before is not None and (after is None or after < before)
    return False


def _baseline(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    for key, before, after in _changed_values(base.management_baseline, head.management_baseline, "management_baseline", base, head):
        summary = f"`{key}`: {_value(before)} → {_value(after)}"
        details = ""
        if isinstance(before, PolicyDocument) and isinstance(after, PolicyDocument):
            details = statement_diff(before.content, after.content)
        kind = "baseline-changed"
        field_name = key.rpartition(".")[2]
        password_policy = key == "management_baseline.password_policy" and after is None  # null: the stack deletes it
        if password_policy or (
            key.startswith("management_baseline.password_policy.") and _weakens_password_policy(field_name, before, after)
        ):
            kind = "password-policy-weakened"
        elif key.endswith(".managed_policies") and _gains_admin(before, after):
            kind, summary = "admin-access-widened", f"{summary}: its members become administrators of the management account"
        subject = field_name if kind == "password-policy-weakened" else key.removeprefix("management_baseline.")
        yield Change(BASELINE, kind, subject, summary, details)


def _security_baseline(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    """Contacts, services and settings, value by value (a service turned off reads `→ None`)."""
    for key, before, after in _changed_values(_by_identity(base), _by_identity(head), "security_baseline", base, head):
        yield Change(
            SECURITY, "security-baseline-changed", key.removeprefix("security_baseline."), f"`{key}`: {_value(before)} → {_value(after)}"
        )


def _by_identity(spec: OrgSpec) -> BaseModel:
    """The security baseline with its contacts per OU keyed by the OU's identity: an OU renamed in
    place keeps its contacts, and nothing changes for its accounts."""
    baseline, contacts = spec.security_baseline, spec.security_baseline.alternate_contacts
    if contacts is None:
        return baseline
    ous = {spec.target_identity(path): value for path, value in contacts.ous.items()}
    return baseline.model_copy(update={"alternate_contacts": contacts.model_copy(update={"ous": ous})})


def _gains_admin(before: Any, after: Any) -> bool:
    def admin(policies: Any) -> bool:
        return isinstance(policies, tuple) and any(str(p).endswith(_ADMIN_POLICY) for p in policies)

    return admin(after) and not admin(before)


def _member_roles(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    for name in head.member_roles.catalogue.keys() - base.member_roles.catalogue.keys():
        role = head.member_roles.catalogue[name]
        yield Change(MEMBER_ROLES, "role-added", name, f"role {code(name)} is added, in {_listing(role.targets)}")
    for name in base.member_roles.catalogue.keys() - head.member_roles.catalogue.keys():
        yield Change(MEMBER_ROLES, "role-removed", name, f"role {code(name)} is removed from every account")
    shared = {name: head.member_roles.catalogue[name] for name in head.member_roles.catalogue if name in base.member_roles.catalogue}
    before = base.member_roles.model_copy(update={"catalogue": {n: base.member_roles.catalogue[n] for n in shared}})
    after = head.member_roles.model_copy(update={"catalogue": shared})
    for key, old, new in _changed_values(before, after, "member_roles", base, head):
        details = statement_diff(old.content, new.content) if isinstance(old, PolicyDocument) and isinstance(new, PolicyDocument) else ""
        yield Change(MEMBER_ROLES, "role-changed", key.removeprefix("member_roles."), f"`{key}`: {_value(old)} → {_value(new)}", details)


# Effective access -----------------------------------------------------------------------------


def _admin_roles(spec: OrgSpec) -> set[tuple[bool, str]]:
    """(identity center, name) of the roles and permission sets that hold AdministratorAccess."""
    roles = {ACCESS_ROLE, *(a.role_name for a in spec.accounts.values() if a.role_name)}
    roles |= {name for name, role in spec.member_roles.catalogue.items() if any(p.endswith(_ADMIN_POLICY) for p in role.managed_policies)}
    if spec.management_baseline.admin_role:
        roles.add(spec.management_baseline.admin_role.name)
    sets = spec.identity_center.permission_sets if spec.identity_center else {}
    admin_sets = {name for name, permission_set in sets.items() if any(p.endswith(_ADMIN_POLICY) for p in permission_set.managed_policies)}
    return {(False, role) for role in roles} | {(True, name) for name in admin_sets}


_MANAGEMENT = "management"  # the management account among the keys reached, as `orgboot simulate --account` names it


def _reach(spec: OrgSpec, access: Iterable[Access]) -> dict[tuple[bool, str, str], set[str]]:
    """(identity center, group, role or permission set) -> the keys of the accounts reached: the
    matrix names accounts, and names are unique in a spec (rules/accounts.py) but may change, where
    keys do not."""
    key_of = {account.name: key for key, account in spec.accounts.items()}
    reach: dict[tuple[bool, str, str], set[str]] = {}
    for row in access:
        reached = reach.setdefault((row.identity_center, row.group, row.role), set())
        reached |= {_MANAGEMENT} if row.management else {key_of[name] for name in row.accounts}
    return reach


def _access(base: OrgSpec, head: OrgSpec, base_access: Sequence[Access] | None, head_access: Sequence[Access] | None) -> Iterator[Change]:
    """Access to accounts in both specs: a new account getting the grants its OU has is the grant
    working, and an account leaving takes its access along."""
    before = _reach(base, spec_access(base) if base_access is None else base_access)
    after = _reach(head, spec_access(head) if head_access is None else head_access)
    both = (base.accounts.keys() & head.accounts.keys()) | {_MANAGEMENT}
    admins = _admin_roles(head)
    for identity_center, group, role in sorted(before.keys() | after.keys()):
        key = (identity_center, group, role)
        old, new = before.get(key, set()) & both, after.get(key, set()) & both
        who, what = (f"Identity Center group `{group}`", f"permission set `{role}`") if identity_center else (f"`{group}`", f"`{role}`")
        if gained := sorted(new - old):
            kind = "admin-access-widened" if (identity_center, role) in admins else "access-widened"
            yield Change(ACCESS, kind, f"{group}/{role}", f"{who} can now become {what} in {_listing(gained)}")
        if lost := sorted(old - new):
            yield Change(ACCESS, "access-narrowed", f"{group}/{role}", f"{who} can no longer become {what} in {_listing(lost)}")
    iam_before, iam_after = {g for c, g, _ in before if not c}, {g for c, g, _ in after if not c}
    for group in sorted(iam_before - iam_after):
        if group in head.management_baseline.groups:
            yield Change(ACCESS, "access-lost", group, f"`{group}` reached roles and now reaches none")


def _admin_paths_lost(base: OrgSpec, head: OrgSpec, base_access: Sequence[Access], head_access: Sequence[Access]) -> Iterator[Change]:
    """An account (in both specs) that loses its last admin path (admin_paths.py: an IAM group's
    role or an Identity Center group's permission set whose session may grant any permission
    there), or its last everyday one, so that only break-glass is left: dangerous either way.
    Everyday work then goes through the access role, or nobody of the spec administers the account;
    the subject is the account's key (`management` for the management account)."""
    before, after = admin_paths(base, base_access), admin_paths(head, head_access)
    for key in [*sorted(base.accounts.keys() & head.accounts.keys()), _MANAGEMENT]:
        old, new = before.get(key, frozenset()), after.get(key, frozenset())
        everyday_old, everyday_new = {p for p in old if not p.break_glass}, {p for p in new if not p.break_glass}
        where = "the management account" if key == _MANAGEMENT else f"`{key}`"
        if old and not new:
            summary = f"nobody of the spec can administer {where} any more: its last admin path goes ({_paths(old)})"
            yield Change(ACCESS, "admin-path-lost", key, summary)
        elif everyday_old and not everyday_new:
            summary = f"{where} loses its last everyday admin path ({_paths(everyday_old)}): only break-glass is left ({_paths(new)})"
            yield Change(ACCESS, "admin-path-lost", key, summary)


def _paths(paths: Iterable[AdminPath]) -> str:
    return "; ".join(path.label for path in sorted(paths))


# IAM Identity Center ------------------------------------------------------------------------


def _identity_center(base: OrgSpec, head: OrgSpec) -> Iterator[Change]:
    """Permission sets added, removed or changed (value by value, an inline policy statement by
    statement), the instance's settings, and assignments added or removed per group, permission
    set and target (targets compared by identity, as policy targets are: an OU renamed in place
    keeps its assignments)."""
    before, after = base.identity_center, head.identity_center
    if before is None and after is None:
        return
    if before is None and after is not None:
        yield Change(IDENTITY_CENTER, "identity-center-added", "identity_center", f"IAM Identity Center is declared, in `{after.region}`")
    if after is None:
        yield Change(
            IDENTITY_CENTER,
            "identity-center-removed",
            "identity_center",
            "identity_center is removed: its permission sets and assignments are deleted, and the roles people sign in to with them",
        )
    if before is not None and after is not None:
        for name in ("region", "assignment_stacks"):  # the instance's settings; the sets and assignments below
            old, new = getattr(before, name), getattr(after, name)
            if old != new:
                summary = f"`identity_center.{name}`: {_value(old)} → {_value(new)}"
                yield Change(IDENTITY_CENTER, "identity-center-changed", name, summary)
    old_sets = before.permission_sets if before else {}
    new_sets = after.permission_sets if after else {}
    for name in sorted(new_sets.keys() - old_sets.keys()):
        policies = [*new_sets[name].managed_policies, *(f"{ref.path}{ref.name}" for ref in new_sets[name].customer_managed_policies)]
        inline = " and an inline policy" if new_sets[name].inline_policy else ""
        yield Change(
            IDENTITY_CENTER, "permission-set-added", name, f"permission set {code(name)} is added, with {_listing(policies)}{inline}"
        )
    for name in sorted(old_sets.keys() - new_sets.keys()):
        yield Change(
            IDENTITY_CENTER, "permission-set-removed", name, f"permission set {code(name)} is removed, and its role from every account"
        )
    for name in sorted(old_sets.keys() & new_sets.keys()):
        prefix = f"identity_center.permission_sets.{name}"
        for key, old, new in _changed_values(old_sets[name], new_sets[name], prefix, base, head):
            details = (
                statement_diff(old.content, new.content) if isinstance(old, PolicyDocument) and isinstance(new, PolicyDocument) else ""
            )
            subject = key.removeprefix("identity_center.permission_sets.")
            yield Change(IDENTITY_CENTER, "permission-set-changed", subject, f"`{key}`: {_value(old)} → {_value(new)}", details)
    assigned_before, assigned_after = _assigned(base), _assigned(head)
    for group, permission_set in sorted(assigned_before.keys() | assigned_after.keys()):
        old_targets, new_targets = assigned_before.get((group, permission_set), {}), assigned_after.get((group, permission_set), {})
        for identity in new_targets.keys() - old_targets.keys():
            target = new_targets[identity]
            yield Change(IDENTITY_CENTER, "assignment-added", f"{group}/{permission_set}@{target}",
                         f"Identity Center group `{group}` is assigned {code(permission_set)} in {_target(target)}")  # fmt: skip
        for identity in old_targets.keys() - new_targets.keys():
            target = old_targets[identity]
            yield Change(IDENTITY_CENTER, "assignment-removed", f"{group}/{permission_set}@{target}",
                         f"Identity Center group `{group}` is no longer assigned {code(permission_set)} in {_target(target)}")  # fmt: skip


def _assigned(spec: OrgSpec) -> dict[tuple[str, str], dict[str, str]]:
    """(group, permission set) -> target identity -> the target as written, over every entry."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for assignment in spec.identity_center.assignments if spec.identity_center else ():
        targets = found.setdefault((assignment.group, assignment.permission_set), {})
        for target in assignment.targets:
            targets[spec.target_identity(target)] = target
    return found


def _target(target: str) -> str:
    return "the management account" if target == _MANAGEMENT else f"`{target}`"
