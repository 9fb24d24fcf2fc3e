"""Custom::AWS (CDK's AwsCustomResource): the emulator makes the SDK call the resource describes,
with boto3 against moto, as CDK's provider function would with the JavaScript SDK."""

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

from orgboot.aws.organizations import STACKSETS_SERVICE_PRINCIPAL
from orgboot.emulator import account_management, service_linked_roles
from orgboot.emulator.config_delivery import delivery_problems
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.authorization import authorize, deployed_function, organization_of
from orgboot.emulator.handlers.base import Context, Handler, Result

# SDK v2 client names whose botocore name is another.
_BOTOCORE_NAMES = {"configservice": "config"}


def _service(name: str) -> str:
    # "Organizations", "IAM", "@aws-sdk/client-organizations" -> botocore's "organizations"
    service = name.removeprefix("@aws-sdk/client-").lower()
    return _BOTOCORE_NAMES.get(service, service)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """The response as CDK's provider returns it: nested keys joined with dots, list indexes too."""
    items: Iterable[tuple[str, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, child in items:
        flat.update(flatten(child, f"{prefix}.{key}" if prefix else str(key)))
    return flat


@cache
def _pattern(java_pattern: str) -> re.Pattern[str] | None:
    """The service model's pattern, or None where it uses Java regex syntax Python lacks (\\p{L}
    in tag values, an inline (?i)): such a value is left to the service, not refused by us."""
    try:
        return re.compile(java_pattern)
    except re.error:
        return None


def constraint_problems(shape: Any, value: Any, path: str = "") -> list[str]:
    """What the service says of parameters that break its API model's constraints (pattern, enum,
    length), which AWS checks and botocore and moto do not: "Value 'a--b' at 'accountAlias' failed
    to satisfy constraint: Member must satisfy regular expression pattern" (AWS API common errors,
    ValidationError)."""
    if shape is None:
        return []
    if shape.type_name == "structure" and isinstance(value, dict):
        return [p for name, member in shape.members.items() if name in value for p in constraint_problems(member, value[name], name)]
    if shape.type_name == "list" and isinstance(value, list):
        return [p for item in value for p in constraint_problems(shape.member, item, path)]
    if shape.type_name != "string" or not isinstance(value, str):
        return []
    constraints, broken = shape.metadata, []
    if "pattern" in constraints and (pattern := _pattern(constraints["pattern"])) and not pattern.search(value):
        broken.append(f"satisfy regular expression pattern: {constraints['pattern']}")
    if "enum" in constraints and value not in constraints["enum"]:
        broken.append(f"satisfy enum value set: {constraints['enum']}")
    if not constraints.get("min", 0) <= len(value) <= constraints.get("max", len(value)):
        broken.append(f"have length between {constraints.get('min', 0)} and {constraints.get('max')}")
    return [f"Value '{value}' at '{path}' failed to satisfy constraint: Member must {rule}" for rule in broken]


def _activate_organizations_access(ctx: Context, parameters: dict[str, Any], region: str) -> dict[str, Any]:
    ctx.engine.stack_sets_trusted_access = True
    organizations = ctx.aws.client("organizations")
    organizations.enable_aws_service_access(ServicePrincipal=STACKSETS_SERVICE_PRINCIPAL)
    return {}


def _put_delivery_channel(ctx: Context, parameters: dict[str, Any], region: str) -> dict[str, Any]:
    """PutDeliveryChannel, refused where AWS Config could not deliver to the bucket, which moto
    does not check (config_delivery.py)."""
    channel = parameters.get("DeliveryChannel", {})
    if problems := delivery_problems(ctx.aws.account_id, region, channel, organization_of(ctx), ctx.aws.endpoint_url):
        raise EmulationError(f"ConfigService.putDeliveryChannel failed: {'; '.join(problems)}")
    ctx.aws.client("config", region).put_delivery_channel(**parameters)
    return {}


# Calls moto does not implement, performed by the emulator itself with the same effect; and calls
# moto checks less than AWS does, checked first.
EMULATED_CALLS = {
    ("cloudformation", "activate_organizations_access"): _activate_organizations_access,
    ("config", "put_delivery_channel"): _put_delivery_channel,
}


def call(ctx: Context, spec: str | dict[str, Any], service_token: str) -> dict[str, Any]:
    """Run one AwsSdkCall as the provider function would; returns the flattened response ({} when
    the error was ignored)."""
    sdk_call = json.loads(spec) if isinstance(spec, str) else spec
    authorize(ctx, deployed_function(ctx, service_token).role_arn, sdk_call["service"], sdk_call["action"])
    service, action = _service(sdk_call["service"]), xform_name(sdk_call["action"].removesuffix("Command"))
    if (service, action) in EMULATED_CALLS:
        return EMULATED_CALLS[(service, action)](ctx, sdk_call.get("parameters", {}), sdk_call.get("region") or ctx.aws.region)
    try:
        client = ctx.aws.client(service, sdk_call.get("region"))
    except Exception:
        raise EmulationError(f"unknown AWS service '{sdk_call['service']}' in a Custom::AWS call") from None
    if not hasattr(client, action):
        raise EmulationError(f"{sdk_call['service']} has no action '{sdk_call['action']}'")
    operation = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[action])
    if problems := constraint_problems(operation.input_shape, sdk_call.get("parameters", {})):
        raise EmulationError(f"{sdk_call['service']}.{sdk_call['action']} failed: ValidationError: {'; '.join(problems)}")
    try:
        # The SDK checks the parameters before anything reaches the service.
        validate_parameters(sdk_call.get("parameters", {}), operation.input_shape)
        ctx.engine.policy_type_activations.refuse_change(operation.name, sdk_call.get("parameters", {}))
        if service == "iam":
            service_linked_roles.refuse_taken(ctx.aws, operation.name, sdk_call.get("parameters", {}))
        if service == "account":
            account_management.refuse(ctx.aws, operation.name, sdk_call.get("parameters", {}))
        response = getattr(client, action)(**sdk_call.get("parameters", {}))
    except ClientError as error:
        code = error.response["Error"]["Code"]
        ignore = sdk_call.get("ignoreErrorCodesMatching")
        if ignore and re.search(ignore, code):
            return {}
        raise EmulationError(
            f"{sdk_call['service']}.{sdk_call['action']} failed: {code}: {error.response['Error'].get('Message')}"
        ) from None
    response.pop("ResponseMetadata", None)
    ctx.engine.policy_type_activations.started(operation.name, sdk_call.get("parameters", {}))
    flat = flatten(response)
    if paths := sdk_call.get("outputPaths"):
        flat = {k: v for k, v in flat.items() if any(k.startswith(p) for p in paths)}
    return flat


def _physical_id(sdk_call: dict[str, Any], response: dict[str, Any], default: str) -> str:
    physical = sdk_call.get("physicalResourceId") or {}
    if "id" in physical:
        return str(physical["id"])
    if "responsePath" in physical:
        return str(response[physical["responsePath"]])
    return default


class AwsCustomResource(Handler):
    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        sdk_call = json.loads(props["Create"])
        response = call(ctx, sdk_call, props["ServiceToken"])
        return Result(_physical_id(sdk_call, response, ctx.logical_id), response)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if "Update" not in new:
            return Result(physical_id)
        sdk_call = json.loads(new["Update"])
        response = call(ctx, sdk_call, new["ServiceToken"])
        return Result(_physical_id(sdk_call, response, physical_id), response)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        if "Delete" in props:
            call(ctx, props["Delete"], props["ServiceToken"])


HANDLERS: dict[str, Handler] = {"Custom::AWS": AwsCustomResource()}
