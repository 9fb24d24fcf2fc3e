"""`orgboot init DIR`: the repository a platform engineer starts from, written by orgboot as pip
installed it. Every file is written, none is ever overwritten; org.yaml is valid but for the
example.com mailboxes; the CI passes actionlint and keeps the review job of orgboot's own workflow;
requirements.txt, package.json, package-lock.json and cdk.json pin this orgboot and its CDK CLI.
No synth here: that is the end-to-end test's."""

import glob
import json
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgboot import __version__
from orgboot.cli import init
from orgboot.cli.main import main, parser
from orgboot.rules import load_spec
from orgboot.spec import SpecError
from tests.ci.test_workflows import actionlint, orgboot_subcommands
from tests.conftest import REPO

STARTER = REPO / "orgboot" / "starter"
GENERATED = {"requirements.txt", "package.json", "package-lock.json", "cdk.json"}


def starter_sources() -> dict[str, Path]:
    """The starter as it is in this checkout, by its path in the new repository."""
    files = (path for path in STARTER.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    # The package's own module and the CDK CLI's data stay in orgboot.
    return {path.relative_to(STARTER).as_posix(): path for path in files if path.name not in ("__init__.py", "cdk-cli.json")}


def run_init(target: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-color", "init", str(target)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written(target: Path) -> dict[str, bytes]:
    """Every file under target but git's own."""
    files = (path for path in target.rglob("*") if path.is_file() and ".git" not in path.relative_to(target).parts[:1])
    return {path.relative_to(target).as_posix(): path.read_bytes() for path in files}


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "acme-org"
    code, _, err = run_init(target, capsys)
    assert code == 0, err
    return target


def test_init_writes_every_file(tmp_path, capsys):
    target = tmp_path / "acme-org"
    code, out, err = run_init(target, capsys)
    assert (code, err) == (0, "")
    sources = starter_sources()
    assert {"org.yaml", "README.md", ".gitignore", ".github/workflows/orgboot.yml"} <= set(sources)
    assert any(name.startswith("policies/") and name.endswith(".json") for name in sources)
    files = written(target)
    assert set(files) == set(sources) | GENERATED
    for name, source in sources.items():
        assert files[name] == source.read_bytes(), name
    for name in files:
        assert name in out, f"{name} is not in the listing"
    # Next steps, in order: the placeholders first, then the setup, validate and synth.
    steps = [out.index(text) for text in ("example.com", "pip install -r requirements.txt && npm ci", "orgboot validate", "orgboot synth")]
    assert steps == sorted(steps)
    assert f"cd {target} && python -m venv .venv" in out


def test_init_makes_a_git_repository_and_commits_nothing(repo, capsys):
    assert (repo / ".git").is_dir()
    assert subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=repo, capture_output=True).returncode != 0
    untracked = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert "?? org.yaml" in untracked.splitlines()


def test_gitignore_keeps_out_what_the_tools_write(repo):
    ignored = set((repo / ".gitignore").read_text().split())
    assert ignored == {".venv/", "node_modules/", "cdk.out/", "cdk.out.partial/", ".orgboot/", "__pycache__/", "cdk.context.json"}


def test_init_inside_a_git_repository_makes_no_second_one(tmp_path, capsys):
    subprocess.run(["git", "init", "--quiet"], cwd=tmp_path, check=True)
    code, out, _ = run_init(tmp_path / "org", capsys)
    assert code == 0
    assert not (tmp_path / "org" / ".git").exists()
    assert f"is inside the git repository at {tmp_path}: GitHub runs only workflows at a repository's top" in " ".join(out.split())


def test_init_without_git_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("orgboot.cli.init.shutil.which", lambda name: None)
    code, out, _ = run_init(tmp_path / "org", capsys)
    assert code == 0
    assert "git is not installed" in out
    assert not (tmp_path / "org" / ".git").exists()
    assert set(written(tmp_path / "org")) == set(starter_sources()) | GENERATED


def test_init_defaults_to_the_working_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "init"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "org.yaml").is_file()
    assert "\n  2. python -m venv .venv" in out  # no `cd` into where we already are


def test_second_init_refuses_and_changes_nothing(repo, capsys):
    (repo / "org.yaml").write_text("# ours now\n")
    before = written(repo)
    code, out, err = run_init(repo, capsys)
    assert code == 2
    assert out == ""
    assert "never overwrites" in err
    assert "org.yaml" in err
    assert "package-lock.json" in err
    assert "Traceback" not in err
    assert written(repo) == before


def test_one_file_in_the_way_stops_everything(tmp_path, capsys):
    (tmp_path / "README.md").write_text("our own\n")
    code, _, err = run_init(tmp_path, capsys)
    assert code == 2
    assert f"{tmp_path} already has README.md;" in err
    assert written(tmp_path) == {"README.md": b"our own\n"}
    assert not (tmp_path / ".git").exists()


def test_a_file_where_a_folder_goes_is_in_the_way(tmp_path, capsys):
    (tmp_path / "policies").write_text("not a folder\n")
    code, _, err = run_init(tmp_path, capsys)
    assert code == 2
    assert f"{tmp_path} already has policies;" in err
    assert written(tmp_path) == {"policies": b"not a folder\n"}


def test_dir_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "org").write_text("")
    code, _, err = run_init(tmp_path / "org", capsys)
    assert code == 2
    assert "is a file, not a folder" in err


def test_org_yaml_fails_only_on_the_example_mailboxes(repo, capsys):
    spec = repo / "org.yaml"
    text = spec.read_text()
    assert "emulator_only" not in text
    accounts = yaml.safe_load(text)["accounts"]
    assert 2 <= len(accounts) <= 3

    assert main(["validate", str(spec)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    with pytest.raises(SpecError) as refused:
        load_spec(spec)
    problems = refused.value.problems
    assert sorted(p.key for p in problems) == sorted(f"accounts.{key}.email" for key in accounts)
    lines = text.splitlines()
    for problem in problems:
        assert "example.com, reserved for examples" in problem.message
        assert re.fullmatch(r"\s+email: aws\+[a-z-]+@example\.com", lines[problem.line - 1]), problem

    # The placeholders are the only problem: with the company's domain it is valid.
    spec.write_text(text.replace("example.com", "acme-corp.io"))
    assert main(["--no-color", "validate", str(spec)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich wraps a long tmp path
    assert "org.yaml is valid: 4 OUs, 3 accounts, 1 policies, 2 guardrails" in out


def test_org_yaml_is_what_the_brief_promises(repo):
    spec = yaml.safe_load((repo / "org.yaml").read_text())
    assert spec["organization"]["policy_types"] == ["SERVICE_CONTROL_POLICY"]
    assert {"Security", "Workloads/Prod", "Workloads/Dev"} <= set(spec["organizational_units"])
    assert {spec["accounts"][key]["ou"] for key in ("log-archive", "audit")} == {"Security"}
    assert spec["guardrails"] == {"deny-leave-organization": {"targets": ["Root"]}, "deny-root-access-keys": {"targets": ["Root"]}}
    ((name, policy),) = spec["policies"].items()
    assert policy["targets"] == ["Workloads"]
    assert (repo / policy["document"]).is_file()
    assert "management_baseline" not in spec
    assert "member_roles" not in spec
    comments = (repo / "org.yaml").read_text()
    for doc in ("docs/guardrails.md", "docs/management-baseline.md", "docs/member-roles.md"):
        assert doc in comments


def test_workflow_passes_actionlint(repo):
    assert actionlint(repo / ".github" / "workflows" / "orgboot.yml", cwd=repo) == []


def workflow(path: Path) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(path.read_text())
    return loaded


def run_lines(job: dict[str, Any]) -> list[str]:
    return [line.strip() for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_workflow_is_for_this_layout(repo):
    ours = workflow(repo / ".github" / "workflows" / "orgboot.yml")
    check, review = ours["jobs"]["check"], ours["jobs"]["review"]
    setup = ["python -m venv .venv", ".venv/bin/pip install -r requirements.txt", "npm ci"]
    assert run_lines(check) == [
        *setup,
        ".venv/bin/orgboot validate org.yaml",
        "if [ -f access-assertions.yaml ]; then",
        ".venv/bin/orgboot simulate org.yaml --assertions access-assertions.yaml",
        "else",
        'echo "No access-assertions.yaml: no access expectations to check"',
        "fi",
        ".venv/bin/orgboot synth org.yaml",
        ".venv/bin/cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json",
    ]
    assert run_lines(review)[:3] == setup
    assert '.venv/bin/orgboot review "origin/${BASE_REF}" org.yaml --spec org.yaml -o review.md || status=$?' in run_lines(review)
    text = (repo / ".github" / "workflows" / "orgboot.yml").read_text()
    assert "make " not in text
    caches = [
        s["with"]["cache-dependency-path"] for job in (check, review) for s in job["steps"] if "cache-dependency-path" in s.get("with", {})
    ]
    assert caches == ["requirements.txt", "requirements.txt"]
    used = {command for line in run_lines(check) + run_lines(review) for command in re.findall(r"\.venv/bin/orgboot (\w+)", line)}
    assert used <= orgboot_subcommands()


def test_workflow_keeps_orgboots_review_job(repo):
    """The comment logic, permissions, concurrency and action versions are those of orgboot's own
    workflow (tested in tests/ci): only the setup and the spec's path may differ."""
    ours = workflow(repo / ".github" / "workflows" / "orgboot.yml")
    theirs = workflow(REPO / ".github" / "workflows" / "orgboot.yml")
    for key in ("permissions", "concurrency"):
        assert ours[key] == theirs[key], key
    # YAML 1.1 reads the key `on` as True. The repository's workflow adds the drift job's triggers.
    assert ours[True] == {**theirs[True], "schedule": [{"cron": "17 6 * * *"}], "workflow_dispatch": None}
    review, original = ours["jobs"]["review"], theirs["jobs"]["review"]
    assert {k: v for k, v in review.items() if k != "steps"} == {k: v for k, v in original.items() if k != "steps"}
    kept = ("Upload the review", "Write the comment", "Post or update the pull-request comment", "Fail unless the review passed")
    for name in kept:
        assert [s for s in review["steps"] if s.get("name") == name] == [s for s in original["steps"] if s.get("name") == name], name

    def actions(flow: dict[str, Any]) -> set[str]:
        return {step["uses"] for job in flow["jobs"].values() for step in job["steps"] if "uses" in step}

    # The same pinned commits, and the drift job's credentials by OIDC (pinned too: tests/ci/test_workflows.py).
    assert actions(theirs) <= actions(ours)
    assert {action.split("@")[0] for action in actions(ours) - actions(theirs)} == {"aws-actions/configure-aws-credentials"}


def test_workflow_checks_drift_daily_with_a_read_only_role_when_one_is_given(repo):
    """The drift job runs on schedule (or by hand) only where a role is configured, assumes it by
    OIDC, and fails when `orgboot drift` finds the organization differs from org.yaml."""
    drift = workflow(repo / ".github" / "workflows" / "orgboot.yml")["jobs"]["drift"]
    assert "vars.ORGBOOT_DRIFT_ROLE_ARN != ''" in drift["if"]
    assert drift["permissions"] == {"contents": "read", "id-token": "write"}
    script = next(step["run"] for step in drift["steps"] if "orgboot drift" in step.get("run", ""))
    assert "orgboot drift org.yaml --markdown" in script
    assert 'exit "$status"' in script
    assert "drift" in orgboot_subcommands()


def test_cdk_json_runs_installed_orgboot(repo):
    assert json.loads((repo / "cdk.json").read_text()) == {"app": "orgboot app", "context": {"spec": "org.yaml"}}
    assert (repo / "cdk.json").read_text().endswith("}\n")
    assert "app" in orgboot_subcommands()


def test_requirements_pin_this_orgboot(repo):
    text = (repo / "requirements.txt").read_text()
    (requirement,) = [line for line in text.splitlines() if line and not line.startswith("#")]
    pin = init.orgboot_pin()
    if pin.portable:
        assert requirement == pin.requirement
        assert re.fullmatch(rf"orgboot==({re.escape(__version__)})|orgboot @ \S+", requirement)
    else:  # pip refuses it until the team's URL is written in: never a bare name an index could answer
        assert requirement == init.UNREACHABLE.format(version=__version__)
    assert "file:" not in text
    assert str(REPO) not in text  # this checkout is where the tests run, never where a team installs from


def test_package_lock_agrees_with_package_json(repo):
    package = json.loads((repo / "package.json").read_text())
    lock = json.loads((repo / "package-lock.json").read_text())
    assert package["private"] is True
    assert lock["lockfileVersion"] == 3
    assert lock["name"] == repo.name
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"] == {"aws-cdk": package["devDependencies"]["aws-cdk"]}
    for name, version in package["devDependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    # One package, nothing it depends on: the lock is the whole tree `npm ci` installs.
    assert set(lock["packages"]) == {"", "node_modules/aws-cdk"}
    assert lock["packages"]["node_modules/aws-cdk"] == json.loads((STARTER / "cdk-cli.json").read_text())


def test_cdk_cli_is_the_one_orgboot_pins():
    """orgboot/starter/cdk-cli.json is aws-cdk's entry in this repository's package-lock.json, which
    an installed orgboot does not carry: the same version as package.json, copied as the lock has it."""
    cdk_cli = json.loads((STARTER / "cdk-cli.json").read_text())
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["aws-cdk"]
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    assert cdk_cli == lock["node_modules/aws-cdk"]
    assert cdk_cli["version"] == pinned
    assert cdk_cli["integrity"].startswith("sha512-")
    # aws-cdk ships bundled: nothing of its own in the lock, so copying its one entry is the whole tree.
    assert not {"dependencies", "optionalDependencies"} & set(cdk_cli)
    assert not [key for key in lock if key.startswith("node_modules/aws-cdk/")]


def test_every_starter_file_goes_into_the_wheel():
    """setuptools packs what pyproject.toml's globs match (glob: '*' passes over dot files)."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["orgboot.starter"]
    packed = {match for pattern in patterns for match in glob.glob(pattern, root_dir=STARTER) if (STARTER / match).is_file()}
    assert set(starter_sources()) | {"cdk-cli.json"} <= packed


class Distribution:
    def __init__(self, direct_url: dict[str, Any] | None):
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


COMMIT = "8f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5"
PINNED = f"orgboot=={__version__}"

# PEP 610's direct_url.json for each way orgboot may have been installed, and the pin it gives.
INSTALLS = {
    "git over https": (
        {"url": "https://github.com/acme/orgboot.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v0.5.0"}},
        f"orgboot @ git+https://github.com/acme/orgboot.git@{COMMIT}",
    ),
    "git, a subdirectory": (
        {"url": "ssh://git@github.com/acme/tools.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}, "subdirectory": "orgboot"},
        f"orgboot @ git+ssh://git@github.com/acme/tools.git@{COMMIT}#subdirectory=orgboot",
    ),
    "a wheel at a URL": (
        {"url": "https://artifacts.acme.io/orgboot-0.5.0-py3-none-any.whl", "archive_info": {"hashes": {"sha256": "00"}}},
        "orgboot @ https://artifacts.acme.io/orgboot-0.5.0-py3-none-any.whl",
    ),
    "a package index": (None, PINNED),
}
LOCAL_INSTALLS = {
    "a local git clone": ({"url": "file:///home/me/src/orgboot", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, COMMIT),
    "a wheel file": (
        {"url": "file:///home/me/dist/orgboot-0.5.0-py3-none-any.whl", "archive_info": {}},
        "orgboot-0.5.0-py3-none-any.whl",
    ),
    "an editable checkout": ({"url": "file:///home/me/src/orgboot", "dir_info": {"editable": True}}, "editable checkout"),
    "a folder": ({"url": "file:///home/me/src/orgboot", "dir_info": {}}, "a folder"),
}


@pytest.mark.parametrize(("direct_url", "requirement"), INSTALLS.values(), ids=INSTALLS.keys())
def test_pin_names_where_every_machine_finds_orgboot(monkeypatch, direct_url, requirement):
    monkeypatch.setattr("orgboot.cli.init.metadata.distribution", lambda name: Distribution(direct_url))
    pin = init.orgboot_pin()
    assert (pin.requirement, pin.portable) == (requirement, True)
    assert init.requirements(pin).splitlines()[-1] == requirement


@pytest.mark.parametrize(("direct_url", "origin"), LOCAL_INSTALLS.values(), ids=LOCAL_INSTALLS.keys())
def test_a_local_install_pins_the_version_and_says_where_it_came_from(monkeypatch, direct_url, origin):
    monkeypatch.setattr("orgboot.cli.init.metadata.distribution", lambda name: Distribution(direct_url))
    pin = init.orgboot_pin()
    assert (pin.requirement, pin.portable) == (PINNED, False)
    text = init.requirements(pin)
    *comments, requirement = text.splitlines()
    assert requirement == init.UNREACHABLE.format(version=__version__)  # pip refuses it until a URL is written in
    assert all(line.startswith("# ") for line in comments)
    comment = " ".join(line[2:] for line in comments)
    assert origin in comment
    assert "Point this line at where your team keeps orgboot's wheel or repository: a URL" in comment
    assert "/home/me" not in text  # never a path of this machine


def test_the_listing_says_what_requirements_txt_holds(tmp_path, capsys, monkeypatch):
    """From a local wheel the file holds the placeholder for the team's URL, and so does the listing."""
    wheel = {"url": "file:///home/me/dist/orgboot-0.5.0-py3-none-any.whl", "archive_info": {}}
    monkeypatch.setattr("orgboot.cli.init.metadata.distribution", lambda name: Distribution(wheel))
    code, out, _ = run_init(tmp_path / "acme-org", capsys)
    assert code == 0
    held = (tmp_path / "acme-org" / "requirements.txt").read_text().splitlines()[-1]
    assert held == init.UNREACHABLE.format(version=__version__)
    assert f" requirements.txt {held} package.json " in " ".join(out.split())  # however the terminal wraps it
    assert PINNED not in out


def test_orgboot_run_from_source_pins_the_version(monkeypatch):
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr("orgboot.cli.init.metadata.distribution", missing)
    pin = init.orgboot_pin()
    assert (pin.requirement, pin.portable) == (PINNED, False)


def test_init_is_the_first_command():
    (commands,) = [action for action in parser()._actions if action.dest == "command"]
    assert next(iter(commands.choices or {})) == "init"
