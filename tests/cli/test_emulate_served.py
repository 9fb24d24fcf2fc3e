"""`orgboot emulate --serve`: an emulated AWS kept running on this machine, which any AWS client
reads and writes at its URL, and which `orgboot emulate --endpoint-url URL` deploys and imports
into. Run as users run it: the installed `orgboot` command, a fresh server per scenario (an
organization exists once per emulated AWS)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import EXAMPLE_PARAMETERS, edited

ORGBOOT = Path(sys.executable).parent / "orgboot"  # the entry point `pip install` made
# No real credentials or endpoints reach the commands: the emulated AWS takes any.
ENV = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")} | {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"
}
PARAMETERS = [arg for key, value in EXAMPLE_PARAMETERS.items() for arg in ("--parameter", f"{key}={value}")]
STARTED_WITHIN = 60  # seconds; it takes about 2
SESSION: Any = boto3.Session()  # clients by service name, which boto3's stubs cannot follow


class Served:
    """`orgboot emulate --serve --port 0 ARGS` running: its URL (the first line of its output) and
    what it printed so far."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [str(ORGBOOT), "emulate", "--serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=ENV,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._first_line = threading.Event()
        # Read both pipes all along: a server blocked on a full pipe would answer nothing.
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        assert self._first_line.wait(STARTED_WITHIN), "the served emulator printed nothing"
        assert self.stdout, f"the served emulator stopped: {''.join(self.stderr)}"
        self.url = self.stdout[0].rstrip("\n")

    def _read(self, pipe, lines: list[str]) -> None:
        for line in pipe:
            lines.append(line)
            if lines is self.stdout:
                self._first_line.set()
        self._first_line.set()

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(how)
        code = self.process.wait(timeout=30)
        for reader in self._readers:
            reader.join(timeout=10)
        return code


@contextmanager
def served(*args: str, cwd: Path) -> Iterator[Served]:
    server = Served(*args, cwd=cwd)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def orgboot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ORGBOOT), *args], cwd=cwd, capture_output=True, text=True, env=ENV, timeout=300)


def aws(url: str, service: str, account: str | None = None, **credentials: str):
    """A boto3 client of the served emulated AWS, as any tool makes one: dummy credentials, a region,
    and moto's account header for another account than the management account."""
    credentials = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = SESSION.client(service, endpoint_url=url, region_name="us-east-1", **credentials)
    if account:
        client.meta.events.register("before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return client


def names(items: list[dict]) -> set[str]:
    return {item["Name"] for item in items}


def test_any_aws_client_reads_and_writes_the_served_emulator(tmp_path):
    with served(cwd=tmp_path) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        organizations = aws(server.url, "organizations")
        organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
        root = organizations.list_roots()["Roots"][0]["Id"]
        security = organizations.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]
        request = organizations.create_account(AccountName="Audit", Email="audit@example.com")["CreateAccountStatus"]
        audit = organizations.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]
        organizations.move_account(AccountId=audit, SourceParentId=root, DestinationParentId=security["Id"])

        assert organization["MasterAccountId"] == "123456789012"  # moto's default account is the management account
        assert names(organizations.list_accounts()["Accounts"]) == {"master", "Audit"}
        assert names(organizations.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]) == {"Security"}
        assert [a["Id"] for a in organizations.list_accounts_for_parent(ParentId=security["Id"])["Accounts"]] == [audit]

        # A member account, reached as the management account reaches it in AWS, and by moto's header.
        assumed = aws(server.url, "sts").assume_role(
            RoleArn=f"arn:aws:iam::{audit}:role/OrganizationAccountAccessRole", RoleSessionName="test"
        )["Credentials"]
        member = aws(
            server.url,
            "iam",
            aws_access_key_id=assumed["AccessKeyId"],
            aws_secret_access_key=assumed["SecretAccessKey"],
            aws_session_token=assumed["SessionToken"],
        )
        member.create_role(RoleName="Probe", AssumeRolePolicyDocument="{}")
        assert "Probe" in {r["RoleName"] for r in aws(server.url, "iam", account=audit).list_roles()["Roles"]}
        assert "Probe" not in {r["RoleName"] for r in aws(server.url, "iam").list_roles()["Roles"]}

        with urllib.request.urlopen(f"{server.url}/_orgboot/status", timeout=10) as answer:
            status = json.load(answer)
        assert status | {"version": None} == {
            "emulator": "orgboot",
            "version": None,
            "management_account_id": "123456789012",
            "stacks": [],
            "busy": False,
        }

        assert server.stop(signal.SIGTERM) == 0
    assert server.stdout == [server.url + "\n"]  # nothing deployed, nothing else said on stdout
    assert "Stopped the emulated AWS." in "".join(server.stderr)
    assert "Traceback" not in "".join(server.stderr)


def test_deploy_and_update_through_the_served_emulator(example_assembly, tmp_path):
    with served(cwd=tmp_path) as server:
        first = orgboot("emulate", "--endpoint-url", server.url, str(example_assembly), *PARAMETERS, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert first.stdout.startswith(f"Deploying {example_assembly} into the emulated AWS at {server.url}\n")
        assert "OrganizationStack: created 1 organization, 7 OUs, 6 accounts, 8 policies" in first.stdout
        # What it holds, read through the served AWS APIs: the tree, the baseline, the access matrix.
        assert re.search(r"^Organization o-\w+   management account 123456789012", first.stdout, re.MULTILINE)
        assert re.search(r"^BreakGlass +AWSSupport", first.stdout, re.MULTILINE)
        assert re.search(r"^Developers +ReadOnly", first.stdout, re.MULTILINE)

        # Any client sees what the deploy made.
        organizations = aws(server.url, "organizations")
        root = organizations.list_roots()["Roots"][0]["Id"]
        top = names(organizations.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"])
        assert top == {"Security", "Infrastructure", "Workloads", "Sandbox", "Suspended"}
        accounts = names(organizations.list_accounts()["Accounts"])
        assert accounts == {"master", "Audit", "Log Archive", "Network", "Shop Prod", "Shop Dev", "Sandbox Alice"}

        # A second deploy is an update of the stacks the server's engine holds.
        changed = edited(
            example_assembly,
            tmp_path,
            "ManagementBaselineStack",
            lambda t: t["Resources"]["BillingAlarm"]["Properties"].update(Threshold=500),
        )
        update = orgboot("emulate", "--endpoint-url", server.url, str(changed), *PARAMETERS, cwd=tmp_path)
        assert update.returncode == 0, update.stderr
        changes = update.stdout.split("\n\n", 1)[0].splitlines()[1:]
        assert [line.split() for line in changes] == [["updated", "ManagementBaselineStack/BillingAlarm", "AWS::CloudWatch::Alarm"]]
        alarms = aws(server.url, "cloudwatch").describe_alarms()["MetricAlarms"]
        (alarm,) = [a for a in alarms if a["Namespace"] == "AWS/Billing"]  # beside the example's CIS alarms
        assert alarm["Threshold"] == 500

        assert server.stop(signal.SIGINT) == 0
    log = "".join(server.stderr)
    assert (
        "deploy of OrganizationStack, IdentityCenterStack, ManagementBaselineStack, AccountSettingsStack, SecurityServicesStack,"
        " IdentityCenterAssignments, MemberRolesStack:"
        " 1 resource events, 0 drifted"
    ) in log
    assert "Traceback" not in log


def test_a_served_emulator_deploys_its_assemblies_before_it_answers(example_assembly, tmp_path):
    with served(str(example_assembly), *PARAMETERS, cwd=tmp_path) as server:
        # Asked at once, it answers when the deploy is done.
        assert len(aws(server.url, "organizations").list_accounts()["Accounts"]) == 7
        with urllib.request.urlopen(f"{server.url}/_orgboot/status", timeout=10) as answer:
            assert json.load(answer)["stacks"] == [
                "AccountSettingsStack",
                "IdentityCenterAssignments",
                "IdentityCenterStack",
                "ManagementBaselineStack",
                "MemberRolesStack",
                "OrganizationStack",
                "SecurityServicesStack",
            ]

        # An update AWS would refuse fails as it does in process: exit 1, the reason, no traceback.
        changed = edited(
            example_assembly,
            tmp_path,
            "OrganizationStack",
            lambda t: t["Resources"]["AccountAudit"]["Properties"].update(Email="a@example.com"),
        )
        failed = orgboot("emulate", "--endpoint-url", server.url, str(changed), *PARAMETERS, cwd=tmp_path)
        assert failed.returncode == 1
        assert "emulated deploy failed: OrganizationStack/AccountAudit (AWS::Organizations::Account): Email of account" in failed.stderr
        assert "Traceback" not in failed.stderr

        assert server.stop() == 0
    assert server.stdout[1] == f"Deploying {example_assembly} into the served emulated AWS\n"
    assert "  OrganizationStack: created 1 organization, 7 OUs, 6 accounts, 8 policies" in "".join(server.stdout)


def test_an_import_adopts_what_exists_and_says_what_differs(tmp_path):
    with served(cwd=tmp_path) as server:
        organizations = aws(server.url, "organizations")
        organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
        root = organizations.list_roots()["Roots"][0]["Id"]
        security = organizations.create_organizational_unit(ParentId=root, Name="Security")["OrganizationalUnit"]["Id"]
        request = organizations.create_account(AccountName="Audit", Email="audit@example.com")["CreateAccountStatus"]
        audit = organizations.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]["AccountId"]
        organizations.move_account(AccountId=audit, SourceParentId=root, DestinationParentId=security)

        assembly = _assembly(
            tmp_path / "cdk.adopt.out",
            {
                "Organization": {"Type": "AWS::Organizations::Organization", "Properties": {"FeatureSet": "ALL"}},
                "OUSecurity": {"Type": "AWS::Organizations::OrganizationalUnit", "Properties": {"Name": "Security", "ParentId": root}},
                "AccountAudit": {
                    "Type": "AWS::Organizations::Account",
                    "Properties": {"AccountName": "Audit", "Email": "aws+audit@example.com", "ParentIds": [{"Ref": "OUSecurity"}]},
                },
            },
        )
        mappings = tmp_path / "cdk-import"
        mappings.mkdir()
        (mappings / "OrganizationStack.json").write_text(
            json.dumps({"Organization": {"Id": organization["Id"]}, "OUSecurity": {"Id": security}, "AccountAudit": {"AccountId": audit}})
        )

        result = orgboot("emulate", "--endpoint-url", server.url, "--import", str(mappings), str(assembly), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        imported = result.stdout.split("\n\n", 1)[0].splitlines()
        assert imported[0] == f"Importing OrganizationStack from {assembly} into the emulated AWS at {server.url}"
        assert sorted(line.split() for line in imported[1:]) == [
            ["imported", "OrganizationStack/AccountAudit", "AWS::Organizations::Account"],
            ["imported", "OrganizationStack/OUSecurity", "AWS::Organizations::OrganizationalUnit"],
            ["imported", "OrganizationStack/Organization", "AWS::Organizations::Organization"],
        ]
        assert (
            "warning: drift: OrganizationStack/AccountAudit Email: template aws+audit@example.com, live audit@example.com" in result.stderr
        )
        assert "Security/" in result.stdout  # then what the emulated AWS holds
        # Nothing was created: the same organization, OU and account.
        assert len(organizations.list_accounts()["Accounts"]) == 2
        assert len(organizations.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]) == 1

        # Imported again: the stack holds them now, so the CDK CLI's importer finds nothing to add.
        again = orgboot("emulate", "--endpoint-url", server.url, "--import", str(mappings), str(assembly), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert "  nothing imported\n" in again.stdout
        assert "warning: OrganizationStack: no new resources compared to the currently deployed stack, skipping import." in again.stderr

        # A malformed mapping is refused before anything reaches the emulator, naming the file and the entry.
        bad = tmp_path / "bad-import"
        bad.mkdir()
        (bad / "OrganizationStack.json").write_text(json.dumps({"OUSecurity": ["x"]}))
        refused = orgboot("emulate", "--endpoint-url", server.url, "--import", str(bad), str(assembly), cwd=tmp_path)
        assert refused.returncode == 1
        assert refused.stderr.splitlines() == [
            f"orgboot emulate: cannot import with the resource mappings in {bad}:",
            f'  {bad}/OrganizationStack.json: "OUSecurity": the resource\'s identifier is {{"IdentifierProperty": "value"}}, not ["x"]',
        ]
        # A mapping for a stack the assembly does not have: the emulator refuses it, once.
        (bad / "OrganizationStack.json").unlink()
        (bad / "Elsewhere.json").write_text(json.dumps({"OUSecurity": {"Id": security}}))
        elsewhere = orgboot("emulate", "--endpoint-url", server.url, "--import", str(bad), str(assembly), cwd=tmp_path)
        assert elsewhere.returncode == 1
        assert elsewhere.stderr.splitlines() == [
            "emulated import failed: the assembly has no stack Elsewhere to import into (it has: OrganizationStack)"
        ]
        assert server.stop() == 0


def _assembly(directory: Path, resources: dict) -> Path:
    """A one-stack cloud assembly, as `orgboot synth --adopt` writes one: importable resources,
    each retained."""
    directory.mkdir()
    template = {
        "Resources": {lid: {**resource, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"} for lid, resource in resources.items()}
    }
    (directory / "OrganizationStack.template.json").write_text(json.dumps(template))
    stack = {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": {"templateFile": "OrganizationStack.template.json"},
    }
    (directory / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": {"OrganizationStack": stack}}))
    return directory


@pytest.fixture
def not_an_emulator() -> Iterator[str]:
    """An HTTP server that is no orgboot emulator (a plain web server, or moto's own)."""

    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_endpoint_that_is_no_served_emulator_is_a_usage_error(tmp_path, not_an_emulator):
    nothing = f"http://127.0.0.1:{_closed_port()}"
    result = orgboot("emulate", "--endpoint-url", nothing, "cdk.out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cannot reach an emulated AWS at {nothing} (")
    assert "orgboot emulate --serve" in result.stderr

    result = orgboot("emulate", "--endpoint-url", not_an_emulator, "cdk.out", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{not_an_emulator} is not an orgboot emulator (GET /_orgboot/status answered HTTP 404)" in result.stderr

    result = orgboot("emulate", "--endpoint-url", "127.0.0.1:4566", cwd=tmp_path)
    assert result.returncode == 2
    assert "127.0.0.1:4566 is not an emulator's URL" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "4566"], "--port is for --serve"),
        (["--import", "."], "--import needs --endpoint-url"),
        (["--endpoint-url", "http://127.0.0.1:1", "--import", "nowhere"], "--import nowhere: no such folder"),
        (["--serve", "--endpoint-url", "http://127.0.0.1:1"], "not allowed with argument"),
        (["--serve", "--port", "65536"], "65536 is not a port number"),
        (["--serve", "--parameter", "S:N=v"], "--parameter is for the assemblies --serve deploys first"),
    ],
)
def test_options_that_do_not_go_together(tmp_path, args, message):
    result = orgboot("emulate", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_a_usage_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = orgboot("emulate", "--serve", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}: Address already in use (--port 0 picks a free one)" in result.stderr
