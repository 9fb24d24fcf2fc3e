"""Rules on a change: the spec against its base (what is deployed, or the branch a pull request
merges into). Only a comparison can see these: each spec alone is valid."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem
from orgboot.spec.layout import account_stack


def accounts_stay_in_their_stacks(base: OrgSpec, head: OrgSpec) -> Iterator[Problem]:
    """A resource cannot move between stacks: the old stack lets the account go (retained, no
    longer managed) and the new stack's CreateAccount fails, the email being taken. Changing
    organization.account_stacks moves accounts; docs/scale.md says how to migrate."""
    before, after = base.organization.account_stacks, head.organization.account_stacks
    moved = sorted(key for key in base.accounts.keys() & head.accounts.keys() if account_stack(key, before) != account_stack(key, after))
    if moved:
        shown = ", ".join(f"{key} ({account_stack(key, before)} -> {account_stack(key, after)})" for key in moved[:5])
        more = f" and {len(moved) - 5} more" if len(moved) > 5 else ""
        yield Problem(
            ("organization", "account_stacks"),
            f"changing account_stacks from {before or 'none'} to {after or 'none'} moves {len(moved)} accounts to another stack:"
            f" {shown}{more}. CloudFormation would leave them unmanaged in the old stack and fail to create them in the new"
            " one (the email is taken). Migrate them as docs/scale.md says, then validate with --allow-account-moves",
        )
