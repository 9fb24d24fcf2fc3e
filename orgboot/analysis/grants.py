"""Which roles a group may switch into, where: the grants of org.yaml in the terms of the policy
the group gets (role name -> organization paths), for the stack and the offline analysis alike."""

from collections.abc import Mapping

from orgboot.aws.organizations import ACCESS_ROLE
from orgboot.spec import Group, OrgSpec


def group_grants(group: Group, org_paths: Mapping[str, str]) -> dict[str, list[str]]:
    """Role name -> the organization paths ("o-id/r-id/ou-id/") of the OUs it is granted in."""
    grants: dict[str, list[str]] = {}
    for grant in group.may_assume:
        paths = grants.setdefault(grant.role, [])
        paths += [org_paths[ou] for ou in grant.ous if org_paths[ou] not in paths]
    return grants


def guarded_roles(spec: OrgSpec) -> list[str]:
    """The roles no group may assume beyond its grants: those orgboot deploys, and the access
    roles AWS created in the accounts."""
    access_roles = {ACCESS_ROLE} | {account.role_name for account in spec.accounts.values() if account.role_name}
    return sorted(set(spec.member_roles.catalogue) | access_roles)
