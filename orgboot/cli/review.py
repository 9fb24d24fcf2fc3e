"""orgboot review: the pull-request report. One spec: the organization as a diagram, its accounts,
policies with their budgets, the access matrix, its CIS AWS Foundations coverage and every finding.
BASE HEAD: the same for HEAD, with the change from BASE (`orgboot diff`) and its offline plan
(`orgboot plan`)."""

import argparse
import dataclasses
import tempfile
from pathlib import Path

from rich.console import Console

from orgboot.analysis.plan import Plan
from orgboot.cli import reviewing
from orgboot.cli.status import FINDINGS, USAGE
from orgboot.reports.markdown import render
from orgboot.spec.revisions import NoSpecAtRevision

HELP = "the pull-request report: diagram, accounts, policies, access, CIS coverage, findings; with BASE, the diff and plan too"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "review",
        help=HELP,
        description="The pull-request report, as GitHub-flavoured Markdown: `review [SPEC]` reviews one spec; `review BASE HEAD`"
        " reviews HEAD and its change from BASE (each a spec file or a git revision), with the offline plan. Exit status 1 when"
        " there are findings, refused or unacknowledged dangerous changes, or the plan fails.",
        parents=[common],
    )
    parser.add_argument("specs", nargs="*", default=["org.yaml"], metavar="SPEC | BASE HEAD", help="one spec, or BASE and HEAD")
    parser.add_argument("--no-plan", action="store_true", help="leave out the plan (it synthesizes both sides: seconds to minutes)")
    reviewing.add_change_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    if len(args.specs) > 2:
        err.print("orgboot review: give one spec, or BASE and HEAD")
        return USAGE
    if len(args.specs) == 1:
        (spec,) = args.specs
        review = reviewing.spec_review(Path(spec), spec)
    else:
        base, head = args.specs
        in_repository = reviewing.repository_spec(args.spec, head)
        with tempfile.TemporaryDirectory(prefix="orgboot-review-") as workdir:
            head_file = reviewing.spec_path(head, in_repository, Path(workdir), "head")
            try:
                base_file = reviewing.spec_path(base, in_repository, Path(workdir), "base")
            except NoSpecAtRevision as error:
                # The base revision has no spec (a new one): the head's review still goes out, saying
                # why there is no change and no plan. A revision that does not exist stays an error.
                review = reviewing.with_plan(reviewing.spec_review(head_file, head), Plan.missing(error.problems[0].message))
                reviewing.write(args, out, render(dataclasses.replace(review, base=base)))
                return 0 if review.passes else FINDINGS
            review = reviewing.change_review(base_file, head_file, args, base, head)
            if not args.no_plan and review.diff is not None:
                from orgboot.cli.plan import offline_plan

                review = reviewing.with_plan(review, offline_plan(base, head, in_repository, Path(workdir) / "plan"))
    reviewing.write(args, out, render(review))
    return 0 if review.passes else FINDINGS
