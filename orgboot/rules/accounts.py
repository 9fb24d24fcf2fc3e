"""Accounts: what AWS requires to be unique across the organization."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem


def account_emails_unique(spec: OrgSpec) -> Iterator[Problem]:
    # Two accounts can never share an email (CreateAccount fails: EMAIL_ALREADY_EXISTS, Organizations
    # API Reference, CreateAccountStatus FailureReason). Compared without case: assumed, as email
    # domains are case-insensitive and AWS documents no case-sensitive match.
    first: dict[str, str] = {}
    for key, account in spec.accounts.items():
        email = account.email.lower()
        if email in first:
            yield Problem(
                ("accounts", key, "email"),
                f"email '{account.email}' is already used by account '{first[email]}'; every account needs its own",
            )
        first.setdefault(email, key)


def account_names_unique(spec: OrgSpec) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for key, account in spec.accounts.items():
        if account.name in first:
            yield Problem(
                ("accounts", key, "name"),
                f"name '{account.name}' is already used by account '{first[account.name]}'; give each account its own name",
            )
        first.setdefault(account.name, key)


def released_accounts_undeclared(spec: OrgSpec) -> Iterator[Problem]:
    for index, key in enumerate(spec.released_accounts):
        if key in spec.accounts:
            yield Problem(
                ("released_accounts", index),
                f"account '{key}' is both declared under accounts and released; keep it in one place (released: no longer managed)",
            )
