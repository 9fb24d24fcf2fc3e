"""Organizational units: AWS refuses two OUs of the same name under one parent
(CreateOrganizationalUnit: DuplicateOrganizationalUnitException, Organizations API Reference)."""

from collections.abc import Iterator

from orgboot.spec import OrgSpec, Problem


def ous_listed_once(spec: OrgSpec) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, path in enumerate(spec.organizational_units):
        if path in seen:
            yield Problem(
                ("organizational_units", index), f"OU '{path}' is listed twice; AWS refuses two OUs with the same name under one parent"
            )
        seen.add(path)
