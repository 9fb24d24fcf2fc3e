"""The first `orgboot deploy` after an adoption (docs/adopt.md, step 3): AWS holds what `cdk import`
took of the adopt assembly, and the deploy plans over it. Those templates attach policies whose types
were enabled outside any stack, and name by the IDs AWS gave them the OUs an account stack's accounts
are under, the accounts a spread organization's policies target, and accounts orgboot leaves alone;
a new emulated AWS gives other IDs. The plan must replay that base faithfully and show the creates
(the policy-type enablers, the baseline, the member roles, the record) and no change to anything
adopted. AWS is a hand-written stand-in that answers as CloudFormation does after the import
(tests/cli/test_deploy.py has the pattern); the CDK CLI is the real one for synth and a recorder for
deploy."""

import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import stacks
from orgboot.analysis.plan import Plan
from orgboot.cli import deploy as deploy_command
from orgboot.cli.main import main
from orgboot.rules import load_spec
from orgboot.spec import OrgSpec, layout, logical_ids
from tests.conftest import REPO
from tests.support.cloudformation_standin import CloudFormationStandIn

MANAGEMENT = "999988887777"  # the caller: the management account
ORGANIZATION_ID = "o-ab12cd34ef"
ROOT_ID = "r-ab12"
OU_IDS = {"Workloads": "ou-ab12-11111111", "Workloads/Prod": "ou-ab12-22222222", "Sandbox": "ou-ab12-33333333"}
ACCOUNT_IDS = {"shop-prod": "210987654321", "tools": "321098765432", "sandbox-alice": "432109876543"}
SUSPENDED = "111122223333"

# An organization as `orgboot import` writes it: every account adopted by its ID, a suspended
# account and the management account left alone, and policies attached to both of them (and, spread
# over account stacks, to an adopted account by its ID).
SPEC = f"""
organization:
  feature_set: ALL
  policy_types: [SERVICE_CONTROL_POLICY, TAG_POLICY]
organizational_units: [Workloads/Prod, Sandbox]
accounts:
  shop-prod: {{name: Shop Prod, email: aws+shop-prod@acme-corp.io, ou: Workloads/Prod, account_id: "{ACCOUNT_IDS["shop-prod"]}",
              tags: {{cost-center: "1234"}}}}
  tools: {{name: Tools, email: aws+tools@acme-corp.io, ou: Root, account_id: "{ACCOUNT_IDS["tools"]}"}}
  sandbox-alice: {{name: Sandbox Alice, email: aws+sandbox-alice@acme-corp.io, ou: Sandbox, account_id: "{ACCOUNT_IDS["sandbox-alice"]}"}}
policies:
  deny-leaving:
    type: SERVICE_CONTROL_POLICY
    name: Deny Leaving
    document: policies/deny-leaving.json
    targets: [Root, Workloads, legacy]
  cost-center-tag:
    type: TAG_POLICY
    document: policies/cost-center-tag.json
    targets: [tools, management]
member_roles:
  catalogue:
    ReadOnly:
      description: Look, don't touch.
      managed_policies: [ReadOnlyAccess]
      targets: [Root]
unmanaged:
  accounts:
    management: {{id: "{MANAGEMENT}", name: Management, email: aws@acme-corp.io, ou: Root, why: management account}}
    legacy: {{id: "{SUSPENDED}", name: Legacy, email: legacy@acme-corp.io, ou: Root, state: SUSPENDED, why: not active}}
"""
SHARDED = SPEC.replace("  feature_set: ALL\n", "  feature_set: ALL\n  account_stacks: 2\n")
DENY_LEAVING = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}
COST_CENTER_TAG = {"tags": {"cost-center": {"tag_key": {"@@assign": "cost-center"}}}}


class ImportedAws(CloudFormationStandIn):
    """The management account right after `cdk import` of each stack of the adopt assembly with its
    mapping: CloudFormation holds the stack, IMPORT_COMPLETE, its template as the CDK CLI's importer
    makes it (the assembly's without CDKMetadata and Outputs, DeletionPolicy Retain added where
    missing: aws-cdk-cli, toolkit-lib resource-import), each resource under the ID its mapping gave.
    No record of a deployed spec: the deploy needs --base. With `deployed`, AWS after `cdk deploy`
    of that assembly over it instead: its templates as they are, what was imported under its IDs."""

    def __init__(self, assembly: Path, mappings: Path, *, deployed: bool = False) -> None:
        self.templates: dict[str, dict] = {}
        for file in assembly.glob("*.template.json"):
            template = json.loads(file.read_text())
            if not deployed:
                template["Resources"].pop("CDKMetadata", None)  # the importer's removeNonImportResources
                template.pop("Outputs", None)
                for resource in template["Resources"].values():
                    resource.setdefault("DeletionPolicy", "Retain")
            self.templates[file.name.removesuffix(".template.json")] = template
        self.status = "UPDATE_COMPLETE" if deployed else "IMPORT_COMPLETE"
        self.physical_ids = {
            (file.stem, logical_id): next(iter(identifier.values()))
            for file in mappings.glob("*.json")
            if file.name != stacks.adoption.IDS_FILE
            for logical_id, identifier in json.loads(file.read_text()).items()
        }
        self.listed: list[str] = []  # the stacks whose resources were listed

    # STS and Organizations
    def get_caller_identity(self) -> dict:
        return {"Account": MANAGEMENT}

    def describe_organization(self) -> dict:
        return {"Organization": {"Id": ORGANIZATION_ID, "MasterAccountId": MANAGEMENT}}

    # CloudFormation
    def describe_stacks(self, StackName: str) -> dict:
        self._template(StackName)
        return {"Stacks": [{"StackStatus": self.status, "Parameters": []}]}

    def get_paginator(self, operation: str) -> "ImportedAws":
        assert operation == "list_stack_resources"
        return self

    def paginate(self, StackName: str) -> list[dict]:
        """ListStackResources, in one page."""
        self.listed.append(StackName)
        summaries = [
            {
                "LogicalResourceId": logical_id,
                "PhysicalResourceId": self.physical_ids.get((StackName, logical_id), f"{StackName}-{logical_id}"),
                "ResourceType": resource["Type"],
                "ResourceStatus": self.status,
            }
            for logical_id, resource in self._template(StackName)["Resources"].items()
        ]
        return [{"StackResourceSummaries": summaries}]


class Session:
    aws: ImportedAws

    def __init__(self, profile: str | None) -> None:
        self.profile = profile

    def client(self, service: str) -> ImportedAws:
        assert service in ("sts", "organizations", "cloudformation"), service
        return Session.aws


@dataclass
class Adopted:
    root: Path
    spec: OrgSpec
    aws: ImportedAws
    imported: set[tuple[str, str]]  # (stack, logical ID) of every resource cdk import took
    listed_by_first_deploy: list[str] = field(default_factory=list)  # the stacks its first deploy listed


def adopted_repository(root: Path, text: str) -> Adopted:
    """An organization's repository as `orgboot import` writes it (a CDK CLI whose deploy records
    its arguments), and AWS after `cdk import` of its adopt assembly."""
    root.mkdir(parents=True)
    (root / "policies").mkdir()
    (root / "policies" / "deny-leaving.json").write_text(json.dumps(DENY_LEAVING))
    (root / "policies" / "cost-center-tag.json").write_text(json.dumps(COST_CENTER_TAG))
    (root / "org.yaml").write_text(text)
    spec = load_spec(root / "org.yaml")
    mappings = write_mappings(root / "cdk-import", spec)
    cli = root / "node_modules" / ".bin" / "cdk"
    cli.parent.mkdir(parents=True)
    real = REPO / "node_modules" / ".bin" / "cdk"
    cli.write_text(f'#!/bin/sh\nif [ "$1" = deploy ]; then echo "$@" > deployed; exit 0; fi\nexec "{real}" "$@"\n')
    cli.chmod(0o755)
    with within(root):  # as docs/adopt.md says it: the CDK CLI's synth, as the deploy's (path metadata and all)
        assert main(["synth", "--adopt", "cdk-import", "--output", "cdk.adopt.out"]) == 0
    aws = ImportedAws(root / "cdk.adopt.out", mappings)
    imported = {(stack, logical_id) for stack, template in aws.templates.items() for logical_id in template["Resources"]}
    return Adopted(root, spec, aws, imported)


def write_mappings(folder: Path, spec: OrgSpec) -> Path:
    """DIR/cdk-import as `orgboot import` writes it for an organization holding what `spec` declares."""
    mappings: dict[str, dict[str, dict[str, str]]] = {
        layout.ORGANIZATION_STACK: {
            logical_ids.ORGANIZATION: {"Id": ORGANIZATION_ID},
            **{logical_ids.ou(path): {"Id": OU_IDS[path]} for path in spec.ou_paths},
            **{logical_ids.policy(key): {"Id": f"p-{n:08d}"} for n, key in enumerate(sorted(spec.organization_policies))},
        }
    }
    for key in spec.accounts:
        stack = layout.account_stack(key, spec.organization.account_stacks)
        mappings.setdefault(stack, {})[logical_ids.account(key)] = {"AccountId": ACCOUNT_IDS[key]}
    folder.mkdir()
    for stack, mapping in mappings.items():
        (folder / f"{stack}.json").write_text(json.dumps(mapping))
    (folder / stacks.adoption.IDS_FILE).write_text(json.dumps({"root": ROOT_ID}))
    return folder


@pytest.fixture(scope="module", params=["one stack", "account stacks"])
def adopted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Adopted:
    text = SPEC if request.param == "one stack" else SHARDED
    return adopted_repository(tmp_path_factory.mktemp("adopted") / "acme-org", text)


@dataclass
class Deploy:
    code: int
    out: str  # rich wraps lines: whitespace made single spaces
    err: str
    plans: list[Plan]  # the plans it made


@contextmanager
def within(root: Path) -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(root)
        monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        yield monkeypatch


@contextmanager
def deploying(adopted: Adopted) -> Iterator[list[Plan]]:
    """In the adopted repository, against the stand-in, recording the plans made."""
    made: list[Plan] = []
    plan = deploy_command._Aws.plan

    def recorded(self: deploy_command._Aws, *args: Any) -> Plan:
        made.append(plan(self, *args))
        return made[-1]

    with within(adopted.root) as monkeypatch:
        monkeypatch.setattr(deploy_command, "session", Session)
        monkeypatch.setattr(deploy_command._Aws, "plan", recorded)
        Session.aws = adopted.aws
        (adopted.root / "deployed").unlink(missing_ok=True)
        yield made


def deploy(adopted: Adopted, capsys: pytest.CaptureFixture[str]) -> Deploy:
    """`orgboot deploy --base org.yaml --yes` against `adopted.aws`."""
    capsys.readouterr()
    with deploying(adopted) as plans:
        code = main(["--no-color", "deploy", "--base", "org.yaml", "--yes"])
    out, err = capsys.readouterr()
    return Deploy(code, " ".join(out.split()), " ".join(err.split()), plans)


@pytest.fixture(scope="module")
def first_deploy(adopted: Adopted) -> Deploy:
    """`orgboot deploy --base org.yaml --yes`, once per adopted repository."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        with deploying(adopted) as plans:
            code = main(["--no-color", "deploy", "--base", "org.yaml", "--yes"])
    adopted.listed_by_first_deploy = list(adopted.aws.listed)
    return Deploy(code, " ".join(out.getvalue().split()), " ".join(err.getvalue().split()), plans)


def test_the_first_deploy_after_adoption_creates_the_rest_and_changes_nothing_adopted(adopted, first_deploy):
    assert first_deploy.code == 0, first_deploy.err
    (plan,) = first_deploy.plans
    assert (plan.unavailable, plan.failure) == (None, None)
    assert {change.action for change in plan.resources} == {"CREATE"}, [c for c in plan.resources if c.action != "CREATE"]
    created = {(change.stack, change.logical_id) for change in plan.resources}
    assert not created & adopted.imported, "nothing cdk import took is created again"
    assert {(layout.ORGANIZATION_STACK, logical_ids.policy_type_enabler(t)) for t in adopted.spec.organization.policy_types} <= created
    assert (layout.RECORD_STACK, logical_ids.DEPLOYED_SPEC) in created
    assert any(change.stack == "ManagementBaselineStack" for change in plan.resources)
    assert any(change.stack == layout.MEMBER_ROLES_STACK and change.type == "AWS::CloudFormation::StackSet" for change in plan.resources)
    # ReadOnly goes to every adopted account under the root: not to the management account (StackSets
    # never do) nor to the suspended account.
    assert [(i.action, i.accounts) for i in plan.instances] == [("CREATE", len(ACCOUNT_IDS))]
    assert "Changes from the deployed spec: none" in first_deploy.out
    recorded = (adopted.root / "deployed").read_text().split()
    assert recorded[:6] == ["deploy", "--all", "--app", ".orgboot/cdk.out", "--no-notices", "--no-rollback"]


def test_what_the_change_set_lists_beyond_the_plan_is_said(adopted, first_deploy):
    note = "change only in how the templates write them"
    if adopted.spec.organization.account_stacks is None:
        assert note not in first_deploy.out
        return
    # The accounts of account stacks were imported under their parents' IDs and are looked up by
    # path from now on: a Modify in the change set that moves nothing.
    accounts = sorted(f"{layout.account_stack(key, 2)}/{logical_ids.account(key)}" for key in ACCOUNT_IDS)
    assert f"{len(accounts)} resource(s) {note}" in first_deploy.out
    for account in accounts:
        assert account in first_deploy.out
    assert "change set lists them as Modify, but their values come out as they are, so deploying them changes nothing" in first_deploy.out


def test_the_ids_the_stacks_hold_are_read_once_per_deployed_stack(adopted, first_deploy):
    assert sorted(adopted.listed_by_first_deploy) == sorted(adopted.aws.templates)


@pytest.mark.parametrize("adopted", ["account stacks"], indirect=True)  # only account stacks name OUs by ID
def test_an_ou_no_deployed_stack_holds_leaves_no_plan(adopted, first_deploy, capsys):
    stack = layout.account_stack("sandbox-alice", 2)
    properties = adopted.aws.templates[stack]["Resources"][logical_ids.account("sandbox-alice")]["Properties"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(properties, "ParentIds", ["ou-ab12-99999999"])  # an OU cdk import was not given
        result = deploy(adopted, capsys)
    assert result.code == 1
    assert f"{stack}/{logical_ids.account('sandbox-alice')} names ou-ab12-99999999, which no deployed stack holds" in result.err
    assert "Not deployed: no plan" in result.err
    assert not (adopted.root / "deployed").exists()


# The one-stack organization's replay is the first deploy's.
@pytest.mark.parametrize("adopted", ["account stacks"], indirect=True)
def test_the_deploy_after_that_plans_no_change(adopted, first_deploy, capsys):
    # AWS now holds what the first deploy deployed, the adopted resources under their IDs: the
    # policies of a spread organization still name an adopted account, the management account and
    # the suspended account by their IDs, and the plan maps them as it did.
    aws = ImportedAws(adopted.root / ".orgboot" / "cdk.out", adopted.root / "cdk-import", deployed=True)
    result = deploy(Adopted(adopted.root, adopted.spec, aws, set()), capsys)
    assert result.code == 0, result.err
    (plan,) = result.plans
    assert (plan.resources, plan.instances, plan.failure, plan.unavailable) == ((), (), None, None)
    assert "change only in how the templates write them" not in result.out
