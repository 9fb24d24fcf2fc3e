"""orgboot emulate: deploy a synthesized cloud assembly into the emulated AWS (moto, in memory)
and show what it holds: the organization, the management baseline, the access matrix. With
--serve, keep that emulated AWS running on this machine for the aws CLI, boto3 and any AWS tool;
with --endpoint-url, deploy into (or --import into) one that runs."""

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from orgboot.aws.quotas import ACCOUNTS_PER_ORGANIZATION_DEFAULT, ACCOUNTS_QUOTA_CODE
from orgboot.cli.cdk import stack_parameter
from orgboot.cli.status import FINDINGS, OK, USAGE

if TYPE_CHECKING:  # the emulator loads moto: never at the CLI's start-up
    from orgboot.emulator.assembly import AssemblyStack
    from orgboot.emulator.server import Outcome

HELP = "deploy a synthesized assembly (cdk.out) into the emulated AWS and show the result"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "emulate",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Nothing leaves this machine.",
        parents=[common],
    )
    parser.add_argument(
        "assemblies",
        nargs="*",
        default=argparse.SUPPRESS,
        metavar="assembly",
        help="the cloud assembly `cdk synth` wrote; several are deployed in turn into the same emulated AWS, each"
        " later one as an update, with what it did to each resource; --serve deploys only those given (default: cdk.out)",
    )
    parser.add_argument(
        "--parameter",
        action="append",
        default=argparse.SUPPRESS,
        type=stack_parameter,
        metavar="STACK:NAME=VALUE",
        help="a stack parameter, as cdk deploy --parameters takes it (repeatable)",
    )
    parser.add_argument(
        "--account-quota",
        type=_account_quota,
        default=argparse.SUPPRESS,
        metavar="N",
        help="the accounts the emulated organization may hold, the management account included: what its Service Quotas"
        f" quota {ACCOUNTS_QUOTA_CODE} says once AWS raised it (default: AWS's default for a new organization,"
        f" {ACCOUNTS_PER_ORGANIZATION_DEFAULT}); account creation beyond it fails as in AWS (ACCOUNT_LIMIT_EXCEEDED)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--serve",
        action="store_true",
        default=argparse.SUPPRESS,
        help="keep the emulated AWS running on this machine until interrupted (Ctrl-C), after deploying the assemblies"
        " given: its URL is the first line of the output; the aws CLI, boto3 or any AWS tool reach it with --endpoint-url URL",
    )
    where.add_argument(
        "--endpoint-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="deploy into the emulated AWS that `orgboot emulate --serve` serves at URL, instead of a new one",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=argparse.SUPPRESS,
        help="with --serve: the port to serve on, on 127.0.0.1 (default: a free one)",
    )
    parser.add_argument(
        "--import",
        dest="import_from",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="with --endpoint-url: import instead of deploying, each stack that has a resource mapping DIR/STACK.json,"
        " one after another, as `cdk import STACK --resource-mapping DIR/STACK.json` would (what `orgboot import` wrote"
        " in cdk-import/)",
    )
    parser.set_defaults(run=run)


def _account_quota(text: str) -> int:
    try:
        quota = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of accounts") from None
    if quota < 1:
        raise argparse.ArgumentTypeError(f"{quota}: an organization holds at least its management account (1 or more)")
    return quota


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535; 0 picks a free one)")
    return port


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    if problem := _misused(args):
        print(f"orgboot emulate: {problem}", file=sys.stderr)
        return USAGE
    # Imported here, never by the CLI's start-up: moto, boto3 and cfn-lint's schemas take a
    # second to load, which validate should not pay.
    from orgboot.emulator import EmulationError
    from orgboot.emulator.remote import Unreachable

    importing = hasattr(args, "import_from")
    try:
        if getattr(args, "serve", False):
            return _serve(args, out, err)
        if hasattr(args, "endpoint_url"):
            return _remote(args, args.endpoint_url, out, err)
        return _emulate(args, out, err)
    except EmulationError as error:
        print(f"emulated {'import' if importing else 'deploy'} failed: {error}", file=sys.stderr)
        return FINDINGS
    except Unreachable as error:
        print(error, file=sys.stderr)
        return USAGE


def _misused(args: argparse.Namespace) -> str | None:
    if hasattr(args, "port") and not getattr(args, "serve", False):
        return "--port is for --serve"
    if hasattr(args, "account_quota") and hasattr(args, "endpoint_url"):
        return "--account-quota is the served emulated AWS's: give it where it is served (orgboot emulate --serve --account-quota N)"
    if getattr(args, "serve", False) and hasattr(args, "parameter") and not getattr(args, "assemblies", None):
        return "--parameter is for the assemblies --serve deploys first: give them, or deploy with --endpoint-url"
    if hasattr(args, "import_from"):
        if not hasattr(args, "endpoint_url"):
            return "--import needs --endpoint-url: the emulated AWS (orgboot emulate --serve) that holds what to import"
        if hasattr(args, "parameter"):
            return "--import takes no --parameter: an import deploys no new resource"
        if len(getattr(args, "assemblies", [])) > 1:
            return "--import takes one assembly (the one `orgboot synth --adopt` wrote)"
        if not Path(args.import_from).is_dir():
            return f"--import {args.import_from}: no such folder (the resource mappings `orgboot import` wrote, DIR/STACK.json)"
    return None


def _assemblies(paths: list[str], args: argparse.Namespace, err: Console) -> tuple[list[list["AssemblyStack"]], dict[str, str]]:
    """The assemblies' stacks, and the parameters to deploy them with: those given, and a
    placeholder for each secret one not given (said on stderr)."""
    from orgboot.emulator.assembly import read_assembly, with_placeholders

    assemblies = [read_assembly(path) for path in paths]
    parameters, placeholders = with_placeholders(assemblies, dict(getattr(args, "parameter", [])))
    for key in placeholders:
        err.print(f"[yellow]warning:[/] {key} not given (--parameter {key}=...): the emulator uses a placeholder")
    return assemblies, parameters


def _emulate(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
    from orgboot.emulator.server import Outcome

    paths = getattr(args, "assemblies", None) or ["cdk.out"]
    assemblies, parameters = _assemblies(paths, args, err)
    progress = _Progress(MANAGEMENT_ACCOUNT_ID)
    with emulated_aws(), _live(progress, out):
        engine = Engine(on_event=progress, account_quota=getattr(args, "account_quota", ACCOUNTS_PER_ORGANIZATION_DEFAULT))

        def apply(stacks: list["AssemblyStack"]) -> Outcome:
            first, first_note, previously_deployed = len(engine.events), len(engine.notes), bool(engine.stacks)
            try:
                deploy_assembly(engine, stacks, parameters)
            except EmulationError as error:
                return Outcome(engine.events[first:], [], [], str(error), previously_deployed, engine.notes[first_note:])
            return Outcome(engine.events[first:], [], [], None, previously_deployed, engine.notes[first_note:])

        _deploy_in_turn(paths, assemblies, apply, out, "the emulated AWS (moto, in memory)", kept=False)
        _report(out, management(), assume, _identity_center_region(assemblies))
    return OK


def _serve(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Serve an emulated AWS until interrupted, after deploying the assemblies given. The URL is
    the first line of stdout, for scripts; requests wait until those deploys are done."""
    from orgboot.emulator import management
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
    from orgboot.emulator.server import EmulatorServer

    paths = getattr(args, "assemblies", None) or []
    assemblies, parameters = _assemblies(paths, args, err)
    port = getattr(args, "port", 0)
    progress = _Progress(MANAGEMENT_ACCOUNT_ID)
    with _interrupted_by_sigterm(), ExitStack() as serving:
        try:
            quota = getattr(args, "account_quota", ACCOUNTS_PER_ORGANIZATION_DEFAULT)
            server = serving.enter_context(
                EmulatorServer(port=port, on_event=progress, log=lambda line: err.print(Text(line)), account_quota=quota)
            )
        except OSError as error:
            why = os.strerror(error.errno) if error.errno else str(error)
            print(f"orgboot emulate: cannot serve on 127.0.0.1:{port}: {why} (--port 0 picks a free one)", file=sys.stderr)
            return USAGE
        deployed = not assemblies
        try:
            with server.lock:  # what the assemblies deploy is there before any request is answered
                print(server.url, flush=True)
                if assemblies:
                    with _live(progress, out), _stdout_may_close():
                        _deploy_in_turn(
                            paths, assemblies, lambda stacks: server.apply(stacks, parameters), out, "the served emulated AWS", kept=True
                        )
                        _report(out, management(), assume, _identity_center_region(assemblies))
                    deployed = True
                server.on_event = None
            with _stdout_may_close():
                sys.stdout.flush()
            err.print(
                f"Serving the emulated AWS at {server.url} (management account {MANAGEMENT_ACCOUNT_ID}) until interrupted (Ctrl-C).\n"
                f"  aws --endpoint-url {server.url} --region us-east-1 organizations list-accounts   (any credentials)\n"
                f"  orgboot emulate --endpoint-url {server.url} cdk.out"
            )
            threading.Event().wait()
        except KeyboardInterrupt:
            if not deployed:
                print("interrupted before the assemblies were deployed", file=sys.stderr)
                return FINDINGS
            err.print("Stopped the emulated AWS.")
    return OK


def _remote(args: argparse.Namespace, url: str, out: Console, err: Console) -> int:
    """Deploy into (or import into) the emulated AWS served at `url`, then show what it holds,
    read through its AWS APIs."""
    from orgboot import __version__
    from orgboot.emulator import EmulationError, management
    from orgboot.emulator.aws import assume
    from orgboot.emulator.remote import RemoteEmulator

    remote, region = RemoteEmulator(url), None
    status = remote.status()
    if status.get("version") != __version__:
        err.print(f"[yellow]warning:[/] the emulator at {escape(url)} runs orgboot {status.get('version')}, this is {__version__}")
    paths = getattr(args, "assemblies", None) or ["cdk.out"]
    where = f"the emulated AWS at {url}"
    if hasattr(args, "import_from"):
        from orgboot.emulator.assembly import read_assembly
        from orgboot.spec.adoption import Adoption, NotAdoptable

        stacks = read_assembly(paths[0])
        region = _identity_center_region([stacks])
        try:
            mappings = Adoption.read(Path(args.import_from)).mappings
        except NotAdoptable as error:
            problems = (f"  {problem}" for problem in error.problems)
            print(f"orgboot emulate: cannot import with the resource mappings in {args.import_from}:", *problems, sep="\n", file=sys.stderr)
            return FINDINGS
        if not mappings:
            print(f"orgboot emulate: --import {args.import_from}: no resource mapping (STACK.json) in it", file=sys.stderr)
            return USAGE
        names = [stack.name for stack in stacks if stack.name in mappings]
        out.print(f"Importing {', '.join(names) or 'nothing'} from [bold]{escape(paths[0])}[/] into {escape(where)}", soft_wrap=True)
        outcome = remote.apply(stacks, {}, mappings)
        out.print(_imported(outcome))
        for warning in outcome.warnings:
            err.print(Text.assemble(("warning:", "yellow"), " ", warning))
        for drift in outcome.drift:
            err.print(Text.assemble(("warning:", "yellow"), " ", _drift_line(drift)))
        if outcome.error:
            raise EmulationError(outcome.error)
    else:
        assemblies, parameters = _assemblies(paths, args, err)
        _deploy_in_turn(paths, assemblies, lambda stacks: remote.apply(stacks, parameters), out, where, kept=True)
        region = _identity_center_region(assemblies)
    _report(out, management(endpoint_url=remote.url), partial(assume, endpoint_url=remote.url), region)
    return OK


def _deploy_in_turn(
    paths: list[str],
    assemblies: list[list["AssemblyStack"]],
    apply: Callable[[list["AssemblyStack"]], "Outcome"],
    out: Console,
    where: str,
    *,
    kept: bool,
) -> None:
    """Deploy each assembly, the first as a deploy (a summary, or its changes when the emulated AWS
    held stacks already), each later one as an update (its changes). `kept`: the emulated AWS
    outlives this command, so what a failed deploy did is shown, as it stays."""
    from orgboot.emulator import EmulationError
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID
    from orgboot.reports.terminal import deploy_changes, deploy_summary

    for number, (path, stacks) in enumerate(zip(paths, assemblies, strict=True), start=1):
        if number == 1:
            out.print(f"Deploying [bold]{escape(path)}[/] into {escape(where)}", soft_wrap=True)
        else:
            out.print(f"\nUpdating with [bold]{escape(path)}[/] (deploy {number} of {len(assemblies)}):", soft_wrap=True)
        outcome = apply(stacks)
        for note in outcome.notes:  # what the emulator did that a person does in AWS (emulator/identity_center.py)
            out.print(Text.assemble(("note:", "cyan"), " ", note), soft_wrap=True)
        if outcome.error is not None:
            if len(assemblies) == 1 and not (kept and outcome.events):
                raise EmulationError(outcome.error)
            # What was done before the failure is part of the answer.
            out.print(deploy_changes(outcome.events, MANAGEMENT_ACCOUNT_ID, failed=outcome.error))
            raise EmulationError(
                outcome.error if len(assemblies) == 1 else f"deploy {number} of {len(assemblies)} ({path}): {outcome.error}"
            )
        if number > 1 or outcome.previously_deployed:
            out.print(deploy_changes(outcome.events, MANAGEMENT_ACCOUNT_ID))
        else:
            out.print(deploy_summary(outcome.events))


def _identity_center_region(assemblies: list[list["AssemblyStack"]]) -> str | None:
    """Where the last assembly deploys IAM Identity Center's permission sets (identity_center.region
    of its spec): the region of the stack that holds them; None when it deploys none."""
    for stack in assemblies[-1] if assemblies else ():
        resources = stack.template.get("Resources", {})
        if any(resource.get("Type") == "AWS::SSO::PermissionSet" for resource in resources.values()):
            return stack.region
    return None


def _report(out: Console, aws: Any, assume: Callable[[str], Any], identity_center_region: str | None = None) -> None:
    """What the emulated AWS holds: the organization, the management baseline, the access matrix,
    the security services, the account settings per account, and who can reach which account with
    which permission set through IAM Identity Center (read in `identity_center_region`, where the
    assembly deploys it)."""
    from orgboot.analysis.access import state_access
    from orgboot.reports.account_settings import account_settings_report
    from orgboot.reports.identity_center import identity_center_report
    from orgboot.reports.security_services import security_services_report
    from orgboot.reports.terminal import access_report, baseline_report, organization_tree
    from orgboot.state.account_settings import read_account_settings
    from orgboot.state.baseline import read_baseline
    from orgboot.state.identity_center import read_identity_center
    from orgboot.state.member_roles import read_member_roles
    from orgboot.state.organization import read_organization
    from orgboot.state.security_services import read_security_services

    out.print()
    organization = read_organization(aws.client("organizations"))
    out.print(organization_tree(organization))
    out.print()
    baseline = read_baseline(aws)
    out.print(baseline_report(baseline, organization))
    out.print()
    member_roles = read_member_roles(organization, assume)
    center = None
    if identity_center_region is not None:
        center = read_identity_center(aws.client, identity_center_region, organization.accounts(), organization.management_account_id)
    out.print(access_report(state_access(baseline, organization, member_roles, identity_center=center), len(member_roles)))
    if center is not None:
        out.print()
        out.print(identity_center_report(center, organization))
    out.print()
    out.print(security_services_report(read_security_services(organization, aws, assume), organization))
    out.print(account_settings_report(read_account_settings(organization, aws, assume), organization))


def _imported(outcome: "Outcome") -> Text:
    """One line per imported resource, as cdk import lists them."""
    text = Text()
    for event in outcome.events:
        text.append(f"  {'imported' if event.action == 'IMPORT' else event.action.lower():<9}", style="cyan")
        text.append(f"{event.stack}/{event.logical_id}  ", style="bold")
        text.append(f"{event.type}\n", style="dim")
    if not outcome.events and not outcome.error:
        text.append("  nothing imported\n", style="dim")
    text.rstrip()
    return text


def _drift_line(drift: dict[str, Any]) -> str:
    """An imported resource whose template says otherwise than what AWS holds (importing.Drift)."""
    return (
        f"drift: {drift['stack']}/{drift['logical_id']} {drift['property']}:"
        f" template {_shown(drift['template_value'])}, live {_shown(drift['live_value'])}"
    )


def _shown(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


@contextmanager
def _interrupted_by_sigterm() -> Iterator[None]:
    """SIGTERM (docker stop, systemd, kill) stops the served emulator as Ctrl-C does."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _stdout_may_close() -> Iterator[None]:
    """A script that read the URL may close its end of stdout: serving goes on without it."""
    try:
        yield
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the rest of the process)


class _Progress:
    """What the deploy has done so far, for a live line on a terminal: large organizations take
    minutes (bench/scale.py)."""

    def __init__(self, management_account_id: str) -> None:
        self.management_account_id = management_account_id
        self.stack, self.stacks, self.accounts = "", 0, 0
        self.instances: set[tuple[str, str]] = set()

    def __call__(self, event: Any) -> None:
        if event.account_id != self.management_account_id:
            self.instances.add((event.account_id, event.stack))  # a StackSet instance at work
            return
        if event.stack != self.stack:
            self.stack, self.stacks = event.stack, self.stacks + 1
        if event.type == "AWS::Organizations::Account" and event.action == "CREATE":
            self.accounts += 1

    def __rich__(self) -> Text:
        return Text.assemble(
            ("emulating ", "dim"),
            (self.stack or "…", "bold"),
            f"  stacks {self.stacks} · accounts created {self.accounts} · StackSet instances {len(self.instances)}",
        )


def _live(progress: _Progress, out: Console) -> AbstractContextManager[Any]:
    """A live line on a terminal, erased when done; nothing in CI or when the output is a file."""
    if not out.is_terminal or os.environ.get("CI"):
        return nullcontext()
    return Live(progress, console=out, transient=True, refresh_per_second=4)
