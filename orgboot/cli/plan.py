"""orgboot plan BASE HEAD: the offline change set. Both sides are synthesized with the real CDK
CLI, the base is deployed into the emulated AWS and the head over it, and what CloudFormation would
do to each resource is listed, with what would fail.

A side given as a git revision is synthesized as that revision's repository would be: with the app
its cdk.json names (orgboot's own repository: the code of that revision; an organization's
repository: `orgboot app`, this orgboot), or with this orgboot's app when it has no cdk.json."""

import argparse
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from orgboot.analysis.plan import Plan
from orgboot.cli import cdk, reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import plan_report
from orgboot.spec.revisions import NoSpecAtRevision, repository_at

if TYPE_CHECKING:  # the emulator loads moto: only when a plan is made
    from orgboot.emulator.assembly import AssemblyStack

HELP = "what deploying HEAD over BASE would do, resource by resource, proven in the emulated AWS"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "plan",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". BASE and HEAD are spec files, git revisions or synthesized assemblies"
        " (a cdk.out folder). Needs no AWS credentials.",
        parents=[common],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("base", metavar="BASE", help="what is deployed: a spec file, a git revision (main, HEAD~1), or a cdk.out")
    parser.add_argument("head", metavar="HEAD", help="the change: a spec file, a git revision, or a cdk.out")
    reviewing.add_change_arguments(parser, acknowledgements=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="orgboot-plan-") as workdir:
        plan = offline_plan(args.base, args.head, args.spec, Path(workdir))
    reviewing.write(args, out, plan_report(plan, args.base, args.head))
    return FINDINGS if plan.failure else 0


def offline_plan(base: str, head: str, spec: str, workdir: Path) -> Plan:
    """Synthesize both sides side by side (two processes), then deploy base and head in turn. A base
    that cannot be synthesized or deployed leaves no plan (`unavailable` says why); a head that
    cannot is the plan's failure."""
    from orgboot.emulator import EmulationError
    from orgboot.emulator.assembly import read_assembly

    refs = {"base": base, "head": head}
    assemblies: dict[str, Path] = {}
    synths: dict[str, tuple[Path, Path, str | None]] = {}
    problems: dict[str, str] = {}
    # Both sides are resolved before either synth starts, so a bad revision leaves no process behind.
    for side, ref in refs.items():
        if (Path(ref) / "manifest.json").is_file():
            assemblies[side] = Path(ref)
            continue
        try:
            folder, spec_file, app = _side(ref, spec, workdir / side)
        except NoSpecAtRevision:  # a revision that does not exist stays an error
            problems[side] = f"has no {spec} (a new spec)"
            continue
        assemblies[side] = workdir / side / "cdk.out"
        synths[side] = (folder, spec_file, app)
    processes = {side: cdk.start_synth(file, assemblies[side], cwd=cwd, app=app) for side, (cwd, file, app) in synths.items()}
    for side, process in processes.items():
        _, stderr = process.communicate()
        if process.returncode != 0:
            problems[side] = f"cannot be synthesized:\n{cdk.last_lines(stderr)}"
    if "head" in problems:
        return Plan((), (), f"the head ({head}) {problems['head']}")
    if "base" in problems:
        return Plan.missing(f"the base ({base}) {problems['base']}")
    try:
        stacks = {side: read_assembly(out) for side, out in assemblies.items()}
    except EmulationError as error:
        return Plan((), (), str(error))
    return emulated_plan([stacks["base"]], stacks["head"])


def emulated_plan(history: "list[list[AssemblyStack]]", head: "list[AssemblyStack]", given: Mapping[str, str] | None = None) -> Plan:
    """Deploy the assemblies of `history` in turn into a new emulated AWS, then `head` over them:
    what the head's deploy does. Parameters not `given` get placeholders."""
    from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
    from orgboot.emulator.assembly import with_placeholders
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

    parameters, _ = with_placeholders([*history, head], given or {})
    with emulated_aws():
        engine = Engine()
        try:
            for base in history:
                deploy_assembly(engine, base, parameters)
        except EmulationError as error:
            return Plan.missing(f"the base does not deploy into the emulated AWS, so there is nothing to plan against: {error}")
        first = len(engine.events)
        try:
            deploy_assembly(engine, head, parameters)
        except EmulationError as error:
            return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID, str(error))
        return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID)


def _side(ref: str, spec: str, workdir: Path) -> tuple[Path, Path, str | None]:
    """Where one side is synthesized: the folder the CDK CLI runs in, the spec, and the app (None:
    the folder's cdk.json names it). A spec file: this orgboot's app. A git revision: its whole
    repository, extracted, with the cdk.json nearest the spec, or else this orgboot's app."""
    workdir.mkdir(parents=True)
    if Path(ref).is_file():
        return Path.cwd(), Path(ref).resolve(), cdk.app_command()
    repository = workdir / "repository"
    spec_file = repository_at(ref, spec, repository)
    for folder in [spec_file.parent, *spec_file.parent.parents]:
        if (folder / "cdk.json").is_file():
            return folder, spec_file, None
        if folder == repository:
            break
    return spec_file.parent, spec_file, cdk.app_command()
