"""References between entries of org.yaml (an account's OU, a policy's targets, a user's groups,
a grant's role), checked field by field against what the same file declares, so each is found
even next to a broken entry and reported once, at the reference."""

from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo

from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.spec.fields import declared_ou_paths
from orgboot.suggest import closest, did_you_mean


def declared_names(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """What org.yaml declares, read defensively from the raw data: the validation context."""

    def keys(value: Any) -> frozenset[str]:
        items = value if isinstance(value, (list, dict)) else []
        return frozenset(item for item in items if isinstance(item, str))

    def section(*path: str) -> Any:
        value: Any = data
        for key in path:
            if not isinstance(value, dict):
                return None
            # A misspelt section (organisational_units) is reported once, as an unknown key; what
            # it declares still counts, or every reference to it would be reported too.
            typo = None if key in value else closest(key, [k for k in value if isinstance(k, str)], cutoff=0.8)
            value = value.get(typo if typo else key)
        return value

    return {
        "group_names": keys(section("management_baseline", "groups")),
        "role_names": keys(section("member_roles", "catalogue")) | _access_role_names(section("accounts")),
        "ou_paths": declared_ou_paths(section("organizational_units")),
        "valid_ou_paths": declared_ou_paths(section("organizational_units"), valid_only=True),  # what suggestions may propose
        "account_keys": keys(section("accounts")),
        "unmanaged_account_keys": keys(section("unmanaged", "accounts")),
        "policy_types": keys(section("organization", "policy_types")),
        "permission_set_names": keys(section("identity_center", "permission_sets")),
    }


def _access_role_names(accounts: Any) -> frozenset[str]:
    """The access roles created under another name (an account's role_name)."""
    entries = accounts.values() if isinstance(accounts, dict) else []
    return frozenset(e["role_name"] for e in entries if isinstance(e, dict) and isinstance(e.get("role_name"), str))


def declared(info: ValidationInfo, kind: str) -> frozenset[str] | None:
    """Names declared elsewhere in the same org.yaml. None when validating without a whole file."""
    names: frozenset[str] | None = (info.context or {}).get(kind)
    return names


def check_ou_reference(ou: str, info: ValidationInfo) -> str:
    ous = declared(info, "ou_paths")
    if ous is not None and ou != ROOT and ou not in ous:
        hint = did_you_mean(ou, (declared(info, "valid_ou_paths") or ous) | {ROOT})
        raise ValueError(f"OU '{ou}' is not declared{hint}; add it to organizational_units or use {ROOT}")
    return ou


OuRef = Annotated[str, AfterValidator(check_ou_reference)]


def check_account_reference(key: str, info: ValidationInfo) -> str:
    accounts = declared(info, "account_keys")
    if accounts is not None and key not in accounts:
        raise ValueError(f"account '{key}' is not declared{did_you_mean(key, accounts)}; give the key of an entry of accounts")
    return key


AccountRef = Annotated[str, AfterValidator(check_account_reference)]


def check_target(target: str, info: ValidationInfo) -> str:
    """Root, an OU path or an account key; an unmanaged account's key too (a policy stays attached to it)."""
    ous, accounts = declared(info, "ou_paths"), declared(info, "account_keys")
    if ous is None or accounts is None or target == ROOT:
        return target
    accounts |= declared(info, "unmanaged_account_keys") or frozenset()
    if target in ous and target in accounts:
        raise ValueError(f"'{target}' is both an OU path and an account key; rename one of them")
    if target not in ous | accounts:
        hint = did_you_mean(target, (declared(info, "valid_ou_paths") or ous) | accounts | {ROOT})
        raise ValueError(f"target '{target}' is neither {ROOT}, a declared OU path nor an account key{hint}")
    return target


def check_type_enabled(policy_type: str, info: ValidationInfo) -> str:
    enabled = declared(info, "policy_types")
    if enabled is not None and policy_type not in enabled:
        raise ValueError(f"policy type {policy_type} is not enabled; add it to organization.policy_types")
    return policy_type


def check_group_reference(group: str, info: ValidationInfo) -> str:
    groups = declared(info, "group_names")
    if groups is not None and group not in groups:
        raise ValueError(f"group '{group}' is not declared{did_you_mean(group, groups)}; declare it under management_baseline.groups")
    return group


GroupRef = Annotated[str, AfterValidator(check_group_reference)]


def check_role_reference(role: str, info: ValidationInfo) -> str:
    """A role a group may assume in member accounts: AWS's access role or one of the catalogue."""
    roles = declared(info, "role_names")
    if roles is not None and role != ACCESS_ROLE and role not in roles:
        known = ", ".join(sorted(roles)) or "none"
        raise ValueError(
            f"role '{role}' is not in member_roles.catalogue{did_you_mean(role, roles | {ACCESS_ROLE})}"
            f" (declared: {known}), so no account has it"
        )
    return role
