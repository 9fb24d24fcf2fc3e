"""Drift: what the live organization holds that org.yaml does not say, in diff's terms (Change), the
spec taken as the base and AWS as the head: "attached" means attached in AWS and not in org.yaml.

CloudFormation's own drift detection sees property changes of the resources in its stacks, never
what was created beside them (DESIGN.md, "Adopting what exists"): reading the organization back
finds both. Live resources are matched to the spec's keys as import matches them
(spec/importing.py): accounts by ID, then email; OUs by path; policies by name and type."""

import json
from collections.abc import Iterator
from typing import Any

from orgboot.analysis.diff import ACCOUNTS, BASELINE, OUS, POLICIES, Change, code, statement_diff
from orgboot.aws.account_settings import SERVICE as CONFIG_SERVICE_PRINCIPAL
from orgboot.aws.organizations import ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL, IDENTITY_CENTER_SERVICE_PRINCIPAL
from orgboot.aws.security_services import ACCESS_ANALYZER, GUARDDUTY, SECURITY_HUB
from orgboot.spec import ROOT, OrgSpec
from orgboot.spec.importing import ENABLED_BY_ORGBOOT, FULL_AWS_ACCESS, Matching, managed, match, password_policy_values
from orgboot.state.inventory import ALIAS, PASSWORD_POLICY, SERVICES, Inventory

ORGANIZATION = "Organization"
DRIFT_SECTIONS = (ORGANIZATION, ACCOUNTS, OUS, POLICIES, BASELINE)

# What drift says the organization's out-of-band changes do: these reopen what a guardrail closed.
DANGEROUS_DRIFT = ("guardrail-detached", "guardrail-missing", "policy-type-disabled", "full-access-reattached")


def drift(spec: OrgSpec, inventory: Inventory) -> list[Change]:
    matching = match(inventory, spec)
    changes = [
        *_organization(spec, inventory, matching),
        *_ous(spec, inventory),
        *_accounts(spec, inventory, matching),
        *_policies(spec, inventory, matching),
        *_baseline(spec, inventory),
    ]
    changes.sort(key=lambda c: (c.kind not in DANGEROUS_DRIFT, DRIFT_SECTIONS.index(c.section)))
    return changes


def _organization(spec: OrgSpec, inventory: Inventory, matching: Matching) -> Iterator[Change]:
    declared = {*spec.organization.policy_types, *spec.unmanaged.policy_types}
    for policy_type in inventory.policy_types:
        if policy_type not in declared:
            yield Change(ORGANIZATION, "policy-type-enabled", policy_type, f"policy type {code(policy_type)} is enabled, undeclared")
    for policy_type in sorted(declared - set(inventory.policy_types)):
        # Its policies are still there, detached (state/inventory.py reads every type): each
        # attachment orgboot declared shows as detached below, and comes back only when attached again.
        yield Change(ORGANIZATION, "policy-type-disabled", policy_type, f"policy type {code(policy_type)} is declared but disabled")
    if not inventory.was_read(SERVICES):
        return
    managed_services, managed_admins = _security_baseline_access(spec)
    trusted = {*spec.unmanaged.trusted_services, *ENABLED_BY_ORGBOOT, *managed_services}
    if spec.identity_center is not None:  # identity_center's instance: enabling it turned its trusted access on
        trusted.add(IDENTITY_CENTER_SERVICE_PRINCIPAL)
    for service in inventory.trusted_services:
        if service not in trusted:
            yield Change(ORGANIZATION, "trusted-access-enabled", service, f"trusted access for {code(service)} is on, undeclared")
    for service in spec.unmanaged.trusted_services:
        if service not in inventory.trusted_services:
            yield Change(ORGANIZATION, "trusted-access-disabled", service, f"trusted access for {code(service)} is off")
    declared_admins = {(a.account, a.service) for a in spec.unmanaged.delegated_administrators} | managed_admins
    live_admins = {(matching.accounts.get(account_id, account_id), service) for account_id, service in inventory.delegated_administrators}
    for account, service in sorted(live_admins - declared_admins):
        yield Change(ORGANIZATION, "delegated-admin-added", f"{service}@{account}", f"{code(account)} administers {code(service)}")
    for account, service in sorted(declared_admins - live_admins):
        yield Change(
            ORGANIZATION, "delegated-admin-removed", f"{service}@{account}", f"{code(account)} no longer administers {code(service)}"
        )


def _security_baseline_access(spec: OrgSpec) -> tuple[set[str], set[tuple[str, str]]]:
    """The trusted access and the delegated administrators (account key, service principal) that
    security_baseline has orgboot's own stacks turn on: alternate contacts (Account Management),
    AWS Config's aggregator and the security services in the delegated administrator."""
    baseline = spec.security_baseline
    trusted = {ACCOUNT_MANAGEMENT_SERVICE_PRINCIPAL} if baseline.alternate_contacts is not None else set()
    administered = {
        principal
        for principal, turned_on in (
            (CONFIG_SERVICE_PRINCIPAL, baseline.config),
            (GUARDDUTY, baseline.guardduty),
            (SECURITY_HUB, baseline.security_hub),
            (ACCESS_ANALYZER, baseline.access_analyzer),
        )
        if turned_on is not None
    }
    administrator = baseline.delegated_administrator
    admins = {(administrator, principal) for principal in administered} if administrator is not None else set()
    return trusted | administered, admins


def _ous(spec: OrgSpec, inventory: Inventory) -> Iterator[Change]:
    live = {ou.path for ou in inventory.ous.values()}
    for ou in inventory.ous.values():
        if ou.path not in spec.ou_paths:
            yield Change(OUS, "ou-undeclared", ou.path, f"OU {code(ou.path)} ({ou.id}) exists, undeclared")
    for path in spec.ou_paths:
        if path not in live:
            yield Change(OUS, "ou-missing", path, f"OU {code(path)} is declared but does not exist")


def _accounts(spec: OrgSpec, inventory: Inventory, matching: Matching) -> Iterator[Change]:
    seen: set[str] = set()
    for account in inventory.accounts.values():
        key = matching.accounts[account.id]
        seen.add(key)
        place = inventory.place(account.parent_id)
        if key in spec.accounts:
            declared = spec.accounts[key]
            if not managed(account, inventory):
                yield Change(ACCOUNTS, "account-not-active", key, f"account {code(key)} is {account.state}")
            if account.name != declared.name:
                yield Change(
                    ACCOUNTS, "account-renamed", key, f"account {code(key)} is named {code(account.name)}, not {code(declared.name)}"
                )
            if account.email.lower() != declared.email.lower():
                yield Change(ACCOUNTS, "account-email-changed", key, f"account {code(key)}'s email is {code(account.email)}")
            if place != declared.ou:
                yield Change(ACCOUNTS, "account-moved", key, f"account {code(key)} is in {code(place)}, not {code(declared.ou)}")
            if account.tags != dict(declared.tags):
                yield Change(
                    ACCOUNTS, "account-retagged", key, f"account {code(key)}'s tags are {_tags(account.tags)}, not {_tags(declared.tags)}"
                )
        elif key in spec.unmanaged.accounts:
            recorded = spec.unmanaged.accounts[key]
            if account.state != recorded.state:
                yield Change(
                    ACCOUNTS, "account-state-changed", key, f"unmanaged account {code(key)} is {account.state}, not {recorded.state}"
                )
            if place != recorded.ou:
                yield Change(ACCOUNTS, "account-moved", key, f"unmanaged account {code(key)} is in {code(place)}, not {code(recorded.ou)}")
        elif account.id != inventory.management_account_id:  # an organization orgboot created does not declare it
            yield Change(
                ACCOUNTS,
                "account-undeclared",
                key,
                f"account {code(account.name)} ({account.id}, {account.state}) is in {code(place)}, undeclared",
            )
    for key in [*spec.accounts, *spec.unmanaged.accounts]:
        if key not in seen and key not in spec.released_accounts:
            yield Change(ACCOUNTS, "account-missing", key, f"account {code(key)} is declared but not in the organization")


def _tags(tags: Any) -> str:
    return code(json.dumps(dict(sorted(dict(tags).items())), separators=(",", ":"))) if tags else "none"


def _policies(spec: OrgSpec, inventory: Inventory, matching: Matching) -> Iterator[Change]:
    declared = spec.organization_policies
    seen: set[str] = set()
    for policy in inventory.policies.values():
        if policy.aws_managed:
            continue
        key = matching.policies[policy.id]
        seen.add(key)
        if key in declared:
            wanted = declared[key]
            if policy.content != wanted.document.content:
                details = statement_diff(wanted.document.content, policy.content)
                yield Change(POLICIES, "policy-edited", key, f"policy {code(key)}'s content was edited in AWS", details)
            if policy.description != wanted.description:
                yield Change(POLICIES, "policy-described", key, f"policy {code(key)}'s description is {code(policy.description)}")
            if policy.tags != dict(wanted.tags):
                yield Change(POLICIES, "policy-retagged", key, f"policy {code(key)}'s tags are {_tags(policy.tags)}")
            yield from _attachments(key, wanted.targets, [matching.target(t) for t in policy.targets], policy.type)
        elif key in spec.unmanaged.policies:
            recorded = spec.unmanaged.policies[key]
            yield from _attachments(key, recorded.targets, [matching.target(t) for t in policy.targets], policy.type)
        else:
            targets = ", ".join(code(matching.target(t)) for t in policy.targets) or "nothing"
            yield Change(
                POLICIES,
                "policy-undeclared",
                key,
                f"{policy.type} {code(policy.name)} ({policy.id}) exists, undeclared, attached to {targets}",
            )
    for key in [*declared, *spec.unmanaged.policies]:
        if key not in seen:
            protective = key in declared and declared[key].type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
            kind = "guardrail-missing" if protective else "policy-missing"
            yield Change(POLICIES, kind, key, f"policy {code(key)} is declared but does not exist")
    yield from _full_access(spec, inventory, matching)


def _attachments(key: str, declared: tuple[str, ...], live: list[str], policy_type: str) -> Iterator[Change]:
    protective = policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
    for target in live:
        if target not in declared:
            yield Change(POLICIES, "policy-attached", f"{key}@{target}", f"{code(key)} is attached to {code(target)} out of band")
    for target in declared:
        if target not in live:
            kind = "guardrail-detached" if protective else "policy-detached"
            yield Change(POLICIES, kind, f"{key}@{target}", f"{code(key)} was detached from {code(target)} out of band")


def _full_access(spec: OrgSpec, inventory: Inventory, matching: Matching) -> Iterator[Change]:
    if "SERVICE_CONTROL_POLICY" not in inventory.policy_types:
        return
    attached = {matching.target(t) for p in inventory.policies.values() if p.aws_managed and p.name == FULL_AWS_ACCESS for t in p.targets}
    detached = set(spec.organization.full_aws_access_detached)
    targets = [ROOT, *(ou.path for ou in inventory.ous.values()), *(matching.accounts[a] for a in inventory.accounts)]
    for target in targets:
        if target in detached and target in attached:
            yield Change(POLICIES, "full-access-reattached", target, f"{code(FULL_AWS_ACCESS)} is attached to {code(target)} again")
        elif target not in detached and target not in attached:
            yield Change(POLICIES, "full-access-detached", target, f"{code(FULL_AWS_ACCESS)} was detached from {code(target)}")


def _baseline(spec: OrgSpec, inventory: Inventory) -> Iterator[Change]:
    """The alias and password policy, where they were read. What org.yaml leaves alone (no alias,
    password_policy: null) was imported as absent: one that appeared since is drift too."""
    baseline = spec.management_baseline
    if inventory.was_read(ALIAS) and inventory.alias != baseline.account_alias:
        yield Change(
            BASELINE, "alias-changed", "account_alias", f"the account alias is {code(inventory.alias)}, not {code(baseline.account_alias)}"
        )
    if not inventory.was_read(PASSWORD_POLICY):
        return
    wanted, live = baseline.password_policy, inventory.password_policy
    if wanted is None or live is None:
        if wanted is not None:
            yield Change(BASELINE, "password-policy-deleted", "password_policy", "the management account has no password policy")
        elif live is not None:
            yield Change(
                BASELINE,
                "password-policy-set",
                "password_policy",
                "the management account has a password policy org.yaml leaves alone (null)",
            )
        return
    found = password_policy_values(live)
    for name, value in wanted.model_dump().items():
        if found.get(name) != value:
            yield Change(
                BASELINE, "password-policy-changed", name, f"password policy {code(name)} is {code(found.get(name))}, not {code(value)}"
            )
