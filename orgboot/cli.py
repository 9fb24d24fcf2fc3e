"""python -m orgboot: validate org.yaml, print its JSON Schema, deploy an assembly into the emulator."""

import argparse
import json
import sys
import traceback
from collections.abc import Sequence

from rich.console import Console

from orgboot.loader import SpecError, load_spec
from orgboot.spec import OrgSpec


def _validate(args: argparse.Namespace, out: Console) -> int:
    spec = load_spec(args.spec)
    out.print(
        f"[green]{args.spec} is valid[/]: {len(spec.ou_paths)} OUs, {len(spec.accounts)} accounts,"
        f" {len(spec.policies)} policies"
    )
    return 0


def _schema(args: argparse.Namespace, out: Console) -> int:
    print(json.dumps(OrgSpec.model_json_schema(), indent=2))
    return 0


def _emulate(args: argparse.Namespace, out: Console) -> int:
    # Imported here: moto and boto3 take a second to load, validate should not pay for it.
    from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
    from orgboot.inventory import read_organization
    from orgboot.baseline_inventory import read_baseline
    from orgboot.access import access_matrix, read_member_roles
    from orgboot.emulator.aws import assume
    from orgboot.report import access_report, baseline_report, deploy_summary, organization_tree

    from orgboot.emulator.assembly import read_assembly, secret_parameters

    parameters = dict(args.parameter)
    for key in secret_parameters(read_assembly(args.assembly)):
        if key not in parameters:
            parameters[key] = "emulated-placeholder"
            out.print(f"[yellow]{key} not given: the emulator uses a placeholder[/]")
    with emulated_aws():
        engine = Engine()
        out.print(f"Deploying [bold]{args.assembly}[/] into the emulated AWS (moto, in memory)")
        deploy_assembly(engine, args.assembly, parameters)
        out.print(deploy_summary(engine.events))
        out.print()
        organization = read_organization(management().client("organizations"))
        out.print(organization_tree(organization))
        out.print()
        baseline = read_baseline(management())
        out.print(baseline_report(baseline, organization))
        out.print()
        member_roles = read_member_roles(organization, assume)
        out.print(access_report(access_matrix(baseline, organization, member_roles), len(member_roles)))
    return 0


def _parameter(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not separator or ":" not in key:
        raise argparse.ArgumentTypeError(f"--parameter {text!r}: write STACK:NAME=VALUE")
    return key, value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m orgboot", description="AWS Organization bootstrapper")
    root.add_argument("--debug", action="store_true", help="show a traceback on unexpected errors")
    commands = root.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check org.yaml and its policy files, deploy nothing")
    validate.add_argument("spec", nargs="?", default="org.yaml")
    validate.set_defaults(run=_validate)
    schema = commands.add_parser("schema", help="print the JSON Schema of org.yaml (for editor autocompletion)")
    schema.set_defaults(run=_schema)
    emulate = commands.add_parser("emulate", help="deploy a synthesized assembly into moto and show the result")
    emulate.add_argument("assembly", nargs="?", default="cdk.out")
    emulate.add_argument("--parameter", action="append", default=[], type=_parameter, metavar="STACK:NAME=VALUE",
                         help="a stack parameter, as cdk deploy --parameters takes it")
    emulate.set_defaults(run=_emulate)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    from orgboot.emulator.errors import EmulationError

    args = parser().parse_args(argv)
    # Piped output (CI logs, make) gets a wide page instead of rich's 80-column default.
    width = None if sys.stdout.isatty() else 132
    out = Console(width=width)
    try:
        return args.run(args, out)
    except SpecError as error:
        print(error, file=sys.stderr)
        return 1
    except EmulationError as error:
        print(f"emulated deploy failed: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a traceback is for us, not for users: ask for --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(error).__name__}: {error}\n(rerun with --debug for details, and report it)", file=sys.stderr)
        return 2
