"""Rules on a change: the spec against its base (what is deployed, or the branch a pull request
merges into). Only a comparison can see these: each spec alone is valid."""

from collections.abc import Iterator

from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.spec import OrgSpec, Problem, parent_of
from orgboot.spec.layout import account_stack


def accounts_stay_in_their_stacks(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A resource cannot move between stacks: the old stack lets the account go (retained, no
    longer managed) and the new stack's CreateAccount fails, the email being taken. Changing
    organization.account_stacks moves accounts; docs/scale.md says how to migrate."""
    before, after = base.organization.account_stacks, head.organization.account_stacks
    moved = sorted(key for key in base.accounts.keys() & head.accounts.keys() if account_stack(key, before) != account_stack(key, after))
    if moved:
        shown = _some([f"{key} ({account_stack(key, before)} -> {account_stack(key, after)})" for key in moved], 5)
        yield Problem(
            ("organization", "account_stacks"),
            f"changing account_stacks from {before or 'none'} to {after or 'none'} moves {len(moved)} accounts to another stack:"
            f" {shown}. CloudFormation would leave them unmanaged in the old stack and fail to create them in the new"
            " one (the email is taken). Migrate them as docs/scale.md says, then validate with --allow-account-moves",
        )


def accounts_leave_only_when_released(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An account gone from org.yaml is gone from its stack: CloudFormation deletes the resource,
    which DeletionPolicy Retain turns into letting go (the account stays open, unmanaged). Only
    intended when said: released_accounts."""
    for key in sorted(base.accounts.keys() - head.accounts.keys() - set(head.released_accounts)):
        yield Problem(
            ("accounts",),
            f"account '{key}' ({base.accounts[key].name}) is no longer declared: CloudFormation would remove it from its stack."
            " The account stays open in the organization (Retain) but nothing manages it any more. To stop managing it, list"
            " it under released_accounts; to keep it, put it back",
        )


def account_identities_unchanged(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """AWS::Organizations::Account cannot change AccountName, Email or RoleName: the update fails,
    and so does its rollback (UPDATE_ROLLBACK_FAILED). Only the root user changes name and email."""
    for key in sorted(base.accounts.keys() & head.accounts.keys()):
        before, after = base.accounts[key], head.accounts[key]
        for field in ("name", "email", "role_name"):
            old, new = getattr(before, field), getattr(after, field)
            if old != new:
                shown = repr(old) if old is not None else f"not given ({ACCESS_ROLE})"
                yield Problem(
                    ("accounts", key, field),
                    f"was {shown}: CloudFormation cannot change an account's name, email or role name (the update fails, and"
                    " so does its rollback); the account's root user changes name and email in the console. Keep the value",
                )


def ous_holding_something_stay(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """An OU's identity is its path (its logical ID): renaming or moving one creates a new OU, moves
    what it held and deletes the old one. Meanwhile its accounts run under neither OU's policies
    until the update re-attaches them, and a nested OU is replaced in turn (ParentId is
    create-only)."""
    for path, accounts, ous in _gone_ous(base, head):
        if accounts and head.organization.account_stacks is not None:
            continue  # ous_holding_spread_accounts_stay refuses it outright
        if held := [f"account '{key}'" for key in accounts] + [f"OU '{child}'" for child in ous]:
            yield Problem(
                ("organizational_units",),
                f"OU '{path}' is gone but held {_some(held)}: renaming or moving an OU makes CloudFormation create a new one,"
                " move its accounts and OUs, and delete the old one; until the policies follow, those accounts run without"
                " the OU's SCPs. Keep the OU; if you mean it, validate with --allow-ou-replacement",
            )


def ous_holding_spread_accounts_stay(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """With accounts in stacks of their own, OrganizationStack deploys (and tries to delete the
    old OU) before the accounts move: the delete fails (OrganizationalUnitNotEmptyException),
    CloudFormation leaves the old OU behind, and its accounts run without the OU's policies for
    the whole deploy. Two deploys do it safely."""
    if head.organization.account_stacks is None:
        return
    for path, accounts, _ in _gone_ous(base, head):
        if accounts:
            yield Problem(
                ("organizational_units",),
                f"OU '{path}' is gone but holds {len(accounts)} accounts ({_some(accounts)}) that live in stacks deployed"
                " after the OU's: CloudFormation would try to delete the OU while they are still in it. First move the"
                " accounts to an OU that stays and deploy, then remove or rename the OU",
            )


def _gone_ous(base: OrgSpec, head: OrgSpec) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each OU of the base missing from the head, with the account keys and OU paths it held."""
    kept = set(head.ou_paths)
    for path in base.ou_paths:
        if path not in kept:
            accounts = [key for key, account in sorted(base.accounts.items()) if account.ou == path]
            yield path, accounts, [child for child in base.ou_paths if parent_of(child) == path]


def _some(items: list[str], shown: int = 3) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def emails_and_keys_not_reused(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A new account resource calls CreateAccount, which refuses an email that belongs to an
    account (EMAIL_ALREADY_EXISTS), released or not. An account orgboot let go of comes back with
    `cdk import`, not by declaring it again."""
    base_emails = {account.email.lower(): key for key, account in base.accounts.items()}
    for key, account in sorted(head.accounts.items()):
        if key in base.accounts:
            continue
        if key in base.released_accounts:
            yield Problem(
                ("accounts", key),
                f"account '{key}' was released; declaring it again would create a new account. Bring the existing one back"
                " with cdk import (its account ID as identifier), and validate with --allow-imports",
            )
        elif (owner := base_emails.get(account.email.lower())) is not None:
            yield Problem(
                ("accounts", key, "email"),
                f"'{account.email}' belongs to account '{owner}' of the base: CreateAccount refuses an email that is taken."
                " To manage that account under a new key, release the old key, cdk import the account, and validate with"
                " --allow-imports",
            )
