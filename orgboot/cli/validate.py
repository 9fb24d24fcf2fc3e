"""orgboot validate: check org.yaml and its policy files; deploy nothing."""

import argparse
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

from orgboot.analysis.budgets import Budget, budgets
from orgboot.analysis.cis import coverage
from orgboot.reports.terminal import budget_summary, budget_table, cis_table
from orgboot.rules import ACKNOWLEDGEMENTS, load_change, load_spec, warnings
from orgboot.spec.revisions import base_spec_path

HELP = "check org.yaml and its policy files; deploy nothing"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "validate",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Lists every problem with file, line and key.",
        parents=[common],
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec")
    parser.add_argument(
        "--budgets",
        action="store_true",
        help="show the policy budget of every target, not only of those near AWS's limits",
    )
    parser.add_argument(
        "--cis",
        action="store_true",
        help="also list the CIS AWS Foundations 5.0 recommendations orgboot owns, each met, not met (with what to set) or out"
        " of scope (with why); informational, it never changes the exit status (docs/security-baseline.md)",
    )
    parser.add_argument(
        "--base",
        metavar="BASE",
        help="also check the change from BASE: a spec file, or a git revision (main, HEAD~1) of the spec's repository",
    )
    parser.add_argument(
        "--allow-account-moves",
        action="store_true",
        help="for this run, accept accounts moving between stacks (a changed organization.account_stacks), once migrated:"
        " docs/scale.md. A pull request acknowledges it in org.yaml instead (acknowledged_changes: account-stacks-changed:...)",
    )
    parser.add_argument(
        "--allow-imports",
        action="store_true",
        help="for this run, accept accounts declared again (released before, or under a new key) that you bring in with cdk"
        " import. A pull request acknowledges it in org.yaml instead (acknowledged_changes: account-imported:KEY)",
    )
    parser.add_argument(
        "--allow-ou-replacement",
        action="store_true",
        help="for this run, accept moving OUs that hold accounts or OUs, or renaming them without a key (CloudFormation"
        " replaces them). A pull request acknowledges it in org.yaml instead (acknowledged_changes: ou-replaced:PATH)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.base is None:
        spec = load_spec(args.spec)
    else:
        acknowledged = [option for option in ACKNOWLEDGEMENTS if getattr(args, option)]
        with tempfile.TemporaryDirectory(prefix="orgboot-base-") as workdir:
            spec, accepted = load_change(args.spec, base_spec_path(args.base, args.spec, Path(workdir)), acknowledged)
        for problem in accepted:
            out.print(f"[yellow]accepted[/]: {problem}")
    counts = f"{len(spec.ou_paths)} OUs, {len(spec.accounts)} accounts, {len(spec.policies)} policies, {len(spec.guardrails)} guardrails"
    out.print(f"[green]{args.spec} is valid[/]: {counts}")
    for warning in warnings(args.spec, spec):
        out.print(Text.assemble(("warning", "yellow"), f": {warning}"), soft_wrap=True)
    if spec_budgets := budgets(spec):
        _print_budgets(out, spec_budgets, every=args.budgets)
    if args.cis:
        out.print(cis_table(coverage(spec)))
    if args.base is None and not spec.known_account_ids:  # said only of a first deploy
        out.print(BROWNFIELD, style="dim")
    return 0


def _print_budgets(out: Console, spec_budgets: list[Budget], *, every: bool) -> None:
    """A line for the organization and the targets near a limit; every target with --budgets (a
    table of thousands of rows at 5,000 accounts)."""
    out.print(budget_summary(spec_budgets), soft_wrap=True)
    if every:
        out.print(budget_table(spec_budgets))
    elif near := [budget for budget in spec_budgets if budget.near_limit]:
        out.print(budget_table(near, title="Targets near a limit"))


# AWS::Organizations::Organization creates an organization; in an account that already belongs to
# one it fails (AlreadyInOrganizationException), and so do OUs named like existing ones.
BROWNFIELD = (
    "Deploys a new organization from a management account that is in no organization yet;"
    " an existing one is adopted first (orgboot import, docs/adopt.md)."
)
