"""The emulated AWS served over HTTP on this machine (`orgboot emulate --serve`): the aws CLI, boto3
or any AWS tool reads and writes it with `--endpoint-url`, and orgboot deploys and imports
assemblies into it through a small control endpoint beside the AWS APIs.

One process holds it all: moto's backends (in-process, as `emulated_aws()` gives them), and the
engine that keeps CloudFormation's stack state and reaches some moto internals (IAM's managed
policies). An AWS request is answered by moto exactly as an in-process boto3 call is: it goes to
moto's request dispatcher (the one mock_aws installs into botocore) under the AWS URL its SigV4
signature names. moto's own server (Flask) is not used: it needs moto[server]'s dependencies and
keeps its own view of the same backends.

Control protocol (JSON over HTTP, under /_orgboot/, a path no AWS API uses: S3 bucket names cannot
start with "_"):

    GET  /_orgboot/status -> {"emulator": "orgboot", "version", "management_account_id", "stacks", "busy"}
    POST /_orgboot/deploy    {"stacks": [{"name", "region", "template", "dependencies"}],  # deployment order
                              "parameters": {"Stack:Name": "value"},
                              "mappings": null | {"Stack": {"LogicalId": {"IdentifierProperty": "value"}}}}
                          -> {"events": [{"stack", "logical_id", "type", "action", "account_id"}],
                              "drift": [{"stack", "logical_id", "resource_type", "property", "template_value", "live_value"}],
                              "warnings": ["what the CDK CLI's importer warns about (resources skipped)"],
                              "error": null | "why the deploy or import failed",
                              "previously_deployed": whether the engine held stacks before this request,
                              "notes": ["what the emulator did besides the templates (IAM Identity Center's stand-ins)"]}

With mappings null the stacks are deployed as `cdk deploy` would (deploy_assembly); otherwise each
stack that has a mapping is imported, one after another, as `cdk import STACK --resource-mapping
FILE` would (importing.import_assembly). A failed deploy or import answers 200 with its error and
the events done before it (the emulator does not roll back). A malformed request answers 400 and
a bug in orgboot 500, both as {"error": ...}. One request at a time reaches moto and the engine:
moto's backends are not thread-safe, and a deploy must not interleave with other writes.
"""

import dataclasses
import json
import re
import socket
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any, Self, cast

import moto.backend_index as backend_index
from botocore.awsrequest import AWSPreparedRequest, HeadersDict
from moto.core.models import botocore_stubber
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from orgboot import __version__
from orgboot.aws.quotas import ACCOUNTS_PER_ORGANIZATION_DEFAULT
from orgboot.emulator import apis, deploy_assembly
from orgboot.emulator.assembly import AssemblyStack
from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, NOT_IMPLEMENTED_HEADER, emulated_aws
from orgboot.emulator.engine import Engine, Event
from orgboot.emulator.errors import EmulationError

CONTROL = "/_orgboot/"
LOCALHOST = "127.0.0.1"
# SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/organizations/aws4_request, ...", or
# X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request in a presigned URL's query.
_SCOPE = re.compile(r"Credential=[^/,\s]*/\d{8}/([a-z0-9-]+)/([a-z0-9.-]+)/aws4_request", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What a deploy or an import did: the engine's events (failed or not), drift found by an import
    (importing.Drift as a dict), what the CDK CLI's importer would warn about, the failure, and
    whether the emulated AWS held stacks before."""

    events: list[Event]
    drift: list[dict[str, Any]]
    warnings: list[str]
    error: str | None
    previously_deployed: bool
    notes: list[str] = dataclasses.field(default_factory=list)  # what the emulator did besides the templates (Engine.notes)

    def as_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "events": [dataclasses.asdict(event) for event in self.events]}

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> "Outcome":
        return cls(
            events=[Event(**event) for event in body["events"]],
            drift=list(body["drift"]),
            warnings=[str(warning) for warning in body["warnings"]],
            error=body["error"],
            previously_deployed=bool(body["previously_deployed"]),
            notes=[str(note) for note in body.get("notes", [])],
        )


class EmulatorServer:
    """An emulated AWS (moto in memory) and one engine deploying into it, served at `url` until
    the block ends. Its backends are this process's: in-process clients (management(), the
    engine's) and HTTP clients see and change the same AWS."""

    def __init__(
        self,
        port: int = 0,
        host: str = LOCALHOST,
        on_event: Callable[[Event], None] | None = None,
        log: Callable[[str], None] = lambda line: None,
        account_quota: int | None = ACCOUNTS_PER_ORGANIZATION_DEFAULT,
    ) -> None:
        self.host, self.port = host, port
        self.on_event = on_event  # the engine's progress callback, for whoever deploys in this process
        self.log = log  # a line for whoever serves: each deploy or import through the control endpoint, each bug
        self.lock = threading.RLock()  # held by each AWS request, deploy and import
        self.engine = Engine(on_event=lambda event: self.on_event(event) if self.on_event else None, account_quota=account_quota)
        self._exit = ExitStack()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        with ExitStack() as starting:
            starting.enter_context(emulated_aws())  # mock_aws resets moto's backends: first, then serve them
            # Bound here: werkzeug's own bind exits the process when the port is taken.
            with socket.create_server((self.host, self.port)) as listener:
                self._server = make_server(self.host, self.port, self, threaded=True, request_handler=_QuietHandler, fd=listener.fileno())
            starting.callback(self._server.server_close)
            self._thread = threading.Thread(target=self._server.serve_forever, name="orgboot-emulator", daemon=True)
            self._thread.start()
            self._exit = starting.pop_all()
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._exit.close()

    # What orgboot does in the serving process, and what the control endpoint runs.

    def apply(
        self,
        stacks: list[AssemblyStack],
        parameters: Mapping[str, str],
        mappings: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
    ) -> Outcome:
        """Deploy the stacks as `cdk deploy` would, or with `mappings` import each stack that has
        one, one after another, as `cdk import STACK --resource-mapping FILE` would. A failure is
        part of the outcome, with what was done before it."""
        with self.lock:
            previously_deployed = bool(self.engine.stacks)
            first, first_note = len(self.engine.events), len(self.engine.notes)
            drift: list[dict[str, Any]] = []
            warnings: list[str] = []
            error = None
            try:
                if mappings is None:
                    deploy_assembly(self.engine, stacks, parameters)
                else:
                    drift = self._import(stacks, mappings, warnings)
            except EmulationError as failure:
                error = str(failure)
            return Outcome(self.engine.events[first:], drift, warnings, error, previously_deployed, self.engine.notes[first_note:])

    def _import(
        self, stacks: list[AssemblyStack], mappings: Mapping[str, Mapping[str, Mapping[str, str]]], warnings: list[str]
    ) -> list[dict[str, Any]]:
        from orgboot.emulator.importing import import_assembly

        if not any(mappings.values()):
            raise EmulationError("no resource mappings: nothing to import")
        # One `cdk import` after another (import_assembly): what one imported stays when a later one fails.
        return [dataclasses.asdict(item) for item in import_assembly(self.engine, stacks, mappings, on_warning=warnings.append)]

    # WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._control(request) if request.path.startswith(CONTROL) else self._aws(request, environ)
        except Exception as error:  # a bug: the client says so; the traceback is for whoever serves
            self.log(traceback.format_exc().rstrip())
            response = _json({"error": f"internal error in the emulated AWS: {type(error).__name__}: {error}"}, 500)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _aws(self, request: Request, environ: Mapping[str, Any]) -> Response:
        scope = _SCOPE.search(request.headers.get("Authorization", "")) or _SCOPE.search(request.query_string.decode("latin-1"))
        if scope is None:
            return Response(
                "orgboot's emulated AWS answers SigV4-signed AWS API requests: give the client any credentials"
                " (AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing) and a region (us-east-1)\n",
                400,
                content_type="text/plain",
            )
        region, service = scope.group(1).lower(), scope.group(2).lower()
        base = _aws_base(service, region)
        if base is None:
            return Response(f"orgboot's emulated AWS (moto) does not serve {service}\n", 404, content_type="text/plain")
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
        path = raw if raw.startswith("/") else request.full_path.removesuffix("?")
        if service == "s3" and path.startswith("/v20180820/"):
            # S3 Control signs as s3 (its service model's signingName): moto's own server tells it by
            # this path (moto_server/werkzeug_app.py) and serves it at the account's S3 Control host
            # (moto/s3control/urls.py), the account in its x-amz-account-id header.
            base = f"https://{request.headers.get('x-amz-account-id', '')}.s3-control.{region}.amazonaws.com"
        # Headers as botocore hands them to moto in this process (case-insensitive: moto looks for
        # x-moto-account-id), with the host the request would have gone to in AWS.
        headers = HeadersDict((key, value) for key, value in request.headers.items() if key.lower() != "host")
        headers["Host"] = base.split("://", 1)[1]
        prepared = AWSPreparedRequest(request.method, base + path, cast(Any, headers), request.get_data(), False)
        with self.lock:
            try:
                answer = botocore_stubber.process_request(prepared)
            # moto's word for an API it does not serve (AwsAccount's clients raise it again); and moto's
            # CloudFormation, which needs packages moto[s3] leaves out: the engine keeps StackSets itself.
            except (NotImplementedError, ModuleNotFoundError) as error:
                # An HTML body: botocore reads any 5xx whose body starts with <html> as a generic
                # error (ClientError, code 501) whatever the service's protocol (botocore parsers.py,
                # _is_generic_error_response), so every AWS client gets an error it can handle.
                return Response(
                    f"<html><body>orgboot's emulated AWS (moto) does not emulate this call: {escape(str(error))}</body></html>\n",
                    501,
                    headers={NOT_IMPLEMENTED_HEADER: "true"},
                    content_type="text/html",
                )
        if answer is None:
            return Response(f"orgboot's emulated AWS (moto) does not serve {base}{path}\n", 404, content_type="text/plain")
        status, answer_headers, body = answer
        response = Response(body, int(status), headers={k: str(v) for k, v in answer_headers.items() if v is not None})
        if request.method == "HEAD" and "content-length" in answer_headers:  # as moto's own server does
            response.headers["Content-Length"] = str(answer_headers["content-length"])
        return response

    def _control(self, request: Request) -> Response:
        command = request.path.removeprefix(CONTROL).rstrip("/")
        if command == "status" and request.method == "GET":
            return _json(self._status())
        if command == "deploy" and request.method == "POST":
            try:
                stacks, parameters, mappings = _deploy_request(request.get_data())
            except (ValueError, TypeError) as error:
                return _json({"error": f"malformed deploy request: {error}"}, 400)
            return _json(self._deploy_answer(stacks, parameters, mappings))
        return _json({"error": f"no {request.method} {request.path} here (GET {CONTROL}status, POST {CONTROL}deploy)"}, 404)

    def _status(self) -> dict[str, Any]:
        return {
            "emulator": "orgboot",
            "version": __version__,
            "management_account_id": MANAGEMENT_ACCOUNT_ID,
            "stacks": sorted(name for account, name in list(self.engine.stacks) if account == MANAGEMENT_ACCOUNT_ID),
            "busy": not self._idle(),
        }

    def _idle(self) -> bool:
        if self.lock.acquire(blocking=False):
            self.lock.release()
            return True
        return False

    def _deploy_answer(self, stacks: list[AssemblyStack], parameters: dict[str, str], mappings: dict[str, Any] | None) -> dict[str, Any]:
        outcome = self.apply(stacks, parameters, mappings)
        what = "deploy" if mappings is None else "import"
        done = f"failed: {outcome.error}" if outcome.error else f"{len(outcome.events)} resource events, {len(outcome.drift)} drifted"
        self.log(f"{what} of {', '.join(stack.name for stack in stacks)}: {done}")
        return outcome.as_json()


@cache
def _aws_base(service: str, region: str) -> str | None:
    """The AWS endpoint a request signed for `service` in `region` goes to, as moto knows it (the
    regional one, or the global one: budgets, IAM), or as the emulator's own APIs answer it."""
    for base in (f"https://{service}.{region}.amazonaws.com", f"https://{service}.amazonaws.com"):
        if any(pattern.match(base + "/") for _, pattern in backend_index.backend_url_patterns):
            return base
    prefix = apis.endpoint_prefix(service)  # an API the emulator answers itself (apis/__init__.py)
    return None if prefix is None else f"https://{prefix}.{region}.amazonaws.com"


def _deploy_request(body: bytes) -> tuple[list[AssemblyStack], dict[str, str], dict[str, Any] | None]:
    request = json.loads(body or b"null")
    if not isinstance(request, dict):
        raise ValueError("the body must be a JSON object")
    stacks = []
    for stack in _typed(request.get("stacks"), list, "stacks"):
        stack = _typed(stack, dict, "each stack")
        stacks.append(
            AssemblyStack(
                name=_typed(stack.get("name"), str, "a stack's name"),
                region=_typed(stack.get("region"), str, "a stack's region"),
                template=_typed(stack.get("template"), dict, "a stack's template"),
                dependencies=tuple(_typed(d, str, "a dependency") for d in _typed(stack.get("dependencies", []), list, "dependencies")),
            )
        )
    if not stacks:
        raise ValueError("no stacks")
    parameters = _typed(request.get("parameters", {}), dict, "parameters")
    for key, value in parameters.items():
        _typed(value, str, f"parameter {key}")
    mappings = request.get("mappings")
    if mappings is not None:  # as orgboot/spec/adoption.py reads them: {"Stack": {"LogicalId": {"IdentifierProperty": "value"}}}
        for stack_name, resources in _typed(mappings, dict, "mappings").items():
            for logical_id, identifier in _typed(resources, dict, f"mappings of {stack_name}").items():
                for value in _typed(identifier, dict, f"the identifier of {stack_name}/{logical_id}").values():
                    _typed(value, str, f"each value of the identifier of {stack_name}/{logical_id}")
    return stacks, parameters, mappings


def _typed(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a JSON {'object' if kind is dict else 'array' if kind is list else 'string'}")
    return value


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


class _QuietHandler(WSGIRequestHandler):
    """No line per request on stderr (werkzeug's default): the aws CLI makes many."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass
