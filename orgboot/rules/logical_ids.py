"""Logical IDs: two spec keys that become the same CloudFormation resource would be one resource."""

from collections.abc import Callable, Iterator

from orgboot.spec import OrgSpec, Problem, logical_ids


def logical_ids_distinct(spec: OrgSpec) -> Iterator[Problem]:
    sections: list[tuple[str, list[str], Callable[[str], str]]] = [
        ("accounts", list(spec.accounts), logical_ids.account),
        ("policies", list(spec.organization_policies), logical_ids.policy),
        # by the OU's identity; two OUs of one identity are ou_identities_distinct's to report
        ("organizational_units", list({spec.ou_identities[p]: p for p in reversed(spec.ou_paths)}.values())[::-1], spec.ou_logical_id),
        ("management_baseline.groups", list(spec.management_baseline.groups), logical_ids.group),
        ("management_baseline.users", list(spec.management_baseline.users), logical_ids.user),
        ("member_roles.catalogue", list(spec.member_roles.catalogue), logical_ids.role_stack_set),
    ]
    for section, keys, to_id in sections:
        owner: dict[str, str] = {}
        for key in keys:
            logical_id = to_id(key)
            if logical_id in owner:
                loc = (*section.split("."), key) if section != "organizational_units" else (section, spec.ou_entry_index(key))
                yield Problem(loc, f"'{key}' and '{owner[logical_id]}' both become CloudFormation resource {logical_id}; rename one")
            owner.setdefault(logical_id, key)
