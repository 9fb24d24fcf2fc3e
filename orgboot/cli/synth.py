"""orgboot synth: validate the spec, then `cdk synth` it with this orgboot's CDK app into an
assembly (cdk.out) that `orgboot emulate`, cfn-lint or `cdk deploy --app cdk.out` take."""

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from orgboot.cli.cdk import discard, synthesize
from orgboot.cli.status import FINDINGS, USAGE
from orgboot.rules import load_spec
from orgboot.spec import layout
from orgboot.spec.adoption import Adoption, NotAdoptable

HELP = "validate the spec, then synthesize its CloudFormation templates with the CDK (into cdk.out)"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "synth",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". A refused or failed synth leaves no assembly behind.",
        parents=[common],
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec")
    parser.add_argument("-o", "--output", default="cdk.out", metavar="DIR", help="where the cloud assembly goes")
    parser.add_argument(
        "--adopt",
        metavar="DIR",
        help="synthesize the adopt assembly instead: only what `cdk import` adopts of an organization that exists, from the"
        " resource mappings in DIR (orgboot import writes them in cdk-import/)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    discard(Path(args.output))  # a refused spec leaves no assembly either: an old one would pass for this spec's
    spec = load_spec(args.spec)
    adopt = Path(args.adopt) if args.adopt else None
    if adopt is not None:
        if not adopt.is_dir():
            err.print(
                f"orgboot synth: --adopt {escape(str(adopt))}: no such folder (the resource mappings `orgboot import` wrote in cdk-import/)"
            )
            return USAGE
        # Checked here, before the CDK runs, so that each problem is said once, naming its file and entry.
        try:
            Adoption.read(adopt).check(spec)
        except NotAdoptable as error:
            err.print(Text(f"orgboot synth: cannot adopt with the resource mappings in {adopt}:"))
            for problem in error.problems:
                err.print(Text(f"  {problem}"), soft_wrap=True)
            return FINDINGS
    out.print(f"[green]{escape(args.spec)} is valid[/]: {len(spec.accounts)} accounts; synthesizing with the CDK…", style="dim")
    synthesize(Path(args.spec), Path(args.output), adopt=adopt)
    stacks = sorted(t.name.removesuffix(".template.json") for t in Path(args.output).glob("*.template.json"))
    out.print(f"Synthesized {len(stacks)} stacks into {args.output}/: {', '.join(stacks)}")
    if adopt:  # one `cdk import` per stack, each with its mapping
        out.print("Import them, one stack at a time, then deploy as usual (`orgboot deploy`):")
        for stack in sorted(stacks, key=_import_order):
            out.print(f"  npx cdk import --app {args.output} {stack} --resource-mapping {adopt / (stack + '.json')}", soft_wrap=True)
    return 0


def _import_order(stack: str) -> tuple[int, str]:
    """The order of the `cdk import` commands: the organization's stacks, then the permission sets,
    then their assignments (as they deploy; each imported stack holds literals only, so the order
    is for people reading along)."""
    rank = [layout.ORGANIZATION_STACK, "OrganizationAccounts", layout.IDENTITY_CENTER_STACK, layout.ASSIGNMENTS_STACK]
    return next((index for index, prefix in enumerate(rank) if stack.startswith(prefix)), len(rank)), stack
