"""The IAM roles in each member account, read with credentials assumed in that account."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orgboot.state.iam_policies import document, identity_documents, managed_document
from orgboot.state.organization import Organization
from orgboot.state.pages import all_items


@dataclass(frozen=True)
class RoleView:
    trust: dict[str, Any]
    policies: tuple[tuple[str, dict[str, Any]], ...]  # (name, document): attached and inline
    boundary: dict[str, Any] | None = None


def read_member_roles(organization: Organization, assume: Callable[[str], Any]) -> dict[str, dict[str, RoleView]]:
    """Account ID -> role name -> its policies. `assume(account_id)` gives something with .client()."""
    accounts: dict[str, dict[str, RoleView]] = {}
    for account_id in organization.accounts():
        if account_id == organization.management_account_id:
            continue
        iam = assume(account_id).client("iam")
        roles = {}
        for role in all_items(iam, "list_roles", "Roles"):
            name = role["RoleName"]
            boundary = iam.get_role(RoleName=name)["Role"].get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
            roles[name] = RoleView(
                trust=document(role["AssumeRolePolicyDocument"]),
                policies=tuple(identity_documents(iam, "role", name)),
                boundary=managed_document(iam, boundary) if boundary else None,
            )
        accounts[account_id] = roles
    return accounts
