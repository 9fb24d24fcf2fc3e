"""`make deploy` is `orgboot deploy`, which runs `cdk deploy --all --no-rollback` (tests/cli/test_deploy.py):
a failed create or update resumes on the next deploy instead of rolling back and leaving the retained
organization and accounts outside the stack (docs/deploy.md)."""

import subprocess

from tests.conftest import REPO


def test_make_deploy_runs_orgboot_deploy_with_the_spec_and_the_options_given():
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "deploy", "SPEC=acme/org.yaml", "ARGS=--yes --parameters S:P=v"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert ".venv/bin/orgboot deploy acme/org.yaml --yes --parameters S:P=v" in dry.stdout.splitlines()
