"""orgboot emulate: deploy a synthesized cloud assembly into the emulated AWS (moto, in memory)
and show what it holds: the organization, the management baseline, the access matrix."""

import argparse
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text

from orgboot.cli.cdk import stack_parameter
from orgboot.cli.status import FINDINGS

HELP = "deploy a synthesized assembly (cdk.out) into the emulated AWS and show the result"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "emulate",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Nothing leaves this machine.",
        parents=[common],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "assemblies",
        nargs="*",
        default=argparse.SUPPRESS,
        metavar="assembly",
        help="the cloud assembly `cdk synth` wrote; several are deployed in turn into the same emulated AWS, each"
        " later one as an update, with what it did to each resource (default: cdk.out)",
    )
    parser.add_argument(
        "--parameter",
        action="append",
        default=argparse.SUPPRESS,
        type=stack_parameter,
        metavar="STACK:NAME=VALUE",
        help="a stack parameter, as cdk deploy --parameters takes it (repeatable)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    # Imported here, never by the CLI's start-up: moto, boto3 and cfn-lint's schemas take a
    # second to load, which validate should not pay.
    from orgboot.emulator import EmulationError

    try:
        return _emulate(args, out, err)
    except EmulationError as error:
        print(f"emulated deploy failed: {error}", file=sys.stderr)
        return FINDINGS


def _emulate(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.analysis.access import state_access
    from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws, management
    from orgboot.emulator.assembly import read_assembly, with_placeholders
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID, assume
    from orgboot.reports.terminal import access_report, baseline_report, deploy_changes, deploy_summary, organization_tree
    from orgboot.state.baseline import read_baseline
    from orgboot.state.member_roles import read_member_roles
    from orgboot.state.organization import read_organization

    parameters = dict(getattr(args, "parameter", []))
    paths = getattr(args, "assemblies", None) or ["cdk.out"]
    assemblies = [read_assembly(path) for path in paths]
    parameters, placeholders = with_placeholders(assemblies, parameters)
    for key in placeholders:
        err.print(f"[yellow]warning:[/] {key} not given (--parameter {key}=...): the emulator uses a placeholder")
    progress = _Progress(MANAGEMENT_ACCOUNT_ID)
    with emulated_aws(), _live(progress, out):
        engine = Engine(on_event=progress)
        for number, (path, stacks) in enumerate(zip(paths, assemblies, strict=True), start=1):
            first = len(engine.events)
            if number == 1:
                out.print(f"Deploying [bold]{path}[/] into the emulated AWS (moto, in memory)")
            else:
                out.print(f"\nUpdating with [bold]{path}[/] (deploy {number} of {len(assemblies)}):")
            try:
                deploy_assembly(engine, stacks, parameters)
            except EmulationError as error:
                if len(assemblies) == 1:
                    raise
                # What was done before the failure is part of the answer.
                out.print(deploy_changes(engine.events[first:], MANAGEMENT_ACCOUNT_ID, failed=str(error)))
                raise EmulationError(f"deploy {number} of {len(assemblies)} ({path}): {error}") from None
            if number > 1:
                out.print(deploy_changes(engine.events[first:], MANAGEMENT_ACCOUNT_ID))
            else:
                out.print(deploy_summary(engine.events))
        out.print()
        organization = read_organization(management().client("organizations"))
        out.print(organization_tree(organization))
        out.print()
        baseline = read_baseline(management())
        out.print(baseline_report(baseline, organization))
        out.print()
        member_roles = read_member_roles(organization, assume)
        out.print(access_report(state_access(baseline, organization, member_roles), len(member_roles)))
    return 0


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
