"""APIs the emulator answers itself where moto lacks them (IAM Access Analyzer; GuardDuty's and
Security Hub's organization APIs), keeping the state AWS would, so that what orgboot deploys can be
read back by any AWS tool: boto3 in this process and, through the served emulated AWS
(server.py), the aws CLI or a scanner. An API that extends moto's (IAM Identity Center's sso-admin,
the Account Management API's PutAccountName: Api.extends_moto) answers the operations it has a
method for, and leaves the others to moto, after checking their parameters against the service
model as AWS does. After moto answers a call, what AWS does besides follows (_after_moto).

Every AWS request of the emulated AWS, in-process or served, passes moto's request dispatcher
(moto.core.models.botocore_stubber). While the emulated AWS lives, that dispatcher first offers the
request to these APIs, by the endpoint it is sent to; what they do not own goes on to moto. The
caller's account is the one moto would find: its x-moto-account-id header, else the account of
its access key."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSPreparedRequest

from orgboot.aws.regions import HOME_REGION
from orgboot.aws.security_services import SECURITY_HUB
from orgboot.emulator.apis.access_analyzer import AccessAnalyzer
from orgboot.emulator.apis.account_names import AccountNames
from orgboot.emulator.apis.api import Api, Call
from orgboot.emulator.apis.guardduty import GuardDuty
from orgboot.emulator.apis.identity_center import IdentityCenter
from orgboot.emulator.apis.rest_json import ApiError, Response, answer, error, parse_json_request, parse_request
from orgboot.emulator.apis.security_hub import SecurityHub
from orgboot.emulator.aws import AwsAccount
from orgboot.emulator.handlers.custom_aws import constraint_problems

_APIS: dict[str, Api] = {}  # by endpoint prefix; filled while the emulated AWS lives


def _new_apis() -> dict[str, Api]:
    return {api.endpoint_prefix: api for api in (AccessAnalyzer(), GuardDuty(), SecurityHub(), IdentityCenter(), AccountNames())}


def identity_center() -> IdentityCenter:
    """IAM Identity Center's sso-admin as the emulated AWS answers it (only while it lives)."""
    api = _APIS.get(IdentityCenter().endpoint_prefix)
    if not isinstance(api, IdentityCenter):
        raise RuntimeError("IAM Identity Center is answered only within emulated_aws()")
    return api


def endpoint_prefix(signing_name: str) -> str | None:
    """The endpoint of an API answered here, by the service name a request is signed for."""
    return next((prefix for prefix, api in _new_apis().items() if api.signing_name == signing_name and not api.extends_moto), None)


def _handle(request: AWSPreparedRequest) -> Response | None:
    host = request.url.split("://", 1)[-1].split("/", 1)[0]
    prefix, _, rest = host.partition(".")
    api = _APIS.get(prefix)
    if api is None:
        return None
    region = rest.split(".", 1)[0]
    raw_headers: dict[str, Any] = dict(request.headers.items())  # botocore's values are str, or bytes for some
    headers = {key: value.decode() if isinstance(value, bytes) else str(value) for key, value in raw_headers.items()}
    raw: Any = request.body  # bytes from the served emulator, str or bytes from botocore, a stream for some
    body = raw.encode() if isinstance(raw, str) else raw.read() if hasattr(raw, "read") else bytes(raw or b"")
    if hasattr(raw, "read"):
        request.body = body  # read once: what is left to moto reads it again
    if api.model.protocol == "json":
        operation, params = parse_json_request(api.model, headers, body)
    else:
        operation, params = parse_request(api.model, request.method, request.url, headers, body)
    call = Call(_account(headers), region, operation.name, params)
    try:
        # What the service model constrains (patterns, enums, lengths) AWS checks before anything else.
        if problems := constraint_problems(operation.input_shape, params):
            raise ApiError("ValidationException", "; ".join(problems))
        if api.extends_moto and not api.answers(operation.name):
            return None  # moto's, as it is
        return answer(operation, api.handle(call))
    except ApiError as failure:
        return error(api.model, failure)


_ORGANIZATIONS_TARGET = "AWSOrganizationsV20161128."  # the X-Amz-Target prefix of Organizations' calls (json protocol)


def _after_moto(request: AWSPreparedRequest, answered: Any) -> None:
    """What AWS does beyond what moto did for a call moto answered: a policy type's change detaches
    or reattaches policies (policy_types.follow_up)."""
    from orgboot.emulator.policy_types import CHANGES, follow_up

    found: Any = request.headers.get("X-Amz-Target") or b""  # botocore's headers: case-insensitive, str or bytes
    target = found.decode() if isinstance(found, bytes) else str(found)
    operation = target.removeprefix(_ORGANIZATIONS_TARGET)
    if operation == target or operation not in CHANGES or not answered or answered[0] != 200:
        return
    raw_headers: dict[str, Any] = dict(request.headers.items())
    headers = {key: value.decode() if isinstance(value, bytes) else str(value) for key, value in raw_headers.items()}
    raw: Any = request.body
    parameters = json.loads(raw.decode() if isinstance(raw, bytes) else str(raw or "{}"))
    follow_up(AwsAccount(_account(headers), HOME_REGION).client("organizations"), operation, str(parameters.get("PolicyType")))


def _account(headers: dict[str, str]) -> str:
    lower = {key.lower(): value for key, value in headers.items()}
    if "x-moto-account-id" in lower:
        return lower["x-moto-account-id"]
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    credential = lower.get("authorization", "").split("Credential=", 1)[-1].split("/", 1)[0]
    return get_account_id_from(credential) if credential else DEFAULT_ACCOUNT_ID


def settle() -> None:
    """What AWS does in the background since the last call is done (GuardDuty's auto-enable)."""
    for api in _APIS.values():
        api.settle()


@contextmanager
def answering() -> Iterator[None]:
    """These APIs answer, with fresh state, for the duration of the block (within mock_aws)."""
    from moto.core.models import botocore_stubber
    from moto.organizations.models import FakeDelegatedAdministrator

    moto_dispatch = botocore_stubber.process_request
    # moto's list of services that take a delegated administrator lacks Security Hub, which does
    # ("AWS services that you can use with AWS Organizations", Organizations User Guide).
    supported = FakeDelegatedAdministrator.SUPPORTED_SERVICES
    FakeDelegatedAdministrator.SUPPORTED_SERVICES = [*supported, SECURITY_HUB]

    def dispatch(request: Any) -> Any:
        handled = _handle(request)
        if handled is not None:
            return handled
        answered = moto_dispatch(request)
        _after_moto(request, answered)
        return answered

    _APIS.clear()
    _APIS.update(_new_apis())
    botocore_stubber.process_request = dispatch  # type: ignore[method-assign]
    try:
        yield
    finally:
        del botocore_stubber.process_request  # moto's own method again
        FakeDelegatedAdministrator.SUPPORTED_SERVICES = supported
        _APIS.clear()
