"""Organizational units: AWS refuses two OUs of the same name under one parent
(CreateOrganizationalUnit: DuplicateOrganizationalUnitException, Organizations API Reference), and
orgboot gives each OU one identity, which names its CloudFormation resource. Each problem is shown
at the entry that declares the OU (or, for a parent no entry declares, the first that implies it)."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem, parent_of


def ous_listed_once(spec: OrgSpec) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, entry in enumerate(spec.organizational_units):
        if entry.path in seen:
            yield Problem(
                ("organizational_units", index),
                f"OU '{entry.path}' is listed twice; AWS refuses two OUs with the same name under one parent",
            )
        seen.add(entry.path)


def sibling_names_differ_beyond_case(spec: OrgSpec) -> Iterator[Problem]:
    """AWS's API reference does not say whether it compares OU names with or without case; either
    way, siblings that differ only in case (Prod and PROD) are a typo or a collision in the making,
    and their logical IDs can collide too. Refused whichever way AWS compares, unless both carry a
    key: that is how `orgboot import` writes an organization that holds both (so AWS told them
    apart), and the keys keep their resources apart (spec/importing.py, ou_keys)."""
    keyed = {entry.path for entry in spec.organizational_units if entry.key is not None}
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(spec.ou_paths, key=spec.ou_entry_index):  # the one written first is the one kept
        key = (parent_of(path), path.rpartition("/")[2].casefold())
        if key in seen and seen[key] != path and not {path, seen[key]} <= keyed:
            yield Problem(
                ("organizational_units", spec.ou_entry_index(path)),
                f"OUs '{path}' and '{seen[key]}' differ only in case under one parent; AWS may take them for one name: keep one spelling",
            )
        seen.setdefault(key, path)


def ou_identities_distinct(spec: OrgSpec) -> Iterator[Problem]:
    """Two OUs with one identity would be one CloudFormation resource (logical_ids.ou)."""
    owner: dict[str, str] = {}
    for path in sorted(spec.ou_paths, key=spec.ou_entry_index):
        identity = spec.ou_identities[path]
        if identity in owner:
            key = next((entry.key for entry in spec.organizational_units if entry.path == path and entry.key), None)
            keyed = f" (key '{key}')" if key else ""
            yield Problem(
                ("organizational_units", spec.ou_entry_index(path)),
                f"OU '{path}'{keyed} has the identity '{identity}', as OU '{owner[identity]}' has: an OU's identity names its"
                " CloudFormation resource, so the two would be one. Give one of them another key",
            )
        owner.setdefault(identity, path)
