"""Custom resources backed by a Lambda function whose code is inline in the template (ZipFile):
the emulator runs that very code in-process, as Lambda would, and takes its answer as
CloudFormation does ("Custom resources", CloudFormation User Guide: the request object, and the
response the function sends to the ResponseURL; `cfnresponse` is what Lambda provides to inline
code for that, "cfn-response module").

What the function's calls may do is decided as in AWS: each call is authorized against its
execution role's policies before it reaches moto. Time is fast-forwarded: `time.sleep` advances a
clock at once, and the function times out when the clock passes its Timeout."""

import json
import sys
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from unittest import mock

import boto3
from botocore.exceptions import ClientError

from orgboot.aws import quotas
from orgboot.aws.regions import PARTITION
from orgboot.aws.sdk_permissions import RENAMED
from orgboot.emulator import account_management, service_linked_roles
from orgboot.emulator.aws import route_to_account
from orgboot.emulator.clock import EmulatedClock
from orgboot.emulator.errors import EmulationError
from orgboot.emulator.handlers.authorization import AccessDenied, authorize, deployed_function
from orgboot.emulator.handlers.base import Context, Handler, Result
from orgboot.emulator.handlers.custom_aws import constraint_problems
from orgboot.emulator.handlers.lambda_function import DeployedFunction


@dataclass(frozen=True)
class Answer:
    status: str
    data: dict[str, Any]
    physical_id: str | None
    reason: str | None


class _TimedOut(BaseException):  # not an Exception: the function's own `except Exception` must not catch it
    pass


class _Clock:
    """The invocation's time, against its Timeout; each sleep also advances the Engine's clock
    (orgboot/emulator/clock.py), on which what AWS does in the background completes."""

    def __init__(self, timeout_seconds: int, emulated: EmulatedClock) -> None:
        self.timeout_seconds, self.elapsed, self.emulated = timeout_seconds, 0.0, emulated

    def sleep(self, seconds: float) -> None:
        self.elapsed += seconds
        self.emulated.advance(seconds)
        if self.elapsed >= self.timeout_seconds:
            raise _TimedOut

    def get_remaining_time_in_millis(self) -> int:
        return int((self.timeout_seconds - self.elapsed) * 1000)


def invoke(
    ctx: Context, request_type: str, props: dict[str, Any], physical_id: str | None = None, old: dict[str, Any] | None = None
) -> Answer:
    function = _function(ctx, props["ServiceToken"])
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": props["ServiceToken"],
        "ResponseURL": "https://emulated-response-url",
        "StackId": f"arn:{PARTITION}:cloudformation:{ctx.aws.region}:{ctx.aws.account_id}:stack/{ctx.stack_name}/emulated",
        "RequestId": f"{ctx.stack_name}-{ctx.logical_id}-{request_type}",
        "ResourceType": ctx.resource_type,
        "LogicalResourceId": ctx.logical_id,
        "ResourceProperties": props,
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old is not None:
        event["OldResourceProperties"] = old
    answers: list[Answer] = []

    def send(
        event: Any,
        context: Any,
        responseStatus: str,
        responseData: Any,
        physicalResourceId: Any = None,
        noEcho: Any = False,
        reason: Any = None,
    ) -> None:  # cfnresponse.send's signature
        answers.append(Answer(responseStatus, dict(responseData or {}), physicalResourceId, reason))

    cfnresponse = types.ModuleType("cfnresponse")
    cfnresponse.SUCCESS, cfnresponse.FAILED, cfnresponse.send = "SUCCESS", "FAILED", send  # type: ignore[attr-defined]
    clock = _Clock(function.timeout_seconds, ctx.engine.clock)
    context = types.SimpleNamespace(
        get_remaining_time_in_millis=clock.get_remaining_time_in_millis,
        function_name=function.arn.rsplit(":", 1)[-1],
        invoked_function_arn=function.arn,
        # A new log stream per invocation, as a new Lambda container would have: cfnresponse
        # answers with it when the code gives no physical ID.
        log_stream_name=f"emulated/[$LATEST]{event['RequestId']}",
        aws_request_id=event["RequestId"],
    )
    module, handler_name = _entry_point(function)
    failure = None
    with (
        _module("cfnresponse", cfnresponse),
        mock.patch.object(boto3, "DEFAULT_SESSION", _session(ctx, function)),
        mock.patch.object(time, "sleep", clock.sleep),
    ):
        try:
            namespace: dict[str, Any] = {"__name__": module}
            exec(compile(function.inline_code or "", f"{function.arn}/{module}.py", "exec"), namespace)
            if handler_name not in namespace:
                raise EmulationError(f"Runtime.HandlerNotFound: {module}.{handler_name} is undefined in {function.arn}")
            namespace[handler_name](event, context)
        except _TimedOut:
            failure = f"timed out after {function.timeout_seconds} s"
        except EmulationError:
            raise
        except (Exception, SystemExit) as error:  # Lambda reports both (Runtime.ExitError for an exit)
            failure = f"failed: {type(error).__name__}: {error}"
    # What was sent counts, whatever the function did after: CloudFormation has the answer.
    if not answers:
        raise EmulationError(
            f"{function.arn} {failure or 'returned'} without answering CloudFormation (no cfnresponse.send); CloudFormation"
            " fails the resource when its ServiceTimeout passes"
        )
    answer = answers[0]
    if answer.physical_id is None:
        answer = replace(answer, physical_id=context.log_stream_name)  # cfnresponse's default
    response = {
        "Status": answer.status,
        "Reason": answer.reason,
        "PhysicalResourceId": answer.physical_id,
        "Data": answer.data,
        **{key: event[key] for key in ("StackId", "RequestId", "LogicalResourceId")},
    }
    size = len(json.dumps(response))
    if size > quotas.CUSTOM_RESOURCE_RESPONSE_MAX:
        # CloudFormation fails the resource: "Response object is too long." (the 4,096 bytes of quotas.py)
        raise EmulationError(f"Response object is too long ({size} bytes, at most {quotas.CUSTOM_RESOURCE_RESPONSE_MAX})")
    if answer.status != "SUCCESS":
        # CloudFormation's own words for a FAILED answer.
        raise EmulationError(f"Received response status [FAILED] from custom resource. Message returned: {answer.reason}")
    return answer


def _function(ctx: Context, service_token: str) -> DeployedFunction:
    function = deployed_function(ctx, service_token)
    if function.inline_code is None:
        raise EmulationError(f"{function.arn}: the emulator runs only functions whose code is inline in the template (ZipFile)")
    return function


@contextmanager
def _module(name: str, module: types.ModuleType) -> Iterator[None]:
    """`import name` gives `module` for the duration; only that entry of sys.modules is touched
    (restoring all of sys.modules would drop what was imported meanwhile, moto's models among it)."""
    saved = sys.modules.get(name)
    sys.modules[name] = module
    try:
        yield
    finally:
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved


def _entry_point(function: DeployedFunction) -> tuple[str, str]:
    # Inline Python code is saved as index.py (AWS::Lambda::Function Code, ZipFile).
    module, _, name = (function.handler or "").rpartition(".")
    if module != "index" or not name:
        raise EmulationError(f"{function.arn}: Handler {function.handler!r} must be index.<function> for inline code")
    return module, name


_PARAMETERS = "orgboot_parameters"  # where a call's parameters wait in its botocore request context


def _session(ctx: Context, function: DeployedFunction) -> Any:
    """The boto3 session the function's code gets from `boto3.client`: calls into moto as the
    account, each first authorized against the function's role (moto enforces no IAM) and refused
    while the role's new policy propagates (iam_propagation.py), and what moto leaves out of policy
    types put back: their pending states, and the refusal of a change while one is pending
    (policy_types.py), and what the Account Management API checks of alternate contacts
    (account_management.py). Code that makes a boto3.Session of its own bypasses this: orgboot's
    functions do not."""
    session = boto3.Session(region_name=ctx.aws.region, **dict(ctx.aws.credentials))

    def keep_parameters(params: dict[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
        context[_PARAMETERS] = dict(params)  # the call's own parameters, for the handlers below

    def before_call(model: Any, context: dict[str, Any], **kwargs: Any) -> None:
        propagation = ctx.engine.iam_propagation
        denied = propagation.refusal(ctx.engine, ctx.aws.account_id, ctx.stack_name, function.role_arn, model.name)
        if denied is None:
            try:
                # S3 Control signs as s3, whose operations of the same name are other actions (sdk_permissions.RENAMED).
                service = model.service_model.service_name
                if f"{service}:{model.name}" not in RENAMED:
                    service = model.service_model.signing_name
                authorize(ctx, function.role_arn, service, model.name)
            except AccessDenied as error:
                denied = str(error)
        if denied is not None:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": denied}}, model.name)
        # The service checks its model's constraints (pattern, enum, length), which botocore does not.
        if problems := constraint_problems(model.input_shape, context[_PARAMETERS]):
            raise ClientError({"Error": {"Code": "ValidationException", "Message": "; ".join(problems)}}, model.name)
        if model.service_model.service_name == "organizations":
            ctx.engine.policy_type_activations.refuse_change(model.name, context[_PARAMETERS])
        if model.service_model.service_name == "account":
            account_management.refuse(ctx.aws, model.name, context[_PARAMETERS])
        if model.service_model.service_name == "iam":
            service_linked_roles.refuse_taken(ctx.aws, model.name, context[_PARAMETERS])

    def after_call(model: Any, http_response: Any, parsed: dict[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
        if model.service_model.service_name != "organizations" or http_response.status_code >= 300:
            return
        if model.name == "ListRoots":
            ctx.engine.policy_type_activations.observe(parsed.get("Roots", []), ctx.logical_id)
        ctx.engine.policy_type_activations.started(model.name, context[_PARAMETERS])

    session.events.register("before-parameter-build", keep_parameters)
    session.events.register("before-call", before_call)
    session.events.register("before-sign", partial(route_to_account, account_id=ctx.aws.account_id))
    session.events.register("after-call", after_call)
    return session


class LambdaBackedResource(Handler):
    """Custom::<Name> and AWS::CloudFormation::CustomResource with a Lambda function's ServiceToken.
    A function that answers an update with a new physical ID asks CloudFormation for a replacement
    (it then deletes the old resource): not emulated, refused."""

    def create(self, ctx: Context, props: dict[str, Any]) -> Result:
        answer = invoke(ctx, "Create", props)
        return Result(answer.physical_id or ctx.logical_id, answer.data)

    def update(self, ctx: Context, physical_id: str, old: dict[str, Any], new: dict[str, Any]) -> Result:
        answer = invoke(ctx, "Update", new, physical_id, old)
        if answer.physical_id not in (None, physical_id):
            raise EmulationError(f"the function answered the update with a new physical ID ({answer.physical_id}): not emulated")
        return Result(physical_id, answer.data)

    def delete(self, ctx: Context, physical_id: str, props: dict[str, Any]) -> None:
        invoke(ctx, "Delete", props, physical_id)


LAMBDA_BACKED = LambdaBackedResource()
HANDLERS: dict[str, Handler] = {"AWS::CloudFormation::CustomResource": LAMBDA_BACKED}
