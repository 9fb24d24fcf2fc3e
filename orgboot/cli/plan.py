"""orgboot plan BASE HEAD: the offline change set. Both sides are synthesized with the real CDK
CLI (a git revision with its own code), the base is deployed into the emulated AWS and the head
over it, and what CloudFormation would do to each resource is listed, with what would fail."""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from orgboot.analysis.plan import Plan
from orgboot.cli import reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import plan_report
from orgboot.spec import LocatedProblem, SpecError
from orgboot.spec.revisions import repository_at

HELP = "what deploying HEAD over BASE would do, resource by resource, proven in the emulated AWS"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "plan",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". BASE and HEAD are spec files or git revisions. Needs no AWS credentials.",
        parents=[common],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("base", metavar="BASE", help="what is deployed: a spec file, or a git revision (main, HEAD~1)")
    parser.add_argument("head", metavar="HEAD", help="the change: a spec file, or a git revision")
    reviewing.add_change_arguments(parser, acknowledgements=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="orgboot-plan-") as workdir:
        plan = offline_plan(args.base, args.head, args.spec, Path(workdir), err)
    reviewing.write(args, out, plan_report(plan, args.base, args.head))
    return FINDINGS if plan.failure else 0


def offline_plan(base: str, head: str, spec: str, workdir: Path, err: Console) -> Plan:
    """Synthesize both sides side by side (two processes), then deploy base and head in turn."""
    from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
    from orgboot.emulator.assembly import read_assembly, secret_parameters
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

    # Both sides are resolved before either synth starts, so a bad revision leaves no process behind.
    sides = {side: _app_and_spec(ref, spec, workdir / side) for side, ref in (("base", base), ("head", head))}
    synths = {side: _synthesize(app, spec_file, workdir / side / "cdk.out") for side, (app, spec_file) in sides.items()}
    for side, (process, _) in synths.items():
        _, stderr = process.communicate()
        if process.returncode != 0:
            return Plan((), (), f"the {side} ({base if side == 'base' else head}) does not synthesize: {_last_lines(stderr)}")
    try:
        stacks = {side: read_assembly(out) for side, (_, out) in synths.items()}
    except EmulationError as error:
        return Plan((), (), str(error))
    parameters = {key: "emulated-placeholder" for side in stacks.values() for key in secret_parameters(side)}
    with emulated_aws():
        engine = Engine()
        try:
            deploy_assembly(engine, stacks["base"], parameters)
        except EmulationError as error:
            return Plan((), (), f"the base does not deploy, so there is nothing to plan against: {error}")
        first = len(engine.events)
        try:
            deploy_assembly(engine, stacks["head"], parameters)
        except EmulationError as error:
            return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID, str(error))
        return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID)


def _app_and_spec(ref: str, spec: str, workdir: Path) -> tuple[Path, Path]:
    """Where one side is synthesized from: a spec file with this checkout's code, or a git
    revision with the code it had (its whole repository extracted; its app is at the top)."""
    workdir.mkdir(parents=True)
    if Path(ref).is_file():
        return _checkout(), Path(ref).resolve()
    repository = workdir / "repository"
    spec_file = repository_at(ref, spec, repository)
    if not (repository / "cdk.json").is_file():
        raise SpecError([LocatedProblem(str(spec_file), 1, "", f"{ref}: the revision has no cdk.json at its top to synthesize")])
    return repository, spec_file


def _synthesize(app: Path, spec_file: Path, out: Path) -> tuple["subprocess.Popen[str]", Path]:
    """Start `cdk synth` of one side, with this checkout's CDK CLI."""
    cdk = _checkout() / "node_modules" / ".bin" / "cdk"
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    command = [str(cdk), "synth", "--quiet", "--no-notices", "--context", f"spec={spec_file}", "--output", str(out)]
    process = subprocess.Popen(command, cwd=app, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return process, out


def _checkout() -> Path:
    """The repository this orgboot runs from: its cdk.json and CDK CLI (node_modules)."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (folder / "cdk.json").is_file() and (folder / "node_modules" / ".bin" / "cdk").exists():
            return folder
    raise SystemExit("orgboot plan runs from the repository that holds cdk.json and node_modules (run `make setup` there)")


def _last_lines(text: str, count: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-count:])
