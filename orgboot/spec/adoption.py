"""Adopting an organization that exists: the folder of resource mappings `orgboot import` writes
(DIR/cdk-import), read and checked here, once, for everything that takes it: `orgboot synth --adopt
DIR` before it runs the CDK, the CDK app it runs (stacks/adoption.py), and `orgboot emulate --import
DIR` (the emulator imports the mappings read here).

The folder holds one resource mapping per stack, STACK.json, as `cdk import --resource-mapping
FILE` reads it: {"LogicalId": {"IdentifierProperty": "value"}} (aws-cdk-cli, packages/@aws-cdk/
toolkit-lib/lib/api/resource-import/importer.ts). Beside them IDS_FILE holds the root's ID
({"root": "r-..."}): the root is no CloudFormation resource, so no mapping names it, and the account
stacks need it as a parent. Its name is no stack's, so nothing takes it for a mapping.

Pure Python: no CDK, no moto."""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgboot.aws.organizations import ROOT
from orgboot.spec import layout, logical_ids
from orgboot.spec.model import OrgSpec

# The CDK context key that names the mappings' folder: `orgboot synth --adopt DIR` sets it
# (orgboot/cli/cdk.py), app.py reads it.
ADOPT_CONTEXT = "orgboot:adopt"
IDS_FILE = "_ids.json"

# CloudFormation API Reference, CreateStack, StackName: "must start with an alphabetical character
# and can't be longer than 128 characters"; letters, digits and hyphens.
_STACK_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
# CloudFormation User Guide, "Resources" template section: "The logical ID must be alphanumeric
# (A-Za-z0-9) and unique within the template"; at most 255 characters (CloudFormation quotas).
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")
# AWS Organizations API Reference (DetachPolicy, TargetId): a root's ID is "r-" followed by from 4 to 32
# lowercase letters or digits.
_ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
_IDENTIFIER_SHAPE = '{"IdentifierProperty": "value"}'
# The primaryIdentifier of each Identity Center type, all of which a mapping gives, one entry per
# property (the registry schemas cfn-lint ships; aws-cdk-cli importer.ts: a compound identifier is
# {property: value, ...}). Every property of an assignment is its identifier, and create-only.
PERMISSION_SET_IDENTIFIER = ("InstanceArn", "PermissionSetArn")
ASSIGNMENT_IDENTIFIER = ("InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")
_MAPPING_SHAPE = f'{{"LogicalId": {_IDENTIFIER_SHAPE}}}'

ResourceMapping = Mapping[str, Mapping[str, str]]  # {"LogicalId": {"IdentifierProperty": "value"}}


class NotAdoptable(Exception):
    """The mappings, or the mappings and the spec, make no adoption. One problem a line, each
    naming the file and the entry."""

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Adoption:
    """The resource mappings by stack name, and the root's ID when IDS_FILE gives it."""

    mappings: Mapping[str, ResourceMapping]
    root_id: str | None = None
    folder: Path | None = None  # where they were read: for messages

    @classmethod
    def read(cls, folder: Path) -> "Adoption":
        """Every STACK.json and IDS_FILE of `folder`, checked: raises NotAdoptable with every
        problem found (a file that is no JSON, names no stack, or is not a mapping's shape)."""
        if not folder.is_dir():
            raise NotAdoptable(f"{folder}: no such folder of resource mappings (`orgboot import` writes them in DIR/cdk-import)")
        problems: list[str] = []
        mappings: dict[str, dict[str, dict[str, str]]] = {}
        root_id = None
        for file in sorted(path for path in folder.glob("*.json") if path.is_file()):
            if file.name == IDS_FILE:
                root_id = _root_id(file, problems)
            elif not _STACK_NAME.fullmatch(file.stem):
                problems.append(
                    f"{file}: not a resource mapping's name: STACK.json names the stack it imports into (a letter, then letters,"
                    f" digits and hyphens), and {IDS_FILE} gives the root's ID"
                )
            elif (mapping := _mapping(file, problems)) is not None:
                mappings[file.stem] = mapping
        if problems:
            raise NotAdoptable(*problems)
        return cls(mappings, root_id, folder)

    def imports(self, stack: str, logical_id: str) -> bool:
        return logical_id in self.mappings.get(stack, {})

    def check(self, spec: OrgSpec) -> None:
        """What the adopt assembly of `spec` needs of the mappings, checked before anything is
        synthesized: each mapping is for a stack that holds importable resources, and names only
        resources that stack holds (a key renamed since the import names another resource, which
        the deploy would then create); OrganizationStack's names the Organization, which every
        resource of it refers to; the accounts of account stacks have their parents' IDs. Raises
        NotAdoptable with every problem found."""
        expected = _importable(spec)
        problems: list[str] = []
        for stack, mapping in self.mappings.items():
            if stack not in expected:
                problems.append(
                    f"{self._file(stack)}: the adopt assembly has no stack {stack} to import into (it has {', '.join(expected)})"
                )
            elif unknown := sorted(set(mapping) - expected[stack]):
                problems.append(
                    f"{self._file(stack)}: {', '.join(unknown)}: no resource of {stack} has this logical ID in the spec"
                    " (logical IDs come from the keys in org.yaml: keep the keys `orgboot import` wrote)"
                )
        if not self.imports(layout.ORGANIZATION_STACK, logical_ids.ORGANIZATION):
            what = "does not name" if layout.ORGANIZATION_STACK in self.mappings else "is missing: it names"
            problems.append(
                f"{self._file(layout.ORGANIZATION_STACK)} {what} the {logical_ids.ORGANIZATION}, which every resource of"
                f" {layout.ORGANIZATION_STACK} refers to"
            )
        account_stacks = spec.organization.account_stacks
        if account_stacks is not None:
            for stack in layout.account_stack_names(account_stacks):
                parents = {
                    account.ou
                    for key, account in spec.accounts.items()
                    if layout.account_stack(key, account_stacks) == stack and self.imports(stack, logical_ids.account(key))
                }
                try:
                    self.parent_ids(parents, spec.ou_logical_id)
                except NotAdoptable as problem:
                    problems += [f"{self._file(stack)}: {line}" for line in problem.problems]
        problems += self._identity_center_problems(spec)
        if problems:
            raise NotAdoptable(*problems)

    def _identity_center_problems(self, spec: OrgSpec) -> list[str]:
        """The Identity Center mappings as the adopt assembly writes them: its resources take their
        identifiers as literal properties (no lookup can be imported), and every property of an
        assignment is create-only, so the deploy that follows, whose lookups and cross-stack
        references give the values anew, must find each the same or it replaces the assignment.
        Hence one instance; each permission set by both its identifier properties; each
        assignment a group's, in an account, from a permission set imported with the same ARN, in
        the account org.yaml gives its ID."""
        center = spec.identity_center
        if center is None:
            return []
        problems: list[str] = []
        sets = self.mappings.get(layout.IDENTITY_CENTER_STACK, {})
        arns = {
            name: sets[lid].get("PermissionSetArn") for name in center.permission_sets if (lid := logical_ids.permission_set(name)) in sets
        }
        triples = {
            logical_ids.assignment(key, group, name): (key, name)
            for key, pairs in spec.identity_center_assignments().items()
            for group, name in pairs
        }
        found: list[tuple[Path, str, Mapping[str, str]]] = [
            (self._file(layout.IDENTITY_CENTER_STACK), lid, ids) for lid, ids in sets.items()
        ]
        for stack in layout.assignment_stack_names(center.assignment_stacks):
            for logical_id, identifier in self.mappings.get(stack, {}).items():
                found.append((self._file(stack), logical_id, identifier))
                if logical_id not in triples:
                    continue  # named by check() already
                key, name = triples[logical_id]
                wanted = {"TargetType": "AWS_ACCOUNT", "PrincipalType": "GROUP", "PermissionSetArn": arns.get(name)}
                if key in spec.accounts and spec.accounts[key].account_id:
                    wanted["TargetId"] = spec.accounts[key].account_id
                for prop, value in wanted.items():
                    if value is None:
                        problems.append(
                            f"{self._file(stack)}: {logical_id}: permission set {name} is not in"
                            f" {self._file(layout.IDENTITY_CENTER_STACK).name}: an assignment is adopted with the set it is made from"
                        )
                    elif identifier.get(prop) not in (None, value):
                        problems.append(
                            f"{self._file(stack)}: {logical_id}: {prop} is {identifier[prop]}, where org.yaml and the other mappings"
                            f" give {value} (every property of an assignment is create-only: a different value would replace it)"
                        )
        instances = set()
        for file, logical_id, identifier in found:
            expected = PERMISSION_SET_IDENTIFIER if file.stem == layout.IDENTITY_CENTER_STACK else ASSIGNMENT_IDENTIFIER
            if sorted(identifier) != sorted(expected):
                problems.append(
                    f"{file}: {logical_id}: the identifier is {', '.join(expected)} (its type's primaryIdentifier), not"
                    f" {', '.join(identifier)}"
                )
            instances.add(identifier.get("InstanceArn"))
        if len(instances - {None}) > 1:
            problems.append(
                f"{self.folder or Path()}: the Identity Center mappings name {len(instances - {None})} instances"
                f" ({', '.join(sorted(i for i in instances if i))}): an organization has one"
            )
        return problems

    def parent_ids(self, paths: set[str], ou_logical_id: Callable[[str], str] = logical_ids.ou) -> dict[str, str]:
        """The IDs of the root and OUs at `paths`, literal: an account stack imports its accounts
        under OUs that exist already, with no lookup (a custom resource cannot be imported). An OU's
        resource is named by its identity: `ou_logical_id` is the spec's (OrgSpec.ou_logical_id)."""
        ous = self.mappings.get(layout.ORGANIZATION_STACK, {})
        ids = {path: ous[ou_logical_id(path)]["Id"] for path in paths if "Id" in ous.get(ou_logical_id(path), {})}
        if ROOT in paths and self.root_id:
            ids[ROOT] = self.root_id
        if missing := sorted(paths - set(ids)):
            raise NotAdoptable(
                f"no ID for {', '.join(missing)}: {layout.ORGANIZATION_STACK}'s mapping names each OU it imports, and {IDS_FILE}"
                ' gives the root\'s ({"root": "r-..."})'
            )
        return ids

    def _file(self, stack: str) -> Path:
        return (self.folder or Path()) / f"{stack}.json"


def _importable(spec: OrgSpec) -> dict[str, set[str]]:
    """The logical IDs of the resources the adopt assembly of `spec` may import, by stack."""
    account_stacks = spec.organization.account_stacks
    stacks: dict[str, set[str]] = {
        layout.ORGANIZATION_STACK: {
            logical_ids.ORGANIZATION,
            *map(spec.ou_logical_id, spec.ou_paths),
            *map(logical_ids.policy, spec.organization_policies),
        }
    }
    for stack in layout.account_stack_names(account_stacks):
        stacks.setdefault(stack, set())
    for key in spec.accounts:
        stacks[layout.account_stack(key, account_stacks)].add(logical_ids.account(key))
    if (center := spec.identity_center) is not None:
        stacks[layout.IDENTITY_CENTER_STACK] = set(map(logical_ids.permission_set, center.permission_sets))
        for stack in layout.assignment_stack_names(center.assignment_stacks):
            stacks.setdefault(stack, set())
        for key, pairs in spec.identity_center_assignments().items():
            stacks[layout.assignment_stack(key, center.assignment_stacks)] |= {logical_ids.assignment(key, g, n) for g, n in pairs}
    return stacks


_UNREADABLE = object()


def _load(file: Path, problems: list[str]) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(f"{file}: not readable JSON ({error})")
        return _UNREADABLE


def _mapping(file: Path, problems: list[str]) -> dict[str, dict[str, str]] | None:
    data = _load(file, problems)
    if data is _UNREADABLE:
        return None
    if not isinstance(data, dict):
        problems.append(f"{file}: a resource mapping is {_MAPPING_SHAPE}, not {_shown(data)}")
        return None
    found = len(problems)
    for logical_id, identifier in data.items():
        if not _LOGICAL_ID.fullmatch(logical_id):
            problems.append(f"{file}: {json.dumps(logical_id)}: not a logical ID (letters and digits only)")
        if not (
            isinstance(identifier, dict)
            and identifier
            and all(isinstance(value, str) and value for value in identifier.values())
            and all(identifier)
        ):
            problems.append(f"{file}: {json.dumps(logical_id)}: the resource's identifier is {_IDENTIFIER_SHAPE}, not {_shown(identifier)}")
    return data if len(problems) == found else None


def _root_id(file: Path, problems: list[str]) -> str | None:
    data = _load(file, problems)
    if data is _UNREADABLE:
        return None
    root = data.get("root") if isinstance(data, dict) else None
    if not (isinstance(root, str) and _ROOT_ID.fullmatch(root)):
        problems.append(f'{file}: the root\'s ID is {{"root": "r-..."}} (r- then 4 to 32 lowercase letters or digits), not {_shown(data)}')
        return None
    return root


def _shown(value: Any, width: int = 60) -> str:
    text = json.dumps(value)
    return text if len(text) <= width else text[: width - 3] + "..."
