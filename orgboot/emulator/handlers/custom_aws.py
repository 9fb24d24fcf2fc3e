"""Custom::AWS (CDK's AwsCustomResource): the emulator makes the SDK call the resource describes,
with boto3 against moto, as CDK's provider function would with the JavaScript SDK."""

import json
import re
from collections.abc import Iterable
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError

from orgboot.aws.organizations import STACKSETS_SERVICE_PRINCIPAL
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.base import Context, Handler, Result


def _service(name: str) -> str:
    # "Organizations", "IAM", "@aws-sdk/client-organizations" -> botocore's "organizations"
    return name.removeprefix("@aws-sdk/client-").lower()


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


def _activate_organizations_access(ctx: Context, parameters: dict[str, Any]) -> dict[str, Any]:
    ctx.engine.stack_sets_trusted_access = True
    organizations = ctx.aws.client("organizations")
    organizations.enable_aws_service_access(ServicePrincipal=STACKSETS_SERVICE_PRINCIPAL)
    return {}


# Calls moto does not implement, performed by the emulator itself with the same effect.
EMULATED_CALLS = {("cloudformation", "activate_organizations_access"): _activate_organizations_access}


def call(ctx: Context, spec: str | dict[str, Any]) -> dict[str, Any]:
    """Run one AwsSdkCall; returns the flattened response ({} when the error was ignored)."""
    sdk_call = json.loads(spec) if isinstance(spec, str) else spec
    service, action = _service(sdk_call["service"]), xform_name(sdk_call["action"].removesuffix("Command"))
    if (service, action) in EMULATED_CALLS:
        return EMULATED_CALLS[(service, action)](ctx, sdk_call.get("parameters", {}))
    try:
        client = ctx.aws.client(service, sdk_call.get("region"))
    except Exception:
        raise EmulationError(f"unknown AWS service '{sdk_call['service']}' in a Custom::AWS call") from None
    if not hasattr(client, action):
        raise EmulationError(f"{sdk_call['service']} has no action '{sdk_call['action']}'")
    try:
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
        response = call(ctx, sdk_call)
        return Result(_physical_id(sdk_call, response, ctx.logical_id), response)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        if "Update" not in new:
            return Result(physical_id)
        sdk_call = json.loads(new["Update"])
        response = call(ctx, sdk_call)
        return Result(_physical_id(sdk_call, response, physical_id), response)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        if "Delete" in props:
            call(ctx, props["Delete"])


HANDLERS: dict[str, Handler] = {"Custom::AWS": AwsCustomResource()}
