"""What `orgboot synth --adopt DIR/cdk-import` builds the adopt assembly from: the resource
mappings `orgboot import` wrote, one per stack ({"LogicalId": {"IdentifierProperty": "value"}}, as
`cdk import --resource-mapping FILE` reads them), and the root's ID beside them in _ids.json
({"root": "r-..."}: no mapping holds it, and the account stacks need it as a parent; a file name no
stack can have, so that nothing takes it for a mapping)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgboot.spec import ROOT, layout, logical_ids

# The context key that names the mappings' folder (`orgboot synth --adopt DIR`: orgboot/cli/cdk.py).
ADOPT_CONTEXT = "orgboot:adopt"
IDS_FILE = "_ids.json"


class NotAdoptable(Exception):
    """The mappings and the spec do not make an adopt assembly (the message says why)."""


@dataclass(frozen=True)
class Adoption:
    mappings: Mapping[str, Mapping[str, Mapping[str, str]]]  # by stack name
    root_id: str | None = None

    @classmethod
    def read(cls, folder: Path) -> "Adoption":
        if not folder.is_dir():
            raise NotAdoptable(f"{folder}: no such folder of resource mappings (orgboot import writes DIR/cdk-import)")
        mappings = {file.stem: _json(file) for file in sorted(folder.glob("*.json")) if file.name != IDS_FILE}
        ids = _json(folder / IDS_FILE) if (folder / IDS_FILE).is_file() else {}
        return cls(mappings, ids.get("root"))

    def imports(self, stack: str, logical_id: str) -> bool:
        return logical_id in self.mappings.get(stack, {})

    def parent_ids(self, paths: set[str]) -> dict[str, str]:
        """The IDs of the root and OUs at `paths`, literal: an account stack imports its accounts
        under OUs that exist already, with no lookup (a custom resource cannot be imported)."""
        ous = self.mappings.get(layout.ORGANIZATION_STACK, {})
        ids = {path: ous[logical_ids.ou(path)]["Id"] for path in paths if logical_ids.ou(path) in ous}
        if ROOT in paths and self.root_id:
            ids[ROOT] = self.root_id
        if missing := sorted(paths - set(ids)):
            raise NotAdoptable(
                f"no ID for {', '.join(missing)}: {layout.ORGANIZATION_STACK}'s mapping names each OU it imports, and {IDS_FILE}"
                ' gives the root\'s ({"root": "r-..."})'
            )
        return ids


def _json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotAdoptable(f"{file}: not readable JSON ({error})") from None
