"""orgboot synth: validate the spec, then `cdk synth` it with this orgboot's CDK app into an
assembly (cdk.out) that `orgboot emulate`, cfn-lint or `cdk deploy --app cdk.out` take."""

import argparse
from pathlib import Path

from rich.console import Console

from orgboot.cli.cdk import ADOPT_CONTEXT, discard, synthesize
from orgboot.cli.status import USAGE
from orgboot.rules import load_spec
from orgboot.spec import layout

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
    out.print(f"[green]{args.spec} is valid[/]: {len(spec.accounts)} accounts; synthesizing with the CDK…", style="dim")
    adopt = Path(args.adopt) if args.adopt else None
    if adopt is not None and not adopt.is_dir():
        err.print(f"orgboot synth: --adopt {adopt}: no such folder (the resource mappings `orgboot import` wrote in cdk-import/)")
        return USAGE
    synthesize(Path(args.spec), Path(args.output), {ADOPT_CONTEXT: str(adopt.resolve())} if adopt else None)
    stacks = sorted(t.name.removesuffix(".template.json") for t in Path(args.output).glob("*.template.json"))
    out.print(f"Synthesized {len(stacks)} stacks into {args.output}/: {', '.join(stacks)}")
    if adopt:  # one `cdk import` per stack, each with its mapping
        out.print("Import them, one stack at a time, then deploy as usual (`orgboot deploy`):")
        for stack in sorted(stacks, key=lambda name: (name != layout.ORGANIZATION_STACK, name)):
            out.print(f"  npx cdk import --app {args.output} {stack} --resource-mapping {adopt / (stack + '.json')}", soft_wrap=True)
    return 0
