"""A served emulated AWS (`orgboot emulate --serve`) seen from another process: its control
endpoint (server.py tells the protocol) for deploys and imports, and AwsAccount clients for
everything else (aws.management(endpoint_url=...))."""

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from orgboot import __version__
from orgboot.emulator.assembly import AssemblyStack
from orgboot.emulator.server import CONTROL, Outcome

STATUS_TIMEOUT = 10.0  # seconds: a served emulator answers its status at once, even mid-deploy
# A served emulated AWS is on this machine: never through a proxy the environment names.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Unreachable(Exception):
    """No orgboot emulator answers at the URL. The message names it and says what to do."""


class RemoteEmulator:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
            raise Unreachable(f"{url} is not an emulator's URL: give the URL `orgboot emulate --serve` printed (http://127.0.0.1:PORT)")
        self.url = url.rstrip("/")

    def status(self) -> dict[str, Any]:
        """The served emulator's status; Unreachable when nothing, or something else, answers."""
        status = self._call("GET", "status", None, STATUS_TIMEOUT)
        if not isinstance(status, dict) or status.get("emulator") != "orgboot":
            raise Unreachable(f"{self.url} is not an orgboot emulator (GET {CONTROL}status did not answer as one)")
        return status

    def apply(
        self,
        stacks: list[AssemblyStack],
        parameters: Mapping[str, str],
        mappings: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
    ) -> Outcome:
        """Deploy (or import, with `mappings`) the stacks in the served emulator; it may take minutes."""
        request = {
            "stacks": [{"name": s.name, "region": s.region, "template": s.template, "dependencies": list(s.dependencies)} for s in stacks],
            "parameters": dict(parameters),
            "mappings": mappings,
        }
        return Outcome.from_json(self._call("POST", "deploy", request, None))

    def _call(self, method: str, command: str, body: Any, timeout: float | None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{CONTROL}{command}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "User-Agent": f"orgboot/{__version__}"},
        )
        try:
            with _NO_PROXY.open(request, timeout=timeout) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            text = error.read()
            answer = _parsed(text)
            why = answer.get("error") if isinstance(answer, dict) else None
            if why is None:
                raise Unreachable(
                    f"{self.url} is not an orgboot emulator ({method} {CONTROL}{command} answered HTTP {error.code})"
                ) from None
            if error.code >= 500:
                raise RuntimeError(why) from None  # a bug in the emulator: main() says "internal error"
            raise Unreachable(f"the emulator at {self.url} refused the request: {why}") from None
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise Unreachable(
                f"cannot reach an emulated AWS at {self.url} ({reason}): start one with `orgboot emulate --serve`"
                " and give the URL it prints"
            ) from None
        answer = _parsed(text)
        if answer is None:
            raise Unreachable(f"{self.url} is not an orgboot emulator ({method} {CONTROL}{command} did not answer JSON)")
        return answer


def _parsed(text: bytes) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
