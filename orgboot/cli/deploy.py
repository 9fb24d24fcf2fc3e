"""orgboot deploy: the way to deploy. It validates the spec, reads back the spec the last deploy
recorded (constructs/deployed_spec.py) and checks the change from it as a review does, synthesizes,
proves the deploy in the emulated AWS over the templates deployed now, shows that plan, asks, and
only then runs `cdk deploy --all --no-rollback` on the very assembly it checked. `--emulated`
deploys into an emulated AWS kept in .orgboot/emulated-aws instead, through the same steps."""

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

from orgboot.analysis.plan import Plan, ResourceChange, restated
from orgboot.aws.parameters import DEPLOYED_SPEC_METADATA, DEPLOYED_SPEC_PARAMETER
from orgboot.aws.regions import HOME_REGION
from orgboot.cli import cdk, reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import Review
from orgboot.reports.terminal import plan_changes, plan_summary
from orgboot.rules import load_spec
from orgboot.spec import LocatedProblem, SpecError, layout, logical_ids
from orgboot.spec.record import digest, unpack
from orgboot.spec.revisions import base_spec_path

if TYPE_CHECKING:
    import boto3

    from orgboot.emulator.assembly import AssemblyStack

HELP = "validate, check the change against what is deployed, show the plan, then deploy (cdk deploy --no-rollback)"
STATE = Path(".orgboot")
EMULATED_AWS = STATE / "emulated-aws"
ASSEMBLY = STATE / "cdk.out"  # orgboot's own: a `cdk synth` into cdk.out meanwhile cannot change what was checked
PLAN_LINES_MAX = 40


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "deploy",
        help=HELP,
        description="Deploy the organization: validate the spec, check the change from the spec the last deploy recorded"
        " (refused and unacknowledged dangerous changes stop it), synthesize, prove the deploy in the emulated AWS over the"
        " templates deployed now and show that plan, ask, then run `cdk deploy --all --no-rollback` on that assembly from the"
        " management account (CDK-bootstrapped in us-east-1, and in identity_center.region when it is another). See docs/deploy.md.",
        parents=[common],
    )
    parser.add_argument("spec", nargs="?", default="org.yaml", help="the organization spec (default: org.yaml)")
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
        type=cdk.stack_parameter,
        metavar="STACK:NAME=VALUE",
        help="a stack parameter, as cdk deploy takes it (the external ID of a third-party role); repeatable",
    )
    parser.add_argument("--profile", help="the AWS profile of the management account (default: the standard credential chain)")
    parser.add_argument(
        "--base",
        metavar="BASE",
        help="the spec that is deployed, when no deploy recorded it (stacks deployed before orgboot 0.6, or otherwise):"
        " a spec file or a git revision",
    )
    parser.add_argument(
        "--rollback",
        action="store_true",
        help="deploy with rollback enabled: needed with --yes when the plan replaces resources (CloudFormation replaces"
        " nothing while rollback is disabled)",
    )
    reviewing.add_acknowledgements(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from orgboot.emulator import EmulationError
    from orgboot.emulator.assembly import read_assembly

    spec_file = Path(args.spec)
    spec = load_spec(spec_file)
    if spec.emulator_only and not args.emulated:
        line = next((n for n, text in enumerate(spec_file.read_text().splitlines(), 1) if text.startswith("emulator_only:")), 1)
        message = "this organization is an example that deploys only into the emulator (its mailboxes receive no mail):"
        message += " `orgboot deploy --emulated`"
        raise SpecError([LocatedProblem(str(spec_file), line, "emulator_only", message)])
    parameters = dict(args.parameters)
    target: _Target = _Emulated(EMULATED_AWS) if args.emulated else _Aws(args.profile)
    try:
        with target.opened(), tempfile.TemporaryDirectory(prefix="orgboot-deployed-") as workdir:
            counts = f"{len(spec.ou_paths)} OUs, {len(spec.accounts)} accounts"
            out.print(f"[green]{args.spec} is valid[/]: {counts}; deploying to {target.name}")
            for note in target.notes:
                out.print(f"[yellow]note[/]: {note}")
            base = _deployed_spec(target, args, spec_file, Path(workdir))
            review = _check_change(base, spec_file, args, out)
            if review is not None and not review.passes:
                err.print("[bold red]Not deployed[/]: the change from the deployed spec is refused (above)")
                return FINDINGS
            out.print("Synthesizing…", style="dim")
            cdk.synthesize(spec_file, ASSEMBLY)
            plan = target.plan(read_assembly(ASSEMBLY), parameters)
    except EmulationError as error:
        err.print(f"emulated deploy failed: {error}")
        return FINDINGS
    except _Refused as error:
        err.print(f"[bold red]Not deployed[/]: {escape(str(error))}")
        return FINDINGS
    out.print("\n[bold]Plan[/] (proven in the emulated AWS: the templates deployed now, then these over them):")
    # A first deploy creates hundreds of resources: then a summary per stack says it better.
    out.print(plan_changes(plan) if len(plan.resources) <= PLAN_LINES_MAX else plan_summary(plan))
    for note in target.plan_notes:
        out.print(f"[yellow]note[/]: {note}")
    if plan.unavailable:
        err.print(f"[bold red]Not deployed[/]: no plan: {escape(plan.unavailable)}")
        return FINDINGS
    if plan.failure:
        err.print("[bold red]Not deployed[/]: the deploy fails in the emulated AWS; fix the spec (or the emulator, if AWS would accept it)")
        return FINDINGS
    if not plan.resources and not plan.instances and target.may_skip:
        out.print("Nothing to deploy: what is deployed already matches the spec.")
        return 0
    rollback = args.rollback or any(change.action == "REPLACE" for change in plan.resources)
    if rollback and target.paused:
        # The CDK CLI rolls a paused stack back before deploying it with rollback enabled, and its
        # rollback deletes what the failed deploy created, retained resources included
        # (RollbackStack with RetainExceptOnCreate: aws-cdk-cli, toolkit-lib deployments.ts,
        # rollbackStack): the accounts that deploy created would be closed.
        err.print(
            f"[bold red]Not deployed[/]: {', '.join(target.paused)} stopped where a failed deploy left it, and deploying"
            " with rollback would first roll it back, deleting what that deploy created: accounts would be closed."
            ' Resume it first with `orgboot deploy` and no change that replaces resources (docs/deploy.md, "When a deploy'
            ' fails"), then make this change'
        )
        return FINDINGS
    if rollback and not args.rollback:
        # CloudFormation replaces no resource while rollback is disabled, and the CDK CLI then asks
        # to deploy with rollback enabled (aws-cdk, cdk-toolkit: the "replacement" prompt).
        out.print(
            "[yellow]This deploy replaces resources[/], which CloudFormation does only with rollback enabled: a failure"
            " rolls the stack back, and retained resources it created (accounts) stay outside it (docs/deploy.md)."
        )
        if args.yes:
            err.print("[bold red]Not deployed[/]: it replaces resources; deploy it interactively, or with --yes --rollback")
            return FINDINGS
    if not args.yes and not _confirmed(target.name):
        err.print("Not deployed (no confirmation; pass --yes where nobody can answer, as in CI)")
        return FINDINGS
    return target.deploy(ASSEMBLY, parameters, yes=args.yes, rollback=rollback, out=out)


def _deployed_spec(target: "_Target", args: argparse.Namespace, spec_file: Path, workdir: Path) -> Path | None:
    """The spec deployed now: the one the last deploy recorded, or --base. None: nothing is deployed."""
    if args.base is not None:
        return base_spec_path(args.base, spec_file, workdir)
    packed = target.recorded_spec()
    if packed is None:
        if target.has_stacks():
            raise _Refused(
                f"{layout.ORGANIZATION_STACK} is deployed, with no record of the spec it was deployed from (adopted with cdk import,"
                " deployed before orgboot 0.6, or not by orgboot deploy): name that spec with --base (a git revision or a file) so the"
                " change is checked; right after an adoption, that is the spec you imported (--base org.yaml)"
            )
        return None
    applied = target.applied_digest()
    if applied != digest(packed):
        raise _Refused(
            f"the record of the deployed spec in {layout.RECORD_STACK} was not applied (its last deploy stopped before it): name the"
            " spec deployed now with --base (a git revision or a file)"
        )
    return unpack(packed, workdir / "deployed", "the deployed spec")


def _check_change(base: Path | None, spec_file: Path, args: argparse.Namespace, out: Console) -> Review | None:
    """The change from the deployed spec, checked as `orgboot review` checks a pull request."""
    if base is None:
        out.print("Nothing deployed yet: this deploy creates the organization.")
        return None
    review = reviewing.change_review(base, spec_file, args, "deployed", str(spec_file))
    if review.diff is not None:
        out.print(f"Changes from the deployed spec: {len(review.diff.changes) or 'none'}")
        for change in review.diff.changes:
            mark = "[bold red]dangerous[/] " if change.dangerous else ""
            accepted = " (acknowledged)" if change.id in review.acknowledged else ""
            out.print(f"  {mark}{escape(change.summary)}{accepted}")
    for problem in review.findings:
        out.print(f"[red]{escape(str(problem))}[/]")
    for refusal in review.refusals:
        if not refusal.accepted:
            how = f" (accept with --{refusal.option.replace('_', '-')})" if refusal.option else ""
            out.print(f"[red]refused[/]: {escape(str(refusal.problem))}{how}")
    for change in review.unacknowledged:
        out.print(f"[red]not acknowledged[/]: {change.id}: acknowledge it in org.yaml's acknowledged_changes, with the reason")
    return review


class _Refused(Exception):
    """What stops a deploy before it starts, with why and what would be right."""


# A failed create or update deployed with --no-rollback stops in these, holding what succeeded.
PAUSED = ("CREATE_FAILED", "UPDATE_FAILED")


class _Target:
    name: str
    may_skip = True  # a plan with no change means nothing to deploy

    def __init__(self) -> None:
        self.notes: list[str] = []  # about where the deploy goes, said before the change
        self.plan_notes: list[str] = []  # about what the plan could not see
        self.paused: list[str] = []  # stacks a failed deploy left as they failed (--no-rollback), "Name (STATUS)"

    @contextmanager
    def opened(self) -> Iterator[None]:
        yield

    def recorded_spec(self) -> str | None:
        raise NotImplementedError

    def applied_digest(self) -> str | None:
        raise NotImplementedError

    def has_stacks(self) -> bool:
        raise NotImplementedError

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        raise NotImplementedError

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, rollback: bool, out: Console) -> int:
        raise NotImplementedError


class _Aws(_Target):
    """The management account the credentials belong to, in us-east-1 (Organizations' home)."""

    # CDK skips unchanged stacks itself, and a plan cannot see a changed parameter value.
    may_skip = False

    def __init__(self, profile: str | None) -> None:
        super().__init__()
        self.profile = profile

    @contextmanager
    def opened(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            self.session = session(self.profile)
            self.account = self.session.client("sts").get_caller_identity()["Account"]
            self.name = f"AWS account {self.account}{f' (profile {self.profile})' if self.profile else ''}, {HOME_REGION}"
            self.cloudformation = self.session.client("cloudformation")
            self._check_organization()
            yield
        except NoCredentialsError:
            raise _Refused("no AWS credentials: use the management account's (the standard credential chain, or --profile)") from None
        except (BotoCoreError, ClientError) as error:
            raise _Refused(f"AWS could not be read ({error}): use the management account's credentials, or --profile") from None

    def _check_organization(self) -> None:
        """The credentials are the management account's, or of an account in no organization yet."""
        from botocore.exceptions import ClientError

        try:
            organization = self.session.client("organizations").describe_organization()["Organization"]
        except ClientError as error:
            if _code(error) == "AWSOrganizationsNotInUseException":
                self.notes.append(
                    f"account {self.account} is in no organization: the first deploy creates one, with it as management account"
                )
                return
            raise
        if organization["MasterAccountId"] != self.account:
            raise _Refused(
                f"account {self.account} is a member of {organization['Id']}; deploy from its management account"
                f" ({organization['MasterAccountId']})"
            )
        if not self.has_stacks():
            # AWS::Organizations::Organization fails in an account that is in an organization already
            # (AlreadyInOrganizationException: the Organizations resource provider's CreateHandler).
            raise _Refused(
                f"account {self.account} already manages {organization['Id']}, which no orgboot stack holds: adopt it first"
                " (orgboot import, then cdk import: docs/adopt.md); a failed first deploy's organization is recovered the same way"
            )

    def _stack(self, name: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            return dict(self.cloudformation.describe_stacks(StackName=name)["Stacks"][0])
        except ClientError as error:
            if _code(error) == "ValidationError" and "does not exist" in str(error):
                return None
            raise

    def has_stacks(self) -> bool:
        return self._stack(layout.ORGANIZATION_STACK) is not None

    def recorded_spec(self) -> str | None:
        from botocore.exceptions import ClientError

        try:
            detail = self.cloudformation.describe_stack_resource(
                StackName=layout.RECORD_STACK, LogicalResourceId=logical_ids.DEPLOYED_SPEC
            )["StackResourceDetail"]
        except ClientError as error:
            # "Stack with id X does not exist", or "Resource X does not exist for stack Y": no record.
            if _code(error) == "ValidationError" and "does not exist" in str(error):
                return None
            raise
        packed = json.loads(detail.get("Metadata") or "{}").get(DEPLOYED_SPEC_METADATA)
        return packed if isinstance(packed, str) else None

    def applied_digest(self) -> str | None:
        """The digest in the parameter's value: it changes only when CloudFormation applied the record."""
        value = self.session.client("ssm").get_parameter(Name=DEPLOYED_SPEC_PARAMETER)["Parameter"]["Value"]
        return _digest_of(value)

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        """The templates deployed now (GetTemplate), deployed into the emulated AWS, then the head."""
        from orgboot.cli.plan import Deployed, emulated_plan, named_ids
        from orgboot.emulator.assembly import AssemblyStack, secret_parameters

        base, deployed_parameters = [], set()
        for stack in head:
            deployed = self._stack(stack.name)
            if deployed is None:
                continue
            status = deployed["StackStatus"]
            if status.endswith("_IN_PROGRESS"):
                raise _Refused(f"{stack.name} is {status}: another deploy is running; wait for it to finish")
            if status in PAUSED:
                self.paused.append(f"{stack.name} ({status})")
            if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED") and self._retains_organization(stack.name):
                # Its first deploy rolled back and left the organization or accounts it created in AWS,
                # outside the stack (DeletionPolicy Retain): creating them again fails
                # (AlreadyInOrganizationException, an email that exists). They are adopted instead.
                raise _Refused(
                    f"{stack.name} is {status}: its first deploy failed and rolled back, leaving what it created and retains"
                    " (the organization, accounts) in AWS outside the stack, so deploying it again would fail. Adopt them"
                    ' first: docs/adopt.md, "Recovering a failed deploy"'
                )
            if status.endswith("_FAILED") or status in ("ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS"):
                # What such a stack holds is not what its template says: planned as if new.
                self.plan_notes.append(f"{stack.name} is {status} (its last deploy failed): the plan deploys it as if it were new")
                continue
            body: Any = self.cloudformation.get_template(StackName=stack.name, TemplateStage="Original")["TemplateBody"]
            if isinstance(body, str):  # boto3 parses a JSON template; text is YAML, which orgboot never deploys
                raise _Refused(f"{stack.name}'s deployed template is not JSON: it was not deployed by orgboot")
            base.append(AssemblyStack(stack.name, stack.region, dict(body), stack.dependencies))
            deployed_parameters |= {f"{stack.name}:{p['ParameterKey']}" for p in deployed.get("Parameters", [])}
        # cdk deploy keeps a deployed stack's parameter values; a new one needs its value given.
        if missing := [key for key in secret_parameters(head) if key not in parameters and key not in deployed_parameters]:
            raise _Refused(f"no value for {', '.join(missing)}: give it with --parameters {missing[0]}=…")
        # The templates name some resources by the IDs AWS gave them (after an adoption: the OUs an
        # account stack's accounts are under, the accounts a spread organization's policies target,
        # accounts orgboot leaves alone), which the emulated AWS the plan replays them into gives
        # otherwise: CloudFormation's record of what each stack holds maps them (cli/plan.py, _Replay).
        named = any(named_ids(stack.template) for stack in [*base, *head])
        live = Deployed(self._physical_ids(base) if named else {}, self.account)
        plan = emulated_plan([base] if base else [], head, parameters, live)
        if same := restated({stack.name: stack.template for stack in base}, {stack.name: stack.template for stack in head}, plan):
            self.plan_notes.append(_restated_note(same))
        return plan

    def _retains_organization(self, stack_name: str) -> bool:
        body: Any = self.cloudformation.get_template(StackName=stack_name, TemplateStage="Original")["TemplateBody"]
        resources = body.get("Resources", {}) if isinstance(body, dict) else {}
        return any(r.get("Type", "").startswith("AWS::Organizations::") and r.get("DeletionPolicy") == "Retain" for r in resources.values())

    def _physical_ids(self, stacks: "list[AssemblyStack]") -> dict[tuple[str, str], str]:
        """The ID AWS gave each Organizations resource of the deployed stacks, by stack and logical ID."""
        from orgboot.state.pages import all_items

        return {
            (stack.name, summary["LogicalResourceId"]): summary["PhysicalResourceId"]
            for stack in stacks
            for summary in all_items(self.cloudformation, "list_stack_resources", "StackResourceSummaries", StackName=stack.name)
            if summary["ResourceType"].startswith("AWS::Organizations::") and summary.get("PhysicalResourceId")
        }

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, rollback: bool, out: Console) -> int:
        # Every stack, at the CLI's default concurrency, and no --concurrency or --exclusively is
        # taken from the user: the assembly orders the stacks one after another anyway (each depends
        # directly on every stack before it: stacks/__init__.py, one_after_another), so any
        # concurrency deploys one stack at a time and Organizations never sees two at once.
        command = [str(cdk.cli()), "deploy", "--all", "--app", str(assembly), "--no-notices"]
        command += [] if rollback else ["--no-rollback"]
        command += ["--require-approval", "never"] if yes or self.paused else []
        command += [arg for key, value in parameters.items() for arg in ("--parameters", f"{key}={value}")]
        command += ["--profile", self.profile] if self.profile else []
        out.print(f"\n$ cdk deploy --all --app {assembly}{'' if rollback else ' --no-rollback'} …", style="dim")
        if not self.paused:
            return FINDINGS if subprocess.run(command, env=cdk.environment()).returncode else 0
        # Resuming a paused stack whose change set replaces something, the CDK CLI offers to "Roll
        # back first and then proceed", and its rollback deletes, so closes, the accounts the failed
        # deploy created (RollbackStack with RetainExceptOnCreate: aws-cdk-cli, toolkit-lib
        # deployments.ts). The plan cannot see that replacement (a paused stack is planned as new).
        # The CLI asks only on a terminal (its IoHost reads stdout's isTTY: "TTY is not attached"
        # otherwise; older CLIs read stdin's), so both are anything but one and the question becomes
        # a refusal; the user confirmed above.
        with subprocess.Popen(command, env=cdk.environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True) as process:
            assert process.stdout is not None
            for line in process.stdout:
                sys.stdout.write(line)
        return FINDINGS if process.returncode else 0


class _Emulated(_Target):
    """An emulated AWS kept in a folder: the assemblies deployed so far, replayed (emulator/persisted.py)."""

    def __init__(self, folder: Path) -> None:
        from orgboot.emulator.persisted import EmulatedHistory

        super().__init__()
        self.history = EmulatedHistory(folder)
        self.name = f"the emulated AWS in {folder}/ (moto)"

    @contextmanager
    def opened(self) -> Iterator[None]:
        from orgboot.emulator import EmulationError, Engine, emulated_aws

        with emulated_aws():
            # No account quota: the organization this rehearses may have its increase already, and
            # validate warns about the default (as plans, cli/plan.py, enforce none).
            self.engine = Engine(account_quota=None)
            try:
                self.history.replay(self.engine)
            except EmulationError as error:
                raise _Refused(f"{self.name} cannot be rebuilt ({error}): delete {self.history.folder} to start over") from None
            yield

    def _record(self) -> Any:
        from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

        return self.engine.stack_resource(MANAGEMENT_ACCOUNT_ID, layout.RECORD_STACK, logical_ids.DEPLOYED_SPEC)

    def has_stacks(self) -> bool:
        return bool(self.history.deploys())

    def recorded_spec(self) -> str | None:
        resource = self._record()
        packed = resource.metadata.get(DEPLOYED_SPEC_METADATA) if resource else None
        return packed if isinstance(packed, str) else None

    def applied_digest(self) -> str | None:
        from orgboot.emulator import management

        return _digest_of(management().client("ssm").get_parameter(Name=DEPLOYED_SPEC_PARAMETER)["Parameter"]["Value"])

    def plan(self, head: "list[AssemblyStack]", parameters: Mapping[str, str]) -> Plan:
        from orgboot.emulator import EmulationError, deploy_assembly
        from orgboot.emulator.assembly import with_placeholders
        from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

        first = len(self.engine.events)
        given, placeholders = with_placeholders([head], parameters)
        self.plan_notes += [f"{key} not given (--parameters {key}=…): the emulator uses a placeholder" for key in placeholders]
        try:
            deploy_assembly(self.engine, head, given)
        except EmulationError as error:
            return Plan.of(self.engine.events[first:], MANAGEMENT_ACCOUNT_ID, str(error))
        return Plan.of(self.engine.events[first:], MANAGEMENT_ACCOUNT_ID)

    def deploy(self, assembly: Path, parameters: Mapping[str, str], *, yes: bool, rollback: bool, out: Console) -> int:
        from orgboot.emulator.assembly import read_assembly, with_placeholders

        number = self.history.append(assembly, with_placeholders([read_assembly(assembly)], parameters)[0])
        out.print(f"Deployed into {self.name}: deploy {number}. `orgboot deploy --emulated` again applies the next change.")
        return 0


def _restated_note(resources: list[ResourceChange], shown: int = 5) -> str:
    """What `cdk deploy`'s change set will list that the plan does not: resources written otherwise
    in the templates whose values come out as they are. After an adoption these are the accounts of
    account stacks: `cdk import` took each under its parent's literal ID, and the normal synth looks
    the parent up by path. The change set lists each as Modify (its ParentIds changed in the
    template, their value known only when the lookup runs); the lookup gives the ID the account is
    under, and the Account provider moves an account only when its parent differs ("Updated parent
    id is the same for account [...]. Skip move account": aws-cloudformation-resource-providers-
    organizations, aws-organizations-account UpdateHandler), so none moves, as the plan proves."""
    names = ", ".join(f"{change.stack}/{change.logical_id}" for change in resources[:shown])
    more = f" and {len(resources) - shown} more" if len(resources) > shown else ""
    return (
        f"{len(resources)} resource(s) change only in how the templates write them ({names}{more}): CloudFormation's"
        " change set lists them as Modify, but their values come out as they are, so deploying them changes nothing"
        " (proven in the plan above)"
    )


def session(profile: str | None) -> "boto3.Session":
    """The management account's session: the standard credential chain, or `profile`."""
    import boto3

    return boto3.Session(profile_name=profile, region_name=HOME_REGION)


def _code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _digest_of(value: str) -> str | None:
    try:
        found = json.loads(value).get("sha256")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _confirmed(where: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"Deploy these changes to {where}? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
