"""The sample CI workflow (.github/workflows/orgboot.yml) and the one `orgboot init` writes
(orgboot/starter/.github/workflows/orgboot.yml): actionlint, the real binary from the venv, finds
nothing in them and does find planted mistakes; every `make` target and `orgboot` subcommand they run
exists; their comment steps (truncation, upsert by marker, a token that may not write, the final
status) do what their comments say, run as GitHub runs them; and what GitHub does with each event
(which jobs run, under which names, in which concurrency group) is what their comments promise,
their expressions evaluated as GitHub evaluates them (tests/support/github_expressions.py)."""

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
from tests.support.github_expressions import condition, interpolate

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "orgboot.yml"
STARTER_WORKFLOW = REPO / "orgboot" / "starter" / ".github" / "workflows" / "orgboot.yml"  # what `orgboot init` writes
BOTH = pytest.mark.parametrize("path", [WORKFLOW, STARTER_WORKFLOW], ids=["orgboot's own", "orgboot init's"])
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


# An action pinned to a release's commit, the release's version beside it: `uses: owner/repo@<sha> # v1.2.3`.
PIN = re.compile(r"(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+\.\d+\.\d+)$", re.MULTILINE)


def read_pins_as_versions(text: str) -> str:
    """The workflow with each pin read as its release's major version (`owner/repo@v1`): actionlint
    knows the inputs of popular actions by their version tags, and checks none of an action at a commit."""
    return PIN.sub(lambda m: f"{m['action']}@{m['version'].split('.')[0]}", text)


def test_workflows_have_no_findings():
    assert WORKFLOW in workflows()
    assert actionlint() == []


@BOTH
def test_every_action_is_pinned_to_a_release_commit_and_its_inputs_checked(tmp_path, path):
    """A tag can be moved to other code, a commit cannot (GitHub docs, "Security hardening for GitHub
    Actions"); the version beside the commit is what Dependabot and a reader go by, and what actionlint
    checks the inputs against."""
    lines = [line.strip() for line in path.read_text().splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert lines
    for line in lines:
        assert PIN.search(line), f"{path.name}: {line!r} is not pinned as `owner/repo@<40-hex commit> # vX.Y.Z`"
    copy = tmp_path / ".github" / "workflows" / path.name
    copy.parent.mkdir(parents=True)
    copy.write_text(read_pins_as_versions(path.read_text()))
    assert actionlint(copy, cwd=tmp_path) == []


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
    text = read_pins_as_versions(WORKFLOW.read_text())
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


def fake_gh(tmp_path: Path, existing: str, *, refuse: str = "", error: str = "") -> Path:
    """A `gh` that answers the comment listing with `existing` (ids, one a line) and logs every call;
    a call whose arguments contain `refuse` fails as `gh api` does, `error` on stderr and exit status 1."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    refusal = f'case "$*" in *"{refuse}"*) echo "{error}" >&2; exit 1 ;; esac\n' if refuse else ""
    gh.write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/gh.log"\n{refusal}case "$*" in *--paginate*) printf "{existing}" ;; esac\n')
    gh.chmod(0o755)
    return bin_dir


def post_comment(tmp_path: Path, gh_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{gh_dir}:{os.environ['PATH']}", "GH_TOKEN": "t", "PR_NUMBER": "7", "GITHUB_REPOSITORY": "acme/org"}
    return run_step("Post or update the pull-request comment", tmp_path, env)


@pytest.mark.parametrize(
    ("existing", "call"),
    [
        ("", "api --method POST repos/acme/org/issues/7/comments --input comment.json"),
        ("111\\n222\\n", "api --method PATCH repos/acme/org/issues/comments/111 --input comment.json"),
    ],
    ids=["creates the first time", "updates the marked comment"],
)
def test_comment_upsert(tmp_path, existing, call):
    result = post_comment(tmp_path, fake_gh(tmp_path, existing))
    assert result.returncode == 0, result.stderr
    listing, write = (tmp_path / "gh.log").read_text().splitlines()
    assert listing.startswith("api --paginate repos/acme/org/issues/7/comments --jq ")
    assert f'startswith("{MARKER}")' in listing
    assert '.user.login == "github-actions[bot]"' in listing
    assert write == call


@pytest.mark.parametrize(("status", "code"), [("0", 0), ("1", 1), ("2", 1), ("3", 1)])
def test_job_fails_unless_the_review_passed(tmp_path, status, code):
    assert run_step("Fail unless the review passed", tmp_path, {"STATUS": status}).returncode == code


# gh's words when GitHub refuses a token (cli/cli pkg/cmd/api/api.go: "gh: <message> (HTTP <status>)").
FORBIDDEN = "gh: Resource not accessible by integration (HTTP 403)"


@pytest.mark.parametrize("refused", ["--method POST", "--paginate"], ids=["the comment", "even the listing"])
def test_a_token_that_may_not_write_leaves_a_warning_not_a_failure(tmp_path, refused):
    """Where the token turns out read-only, the review is in the job summary and the artifact: the step
    warns and passes, and the last step decides. Any other error still fails the step, and a listing
    that failed never leads to a second comment."""
    result = post_comment(tmp_path, fake_gh(tmp_path, "", refuse=refused, error=FORBIDDEN))
    assert result.returncode == 0, result.stderr
    assert (
        "::warning::This run's token may not comment on the pull request: the review is in the job summary and the orgboot-review artifact."
        in result.stdout
    )
    assert FORBIDDEN in result.stderr  # GitHub's own reason stays in the log
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert calls[-1].startswith(f"api {refused}")

    for other in (tmp_path / "502", tmp_path / "listing"):
        other.mkdir()
    bad_gateway = post_comment(tmp_path / "502", fake_gh(tmp_path / "502", "", refuse="--method POST", error="gh: Bad Gateway (HTTP 502)"))
    assert bad_gateway.returncode == 1
    assert "::warning::" not in bad_gateway.stdout
    unlisted = post_comment(
        tmp_path / "listing", fake_gh(tmp_path / "listing", "", refuse="--paginate", error="gh: Server Error (HTTP 500)")
    )
    assert unlisted.returncode == 1
    assert len((tmp_path / "listing" / "gh.log").read_text().splitlines()) == 1  # no POST after a failed listing


# What GitHub does with each event: the run's concurrency group and whether it cancels the run in
# progress, and for each job whether it runs and under which name. The events are what GitHub sends
# (webhook payloads: octokit/webhooks payload-schemas/api.github.com/pull_request/edited.schema.json
# for `changes`); github.run_id differs for every run.

REPOSITORY = "acme/org"
DEFAULT_TYPES = ["opened", "synchronize", "reopened"]  # pull_request's types when `types:` is not given
runs = iter(range(1000, 10**6))


def push(sha: str, ref: str = "refs/heads/main") -> dict[str, Any]:
    return {"event_name": "push", "ref": ref, "sha": sha, "actor": "octocat", "event": {}}


def pull_request(
    action: str,
    number: int = 7,
    head_sha: str = "a" * 40,
    changes: dict[str, Any] | None = None,
    head_repository: str = REPOSITORY,
    actor: str = "octocat",
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "action": action,
        "number": number,
        "pull_request": {"number": number, "head": {"sha": head_sha, "repo": {"full_name": head_repository}}},
    }
    if changes is not None:
        payload["changes"] = changes
    # github.sha of a pull_request run is the merge commit GitHub makes of the head into the base.
    return {"event_name": "pull_request", "ref": f"refs/pull/{number}/merge", "sha": head_sha[::-1], "actor": actor, "event": payload}


BASE_CHANGED = {"base": {"ref": {"from": "release"}, "sha": {"from": "b" * 40}}}
TITLE_EDITED = {"title": {"from": "Move app-prod"}}
BODY_EDITED = {"body": {"from": "Moves app-prod up to Workloads."}}


def schedule() -> dict[str, Any]:
    return {"event_name": "schedule", "ref": "refs/heads/main", "sha": "c" * 40, "actor": "octocat", "event": {"schedule": "17 6 * * *"}}


def contexts(path: Path, github: dict[str, Any]) -> dict[str, Any]:
    flow = yaml.safe_load(path.read_text())
    github = {"workflow": flow["name"], "repository": REPOSITORY, "run_id": str(next(runs)), **github}
    return {"github": github, "vars": {}, "inputs": {}}


def group_and_cancel(path: Path, github: dict[str, Any]) -> tuple[str, bool]:
    concurrency = yaml.safe_load(path.read_text())["concurrency"]
    context = contexts(path, github)
    return interpolate(concurrency["group"], context), condition(concurrency["cancel-in-progress"], context)


def jobs(path: Path, github: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Each job of the run the event starts: whether it runs, and its name as GitHub evaluates it."""
    context = contexts(path, github)
    return {
        job_id: (condition(job.get("if"), context), interpolate(job.get("name", job_id), context))
        for job_id, job in yaml.safe_load(path.read_text())["jobs"].items()
    }


def triggers(path: Path) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(path.read_text())
    on: dict[str, Any] = loaded[True]  # YAML 1.1 reads the key `on` as True
    return on


@BOTH
def test_every_pushed_commit_is_tested_while_a_pull_requests_newer_run_cancels_the_older(path):
    """A group holds one running and one pending run, and a newer run replaces the pending one whatever
    cancel-in-progress says (GitHub docs, "Control the concurrency of workflows and jobs"): pushes of
    different commits must not share a group, and never cancel; a pull request's runs share one, and
    the newest cancels the others."""
    first, second, third = (group_and_cancel(path, push(sha)) for sha in ("1" * 40, "2" * 40, "3" * 40))
    assert len({first[0], second[0], third[0]}) == 3
    assert not any(cancel for _, cancel in (first, second, third))
    assert group_and_cancel(path, push("1" * 40, ref="refs/heads/other"))[0] != first[0]
    assert all(jobs(path, push(sha))["check"] == (True, "check") for sha in ("1" * 40, "2" * 40))

    opened = group_and_cancel(path, pull_request("opened", head_sha="1" * 40))
    pushed = group_and_cancel(path, pull_request("synchronize", head_sha="2" * 40))
    assert opened[0] == pushed[0]
    assert opened[1] is pushed[1] is True
    assert group_and_cancel(path, pull_request("synchronize", number=8))[0] != opened[0]


@BOTH
def test_a_new_base_reruns_the_check_and_the_review_and_cancels_the_old_bases_run(path):
    assert (triggers(path)["pull_request"] or {}).get("types", DEFAULT_TYPES) == [*DEFAULT_TYPES, "edited"]
    retargeted = pull_request("edited", changes=BASE_CHANGED)
    assert group_and_cancel(path, retargeted) == (group_and_cancel(path, pull_request("synchronize"))[0], True)
    ran = jobs(path, retargeted)
    assert ran["check"] == (True, "check")
    assert ran["review"] == (True, "review")


@BOTH
@pytest.mark.parametrize("changes", [TITLE_EDITED, BODY_EDITED, {**TITLE_EDITED, **BODY_EDITED}], ids=["title", "body", "both"])
def test_a_title_or_body_edit_runs_nothing_and_cancels_nothing(path, changes):
    edit = pull_request("edited", changes=changes)
    assert [job_id for job_id, (runs_, _) in jobs(path, edit).items() if runs_] == []
    group, _ = group_and_cancel(path, edit)
    assert group != group_and_cancel(path, pull_request("synchronize"))[0]  # the pull request's run goes on
    assert group != group_and_cancel(path, edit)[0]  # and a second edit replaces nothing either


EVENTS = {
    "push": push("1" * 40),
    "opened": pull_request("opened"),
    "synchronize": pull_request("synchronize"),
    "new base": pull_request("edited", changes=BASE_CHANGED),
    "title edit": pull_request("edited", changes=TITLE_EDITED),
    "schedule": schedule(),
}


@BOTH
@pytest.mark.parametrize("job_id", ["check", "review"])
def test_a_job_carries_its_name_only_when_it_runs(path, job_id):
    """A skipped job reports success, even as a required check (GitHub docs, "About status checks"), and
    a pull request shows the newest check of a name: a skipped `review` must not be named `review`,
    whether GitHub evaluates its name (it gives something else) or not (actions/runner#1215: the text)."""
    raw = yaml.safe_load(path.read_text())["jobs"][job_id].get("name", job_id)
    assert raw.strip().startswith("${{"), f"{job_id}: a fixed name is the job's own even when it is skipped"
    for event, github in EVENTS.items():
        runs_, name = jobs(path, github)[job_id]
        assert (name == job_id) == runs_, f"{job_id} on {event}: runs={runs_}, named {name!r}"


@BOTH
def test_the_review_is_kept_where_the_token_cannot_comment(path):
    """Forks' and Dependabot's runs get a read-only token (GitHub docs, "GITHUB_TOKEN reference",
    "Automating Dependabot with GitHub Actions"): the comment step is skipped, every other step of the
    review runs, the report in the artifact and the job summary, and the last step's verdict."""
    review = yaml.safe_load(path.read_text())["jobs"]["review"]
    everything = [step.get("name", step.get("uses")) for step in review["steps"]]
    post = "Post or update the pull-request comment"
    assert {post, "Upload the review", "Write the comment", "Fail unless the review passed"} <= set(everything)
    cases = {
        "same repository": (pull_request("synchronize"), everything),
        "fork": (pull_request("synchronize", head_repository="someone/org"), [name for name in everything if name != post]),
        "dependabot": (pull_request("synchronize", actor="dependabot[bot]"), [name for name in everything if name != post]),
    }
    for case, (github, expected) in cases.items():
        context = contexts(path, github)
        ran = [step.get("name", step.get("uses")) for step in review["steps"] if condition(step.get("if"), context)]
        assert ran == expected, case


@BOTH
def test_no_checkout_leaves_the_token_in_git(path):
    checkouts = [
        step
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


# Node: what setup-node installs, the newest release of the major it names.
NODE_PACKAGES = ("mermaid", "jsdom", "aws-cdk")  # what package.json installs under Node (the CDK CLI alone in an organization's repository)


def admits(engines: str, major: int) -> bool:
    """Whether an `engines.node` range (`>=22.12.0`, `^20.19.0 || >=24.0.0`, `>= 18.0.0`) admits the
    newest release of `major`."""
    newest = (major, 10**6, 10**6)

    def one(comparator: str) -> bool:
        match = re.fullmatch(r"(>=|\^)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", comparator.strip())
        assert match, f"engines range {comparator!r} is not one this test reads"
        floor = tuple(int(part or 0) for part in match.group(2, 3, 4))
        return newest >= floor and (match.group(1) == ">=" or floor[0] == major)

    return any(one(alternative) for alternative in engines.split("||"))


def node_versions(path: Path) -> set[str]:
    return {
        str(step["with"]["node-version"])
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/setup-node@")
    }


def test_node_is_one_every_node_package_admits():
    """Node 20 reached its end of life on 2026-04-30 (github.com/nodejs/Release), and mermaid 12
    declares Node 22.12 or later: both workflows set up one even-numbered major (the LTS lines), the
    newest release of which every package installed under Node admits, as does package.json's
    `engines`; and package.json admits no major one of those packages refuses."""
    (version,) = node_versions(WORKFLOW) | node_versions(STARTER_WORKFLOW)
    major = int(version)
    assert major % 2 == 0
    ours = json.loads((REPO / "package.json").read_text())["engines"]["node"]
    theirs = {name: json.loads((REPO / "node_modules" / name / "package.json").read_text())["engines"]["node"] for name in NODE_PACKAGES}
    assert admits(ours, major)
    assert all(admits(engines, major) for engines in theirs.values()), theirs
    for other in range(16, 30):
        if admits(ours, other):
            assert all(admits(engines, other) for engines in theirs.values()), f"package.json admits Node {other}: {theirs}"
