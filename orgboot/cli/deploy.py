"""orgboot deploy: the way to deploy. It validates the spec, synthesizes it, reads back the spec the
last deploy recorded (constructs/deployed_spec.py) and checks the change from it as a review does,
proves the deploy in the emulated AWS over what is deployed now, shows that plan, and only then
runs `cdk deploy --all --no-rollback` on the very assembly it checked. `--emulated` deploys into an
emulated AWS kept in .orgboot/emulated-aws instead, through the same steps."""

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from orgboot.analysis.plan import Plan
from orgboot.aws.parameters import DEPLOYED_SPEC_METADATA
from orgboot.aws.regions import HOME_REGION
from orgboot.cli import cdk, reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import Review
from orgboot.reports.terminal import plan_changes, plan_summary
from orgboot.rules import load_spec
from orgboot.spec import LocatedProblem, SpecError, layout, logical_ids
from orgboot.spec.record import unpack

if TYPE_CHECKING:
    import boto3

    from orgboot.emulator.assembly import AssemblyStack

HELP = "validate, check the change against what is deployed, show the plan, then deploy (cdk deploy --no-rollback)"
EMULATED_AWS = Path(".orgboot") / "emulated-aws"
PLAN_LINES_MAX = 40


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "deploy",
        help=HELP,
        description="Deploy the organization: validate the spec, synthesize it into cdk.out, check the change from the spec the"
        " last deploy recorded (refused and unacknowledged dangerous changes stop it), prove it in the emulated AWS over what is"
        " deployed now and show that plan, ask, then run `cdk deploy --all --no-rollback` on that assembly from the management"
        " account (CDK-bootstrapped in us-east-1).",
        parents=[common],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec")
    parser.add_argument(
        "--emulated",
        action="store_true",
        help=f"deploy into the emulated AWS kept in {EMULATED_AWS}/ instead of AWS (no credentials; each deploy updates the last)",
    )
    parser.add_argument("--yes", action="store_true", help="deploy without asking (CI): the checks and the plan still stop it")
    parser.add_argument(
        "--parameters",
        action="append",
        default=[],
        metavar="STACK:NAME=VALUE",
        help="a stack parameter, as cdk deploy takes it (the external ID of a third-party role); repeatable",
    )
    parser.add_argument("--profile", help="the AWS profile of the management account (default: the standard credential chain)")
    reviewing.add_acknowledgements(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.emulator import EmulationError
    from orgboot.emulator.assembly import read_assembly

    spec_file = Path(args.spec)
    spec = load_spec(spec_file)
    if spec.emulator_only and not args.emulated:
        raise SpecError(
            [
                LocatedProblem(
                    str(spec_file),
                    1,
                    "emulator_only",
                    "this organization is an example that deploys only into the emulator (its mailboxes receive no mail):"
                    " `orgboot deploy --emulated`",
                )
            ]
        )
    parameters = dict(_parameter(text) for text in args.parameters)
    target: _Target = _Emulated(EMULATED_AWS) if args.emulated else _Aws(args.profile)
    try:
        with target.opened():
            counts = f"{len(spec.ou_paths)} OUs, {len(spec.accounts)} accounts"
            out.print(f"[green]{args.spec} is valid[/]: {counts}; deploying to {target.name}")
            with tempfile.TemporaryDirectory(prefix="orgboot-deployed-") as workdir:
                review = _check_change(target.recorded_spec(), spec_file, Path(workdir), args, out)
            if review is not None and not review.passes:
                err.print("[bold red]Not deployed[/]: the change from the deployed spec is refused (above)")
                return FINDINGS
            out.print("Synthesizing…", style="dim")
            assembly = Path("cdk.out")
            cdk.synthesize(spec_file, assembly)
            plan = target.plan(read_assembly(assembly), parameters)
    except EmulationError as error:
        err.print(f"emulated deploy failed: {error}")
        return FINDINGS
    except _Unreachable as error:
        err.print(f"cannot read what is deployed in AWS: {error}")
        return FINDINGS
    out.print("\n[bold]Plan[/] (proven in the emulated AWS over what is deployed now):")
    # A first deploy creates hundreds of resources: then a summary per stack says it better.
    out.print(plan_changes(plan) if len(plan.resources) <= PLAN_LINES_MAX else plan_summary(plan))
    if plan.failure or plan.unavailable:
        err.print("[bold red]Not deployed[/]: the deploy fails in the emulated AWS; fix the spec (or the emulator, if AWS would accept it)")
        return FINDINGS
    if not plan.resources and not plan.instances:
        out.print("Nothing to deploy: what is deployed already matches the spec.")
        return 0
    if not args.yes and not _confirmed(target.name):
        err.print("Not deployed (no confirmation; pass --yes where nobody can answer, as in CI)")
        return FINDINGS
    return target.deploy(assembly, parameters, yes=args.yes, out=out)


def _check_change(packed: str | None, spec_file: Path, workdir: Path, args: argparse.Namespace, out: Console) -> Review | None:
    """The change from the recorded spec, checked as `orgboot review` checks a pull request."""
    if packed is None:
        out.print(
            "No spec recorded by an earlier `orgboot deploy`: nothing to check the change against (a first deploy, or stacks"
            " deployed otherwise). The plan below is made over what is deployed now."
        )
        return None
    base = unpack(packed, workdir, "the deployed spec")
    review = reviewing.change_review(base, spec_file, args, "deployed", str(spec_file))
    if review.diff is not None:
        out.print(f"Changes from the deployed spec: {len(review.diff.changes) or 'none'}")
        for change in review.diff.changes:
            mark = "[bold red]dangerous[/] " if change.dangerous else ""
            accepted = " (acknowledged)" if change.id in review.acknowledged else ""
            out.print(f"  {mark}{escape(change.summary)}{accepted}")
    for problem in review.findings:
        out.print(f"[red]{problem}[/]")
    for refusal in review.refusals:
        if not refusal.accepted:
            how = f" (accept with --{refusal.option.replace('_', '-')})" if refusal.option else ""
            out.print(f"[red]refused[/]: {refusal.problem}{how}")
    for change in review.unacknowledged:
        out.print(f"[red]not acknowledged[/]: {change.id}: acknowledge it in org.yaml's acknowledged_changes, with the reason")
    return review


class _Unreachable(Exception):
    """AWS could not be read (no credentials, no access, no network)."""


class _Target:
    name: str

    @contextmanager
    def opened(self) -> Iterator[None]:
        yield

    def recorded_spec(self) -> str | None:
        raise NotImplementedError

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        raise NotImplementedError

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, out: Console) -> int:
        raise NotImplementedError


class _Aws(_Target):
    """The management account the credentials belong to, in us-east-1 (Organizations' home)."""

    def __init__(self, profile: str | None) -> None:
        self.profile = profile

    @contextmanager
    def opened(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.session = session(self.profile)
            account = self.session.client("sts").get_caller_identity()["Account"]
            self.name = f"AWS account {account}{f' (profile {self.profile})' if self.profile else ''}, {HOME_REGION}"
            self.cloudformation = self.session.client("cloudformation")
            yield
        except (BotoCoreError, ClientError) as error:
            raise _Unreachable(str(error)) from None

    def recorded_spec(self) -> str | None:
        from botocore.exceptions import ClientError

        try:
            detail = self.cloudformation.describe_stack_resource(
                StackName=layout.RECORD_STACK, LogicalResourceId=logical_ids.DEPLOYED_SPEC
            )["StackResourceDetail"]
        except ClientError as error:
            if "does not exist" in str(error):  # no stack yet, or one deployed before orgboot kept the record
                return None
            raise
        metadata = json.loads(detail.get("Metadata") or "{}")
        packed = metadata.get(DEPLOYED_SPEC_METADATA)
        return packed if isinstance(packed, str) else None

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        """The templates deployed now (GetTemplate), deployed into the emulated AWS, then the head."""
        from botocore.exceptions import ClientError

        from orgboot.cli.plan import emulated_plan
        from orgboot.emulator.assembly import AssemblyStack

        base = []
        for stack in head:
            try:
                body: Any = self.cloudformation.get_template(StackName=stack.name, TemplateStage="Original")["TemplateBody"]
            except ClientError as error:
                if "does not exist" in str(error):
                    continue
                raise
            # boto3 gives a JSON template as parsed data, a YAML one as text
            template: dict[str, Any] = json.loads(body) if isinstance(body, str) else dict(body)
            base.append(AssemblyStack(stack.name, stack.region, template, stack.dependencies))
        return emulated_plan([base] if base else [], head, parameters)

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, out: Console) -> int:
        command = [str(cdk.cli()), "deploy", "--all", "--app", str(assembly), "--no-rollback", "--no-notices"]
        command += ["--require-approval", "never"] if yes else []
        command += [arg for key, value in parameters.items() for arg in ("--parameters", f"{key}={value}")]
        command += ["--profile", self.profile] if self.profile else []
        out.print(f"\n$ {' '.join(command[1:4])} {assembly} --no-rollback …", style="dim")
        return subprocess.run(command, env=cdk.environment()).returncode and FINDINGS


class _Emulated(_Target):
    """An emulated AWS kept in a folder: the assemblies deployed so far, replayed (emulator/persisted.py)."""

    def __init__(self, folder: Path) -> None:
        from orgboot.emulator.persisted import EmulatedHistory

        self.history = EmulatedHistory(folder)
        self.name = f"the emulated AWS in {folder}/ (moto)"

    @contextmanager
    def opened(self) -> Iterator[None]:
        from orgboot.emulator import Engine, emulated_aws

        with emulated_aws():
            self.engine = Engine()
            self.history.replay(self.engine)
            yield

    def recorded_spec(self) -> str | None:
        from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

        resource = self.engine.stack_resource(MANAGEMENT_ACCOUNT_ID, layout.RECORD_STACK, logical_ids.DEPLOYED_SPEC)
        packed = resource.metadata.get(DEPLOYED_SPEC_METADATA) if resource else None
        return packed if isinstance(packed, str) else None

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        from orgboot.emulator import EmulationError, deploy_assembly
        from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

        first = len(self.engine.events)
        try:
            deploy_assembly(self.engine, head, _with_placeholders(head, parameters))
        except EmulationError as error:
            return Plan.of(self.engine.events[first:], MANAGEMENT_ACCOUNT_ID, str(error))
        return Plan.of(self.engine.events[first:], MANAGEMENT_ACCOUNT_ID)

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, out: Console) -> int:
        from orgboot.emulator.assembly import read_assembly

        number = self.history.append(assembly, _with_placeholders(read_assembly(assembly), parameters))
        out.print(f"Deployed into {self.name}: deploy {number}. `orgboot deploy --emulated` again applies the next change.")
        return 0


def session(profile: str | None) -> "boto3.Session":
    """The management account's session: the standard credential chain, or `profile`."""
    import boto3

    return boto3.Session(profile_name=profile, region_name=HOME_REGION)


def _with_placeholders(stacks: "list[AssemblyStack]", parameters: Mapping[str, str]) -> dict[str, str]:
    from orgboot.emulator.assembly import secret_parameters

    return {**dict.fromkeys(secret_parameters(stacks), "emulated-placeholder"), **parameters}


def _parameter(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not separator or ":" not in key:
        raise SpecError([LocatedProblem("--parameters", 1, "", f"{text!r}: write STACK:NAME=VALUE")])
    return key, value


def _confirmed(where: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"Deploy these changes to {where}? [y/N] ")
    return answer.strip().lower() in ("y", "yes")
