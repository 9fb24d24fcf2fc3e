"""A platform engineer's organization in its own repository, with orgboot installed as a tool: the
wheel built from this checkout, installed into a new virtual environment outside it, `orgboot init`,
a few commits (real mailboxes, an account added, one moved, a policy changed), and every command run
from that repository's root: validate, synth, emulate, simulate, diff, plan and review against its
git revisions, `npx cdk synth`, and `orgboot deploy --emulated` commit after commit.

The wheel's dependencies are installed with uv, which takes seconds where pip takes two minutes for
the same packages (aws-cdk-lib is large); what is tested is the wheel and its metadata."""

import os
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

UV = Path(sys.executable).with_name("uv")  # from requirements-dev.txt


@dataclass
class User:
    root: Path  # holds the venv, the wheel and the repository
    venv: Path
    repository: Path
    env: dict[str, str]
    validate_before_editing: subprocess.CompletedProcess[str]

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(command, cwd=self.repository, env=self.env, capture_output=True, text=True)
        if check:
            assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        return result

    def orgboot(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "orgboot"), "--no-color", *args, check=check)

    def commit(self, message: str) -> None:
        self.run("git", "add", "-A")
        self.run("git", "commit", "--quiet", "-m", message)

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.repository / path
        text = file.read_text()
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> User:
    root = tmp_path_factory.mktemp("platform-team")
    assert not root.is_relative_to(REPO)
    wheels = root / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("orgboot-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([str(UV), "pip", "install", "--quiet", str(wheel)], check=True, env={**os.environ, "VIRTUAL_ENV": str(venv)})
    # The venv's commands first, as after `. .venv/bin/activate`; nothing of this checkout's venv.
    path = [str(venv / "bin"), *(p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(str(REPO)))]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {"PATH": os.pathsep.join(path), "CI": "true", "GIT_AUTHOR_NAME": "Platform", "GIT_COMMITTER_NAME": "Platform"}
    env |= {"GIT_AUTHOR_EMAIL": "platform@acme-corp.io", "GIT_COMMITTER_EMAIL": "platform@acme-corp.io"}
    subprocess.run([str(venv / "bin" / "orgboot"), "init", "acme-org"], cwd=root, env=env, check=True, capture_output=True)
    repository = root / "acme-org"
    new = User(root, venv, repository, env, subprocess.CompletedProcess([], 0))
    new.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
    new.commit("orgboot init")
    new.validate_before_editing = new.orgboot("validate", check=False)
    new.edit("org.yaml", "@example.com", "@acme-corp.io")
    new.commit("Our mailboxes")
    return new


def test_the_wheel_brings_the_cdk_app_without_generic_top_level_names(user):
    site = Path(sysconfig.get_path("purelib", vars={"base": str(user.venv), "platbase": str(user.venv)}))
    assert (site / "orgboot_cdk" / "app.py").is_file()
    assert (site / "orgboot_cdk" / "stacks" / "organization_stack.py").is_file()
    assert (site / "orgboot_cdk" / "constructs" / "member_accounts.py").is_file()
    assert not (site / "stacks").exists()
    assert not (site / "constructs" / "member_accounts.py").exists()  # the library's package stays its own


def test_placeholders_are_refused_until_replaced(user):
    result = user.validate_before_editing
    assert result.returncode == 1
    refused = [line for line in result.stderr.splitlines() if "reserved for examples (RFC 2606)" in line]
    assert [line.split(": ")[1] for line in refused] == ["accounts.log-archive.email", "accounts.audit.email", "accounts.app-prod.email"]
    assert "org.yaml is valid" in user.orgboot("validate").stdout


def test_synth_emulate_and_simulate_from_the_repository(user):
    synth = user.orgboot("synth")
    # AccountSettingsStack too: security_baseline's defaults (S3 Block Public Access, EBS encryption)
    assert (
        "Synthesized 4 stacks into cdk.out/: AccountSettingsStack, ManagementBaselineStack, MemberRolesStack, OrganizationStack"
        in synth.stdout
    )
    assert (user.repository / "cdk.out" / "OrganizationStack.template.json").is_file()
    emulated = user.orgboot("emulate")
    assert "App Prod" in emulated.stdout
    decision = user.orgboot(
        "simulate",
        "--account",
        "app-prod",
        "--principal",
        "OrganizationAccountAccessRole",
        "--action",
        "organizations:LeaveOrganization",
    )
    assert "deny" in decision.stdout.lower()


def test_npx_cdk_synth_runs_the_installed_app(user, tmp_path):
    result = user.run("npx", "cdk", "synth", "--quiet", "--no-notices", "--output", str(tmp_path / "out"))
    assert (tmp_path / "out" / "MemberRolesStack.template.json").is_file(), result.stderr


def test_a_week_of_changes_reviewed_planned_and_deployed(user):
    first = user.orgboot("deploy", "--emulated", "--yes")
    assert "Nothing deployed yet: this deploy creates the organization." in first.stdout
    assert "deploy 1." in first.stdout

    user.edit(
        "org.yaml",
        "  app-prod:\n",
        "  app-dev:\n    name: App Dev\n    email: aws+app-dev@acme-corp.io\n    ou: Workloads/Dev\n  app-prod:\n",
    )
    user.commit("Add app-dev")
    user.edit("org.yaml", "    ou: Workloads/Prod\n", "    ou: Workloads\n")
    user.commit("Move app-prod up to Workloads")
    user.edit("policies/require-imdsv2.json", "ec2:RunInstances", "ec2:RunInstances*")
    user.commit("Widen require-imdsv2")

    diff = user.orgboot("diff", "HEAD~3", "org.yaml")
    assert "app-dev" in diff.stdout
    assert "app-prod" in diff.stdout
    assert "require-imdsv2" in diff.stdout
    plan = user.orgboot("plan", "HEAD~3", "org.yaml")
    assert "create | `AccountAppDev`" in plan.stdout
    assert "update | `AccountAppProd`" in plan.stdout
    assert "update | `PolicyRequireImdsv2`" in plan.stdout
    user.orgboot("review", "HEAD~3", "org.yaml", "--no-plan", "-o", "review.md")  # nothing dangerous: exit 0
    report = (user.repository / "review.md").read_text()
    assert "app-dev" in report
    assert "orgboot review" in report

    # The first commit's spec (example.com mailboxes) does not synthesize: the review still goes out.
    broken_base = user.orgboot("review", "HEAD~4", "org.yaml", "-o", "review-from-init.md", check=False)
    assert broken_base.returncode == 1  # every email changed since: refused, as CloudFormation cannot change them
    assert "No plan: the base (HEAD\\~4) cannot be synthesized" in (user.repository / "review-from-init.md").read_text()

    second = user.orgboot("deploy", "--emulated", "--yes")
    assert "`app-dev` (`App Dev`) joins `Workloads/Dev`" in second.stdout
    assert "created  OrganizationStack/AccountAppDev" in second.stdout
    assert "updated  OrganizationStack/AccountAppProd" in second.stdout
    assert "deploy 2." in second.stdout

    # An account's email cannot change (CloudFormation fails the update): refused before anything runs.
    user.edit("org.yaml", "aws+app-dev@acme-corp.io", "aws+application-dev@acme-corp.io")
    refused = user.orgboot("deploy", "--emulated", "--yes", check=False)
    assert refused.returncode == 1
    assert "refused: org.yaml:" in refused.stdout
    assert "accounts.app-dev.email" in refused.stdout
    assert not (user.repository / ".orgboot" / "emulated-aws" / "deploys" / "0003").exists()


def test_the_wheel_lists_every_package_of_orgboot():
    """pyproject.toml lists orgboot's packages by hand (it maps the CDK app's folders under orgboot_cdk):
    a package left out would be missing from every installation, though present in this checkout."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "orgboot").rglob("__init__.py")}
    # stacks/ and constructs/ travel as orgboot_cdk.stacks and orgboot_cdk.constructs, subfolders too.
    app = {
        ".".join(("orgboot_cdk", *module.parent.relative_to(REPO).parts))
        for top in ("stacks", "constructs")
        for module in (REPO / top).rglob("*.py")
        if "__pycache__" not in module.parts
    }
    assert on_disk | app <= listed
