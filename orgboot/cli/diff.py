"""orgboot diff BASE HEAD: what a change does to the organization, in its own terms, dangerous
changes first; exit status 1 while a dangerous change is not acknowledged (for CI)."""

import argparse
import tempfile
from pathlib import Path

from rich.console import Console

from orgboot.cli import reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import render

HELP = "what a change does to the organization: accounts, OUs, policies, guardrails, baseline, roles, access"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "diff",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ", as Markdown. Dangerous changes come first and are marked; exit status 1"
        " while one is not acknowledged, or the change is refused, or HEAD has findings.",
        parents=[common],
    )
    parser.add_argument("base", metavar="BASE", help="the spec before: a file, or a git revision (main, HEAD~1)")
    parser.add_argument("head", metavar="HEAD", help="the spec after: a file, or a git revision")
    reviewing.add_change_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="orgboot-diff-") as workdir:
        spec = reviewing.repository_spec(args.spec, args.head)
        base = reviewing.spec_path(args.base, spec, Path(workdir), "base")
        head = reviewing.spec_path(args.head, spec, Path(workdir), "head")
        review = reviewing.change_review(base, head, args, args.base, args.head)
    reviewing.write(args, out, render(review, inventory=False, command="diff"))
    return 0 if review.passes else FINDINGS
