"""orgboot schema: the JSON Schema of org.yaml, for editor autocompletion."""

import argparse
import json

from rich.console import Console

from orgboot.spec import OrgSpec

HELP = "print the JSON Schema of org.yaml (for editor autocompletion)"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "schema", help=HELP, description=HELP[0].upper() + HELP[1:] + ": orgboot schema > org.schema.json", parents=[common]
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    print(json.dumps(OrgSpec.model_json_schema(), indent=2))
    return 0
