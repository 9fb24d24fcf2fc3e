"""Accounts: what AWS requires to be unique across the organization, and how many it holds."""

from collections.abc import Iterator

from orgboot.aws.quotas import ACCOUNTS_PER_ORGANIZATION_DEFAULT, ACCOUNTS_QUOTA_CODE, ACCOUNTS_QUOTA_SERVICE_CODE
from orgboot.spec import OrgSpec, Problem
from orgboot.spec.unmanaged import MANAGEMENT_ACCOUNT


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


# Domains that can never receive mail (RFC 2606 section 2 and 3, RFC 6761 section 6): an account's
# root user email is how AWS sends its password reset and how the account is recovered or closed.
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def reserved_domain(email: str) -> str | None:
    domain = email.rpartition("@")[2].lower().rstrip(".")
    for reserved in RESERVED_DOMAINS:
        if domain == reserved or domain.endswith("." + reserved):
            return reserved
    tld = domain.rpartition(".")[2]
    return f".{tld}" if tld in RESERVED_TLDS else None


def account_emails_deliverable(spec: OrgSpec) -> Iterator[Problem]:
    if spec.emulator_only:
        return
    for key, account in spec.accounts.items():
        if reserved := reserved_domain(account.email):
            yield Problem(
                ("accounts", key, "email"),
                f"'{account.email}' is at {reserved}, reserved for examples (RFC 2606): it receives no mail, and the root user's"
                " email is how AWS recovers or closes an account. Use a mailbox your company owns (an example that deploys only"
                " into the emulator says so: emulator_only: true)",
            )


def account_names_unique(spec: OrgSpec) -> Iterator[Problem]:
    # AWS lets two accounts share a name; orgboot asks for distinct names so that reports are clear,
    # but never of adopted accounts (account_id given), whose names only their root users can change.
    first: dict[str, str] = {}
    for key, account in spec.accounts.items():
        if account.name in first and not (account.account_id and spec.accounts[first[account.name]].account_id):
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


def accounts_within_default_quota(spec: OrgSpec) -> Iterator[Problem]:
    """A warning (WARNING_RULES), not an error: the organization's quota may be raised already.
    Every account in the organization counts (AWS Organizations quotas page, "Default maximum
    number of accounts"): the management account, the accounts orgboot manages, the ones it
    released (retained: still there) and the ones it leaves alone (unmanaged)."""
    management = 0 if any(account.why == MANAGEMENT_ACCOUNT for account in spec.unmanaged.accounts.values()) else 1
    needed = management + len(spec.accounts) + len(spec.released_accounts) + len(spec.unmanaged.accounts)
    if needed <= ACCOUNTS_PER_ORGANIZATION_DEFAULT:
        return
    yield Problem(
        ("accounts",),
        f"the organization will hold {needed} accounts (the management account included), more than the"
        f' {ACCOUNTS_PER_ORGANIZATION_DEFAULT} a new organization may hold (AWS Organizations quotas, "Default maximum number of'
        ' accounts"; sometimes fewer for a new organization): beyond the quota, account creation fails'
        f" (ACCOUNT_LIMIT_EXCEEDED). Unless the quota is raised already, ask for {needed} or more before deploying, from the"
        f" management account in us-east-1: the Service Quotas console (AWS Organizations, quota {ACCOUNTS_QUOTA_CODE}), or"
        f" `aws service-quotas request-service-quota-increase --region us-east-1 --service-code {ACCOUNTS_QUOTA_SERVICE_CODE}"
        f" --quota-code {ACCOUNTS_QUOTA_CODE} --desired-value {needed}`",
    )
