"""orgboot drift: the live organization against org.yaml, in diff's terms; exit status 1 when they
differ (for a scheduled CI job). Read only."""

import argparse
import json
import sys
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape

from orgboot.cli import aws_connection
from orgboot.cli.status import FINDINGS, USAGE

HELP = "what changed in the organization outside org.yaml: accounts, OUs, policies, attachments, policy types, baseline"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "drift",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Exit status 1 when AWS differs from the spec. Never writes to AWS.",
        parents=[common],
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="the differences as JSON")
    form.add_argument("--markdown", action="store_true", help="the differences as Markdown, for a CI job's summary or an issue")
    aws_connection.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.analysis.drift import DANGEROUS_DRIFT, DRIFT_SECTIONS, drift
    from orgboot.reports.markdown import drift_report
    from orgboot.rules import load_spec
    from orgboot.state.inventory import NotAnOrganization, read_inventory

    spec = load_spec(args.spec)
    try:
        inventory = read_inventory(aws_connection.client_factory(args), names=False)
    except NotAnOrganization as error:
        err.print(f"orgboot drift: these credentials reach no organization's management account ({escape(str(error))})")
        return FINDINGS
    except Exception as error:
        if (problem := aws_connection.failure(error, args)) is None:
            raise
        err.print(f"orgboot drift: {escape(problem)}")
        return USAGE
    changes = drift(spec, inventory)
    if args.json:
        found = [{**asdict(change), "id": change.id, "dangerous": change.kind in DANGEROUS_DRIFT} for change in changes]
        json.dump({"organization": inventory.organization_id, "spec": args.spec, "drift": found}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(drift_report(changes, args.spec, inventory.organization_id, DRIFT_SECTIONS, DANGEROUS_DRIFT))
    elif not changes:
        out.print(f"No drift: organization {inventory.organization_id} is as {escape(args.spec)} says.")
    else:
        counted = f"{len(changes)} difference{'s' if len(changes) > 1 else ''}"
        out.print(f"[bold]{counted}[/] between organization {inventory.organization_id} and {escape(args.spec)}:")
        for change in changes:
            mark = "[red]![/] " if change.kind in DANGEROUS_DRIFT else "  "
            out.print(f"{mark}{escape(change.section)}: {escape(change.summary.replace('`', ''))}", soft_wrap=True)
    for what, why in inventory.unread.items():
        err.print(f"[yellow]not read[/] (not compared): {escape(what)}: {escape(why)}")
    return FINDINGS if changes else 0
