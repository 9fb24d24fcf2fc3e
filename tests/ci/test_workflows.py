"""The sample CI workflow (.github/workflows/orgboot.yml): actionlint, the real binary from the venv,
finds nothing in it and does find planted mistakes; every `make` target and `orgboot` subcommand it
runs exists; and its comment steps (truncation, upsert by marker, the final status) do what their
comments say, run as GitHub runs them."""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgboot.cli.main import parser

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "orgboot.yml"
ACTIONLINT = Path(sys.executable).with_name("actionlint")  # the command pip installs from requirements-dev.txt
MARKER = "<!-- orgboot-review -->"
LIMIT = 65_536  # GitHub's limit on a comment's body, in characters


def actionlint(*args: str | Path, cwd: Path = REPO) -> list[str]:
    """actionlint's findings as 'file:line: [kind] message'; with no file given, every workflow of the
    repository at `cwd` (what `make lint` runs)."""
    result = subprocess.run([str(ACTIONLINT), "-format", "{{json .}}", *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert result.returncode in (0, 1), f"actionlint failed to run ({result.returncode}): {result.stderr}"
    found = [f"{e['filepath']}:{e['line']}: [{e['kind']}] {e['message']}" for e in json.loads(result.stdout)]
    assert (result.returncode == 1) == bool(found), result
    return found


def workflows() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def steps() -> list[dict[str, Any]]:
    return [step for path in workflows() for job in yaml.safe_load(path.read_text())["jobs"].values() for step in job["steps"]]


def review_job() -> dict[str, Any]:
    job: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())["jobs"]["review"]
    return job


def step(name: str) -> dict[str, Any]:
    (found,) = (s for s in review_job()["steps"] if s.get("name") == name)
    return found


def shell_lines() -> list[str]:
    """Every line of every shell `run:` script, full-line comments left out."""
    scripts = [s["run"] for s in steps() if "run" in s and s.get("shell", "bash") == "bash"]
    return [line for script in scripts for line in script.splitlines() if not line.lstrip().startswith("#")]


def makefile_targets() -> set[str]:
    rules = re.findall(r"^([^\s#=:][^=:]*?)\s*:(?!=)", (REPO / "Makefile").read_text(), re.MULTILINE)
    return {target for rule in rules for target in rule.split()}


def orgboot_subcommands() -> set[str]:
    return {name for action in parser()._actions if isinstance(action, argparse._SubParsersAction) for name in (action.choices or {})}


def test_workflows_have_no_findings():
    assert WORKFLOW in workflows()
    assert actionlint() == []


# Each a mistake actionlint must find: (what the workflow says, the mistake, the kind of finding, part of its message).
MISTAKES = {
    "unknown runner label": ("runs-on: ubuntu-latest", "runs-on: ubuntu-lastest", "runner-label", 'label "ubuntu-lastest" is unknown'),
    "undefined step output": ("steps.review.outputs.status", "steps.nope.outputs.status", "expression", 'property "nope" is not defined'),
    "misspelled action input": (
        "fetch-depth: 0",
        "fetch-dept: 0",
        "action",
        'input "fetch-dept" is not defined in action "actions/checkout',
    ),
    "untrusted input in a script": (
        '"origin/${BASE_REF}"',
        '"origin/${{ github.head_ref }}"',
        "expression",
        '"github.head_ref" is potentially untrusted',
    ),
}


@pytest.mark.parametrize(("original", "mistake", "kind", "message"), MISTAKES.values(), ids=MISTAKES.keys())
def test_actionlint_finds_a_planted_mistake(tmp_path, original, mistake, kind, message):
    text = WORKFLOW.read_text()
    assert original in text
    copy = tmp_path / ".github" / "workflows" / WORKFLOW.name
    copy.parent.mkdir(parents=True)
    copy.write_text(text.replace(original, mistake, 1))
    found = actionlint(copy, cwd=tmp_path)
    assert any(f"[{kind}] {message}" in finding for finding in found), found


def test_make_targets_the_workflow_runs_exist():
    runs = [m.group(1) for line in shell_lines() for m in re.finditer(r"(?<![\w./-])make((?:\s+[^\s;&|)]+)*)", line)]
    targets = {word for words in runs for word in words.split() if not word.startswith("-") and "=" not in word}
    assert targets >= {"test", "validate", "synth", "setup"}
    assert targets <= makefile_targets(), sorted(targets - makefile_targets())


def test_orgboot_subcommands_the_workflow_runs_exist():
    """`review` (with `diff` and `plan`) came after the workflow: this fails while the CLI lacks it."""
    used = {m.group(1) for line in shell_lines() for m in re.finditer(r"(?<![\w-])orgboot(?:\s+--?[\w-]+)*\s+([a-z][\w-]*)", line)}
    assert "review" in used
    assert used <= orgboot_subcommands(), f"not subcommands of orgboot: {sorted(used - orgboot_subcommands())}"


# The comment steps, run here as GitHub runs them: python for the one whose shell is python, and
# bash -eo pipefail for the others, with the job's env and the variables GitHub would set.


def test_the_job_marks_its_comment():
    assert review_job()["env"]["MARKER"] == MARKER


def run_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    s = step(name)
    script = cwd / f"{name}.step"
    script.write_text(s["run"])
    shell = [sys.executable] if s.get("shell") == "python" else ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
    return subprocess.run([*shell, str(script)], cwd=cwd, env={**os.environ, **review_job()["env"], **env}, capture_output=True, text=True)


def write_comment(tmp_path: Path, review: str) -> str:
    (tmp_path / "review.md").write_text(review, encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = run_step("Write the comment", tmp_path, {"ARTIFACT_URL": "https://artifact", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    body: str = json.loads((tmp_path / "comment.json").read_text(encoding="utf-8"))["body"]
    assert summary.read_text(encoding="utf-8") == body.removeprefix(MARKER + "\n") + "\n"
    return body


@pytest.mark.parametrize("marked", [False, True], ids=["review without the marker", "review with it"])
def test_comment_is_the_marker_then_the_review(tmp_path, marked):
    review = "## orgboot review\n\nNothing dangerous. ✓\n"
    assert write_comment(tmp_path, f"{MARKER}\n{review}" if marked else review) == f"{MARKER}\n{review}"


def test_a_long_review_is_cut_at_a_line_with_a_note(tmp_path):
    review = "## orgboot review\n\n```diff\n" + "".join(f"+ account-{n:06}: Ω moved\n" for n in range(5000)) + "```\n"
    assert len(review) > LIMIT
    body = write_comment(tmp_path, review)
    assert len(body) <= LIMIT
    kept, note = body.split("\n\n---\n")
    assert kept.startswith(f"{MARKER}\n## orgboot review")
    assert kept.endswith("moved\n```")  # a whole line, and the code block the cut left open is closed
    assert (
        note
        == f"**Truncated**: the full review ({len(review):,} characters) is the `orgboot-review` artifact of [this run](https://artifact).\n"
    )


def fake_gh(tmp_path: Path, existing: str) -> Path:
    """A `gh` that answers the comment listing with `existing` (ids, one a line) and logs every call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/gh.log"\ncase "$*" in *--paginate*) printf "{existing}" ;; esac\n')
    gh.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    ("existing", "call"),
    [
        ("", "api --method POST repos/acme/org/issues/7/comments --input comment.json"),
        ("111\\n222\\n", "api --method PATCH repos/acme/org/issues/comments/111 --input comment.json"),
    ],
    ids=["creates the first time", "updates the marked comment"],
)
def test_comment_upsert(tmp_path, existing, call):
    env = {
        "PATH": f"{fake_gh(tmp_path, existing)}:{os.environ['PATH']}",
        "GH_TOKEN": "t",
        "PR_NUMBER": "7",
        "GITHUB_REPOSITORY": "acme/org",
    }
    result = run_step("Post or update the pull-request comment", tmp_path, env)
    assert result.returncode == 0, result.stderr
    listing, write = (tmp_path / "gh.log").read_text().splitlines()
    assert listing.startswith("api --paginate repos/acme/org/issues/7/comments --jq ")
    assert f'startswith("{MARKER}")' in listing
    assert '.user.login == "github-actions[bot]"' in listing
    assert write == call


@pytest.mark.parametrize(("status", "code"), [("0", 0), ("1", 1), ("2", 1), ("3", 1)])
def test_job_fails_unless_the_review_passed(tmp_path, status, code):
    assert run_step("Fail unless the review passed", tmp_path, {"STATUS": status}).returncode == code
