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


class CloudFormation:
    """What DescribeStackResource and GetTemplate answer about the stacks of `assembly` (None: none deployed)."""

    def __init__(self, assembly: Path | None) -> None:
        self.templates = {}
        if assembly is not None:
            for file in assembly.glob("*.template.json"):
                self.templates[file.name.removesuffix(".template.json")] = json.loads(file.read_text())

    def _missing(self, stack: str) -> ClientError:
        return ClientError({"Error": {"Code": "ValidationError", "Message": f"Stack with id {stack} does not exist"}}, "Describe")

    def describe_stack_resource(self, StackName: str, LogicalResourceId: str) -> dict:
        if StackName not in self.templates:
            raise self._missing(StackName)
        metadata = self.templates[StackName]["Resources"][LogicalResourceId].get("Metadata", {})
        return {"StackResourceDetail": {"Metadata": json.dumps(metadata)}}

    def get_template(self, StackName: str, TemplateStage: str) -> dict:
        if StackName not in self.templates:
            raise self._missing(StackName)
        return {"TemplateBody": self.templates[StackName]}


class Session:
    deployed: Path | None = None

    def __init__(self, profile: str | None) -> None:
        self.profile = profile

    def client(self, service: str):
        if service == "sts":
            return type("Sts", (), {"get_caller_identity": lambda self: {"Account": "111122223333"}})()
        assert service == "cloudformation"
        return CloudFormation(Session.deployed)


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
    cdk.write_text(f'#!/bin/sh\nif [ "$1" = deploy ]; then echo "$@" > deployed; exit 0; fi\nexec "{real}" "$@"\n')
    cdk.chmod(0o755)
    with pytest.MonkeyPatch.context() as monkeypatch:
        within(root, monkeypatch)
        Session.deployed = None
        code = deploy("--yes", "--parameters", "MemberRolesStack:ExternalAuditExternalId=secret")
    assert code == 0
    shutil.copytree(root / "cdk.out", root / "deployed.out")  # what AWS holds from now on
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
    Session.deployed = root / "deployed.out"
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
        "deploy", "--all", "--app", "cdk.out", "--no-rollback", "--no-notices", "--require-approval", "never",
        "--parameters", "MemberRolesStack:ExternalAuditExternalId=secret",
    ]  # fmt: skip
    record = json.loads((root / "cdk.out" / f"{layout.RECORD_STACK}.template.json").read_text())["Resources"]
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
