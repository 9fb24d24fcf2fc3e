"""orgboot plan BASE HEAD: the offline change set. Both sides are synthesized with the real CDK
CLI, the base is deployed into the emulated AWS and the head over it, and what CloudFormation would
do to each resource is listed, with what would fail.

A side given as a git revision is synthesized as that revision's repository would be: with the app
its cdk.json names (orgboot's own repository: the code of that revision; an organization's
repository: `orgboot app`, this orgboot), or with this orgboot's app when it has no cdk.json."""

import argparse
import copy
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from orgboot.analysis.plan import Plan
from orgboot.cli import cdk, reviewing
from orgboot.cli.status import FINDINGS
from orgboot.reports.markdown import plan_report
from orgboot.spec.revisions import NoSpecAtRevision, repository_at

if TYPE_CHECKING:  # the emulator loads moto: only when a plan is made
    from orgboot.emulator import Engine
    from orgboot.emulator.assembly import AssemblyStack

HELP = "what deploying HEAD over BASE would do, resource by resource, proven in the emulated AWS"


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "plan",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". BASE and HEAD are spec files, git revisions or synthesized assemblies"
        " (a cdk.out folder). Needs no AWS credentials.",
        parents=[common],
    )
    parser.add_argument("base", metavar="BASE", help="what is deployed: a spec file, a git revision (main, HEAD~1), or a cdk.out")
    parser.add_argument("head", metavar="HEAD", help="the change: a spec file, a git revision, or a cdk.out")
    reviewing.add_change_arguments(parser, acknowledgements=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="orgboot-plan-") as workdir:
        plan = offline_plan(args.base, args.head, reviewing.repository_spec(args.spec, args.head), Path(workdir))
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


@dataclass(frozen=True)
class Deployed:
    """What AWS says of the stacks deployed now besides their templates, for replaying them: the
    physical ID of each resource by stack and logical ID (CloudFormation's ListStackResources) and
    the management account's ID. A template never holds its own resources' IDs, yet it may name
    another stack's resources, or what no stack holds, by the IDs AWS gave them: an adopted account
    stack names its accounts' parents (OrganizationStack's OUs, the root), the policies of an
    organization spread over account stacks name adopted accounts, any policy may name an account
    orgboot leaves alone (unmanaged)."""

    physical_ids: Mapping[tuple[str, str], str] = field(default_factory=dict)
    management_account_id: str | None = None


def emulated_plan(
    history: "list[list[AssemblyStack]]",
    head: "list[AssemblyStack]",
    given: Mapping[str, str] | None = None,
    deployed: Deployed | None = None,
) -> Plan:
    """Deploy the assemblies of `history` in turn into a new emulated AWS, then `head` over them:
    what the head's deploy does. Parameters not `given` get placeholders. `deployed`: what AWS says
    of the stacks `history` holds, when they are the ones deployed now (the replay, below)."""
    from orgboot.emulator import EmulationError, Engine, deploy_assembly, emulated_aws
    from orgboot.emulator.assembly import with_placeholders
    from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

    parameters, _ = with_placeholders([*history, head], given or {})
    with emulated_aws():
        # No account quota: a plan cannot know the organization's (validate warns about the default).
        engine = Engine(account_quota=None)
        replay = _Replay(engine, deployed or Deployed(), parameters)
        try:
            for base in history:
                replay.deploy(base)
        except EmulationError as error:
            return Plan.missing(f"the base does not deploy into the emulated AWS, so there is nothing to plan against: {error}")
        first = len(engine.events)
        try:
            deploy_assembly(engine, replay.translated(head), parameters)
        except EmulationError as error:
            return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID, str(error))
        return Plan.of(engine.events[first:], MANAGEMENT_ACCOUNT_ID)


# The properties by which Organizations resources name others by ID, and the IDs' formats (AWS
# Organizations API Reference: Root Id ^r-[0-9a-z]{4,32}$, OrganizationalUnit Id
# ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$, Account Id ^\d{12}$).
_ID_PROPERTIES = {
    "AWS::Organizations::Account": "ParentIds",
    "AWS::Organizations::OrganizationalUnit": "ParentId",
    "AWS::Organizations::Policy": "TargetIds",
}
_ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
_ACCOUNT_ID = re.compile(r"\d{12}")


def named_ids(template: Mapping[str, Any]) -> set[str]:
    """The IDs the template's Organizations resources name literally (not by Ref or Fn::GetAtt)."""
    named: set[str] = set()
    for resource in template.get("Resources", {}).values():
        value = resource.get("Properties", {}).get(_ID_PROPERTIES.get(resource.get("Type"), ""))
        named |= {item for item in _listed(value) if isinstance(item, str)}
    return named


class _Replay:
    """Deploys the templates deployed now into a new emulated AWS so that it holds what they
    describe, as AWS does. Deploying them as they are would not do that after an adoption
    (docs/adopt.md): `cdk import` took over an organization whose policy types were enabled outside
    any stack, and the stacks name what AWS made long ago by the IDs AWS gave it, which a new
    emulated AWS gives otherwise. So, the smallest faithful replay:

    - the Organization first, then what AWS held outside the stacks before they were deployed:
      each policy type that a deployed policy is attached with is enabled (AWS refuses AttachPolicy
      otherwise, so it was, by the stacks' enablers or before the import; enabling it again is what
      an enabler's create does to an enabled type: PolicyTypeAlreadyEnabledException, ignored);
    - an ID a template names literally stands for the emulated resource it names: the root for the
      root's ID; for a resource a deployed stack holds (its physical ID, from Deployed), that
      resource as replayed; for the management account, the emulated one; for an account no stack
      holds (a suspended account orgboot leaves alone), a suspended account made for it. A stack
      that names an account a later stack holds (a policy of a spread organization targets an
      adopted account) is deployed without that target first, and again with it once every stack
      is there.

    What AWS held outside the stacks is made through the AWS API, as it was made: the emulated
    CloudFormation and its handlers keep refusing what AWS refuses, with no mode for replays. An
    OU named by an ID that no deployed stack holds is refused: the emulator cannot tell which OU it
    is (an OU made for it would hold its accounts elsewhere than the head puts them, and the plan
    would move them). The head is deployed over the replay with its IDs mapped the same way: a
    spread organization's policies name adopted accounts by ID there too."""

    def __init__(self, engine: "Engine", deployed: Deployed, parameters: Mapping[str, str]) -> None:
        self.engine, self.deployed, self.parameters = engine, deployed, parameters
        self.holders = {physical_id: key for key, physical_id in deployed.physical_ids.items()}
        self.outside: dict[str, str] = {}  # ID in AWS of an account no stack holds -> the account made for it
        self.pending: set[str] = set()  # stacks of the replay not deployed yet
        self.root_id: str | None = None  # the emulated root's, once there is an organization

    def deploy(self, stacks: "list[AssemblyStack]") -> None:
        from orgboot.emulator import deploy_assembly

        self.pending = {stack.name for stack in stacks}
        again = []
        for stack in stacks:
            if self._root() is None:
                self._organization_first(stack, stacks)
            template, complete = self._mapped(stack)
            deploy_assembly(self.engine, [replace(stack, template=template)], self._own(stack))
            self.pending.discard(stack.name)
            if not complete:
                again.append(stack)
        for stack in again:
            deploy_assembly(self.engine, [replace(stack, template=self._mapped(stack)[0])], self._own(stack))

    def translated(self, stacks: "list[AssemblyStack]") -> "list[AssemblyStack]":
        """`stacks` (the head) with the IDs they name literally mapped as the replay's."""
        return [replace(stack, template=self._mapped(stack)[0]) for stack in stacks]

    def _own(self, stack: "AssemblyStack") -> dict[str, str]:
        return {key: value for key, value in self.parameters.items() if key.startswith(stack.name + ":")}

    def _organizations(self) -> Any:
        from orgboot.emulator import management

        return management().client("organizations")

    def _root(self) -> str | None:
        from botocore.exceptions import ClientError

        if self.root_id is None:
            try:
                self.root_id = str(self._organizations().list_roots()["Roots"][0]["Id"])
            except ClientError:  # AWSOrganizationsNotInUseException
                return None
        return self.root_id

    def _organization_first(self, stack: "AssemblyStack", stacks: "list[AssemblyStack]") -> None:
        """Deploy the stack's Organization alone, then enable the policy types the stacks attach."""
        from orgboot.emulator import management

        resources = stack.template.get("Resources", {})
        organization = [lid for lid, resource in resources.items() if resource.get("Type") == "AWS::Organizations::Organization"]
        if not organization:
            return
        self.engine.deploy(stack.name, {"Resources": {organization[0]: resources[organization[0]]}}, management(stack.region))
        attached = {
            resource["Properties"]["Type"]
            for other in stacks
            for resource in other.template.get("Resources", {}).values()
            if resource.get("Type") == "AWS::Organizations::Policy" and resource.get("Properties", {}).get("TargetIds")
        }
        client = self._organizations()
        (root,) = client.list_roots()["Roots"]
        for policy_type in sorted(attached - {summary["Type"] for summary in root.get("PolicyTypes", [])}):
            client.enable_policy_type(RootId=root["Id"], PolicyType=policy_type)

    def _mapped(self, stack: "AssemblyStack") -> tuple[dict[str, Any], bool]:
        """The stack's template with each ID it names literally mapped to the emulated resource's,
        and whether it is complete (False: an account a stack not deployed yet holds is left out)."""
        template = copy.deepcopy(stack.template)
        complete = True
        for logical_id, resource in template.get("Resources", {}).items():
            name = _ID_PROPERTIES.get(resource.get("Type"), "")
            properties = resource.get("Properties", {})
            if name not in properties:
                continue
            value = properties[name]
            items = [self._emulated(item, f"{stack.name}/{logical_id}") if isinstance(item, str) else item for item in _listed(value)]
            complete &= None not in items
            properties[name] = [item for item in items if item is not None] if isinstance(value, list) else items[0]
        return template, complete

    def _emulated(self, named: str, where: str) -> str | None:
        """The emulated ID for AWS's ID `named`; None: an account a stack not deployed yet holds."""
        from orgboot.emulator import EmulationError
        from orgboot.emulator.aws import MANAGEMENT_ACCOUNT_ID

        if (holder := self.holders.get(named)) is not None:
            if (resource := self.engine.stack_resource(MANAGEMENT_ACCOUNT_ID, *holder)) is not None:
                return resource.physical_id
            if holder[0] in self.pending:
                return None
            # Its stack is not replayed (its last deploy failed): as if no stack held it.
        if named == self.deployed.management_account_id:
            return MANAGEMENT_ACCOUNT_ID
        if not (_ROOT_ID.fullmatch(named) or _ACCOUNT_ID.fullmatch(named)):
            raise EmulationError(
                f"{where} names {named}, which no deployed stack holds, so the emulated AWS cannot tell which it is"
                " (CloudFormation's ListStackResources gives the IDs of what the stacks hold)"
            )
        if (root := self._root()) is None:
            raise EmulationError(f"{where} names {named}, but no stack deployed before it creates the organization")
        if _ROOT_ID.fullmatch(named):
            return root  # an organization has one root
        if named not in self.outside:
            self.outside[named] = self._account_outside(named)
        return self.outside[named]

    def _account_outside(self, account_id: str) -> str:
        """An account for one AWS holds outside the stacks, which a template names by its ID. Such
        an account is one `orgboot import` left out besides the management account: one that is
        not ACTIVE (the Account provider reads it as not found, so no stack can hold it). So it is
        made, then closed: a policy can be attached to it, and StackSets deploy nothing there, as
        in AWS."""
        client = self._organizations()
        request = client.create_account(AccountName=f"Outside the stacks {account_id}", Email=f"{account_id}@outside-the-stacks.invalid")
        status = client.describe_create_account_status(CreateAccountRequestId=request["CreateAccountStatus"]["Id"])
        made = str(status["CreateAccountStatus"]["AccountId"])
        client.close_account(AccountId=made)
        return made


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


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
