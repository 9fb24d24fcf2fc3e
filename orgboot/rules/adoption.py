"""Adopted organizations: what exists already (accounts with IDs, unmanaged entries, names taken in
the management account) must agree with what orgboot would create beside it."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem
from orgboot.spec.unmanaged import created_names


def unmanaged_accounts_distinct(spec: OrgSpec) -> Iterator[Problem]:
    for key in spec.unmanaged.accounts:
        if key in spec.accounts:
            yield Problem(
                ("unmanaged", "accounts", key),
                f"'{key}' is both a managed and an unmanaged account; an account is one or the other: remove one entry",
            )


def account_ids_unique(spec: OrgSpec) -> Iterator[Problem]:
    first: dict[str, str] = {}
    entries: list[tuple[tuple[str, ...], str | None]] = [(("accounts", k, "account_id"), a.account_id) for k, a in spec.accounts.items()]
    entries += [(("unmanaged", "accounts", k, "id"), a.id) for k, a in spec.unmanaged.accounts.items()]
    for loc, account_id in entries:
        if account_id is None:
            continue
        if account_id in first:
            yield Problem(loc, f"account ID {account_id} is already given to '{first[account_id]}'; an account is declared once")
        first.setdefault(account_id, str(loc[-2]))


def unmanaged_policy_types_left_alone(spec: OrgSpec) -> Iterator[Problem]:
    for index, policy_type in enumerate(spec.unmanaged.policy_types):
        if policy_type in spec.organization.policy_types:
            yield Problem(
                ("unmanaged", "policy_types", index),
                f"{policy_type} is in organization.policy_types too: orgboot either manages a policy type or leaves it alone",
            )


def detached_full_access_replaced(spec: OrgSpec) -> Iterator[Problem]:
    """Where FullAWSAccess is detached, another SCP must be attached: AWS refuses to leave a target
    without any SCP (Organizations API Reference, DetachPolicy: ConstraintViolationException,
    MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED)."""
    detached = spec.organization.full_aws_access_detached
    if detached and "SERVICE_CONTROL_POLICY" not in spec.organization.policy_types:
        yield Problem(
            ("organization", "full_aws_access_detached"),
            "FullAWSAccess is a service control policy: add SERVICE_CONTROL_POLICY to organization.policy_types",
        )
        return
    scp_targets = {t for p in spec.organization_policies.values() if p.type == "SERVICE_CONTROL_POLICY" for t in p.targets}
    for index, target in enumerate(detached):
        if target not in scp_targets:
            yield Problem(
                ("organization", "full_aws_access_detached", index),
                f"FullAWSAccess is detached from '{target}' but no other SCP targets it; AWS keeps at least one SCP attached"
                " to every target. Attach an allow-list SCP there",
            )


def names_not_taken(spec: OrgSpec) -> Iterator[Problem]:
    """A name orgboot would create in the management account that exists already: the stack's
    create fails (EntityAlreadyExists, TrailAlreadyExists, NameAlreadyExists), and deleting the
    stack later would not touch the one that was there first."""
    taken = spec.unmanaged.management_account_names
    for loc, name, kind, field in created_names(spec):
        if name in getattr(taken, field):
            yield Problem(
                loc,
                f"the management account has {_a(kind)} named '{name}' already (unmanaged.management_account_names): orgboot would"
                f" create one by that name and the deploy would fail. Give orgboot's another name, or remove the existing {kind}"
                " first if it is no longer used",
            )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"
