"""The guardrails section of org.yaml: guardrails of the library (orgboot/policy/guardrails)
enabled by name, with their parameters and targets beside each other:

    guardrails:
      deny-leave-organization: {targets: [Root]}
      region-deny: {allowed_regions: [eu-west-1, us-east-1], targets: [Workloads]}
      region-deny-sandbox: {guardrail: region-deny, allowed_regions: [us-east-1], targets: [Sandbox]}

The key names the guardrail unless `guardrail:` does (to enable one twice with other parameters).
Each entry is validated by its guardrail's own model, so a parameter is checked where it is written.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, cast

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    create_model,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from orgboot.aws.organizations import ACCESS_ROLE, ROOT
from orgboot.policy.guardrails import REGISTRY, Guardrail, OrgbootRoles
from orgboot.policy.guardrails.guardrail import PermissionSetName
from orgboot.policy.guardrails.packing import Enabled, Pack, pack
from orgboot.spec.fields import Model, check_listed_once
from orgboot.spec.identity_center import check_permission_set_reference
from orgboot.spec.references import check_target, declared
from orgboot.spec.roles import MemberRoles

Targets = Annotated[tuple[Annotated[str, AfterValidator(check_target)], ...], AfterValidator(check_listed_once)]


def _check_type_enabled(name: str, info: ValidationInfo) -> str:
    enabled = declared(info, "policy_types")
    policy_type = REGISTRY[name].policy_type
    if enabled is not None and policy_type not in enabled:
        raise ValueError(f"guardrail '{name}' is a {policy_type}, which is not enabled; add it to organization.policy_types")
    return name


class _Use(Model):
    guardrail: str  # each guardrail's model narrows it to its own name
    targets: Targets = Field(min_length=1, description=f"{ROOT}, OU paths (Workloads/Prod) or account keys")


PermissionSetReference = Annotated[PermissionSetName, AfterValidator(check_permission_set_reference)]


def _use_model(guardrail: Guardrail) -> type[_Use]:
    # Built at import, one per guardrail: types from values, which static typing cannot follow.
    literal: Any = Literal
    bases: Any = (_Use, guardrail.parameters)
    name: Any = Annotated[literal[guardrail.name], AfterValidator(_check_type_enabled)]
    fields: dict[str, Any] = {}
    if "exempt_permission_sets" in guardrail.parameters.model_fields:  # a reference to identity_center, checked here
        fields["exempt_permission_sets"] = (
            Annotated[tuple[PermissionSetReference, ...], AfterValidator(check_listed_once)],
            Field(
                (),
                description="IAM Identity Center permission sets (keys of identity_center.permission_sets) whose provisioned roles"
                " (AWSReservedSSO_<name>_*) the guardrail lets through",
            ),
        )
    model: Any = create_model(
        f"Guardrail_{guardrail.name}",
        __base__=bases,
        __doc__=f"{guardrail.why}. Source: {guardrail.source}",
        guardrail=(name, Field(guardrail.name, description="The library guardrail; defaults to the entry's key")),
        **fields,
    )
    return cast(type[_Use], model)


USE_MODELS: dict[str, type[_Use]] = {name: _use_model(guardrail) for name, guardrail in REGISTRY.items()}
# Found by name, as pickle looks classes up, so a spec can cross processes (orgboot diff).
globals().update({model.__name__: model for model in USE_MODELS.values()})


def _name_each_entry(entries: Any) -> Any:
    """An entry names its guardrail by its key unless it says `guardrail:`."""
    if not isinstance(entries, Mapping):
        return entries
    return {
        key: {"guardrail": key, **value} if isinstance(value, Mapping) and "guardrail" not in value else value
        for key, value in entries.items()
    }


GUARDRAIL_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
GuardrailKey = Annotated[str, StringConstraints(pattern=GUARDRAIL_KEY_PATTERN, max_length=64)]

if TYPE_CHECKING:
    GuardrailUse = _Use
else:  # the union of every guardrail's model, told apart by `guardrail`
    GuardrailUse = Annotated[Union[tuple(USE_MODELS.values())], Discriminator("guardrail")]  # noqa: UP007


def _keys_name_their_guardrail(entries: dict[str, _Use]) -> dict[str, _Use]:
    for key, use in entries.items():
        if key in REGISTRY and use.guardrail != key:
            raise ValueError(f"'{key}' names a guardrail of the library but says `guardrail: {use.guardrail}`; give the entry another key")
    return entries


class _GuardrailsJsonSchema:
    """The section's JSON Schema (orgboot schema), as the validator reads it. Pydantic's own would
    be a oneOf told apart by `guardrail`, which an entry may leave out: `{targets: [Root]}` then
    matches every guardrail without parameters, and a JSON Schema validator (an editor's) calls
    valid entries invalid. Instead the key chooses the model, as _name_each_entry does: a key of the
    library is that guardrail's entry; any other key must say `guardrail:`, which chooses it."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        generated = handler(core_schema)
        # pydantic's entry, a oneOf of every guardrail's model with the mapping from name to model: under
        # patternProperties, or under additionalProperties where orgboot schema moved the key pattern out
        entry = generated.pop("additionalProperties", None) or next(iter(generated.pop("patternProperties").values()))
        model_of = {name: {"$ref": ref} for name, ref in entry["discriminator"]["mapping"].items()}
        names = sorted(model_of)
        return {
            **generated,
            "propertyNames": {**generated.get("propertyNames", {}), "pattern": GUARDRAIL_KEY_PATTERN},
            "properties": model_of,
            "additionalProperties": {
                "type": "object",
                "required": ["guardrail"],
                "properties": {"guardrail": {"enum": names, "description": "The library guardrail this entry enables"}},
                # if/then rather than oneOf: a mistake is reported against the chosen guardrail only
                "allOf": [
                    {"if": {"properties": {"guardrail": {"const": name}}, "required": ["guardrail"]}, "then": model_of[name]}
                    for name in names
                ],
            },
        }


Guardrails = Annotated[
    dict[GuardrailKey, GuardrailUse],
    BeforeValidator(_name_each_entry),
    AfterValidator(_keys_name_their_guardrail),
    _GuardrailsJsonSchema(),
]


def orgboot_roles(accounts: Mapping[str, Any], member_roles: MemberRoles, security_services: bool = False) -> OrgbootRoles:
    """The roles orgboot itself goes through (its StackSets, break-glass), which guardrails exempt
    or protect, and where the StackSets deploy; `security_services`: whether its StackSets run
    security services in member accounts too (security_services.run_by_stack_sets)."""
    renamed = sorted({account.role_name for account in accounts.values() if account.role_name})
    third_parties = sorted({r.trust.third_party_account for r in member_roles.catalogue.values() if r.trust.third_party_account})
    return OrgbootRoles(
        (ACCESS_ROLE, *renamed), tuple(member_roles.catalogue), tuple(third_parties), member_roles.rollout.region, (), security_services
    )


def with_exempted(roles: OrgbootRoles, uses: Mapping[str, _Use]) -> OrgbootRoles:
    """`roles` with the roles the guardrails' `exempt_roles` name, and the ARN patterns of the roles of
    the permission sets their `exempt_permission_sets` name: protect-orgboot-roles protects them too,
    since an exemption by name is a way around a guardrail for whoever creates the name. (IAM Identity
    Center provisions its roles through its service-linked role, which no SCP restricts: Organizations
    User Guide, "Service control policies (SCPs)": SCPs do not affect service-linked roles.)"""
    exempted = dict.fromkeys(name for use in uses.values() for name in getattr(use, "exempt_principals", ()))
    return replace(roles, exempted=tuple(exempted))


def pack_guardrails(uses: Mapping[str, _Use], roles: OrgbootRoles) -> list[Pack]:
    roles = with_exempted(roles, uses)
    enabled = []
    for key, use in uses.items():
        guardrail = REGISTRY[use.guardrail]
        enabled.append(Enabled(key, guardrail.policy_type, use.targets, tuple(guardrail.statements(use, roles))))
    return pack(enabled)
