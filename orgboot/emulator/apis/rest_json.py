"""AWS's rest-json protocol, server side, as far as the emulator's own APIs need it: a request
matched to its operation by HTTP method and URI template, its parameters read from the URI, the
query string, headers and the JSON body under the names the service model gives them on the wire
(locationName), and the answer or the error written back as botocore reads them (botocore
parsers.py, RestJSONParser: the error code in the x-amzn-ErrorType header, its message in the body;
the status code from the error shape, 400 when it has none)."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.model import OperationModel, ServiceModel, Shape

Response = tuple[int, dict[str, str], str]  # moto's TYPE_RESPONSE: status, headers, body


class ApiError(Exception):
    """An error the service answers, by its code (AccessDeniedException, ...) and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Route:
    operation: OperationModel
    pattern: re.Pattern[str]
    literal: int  # characters of the template that are not variables: the most specific route wins


@cache
def _routes(model: ServiceModel) -> tuple[Route, ...]:
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        template = operation.http["requestUri"].split("?", 1)[0]
        pattern, literal, position = "", 0, 0
        for variable in re.finditer(r"\{(\w+)(\+?)\}", template):
            text = template[position : variable.start()]
            pattern += re.escape(text) + (f"(?P<{variable[1]}>.+)" if variable[2] else f"(?P<{variable[1]}>[^/]+)")
            literal, position = literal + len(text), variable.end()
        pattern += re.escape(template[position:])
        routes.append(Route(operation, re.compile(pattern + "/?"), literal + len(template) - position))
    return tuple(sorted(routes, key=lambda route: -route.literal))


def parse_request(
    model: ServiceModel, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> tuple[OperationModel, dict[str, Any]]:
    """The operation a request calls and its parameters, keyed as botocore's input shape names them."""
    parts = urlsplit(url)
    for route in _routes(model):
        match = route.pattern.fullmatch(parts.path)
        if route.operation.http["method"] == method and match:
            break
    else:
        raise NotImplementedError(f"{model.service_name}: no operation answers {method} {parts.path}")
    operation = route.operation
    shape = operation.input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return operation, params
    document = json.loads(body or b"{}") if body else {}
    query = parse_qs(parts.query, keep_blank_values=True)
    lower_headers = {key.lower(): value for key, value in headers.items()}
    for name, member in shape.members.items():
        location, wire = member.serialization.get("location"), member.serialization.get("name", name)
        if location == "uri" and match.group(wire) is not None:
            params[name] = _scalar(member, unquote(match.group(wire)))
        elif location == "querystring" and wire in query:
            values = query[wire]
            params[name] = [_scalar(member.member, v) for v in values] if member.type_name == "list" else _scalar(member, values[0])  # type: ignore[attr-defined]
        elif location == "header" and wire.lower() in lower_headers:
            params[name] = _scalar(member, lower_headers[wire.lower()])
        elif location is None and wire in document:
            params[name] = _from_wire(member, document[wire])
    return operation, params


def parse_json_request(model: ServiceModel, headers: Mapping[str, str], body: bytes) -> tuple[OperationModel, dict[str, Any]]:
    """The operation a request of AWS's json protocol calls (its X-Amz-Target header names it:
    "<TargetPrefix>.<Operation>") and its parameters, the JSON body (botocore serialize.py,
    JSONSerializer). The answers and errors are written as for rest-json (botocore parsers.py,
    JSONParser, reads both alike)."""
    target = {key.lower(): value for key, value in headers.items()}.get("x-amz-target", "")
    name = target.rpartition(".")[2]
    if name not in model.operation_names:
        raise NotImplementedError(f"{model.service_name}: no operation answers X-Amz-Target {target!r}")
    operation = model.operation_model(name)
    document = json.loads(body or b"{}") if body else {}
    shape = operation.input_shape
    return operation, (_from_wire(shape, document) if shape is not None and isinstance(document, dict) else {})


def _scalar(shape: Shape, text: str) -> Any:
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text


def _from_wire(shape: Shape, value: Any) -> Any:
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {name: _from_wire(m, value[w]) for name, m in members.items() if (w := m.serialization.get("name", name)) in value}
    if shape.type_name == "list" and isinstance(value, list):
        return [_from_wire(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _from_wire(shape.value, item) for key, item in value.items()}  # type: ignore[attr-defined]
    return value


def _to_wire(shape: Shape, value: Any) -> Any:
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {m.serialization.get("name", name): _to_wire(m, value[name]) for name, m in members.items() if value.get(name) is not None}
    if shape.type_name == "list" and isinstance(value, list | tuple):
        return [_to_wire(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: _to_wire(shape.value, item) for key, item in value.items()}  # type: ignore[attr-defined]
    if shape.type_name == "timestamp" and isinstance(value, datetime):
        # rest-json bodies carry epoch seconds unless the shape asks for ISO 8601 (botocore serialize.py)
        return value.isoformat() if shape.serialization.get("timestampFormat") == "iso8601" else value.timestamp()
    return value


def answer(operation: OperationModel, output: Mapping[str, Any]) -> Response:
    shape = operation.output_shape
    body = {}
    if shape is not None:
        body = _to_wire(shape, {name: value for name, value in output.items() if name in shape.members})
    return operation.http.get("responseCode", 200), {"Content-Type": "application/json"}, json.dumps(body)


def error(model: ServiceModel, failure: ApiError) -> Response:
    status = 400
    if failure.code in model.shape_names:
        status = model.shape_for(failure.code).metadata.get("error", {}).get("httpStatusCode", 400)
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": failure.code}
    return status, headers, json.dumps({"message": failure.message, "__type": failure.code})
