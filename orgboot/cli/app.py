"""orgboot app: the CDK app, as an organization's cdk.json runs it ("app": "orgboot app"). It
replaces itself with orgboot_cdk/app.py under this Python: the CLI never imports the CDK."""

import argparse
import os
import sys

from rich.console import Console

from orgboot.cli.cdk import app_file

HELP = "the CDK app that cdk.json runs: synthesizes the spec the CDK context names (spec=org.yaml)"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "app",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Run by the CDK CLI (`npx cdk synth`, `cdk deploy`), not by hand.",
        parents=[common],
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    app = app_file()
    os.execv(sys.executable, [sys.executable, str(app)])
