"""Both sample workflows check access-assertions.yaml when the repository has one (issue 24, point 8):
the step, run as GitHub runs it (bash -eo pipefail) with the real orgboot in place of .venv/bin/orgboot,
fails on a broken expectation, passes on kept ones, and says so when there is no file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, REPO

WORKFLOWS = {
    "orgboot's own": REPO / ".github" / "workflows" / "orgboot.yml",
    "orgboot init's": REPO / "orgboot" / "starter" / ".github" / "workflows" / "orgboot.yml",
}
STEP = "Check the access assertions"


def run_step(workflow: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    (step,) = (s for s in yaml.safe_load(workflow.read_text())["jobs"]["check"]["steps"] if s.get("name") == STEP)
    venv = cwd / ".venv" / "bin"
    venv.mkdir(parents=True, exist_ok=True)
    (venv / "orgboot").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m orgboot "$@"\n')
    (venv / "orgboot").chmod(0o755)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "SPEC": "org.yaml"}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("workflow", WORKFLOWS.values(), ids=WORKFLOWS.keys())
def test_the_check_runs_the_access_assertions_when_the_file_is_there(workflow, tmp_path):
    (tmp_path / "org.yaml").write_text(EXAMPLE.read_text())
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    nothing = run_step(workflow, tmp_path)
    assert (nothing.returncode, nothing.stdout.strip()) == (0, "No access-assertions.yaml: no access expectations to check")
    (tmp_path / "access-assertions.yaml").write_text((REPO / "access-assertions.yaml").read_text())
    kept = run_step(workflow, tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "25 assertions in access-assertions.yaml: all hold" in kept.stdout
    (tmp_path / "access-assertions.yaml").write_text(
        "- {principal: Developers, account: shop-prod, action: iam:CreateUser, expected: allow}\n"
    )
    broken = run_step(workflow, tmp_path)
    assert broken.returncode == 1
    assert "FAILS access-assertions.yaml:1: Developers iam:CreateUser in shop-prod" in broken.stdout
