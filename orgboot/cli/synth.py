"""orgboot synth: validate the spec, then `cdk synth` it with this orgboot's CDK app into an
assembly (cdk.out) that `orgboot emulate`, cfn-lint or `cdk deploy --app cdk.out` take."""

import argparse
from pathlib import Path

from rich.console import Console

from orgboot.cli.cdk import discard, synthesize
from orgboot.rules import load_spec

HELP = "validate the spec, then synthesize its CloudFormation templates with the CDK (into cdk.out)"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "synth",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". A refused or failed synth leaves no assembly behind.",
        parents=[common],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec")
    parser.add_argument("-o", "--output", default="cdk.out", metavar="DIR", help="where the cloud assembly goes")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    discard(Path(args.output))  # a refused spec leaves no assembly either: an old one would pass for this spec's
    spec = load_spec(args.spec)
    out.print(f"[green]{args.spec} is valid[/]: {len(spec.accounts)} accounts; synthesizing with the CDK…", style="dim")
    synthesize(Path(args.spec), Path(args.output))
    stacks = sorted(t.name.removesuffix(".template.json") for t in Path(args.output).glob("*.template.json"))
    out.print(f"Synthesized {len(stacks)} stacks into {args.output}/: {', '.join(stacks)}")
    return 0
