"""The IAM roles in each member account, read with credentials assumed in that account."""

from collections.abc import Callable
from typing import Any

from orgboot.state.organization import Organization
from orgboot.state.pages import all_items


def read_member_roles(organization: Organization, assume: Callable[[str], Any]) -> dict[str, set[str]]:
    """Account ID -> names of its IAM roles. `assume(account_id)` gives something with .client()."""
    roles = {}
    for account_id in organization.accounts():
        if account_id != organization.management_account_id:
            iam = assume(account_id).client("iam")
            roles[account_id] = {role["RoleName"] for role in all_items(iam, "list_roles", "Roles")}
    return roles
