"""`orgboot deploy` to AWS: what it reads back (the recorded spec, the templates deployed now), what
it refuses before anything runs, and the `cdk deploy` it runs. AWS is a stand-in that answers as
CloudFormation does (moto has no CloudFormation that keeps Metadata without extra packages); the CDK
CLI is the real one for synth and a recorder for deploy. `--emulated` is proven end to end in
test_own_repository.py."""

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from botocore.exceptions import ClientError

from orgboot.aws.parameters import DEPLOYED_SPEC_METADATA
from orgboot.cli import deploy as deploy_command
from orgboot.cli.main import main
from orgboot.spec import layout, logical_ids
from tests.conftest import EXAMPLE, REPO
from tests.support.cloudformation_standin import CloudFormationStandIn

ACCOUNT = "111122223333"


class AwsAccount(CloudFormationStandIn):
    """The management account, answering as AWS does: its organization, and CloudFormation holding
    the stacks of `deployed` (an assembly; None: nothing deployed) with `statuses`."""

    def __init__(self, deployed: Path | None, organization: dict | None, statuses: dict[str, str]) -> None:
        self.templates = {
            f.name.removesuffix(".template.json"): json.loads(f.read_text())
            for f in (deployed or Path("/nonexistent")).glob("*.template.json")
        }
        self.organization, self.statuses = organization, statuses

    # STS and Organizations
    def get_caller_identity(self) -> dict:
        return {"Account": ACCOUNT}

    def describe_organization(self) -> dict:
        if self.organization is None:
            raise ClientError({"Error": {"Code": "AWSOrganizationsNotInUseException", "Message": "not in use"}}, "DescribeOrganization")
        return {"Organization": self.organization}

    # CloudFormation
    def describe_stacks(self, StackName: str) -> dict:
        parameters = [{"ParameterKey": name} for name in self._template(StackName).get("Parameters", {})]  # values left out
        return {"Stacks": [{"StackStatus": self.statuses.get(StackName, "UPDATE_COMPLETE"), "Parameters": parameters}]}

    # SSM: the record's value, as CloudFormation last applied it
    def get_parameter(self, Name: str) -> dict:
        value = self._template(layout.RECORD_STACK)["Resources"][logical_ids.DEPLOYED_SPEC]["Properties"]["Value"]
        return {"Parameter": {"Value": value}}


class Session:
    deployed: Path | None = None
    organization: dict | None = {"Id": "o-example", "MasterAccountId": ACCOUNT}
    statuses: dict[str, str] = {}

    def __init__(self, profile: str | None) -> None:
        self.profile = profile

    def client(self, service: str) -> AwsAccount:
        assert service in ("sts", "organizations", "cloudformation", "ssm")
        return AwsAccount(Session.deployed, Session.organization, Session.statuses)


@pytest.fixture(scope="module")
def first_deploy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An organization's repository (the example with real mailboxes, a CDK CLI whose deploy records
    its arguments) after its first deploy."""
    root = tmp_path_factory.mktemp("repository")
    data = yaml.safe_load(EXAMPLE.read_text())
    data.pop("emulator_only")
    for account in data["accounts"].values():
        account["email"] = account["email"].replace("example.com", "acme-corp.io")
    (root / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    shutil.copytree(EXAMPLE.parent / "policies", root / "policies")
    cdk = root / "node_modules" / ".bin" / "cdk"
    cdk.parent.mkdir(parents=True)
    real = REPO / "node_modules" / ".bin" / "cdk"
    # The recorder notes when its output is a pipe: the CDK CLI then asks nothing (no terminal).
    cdk.write_text(
        f'#!/bin/sh\nif [ "$1" = deploy ]; then echo "$@" > deployed; [ -p /dev/stdout ] && echo piped >> deployed; exit 0; fi\n'
        f'exec "{real}" "$@"\n'
    )
    cdk.chmod(0o755)
    with pytest.MonkeyPatch.context() as monkeypatch:
        within(root, monkeypatch)
        Session.deployed, Session.organization = None, None
        code = deploy("--yes", "--parameters", "MemberRolesStack:ExternalAuditExternalId=secret")
    assert code == 0
    shutil.copytree(root / ".orgboot" / "cdk.out", root / "deployed.out")  # what AWS holds from now on
    return root


def within(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    monkeypatch.setattr(deploy_command, "session", Session)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def repository(first_deploy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The repository after its first deploy, the spec as deployed, AWS holding that deploy."""
    root = first_deploy
    within(root, monkeypatch)
    Session.deployed, Session.organization, Session.statuses = root / "deployed.out", {"Id": "o-example", "MasterAccountId": ACCOUNT}, {}
    (root / "deployed").unlink(missing_ok=True)
    spec = root / "org.yaml"
    original = spec.read_text()
    yield root
    spec.write_text(original)


def deploy(*args: str) -> int:
    return main(["--no-color", "deploy", *args])


def test_a_first_deploy_runs_cdk_deploy_on_the_checked_assembly_without_rollback(first_deploy):
    root = first_deploy
    assert (root / "deployed").read_text().split() == [
        "deploy", "--all", "--app", ".orgboot/cdk.out", "--no-notices", "--no-rollback", "--require-approval", "never",
        "--parameters", "MemberRolesStack:ExternalAuditExternalId=secret",
    ]  # fmt: skip
    record = json.loads((root / "deployed.out" / f"{layout.RECORD_STACK}.template.json").read_text())["Resources"]
    assert DEPLOYED_SPEC_METADATA in record[logical_ids.DEPLOYED_SPEC]["Metadata"]


def test_the_change_is_checked_against_the_spec_read_back_from_aws(repository, capsys):
    spec = repository / "org.yaml"
    spec.write_text(spec.read_text().replace("aws+shop-prod@acme-corp.io", "shop-prod@acme-corp.io"))
    assert deploy("--yes") == 1
    out = capsys.readouterr().out
    assert "deploying to AWS account 111122223333, us-east-1" in out
    assert "refused: org.yaml:" in out
    assert "accounts.shop-prod.email: was 'aws+shop-prod@acme-corp.io'" in out
    assert not (repository / "deployed").exists()


def test_the_plan_is_made_over_the_templates_deployed_now(repository, capsys):
    spec = repository / "org.yaml"
    spec.write_text(spec.read_text().replace("cost-center: '1234'", "cost-center: '5678'"))
    assert deploy() == 1  # no terminal to ask, no --yes: nothing deploys
    out, err = capsys.readouterr()
    assert "updated  OrganizationStack/AccountShopProd" in out
    assert "updated  MemberRolesStack/DeployedSpec" in out
    assert "created" not in out
    assert "Not deployed (no confirmation" in err
    assert not (repository / "deployed").exists()


def test_an_example_never_deploys_to_aws(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert deploy(str(EXAMPLE)) == 1
    assert "emulator_only: this organization is an example that deploys only into the emulator" in capsys.readouterr().err


def test_a_member_account_is_refused(repository, capsys):
    Session.organization = {"Id": "o-example", "MasterAccountId": "999999999999"}
    assert deploy("--yes") == 1
    assert f"account {ACCOUNT} is a member of o-example; deploy from its management account (999999999999)" in capsys.readouterr().err


def test_stacks_without_a_record_need_the_deployed_spec_named(repository, capsys):
    deployed = repository / "deployed.out"
    record = json.loads((deployed / f"{layout.RECORD_STACK}.template.json").read_text())
    del record["Resources"][logical_ids.DEPLOYED_SPEC]  # deployed by orgboot 0.5, or by a plain cdk deploy
    without = repository / "without-record.out"
    shutil.copytree(deployed, without, dirs_exist_ok=True)
    (without / f"{layout.RECORD_STACK}.template.json").write_text(json.dumps(record))
    Session.deployed = without
    assert deploy("--yes") == 1
    assert "no record of the spec it was deployed from" in capsys.readouterr().err
    assert not (repository / "deployed").exists()


def test_a_record_that_was_not_applied_is_not_trusted(repository, capsys):
    stale = repository / "stale.out"
    shutil.copytree(repository / "deployed.out", stale, dirs_exist_ok=True)
    file = stale / f"{layout.RECORD_STACK}.template.json"
    template = json.loads(file.read_text())
    template["Resources"][logical_ids.DEPLOYED_SPEC]["Properties"]["Value"] = json.dumps({"orgboot": "0.6.0", "sha256": "0" * 64})
    file.write_text(json.dumps(template))
    Session.deployed = stale
    assert deploy("--yes") == 1
    assert "the record of the deployed spec in MemberRolesStack was not applied" in capsys.readouterr().err


def test_a_new_stack_needs_its_secret_parameters(first_deploy, monkeypatch, capsys):
    within(first_deploy, monkeypatch)
    Session.deployed, Session.organization = None, None
    assert deploy("--yes") == 1
    assert "no value for MemberRolesStack:ExternalAuditExternalId: give it with --parameters" in capsys.readouterr().err


def test_an_organization_orgboot_did_not_create_is_refused(first_deploy, monkeypatch, capsys):
    within(first_deploy, monkeypatch)
    Session.deployed, Session.organization = None, {"Id": "o-yearsold", "MasterAccountId": ACCOUNT}
    assert deploy("--yes") == 1
    assert f"account {ACCOUNT} already manages o-yearsold, which no orgboot stack holds" in capsys.readouterr().err


def test_a_stack_paused_by_a_failed_deploy_is_resumed_never_rolled_back(repository, capsys):
    # The CDK CLI would roll the paused stack back first (RollbackStack, RetainExceptOnCreate),
    # deleting, so closing, the accounts its failed deploy created.
    Session.statuses = {"ManagementBaselineStack": "UPDATE_FAILED"}
    assert deploy("--yes", "--rollback") == 1
    assert "ManagementBaselineStack (UPDATE_FAILED) stopped where a failed deploy left it" in capsys.readouterr().err
    assert not (repository / "deployed").exists()
    assert deploy("--yes") == 0
    recorded = (repository / "deployed").read_text().split()
    # Resumed without rollback, and never asked to "roll back first" (its output is not a terminal).
    assert "--no-rollback" in recorded
    assert recorded[-1] == "piped"


def test_an_organization_with_no_paused_stack_deploys_with_the_cli_on_the_terminal(repository):
    assert deploy("--yes") == 0
    assert "piped" not in (repository / "deployed").read_text().split()


def test_a_first_deploy_that_rolled_back_is_adopted_not_deployed_again(repository, capsys):
    # The rollback left the organization and the accounts in AWS, outside the stack (Retain).
    Session.statuses = {layout.ORGANIZATION_STACK: "ROLLBACK_COMPLETE"}
    assert deploy("--yes") == 1
    error = capsys.readouterr().err
    assert f"{layout.ORGANIZATION_STACK} is ROLLBACK_COMPLETE: its first deploy failed and rolled back" in error
    assert 'docs/adopt.md, "Recovering a failed deploy"' in " ".join(error.split())
    assert not (repository / "deployed").exists()
