"""Organizational units: AWS refuses two OUs of the same name under one parent
(CreateOrganizationalUnit: DuplicateOrganizationalUnitException, Organizations API Reference)."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem, parent_of


def ous_listed_once(spec: OrgSpec) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, path in enumerate(spec.organizational_units):
        if path in seen:
            yield Problem(
                ("organizational_units", index), f"OU '{path}' is listed twice; AWS refuses two OUs with the same name under one parent"
            )
        seen.add(path)


def sibling_names_differ_beyond_case(spec: OrgSpec) -> Iterator[Problem]:
    """AWS's API reference does not say whether it compares OU names with or without case; either
    way, siblings that differ only in case (Prod and PROD) are a typo or a collision in the making,
    and their logical IDs can collide too. Refused whichever way AWS compares."""
    seen: dict[tuple[str, str], str] = {}
    for path in spec.ou_paths:
        key = (parent_of(path), path.rpartition("/")[2].casefold())
        if key in seen and seen[key] != path:
            yield Problem(
                ("organizational_units",),
                f"OUs '{seen[key]}' and '{path}' differ only in case under one parent; AWS may take them for one name: keep one spelling",
            )
        seen.setdefault(key, path)
