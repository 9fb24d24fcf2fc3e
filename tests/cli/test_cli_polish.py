"""The command line as a person meets it (issue 24, points 12 and 14): validate shows the policy
budget only where a target nears AWS's limit, the brownfield note only when it is true, a closed
pipe is no error, a git revision is looked up in the spec's repository wherever orgboot runs,
`diff` calls itself diff, help shows no empty defaults, and a terminal gets the report rendered
while a pipe or a file gets the Markdown."""

import argparse
import io
import json
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from orgboot.analysis.budgets import NEAR, Budget
from orgboot.cli import reviewing
from orgboot.cli.main import parser
from orgboot.reports.markdown import render
from orgboot.reports.terminal import budget_summary
from tests.cli.test_commands import orgboot
from tests.cli.test_review_commands import GIT, commit, drop_quarantine, spec_folder
from tests.conftest import EXAMPLE, REPO
from tests.spec.test_loader import BASE, write

SCP = "SERVICE_CONTROL_POLICY"


def deny(action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]})


def crowded_spec(tmp_path, on_prod: int):
    """BASE with `on_prod` SCPs of ours on Workloads/Prod (FullAWSAccess makes one more) and one on Security."""
    keys = [f"deny-{n}" for n in range(on_prod)]
    policies = "".join(f"  {key}: {{type: {SCP}, document: policies/{key}.json, targets: [Workloads/Prod]}}\n" for key in keys)
    policies += f"  deny-security: {{type: {SCP}, document: policies/deny.json, targets: [Security]}}\n"
    services = ["s3", "ec2", "iam", "kms", "sqs", "sns", "rds", "ecr", "eks"]
    files = {f"policies/{key}.json": deny(f"{service}:Delete*") for key, service in zip(keys, services, strict=False)}
    return write(tmp_path, BASE + "policies:\n" + policies, files)


# Policy budget ---------------------------------------------------------------------------------


def test_a_budget_is_near_its_limit_from_eighty_percent_of_the_count_or_the_size():
    assert NEAR == 0.8
    assert Budget("Prod", SCP, tuple("abcdefg"), 100).near_limit  # 8 of 10 with FullAWSAccess
    assert not Budget("Prod", SCP, tuple("abcdef"), 100).near_limit  # 7 of 10
    assert Budget("Prod", SCP, ("a",), 8_192).near_limit  # 80% of 10,240 characters
    assert not Budget("Prod", SCP, ("a",), 8_191).near_limit


def test_the_summary_names_the_fullest_target_and_the_largest_document():
    summary = budget_summary(
        [
            Budget("Root", SCP, ("a", "b"), 5_000),
            Budget("Workloads/Prod", SCP, ("a", "b", "c"), 300),
            Budget("Workloads/Prod", "TAG_POLICY", ("t",), 60),
        ]
    )
    assert summary == (
        "policy budget: 2 targets; the fullest Workloads/Prod, 4 of 10 SCPs; the largest document 5,000 of 10,240 characters"
        " (an SCP on Root); none near a limit (80% of AWS's count per target or of its document size); --budgets lists every target"
    )


def test_validate_shows_only_the_targets_near_a_limit(tmp_path):
    spec = crowded_spec(tmp_path, on_prod=7)
    result = orgboot("validate", str(spec))
    assert result.returncode == 0, result.stderr
    assert (
        "policy budget: 2 targets; the fullest Workloads/Prod, 8 of 10 SCPs; the largest document 114 of 10,240 characters"
        " (an SCP on Security); 1 near a limit (80% of AWS's count per target or of its document size):"
    ) in result.stdout
    assert re.search(r"Workloads/Prod +SCP +8/10 ", result.stdout)
    assert not re.search(r"Security +SCP", result.stdout)  # 2 of 10: far from any limit
    every = orgboot("validate", str(spec), "--budgets")
    assert re.search(r"Workloads/Prod +SCP +8/10 ", every.stdout)
    assert re.search(r"Security +SCP +2/10 ", every.stdout)


def test_validate_of_a_roomy_organization_prints_one_line_of_budget():
    result = orgboot("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "budget" in line.lower()]
    assert line.startswith("policy budget: 5 targets; the fullest Root, 2 of 5 RCPs; ")
    assert "none near a limit" in line


# The brownfield note -----------------------------------------------------------------------------


def test_the_new_organization_note_is_left_out_when_a_change_is_checked_from_a_base(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", drop_quarantine)
    alone = orgboot("validate", str(head))
    assert "Deploys a new organization" in alone.stdout  # no base, no account IDs: it is the first deploy
    changed = orgboot("validate", str(head), "--base", str(base))
    assert changed.returncode == 0, changed.stderr
    assert "Deploys a new organization" not in changed.stdout


# A closed pipe ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("validate", str(EXAMPLE)),  # rich's Console
        ("schema",),  # print(), flushed at exit
        ("review", str(EXAMPLE)),  # sys.stdout.write
    ],
)
def test_a_reader_that_went_away_is_not_an_error(command):
    """`orgboot validate | head`: the reader closes the pipe before orgboot writes (head read enough)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "orgboot", *command],
            cwd=REPO,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


# Git revisions are the spec's --------------------------------------------------------------------


@pytest.fixture
def repository_elsewhere(tmp_path):
    """A repository whose working tree drops a guardrail, and a working directory outside it."""
    repo = tmp_path / "repo"
    spec_folder(repo)
    subprocess.run([*GIT, "-C", str(repo), "init", "-q"], check=True)
    commit(repo, "base")
    spec_folder(repo, drop_quarantine)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return repo / "org.yaml", elsewhere


def test_diff_finds_a_revision_in_the_specs_repository_from_anywhere(repository_elsewhere):
    spec, elsewhere = repository_elsewhere
    result = orgboot("diff", "HEAD", str(spec), cwd=elsewhere)
    assert "`quarantine` is no longer enabled" in result.stdout, result.stderr
    assert result.returncode == 1  # the removal is dangerous and not acknowledged
    review = orgboot("review", "HEAD", str(spec), "--no-plan", cwd=elsewhere)
    assert "`quarantine` is no longer enabled" in review.stdout, review.stderr
    validate = orgboot("validate", str(spec), "--base", "HEAD", cwd=elsewhere)
    assert validate.returncode == 0, validate.stderr


def test_diff_calls_itself_diff(repository_elsewhere):
    spec, elsewhere = repository_elsewhere
    result = orgboot("diff", "HEAD", str(spec), cwd=elsewhere)
    assert f"### orgboot diff of `{spec}` against `HEAD`" in result.stdout
    assert "orgboot review" not in result.stdout


# Help --------------------------------------------------------------------------------------------


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (commands,) = [action for action in parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(commands.choices)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_help_shows_only_defaults_that_say_something(command):
    help_text = " ".join(subcommands()[command].format_help().split())
    assert "(default: None)" not in help_text
    assert "(default: False)" not in help_text
    assert "(default: [])" not in help_text
    assert not re.search(r"\(default: [^)]*\) \(default:", help_text)  # said once, where the help says it in words


def test_help_still_shows_a_real_default():
    help_text = " ".join(subcommands()["validate"].format_help().split())
    assert "the organization spec (default: org.yaml)" in help_text


# The report in a terminal ------------------------------------------------------------------------


class Terminal(io.StringIO):
    """What a terminal is to orgboot: a file that says it is a tty."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_report_rendered_without_markup():
    screen = Terminal()
    console = Console(file=screen, width=120, color_system=None)
    reviewing.write(argparse.Namespace(output=None), console, render(reviewing.spec_review(EXAMPLE, "org.yaml")))
    text = screen.getvalue()
    for markup in ("<!--", "<details>", "<summary>", "</details>", "<b>", "<sub>", "<br/>", "```", "flowchart"):
        assert markup not in text
    assert "orgboot review of org.yaml" in text
    assert "Accounts (6)" in text  # a folded section keeps its title
    assert "shop-prod" in text
    assert "-o FILE" in text  # where the Markdown itself is had


def test_force_color_in_ci_keeps_the_markdown(monkeypatch, capsys):
    """FORCE_COLOR makes rich treat a pipe as a terminal: the report stays Markdown for CI to post."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    console = Console(file=io.StringIO())
    assert console.is_terminal
    reviewing.write(argparse.Namespace(output=None), console, render(reviewing.spec_review(EXAMPLE, "org.yaml")))
    assert capsys.readouterr().out.startswith("<!-- orgboot-review -->\n")


def test_a_pipe_gets_the_markdown_as_it_is():
    result = orgboot("review", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!-- orgboot-review -->\n")
    assert "<details><summary><b>Accounts</b> (6)</summary>" in result.stdout
