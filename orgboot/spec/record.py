"""The spec as deployed: org.yaml and the policy files it names, packed into one text that a deploy
keeps with its templates (MemberRolesStack's DeployedSpec, constructs/deployed_spec.py) and the
next `orgboot deploy` reads back to check its change against. Compressed: 5,000 accounts pack into
about 90 KB, well within a template's 1 MB."""

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from orgboot.spec.documents import PolicyDocument
from orgboot.spec.model import OrgSpec
from orgboot.spec.problems import LocatedProblem, SpecError


def pack(spec_file: Path, spec: OrgSpec) -> str:
    """org.yaml (under its own name) and every policy file it names, as they are on disk."""
    files = {spec_file.name: spec_file.read_text(encoding="utf-8")}
    for path in sorted({document.path for document in _documents(spec)}):
        files[PurePosixPath(Path(path)).as_posix()] = (spec_file.parent / path).read_text(encoding="utf-8")
    text = json.dumps({"spec": spec_file.name, "files": files}, sort_keys=True, ensure_ascii=False)
    return base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()


def digest(packed: str) -> str:
    return hashlib.sha256(packed.encode()).hexdigest()


def unpack(packed: str, into: Path, what: str) -> Path:
    """Write a packed spec's files under `into`; returns the spec's path. `what` names the record in
    messages."""
    try:
        content = json.loads(gzip.decompress(base64.b64decode(packed, validate=True)))
        spec, files = str(content["spec"]), content["files"]
        if not isinstance(files, dict) or spec not in files:
            raise ValueError("its spec is not among its files")
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise SpecError([LocatedProblem(what, 1, "", f"the record of the deployed spec cannot be read ({error})")]) from None
    root = into.resolve()
    for name, text in files.items():
        file = (root / name).resolve()
        if not file.is_relative_to(root) or not isinstance(text, str):  # a record is data, never a path out
            raise SpecError([LocatedProblem(what, 1, "", f"the record of the deployed spec holds an unsafe file name {name!r}")])
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    return root / spec


def _documents(value: Any) -> Iterator[PolicyDocument]:
    """Every policy file the spec names, wherever its sections keep them."""
    if isinstance(value, PolicyDocument):  # guardrails' documents are no field: orgboot writes them
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _documents(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _documents(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _documents(item)
