"""Who can become what, where: the access matrix, computed from deployed state (the groups'
sts:AssumeRole grants, each account's place in the organization, and the roles that exist in it)."""

import fnmatch
from dataclasses import dataclass

from orgboot.state.baseline import Baseline
from orgboot.state.organization import Organization


@dataclass(frozen=True)
class Access:
    group: str
    role: str
    accounts: tuple[str, ...]  # account names where the role exists and the grant reaches


def access_matrix(baseline: Baseline, organization: Organization, member_roles: dict[str, set[str]]) -> list[Access]:
    names = {account_id: node.name for account_id, node in organization.accounts().items()}
    paths = organization.org_paths()
    matrix = []
    for group_name, group in baseline.groups.items():
        for role_arn, org_paths in group.assumable_roles:
            if not org_paths:  # a role of the management account itself
                continue
            role = role_arn.rsplit("/", 1)[-1]
            reached = sorted(
                names[account_id]
                for account_id, roles in member_roles.items()
                if role in roles and any(fnmatch.fnmatchcase(paths[account_id], pattern) for pattern in org_paths)
            )
            matrix.append(Access(group_name, role, tuple(reached)))
    return matrix
