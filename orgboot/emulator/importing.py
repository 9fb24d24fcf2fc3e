"""Resource import, as `cdk import STACK --resource-mapping FILE` and CloudFormation do it: adopting
resources that exist (an organization made by hand) into stacks, without creating anything.

Two halves, as in AWS. The CDK CLI's importer (aws-cdk-cli, packages/@aws-cdk/toolkit-lib/lib/api/
resource-import/importer.ts) picks the resources to import: those the assembly's template adds to
the stack's current one (CDKMetadata aside) and the mapping names; the others are skipped, and
mapping entries naming no addition are warned about. It sends CloudFormation the current template
plus those resources' definitions verbatim, each with DeletionPolicy Retain where it has none
(currentTemplateWithAdditions, addDefaultDeletionPolicy). CloudFormation's IMPORT change set
(import_stack) then refuses what the User Guide's "Resource import validation" and the change set's
own rules refuse, reads each resource through its provider, and holds it in the stack.

CloudFormation never compares the template with the resource it imports: a wrong value shows up
later as drift, or as an update that fails. The emulator does compare, as drift detection would
right after the import, and returns every difference as a Drift.

The mappings come read and checked (orgboot/spec/adoption.py reads the folder `orgboot import`
writes; the served emulator's control endpoint checks those it is sent).
"""

import contextlib
import copy
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgboot.emulator import schemas
from orgboot.emulator.assembly import AssemblyStack, read_assembly
from orgboot.emulator.aws import AwsAccount, management
from orgboot.emulator.engine import Engine, pseudo_parameters
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.template import references

# The importer leaves CDK's version reporting out of what it imports.
_CDK_METADATA = "CDKMetadata"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Drift:
    """A property of an imported resource whose template value is not what AWS holds."""

    stack: str
    logical_id: str
    resource_type: str
    property: str
    template_value: Any
    live_value: Any


def import_assembly(
    engine: Engine,
    assembly: str | Path | list[AssemblyStack],
    mappings: Mapping[str, Mapping[str, Mapping[str, str]]],
    on_warning: Callable[[str], None] | None = None,
) -> list[Drift]:
    """`cdk import STACK --resource-mapping FILE` for each stack of the assembly with a mapping
    ({"LogicalId": {"IdentifierProperty": "value"}} by stack name), one after another in assembly
    order, into the management account: what one imported stays when a later one fails. A mapping
    for a stack the assembly does not have is refused before anything is imported. What the CDK
    CLI only warns about (mapping entries that name no resource to add, resources skipped) goes to
    `on_warning` (default: this module's logger), and the import goes on, as the CLI's does.
    Returns every drift found."""
    warn = on_warning or _log.warning
    stacks = assembly if isinstance(assembly, list) else read_assembly(assembly)
    names = {stack.name for stack in stacks}
    if missing := sorted(name for name, mapping in mappings.items() if mapping and name not in names):
        raise EmulationError(f"the assembly has no stack {', '.join(missing)} to import into (it has: {', '.join(sorted(names))})")
    drifts: list[Drift] = []
    for stack in stacks:
        if not (mapping := mappings.get(stack.name)):
            continue
        aws = management(stack.region)
        current = engine.current_template(aws.account_id, stack.name)
        current_resources = current.get("Resources", {})
        additions = {
            logical_id: definition
            for logical_id, definition in stack.template.get("Resources", {}).items()
            if logical_id not in current_resources and logical_id != _CDK_METADATA
        }
        if not additions:
            warn(f"{stack.name}: no new resources compared to the currently deployed stack, skipping import.")
            continue
        if unknown := [logical_id for logical_id in mapping if logical_id not in additions]:
            warn(f"{stack.name}: Unrecognized resource identifiers in mapping file: {', '.join(unknown)}")
        chosen = [logical_id for logical_id in additions if logical_id in mapping]
        if not chosen:
            warn(f"{stack.name}: No resources selected for import.")
            continue
        if skipped := [logical_id for logical_id in additions if logical_id not in mapping]:
            warn(
                f"{stack.name}: skipped {', '.join(skipped)}. Some resources were skipped. Run another cdk import or a cdk deploy"
                " to bring the stack up-to-date with your CDK app definition."
            )
        template = copy.deepcopy(current)
        template.setdefault("Resources", {})
        for logical_id in chosen:
            template["Resources"][logical_id] = {"DeletionPolicy": "Retain", **copy.deepcopy(additions[logical_id])}
        drifts += import_stack(engine, stack.name, template, aws, {logical_id: mapping[logical_id] for logical_id in chosen})
    return drifts


def import_stack(
    engine: Engine, stack_name: str, template: Mapping[str, Any], aws: AwsAccount, resources_to_import: Mapping[str, Mapping[str, str]]
) -> list[Drift]:
    """CloudFormation's IMPORT change set (CreateChangeSet ChangeSetType IMPORT, ResourcesToImport,
    then ExecuteChangeSet): `template` describes the whole stack, its current resources and those
    to import. Refused as CloudFormation refuses it, in its words (as users quote them: "ResourceTypes
    [..] are not supported for Import" go-to-k/cdkd#1775; "must have DeletionPolicy attribute"
    aws-quickstart/quickstart-awx#38; "you cannot modify or add [Outputs]"
    awslabs/aws-security-assessment-solution#6); each resource is then read and held. Returns how
    each imported resource's template differs from what AWS holds."""
    resources: dict[str, Any] = dict(template.get("Resources", {}))
    _check_dependencies(stack_name, template)
    if absent := [logical_id for logical_id in resources_to_import if logical_id not in resources]:
        raise EmulationError(f"{stack_name}: the resources to import [{', '.join(absent)}] are not in the template")
    types = {logical_id: resources[logical_id].get("Type", "") for logical_id in resources_to_import}
    if unsupported := sorted({t for t in types.values() if schemas.import_facts(t) is None}):
        raise EmulationError(f"{stack_name}: ResourceTypes [{', '.join(unsupported)}] are not supported for Import")
    # "Each resource to import must have a DeletionPolicy attribute" (User Guide, "Resource import overview").
    if undeleted := [logical_id for logical_id in resources_to_import if "DeletionPolicy" not in resources[logical_id]]:
        raise EmulationError(
            f"{stack_name}: The following resources to import [{', '.join(undeleted)}] must have DeletionPolicy attribute specified"
            " in the template."
        )
    identifiers: dict[str, str] = {}
    for logical_id, given in resources_to_import.items():
        facts = schemas.import_facts(types[logical_id])
        assert facts is not None
        # The identifier is the type's primaryIdentifier, all of it and nothing else (the registry
        # schema; GetTemplateSummary's ResourceIdentifierSummaries list it per type).
        if sorted(given) != sorted(facts.identifier):
            raise EmulationError(
                f"{stack_name}/{logical_id} ({types[logical_id]}): the resource identifier must be"
                f" [{', '.join(facts.identifier)}], the type's primary identifier, not [{', '.join(given)}]"
            )
        # A compound identifier (AWS::SSO::PermissionSet, AWS::SSO::Assignment) goes to the read
        # handler as one string, its values in the schema's order joined by "|" (Cloud Control API
        # User Guide, "Identifying resources": the form their physical IDs take).
        identifiers[logical_id] = "|".join(given[name] for name in facts.identifier)
    _check_nothing_else_changes(engine, stack_name, template, aws, resources_to_import)
    imported = engine.import_resources(stack_name, template, aws, identifiers)
    return [
        drift
        for logical_id, (properties, live) in imported.items()
        for drift in _drifts(stack_name, logical_id, types[logical_id], properties, live)
    ]


def _check_dependencies(stack_name: str, template: Mapping[str, Any]) -> None:
    """Every Ref, Fn::GetAtt and DependsOn of the template names one of its resources (or one of its
    parameters, or a pseudo parameter): the importer leaves out the resources it does not import,
    so a resource imported may name one that is not there."""
    resources = template.get("Resources", {})
    known = set(resources) | set(template.get("Parameters", {})) | set(pseudo_parameters(stack_name, management()))
    unresolved: set[str] = set()
    for definition in resources.values():
        depends_on = definition.get("DependsOn", [])
        unresolved |= {name for name in ([depends_on] if isinstance(depends_on, str) else depends_on) if name not in resources}
        unresolved |= {name for name in references(definition.get("Properties", {})) if name not in known}
    if unresolved:
        raise EmulationError(
            f"{stack_name}: Template format error: Unresolved resource dependencies [{', '.join(sorted(unresolved))}]"
            " in the Resources block of the template"
        )


def _check_nothing_else_changes(
    engine: Engine, stack_name: str, template: Mapping[str, Any], aws: AwsAccount, resources_to_import: Mapping[str, Any]
) -> None:
    """An IMPORT change set only imports: every other resource, and the outputs, as deployed."""
    current = engine.current_template(aws.account_id, stack_name)
    before, after = current.get("Resources", {}), template.get("Resources", {})
    if modified := sorted(lid for lid in {*before, *after} - set(resources_to_import) if before.get(lid) != after.get(lid)):
        raise EmulationError(
            f"{stack_name}: You have modified resources [{', '.join(modified)}] in your template that are not being imported."
            " Update, create or delete operations cannot be executed during import operations."
        )
    if current.get("Outputs", {}) != template.get("Outputs", {}):
        raise EmulationError(f"{stack_name}: As part of the import operation, you cannot modify or add [Outputs]")


def _drifts(stack: str, logical_id: str, resource_type: str, properties: Mapping[str, Any], live: Mapping[str, Any]) -> list[Drift]:
    """The properties whose template value is not the live one, compared as drift detection
    compares them. Only the properties the template sets: "Only resource properties explicitly
    defined in the stack template are checked for drift" (CloudFormation API Reference,
    DetectStackDrift; User Guide, "Detect unmanaged configuration changes to stacks and resources
    with drift detection": default values are not checked unless the template sets them). Of
    those, what AWS sets (read-only) or never gives back (write-only) is not compared; order means
    nothing in an array whose schema says so (insertionOrder false); a JSON document is compared
    parsed; a live value AWS leaves out is the property's default, or empty."""
    facts = schemas.import_facts(resource_type)
    assert facts is not None
    names = sorted(set(properties) - facts.read_only - facts.write_only)

    def comparable(name: str, value: Any) -> Any:
        value = facts.defaults.get(name) if value is None else value
        if name in facts.json and isinstance(value, str):
            with contextlib.suppress(ValueError):  # not JSON: compared as the text it is
                value = json.loads(value)
        if name in facts.unordered and isinstance(value, list):
            value = sorted(json.dumps(item, sort_keys=True) for item in value)
        return None if value in ("", [], {}) else value

    return [
        Drift(stack, logical_id, resource_type, name, properties[name], live.get(name))
        for name in names
        if comparable(name, properties[name]) != comparable(name, live.get(name))
    ]
