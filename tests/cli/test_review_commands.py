"""`orgboot review`, `diff` and `plan` as CI runs them: files or git revisions, Markdown out, and
an exit status that stops a pull request on findings, refused changes, unacknowledged dangerous
changes or a plan that fails."""

import argparse
import multiprocessing
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor

import pytest
import yaml

from orgboot.cli import reviewing
from orgboot.rules import ACKNOWLEDGEMENTS
from tests.cli.test_commands import orgboot
from tests.conftest import EXAMPLE, REPO

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def spec_folder(folder, edit=None):
    """The example org.yaml with its policies in `folder`, after `edit(data)`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE.parent / "policies", folder / "policies", dirs_exist_ok=True)
    data = yaml.safe_load(EXAMPLE.read_text())
    if edit:
        edit(data)
    (folder / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder / "org.yaml"


def drop_quarantine(data):
    data["guardrails"].pop("quarantine")


def commit(repo, message):
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", message], check=True)


def test_review_of_one_spec_to_a_file(tmp_path):
    result = orgboot("review", str(EXAMPLE), "-o", str(tmp_path / "review.md"))
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "review.md").read_text()
    assert report.startswith("<!-- orgboot-review -->\n")
    assert "```mermaid\nflowchart LR\n" in report


def test_a_dangerous_change_fails_until_acknowledged(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", drop_quarantine)
    refused = orgboot("diff", str(base), str(head))
    assert refused.returncode == 1, refused.stderr
    assert "🔴 **1 dangerous change not acknowledged**" in refused.stdout
    assert (
        "| `quarantine` no longer applies to `Suspended` | `guardrail-detached:quarantine@Suspended` | 🔴 not acknowledged |"
        in refused.stdout
    )

    by_option = orgboot("diff", str(base), str(head), "--acknowledge", "guardrail-detached:quarantine@Suspended")
    assert by_option.returncode == 0, by_option.stdout
    assert "🟡 acknowledged: by option" in by_option.stdout

    def acknowledge(data):
        drop_quarantine(data)
        data["acknowledged_changes"] = {"guardrail-detached:quarantine@Suspended": "Suspended is retired (PR 7)"}

    head = spec_folder(tmp_path / "head", acknowledge)
    in_spec = orgboot("diff", str(base), str(head))
    assert in_spec.returncode == 0, in_spec.stdout
    assert "🟡 acknowledged: Suspended is retired (PR 7)" in in_spec.stdout


def test_an_acknowledgement_of_no_such_kind_is_a_finding(tmp_path):
    head = spec_folder(tmp_path, lambda data: data.update(acknowledged_changes={"guardrail-detatched:quarantine@Suspended": "x"}))
    result = orgboot("review", str(head))
    assert result.returncode == 1
    assert "'guardrail-detatched' is not a kind of change to acknowledge (did you mean 'guardrail-detached'?)" in result.stdout


def test_a_refused_change_fails_unless_its_option_accepts_it(tmp_path):
    def rename(data):
        data["organizational_units"][4] = "Playground"
        data["accounts"]["sandbox-alice"]["ou"] = "Playground"
        for assignment in data["identity_center"]["assignments"]:
            assignment["targets"] = ["Playground" if target == "Sandbox" else target for target in assignment["targets"]]

    base, head = spec_folder(tmp_path / "base"), spec_folder(tmp_path / "head", rename)
    refused = orgboot("diff", str(base), str(head))
    assert refused.returncode == 1
    assert "⛔ **1 refused change**" in refused.stdout
    assert "`Sandbox` is replaced by a new OU `Playground`" in refused.stdout
    accepted = orgboot("diff", str(base), str(head), "--allow-ou-replacement")
    assert accepted.returncode == 0, accepted.stdout
    assert "(accepted with `--allow-ou-replacement`)" in accepted.stdout


def test_diff_between_git_revisions(tmp_path):
    repo = tmp_path / "repo"
    spec_folder(repo)
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    commit(repo, "base")
    spec_folder(repo, lambda data: data["accounts"]["shop-dev"].update(ou="Workloads/Prod"))
    working_tree = orgboot("diff", "HEAD", "org.yaml", cwd=repo)
    assert working_tree.returncode == 0, working_tree.stderr
    assert "- `shop-dev` moves from `Workloads/Dev` to `Workloads/Prod`" in working_tree.stdout
    commit(repo, "head")
    revisions = orgboot("diff", "HEAD~1", "HEAD", "--spec", "org.yaml", cwd=repo)
    assert revisions.stdout.replace("HEAD~1", "HEAD").replace("`HEAD` against", "`org.yaml` against") == working_tree.stdout
    missing = orgboot("diff", "no-such-branch", "org.yaml", cwd=repo)
    assert missing.returncode == 1
    assert "BASE no-such-branch: no such file, and not a git revision of the repository holding org.yaml" in missing.stderr


def test_a_base_that_does_not_validate_is_a_finding(tmp_path):
    base = spec_folder(tmp_path / "base", lambda data: data["accounts"]["shop-dev"].update(email="nope"))
    head = spec_folder(tmp_path / "head")
    result = orgboot("diff", str(base), str(head))
    assert result.returncode == 1, result.stderr
    assert "the base does not validate (1 problem; first: " in result.stdout
    assert "accounts.shop-dev.email: 'nope' is not an email address" in result.stdout


@pytest.mark.parametrize("beside", ["a second process", "in turn"])
def test_the_base_is_read_beside_the_head_or_in_turn(tmp_path, monkeypatch, beside):
    """The base's spec and errors cross processes whole (guardrail models and SpecError pickle)."""
    executor = (
        (lambda: ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))) if beside != "in turn" else reviewing._InTurn
    )
    monkeypatch.setattr(reviewing, "_beside", executor)
    args = argparse.Namespace(acknowledge=[], **dict.fromkeys(ACKNOWLEDGEMENTS, False))
    head = spec_folder(tmp_path / "head", drop_quarantine)
    review = reviewing.change_review(spec_folder(tmp_path / "base"), head, args, "base", "head")
    assert review.diff is not None
    assert [change.id for change in review.diff.changes] == ["guardrail-detached:quarantine@Suspended", "guardrail-removed:quarantine"]
    broken = spec_folder(tmp_path / "broken", lambda data: data["accounts"]["shop-dev"].update(email="nope"))
    review = reviewing.change_review(broken, head, args, "base", "head")
    assert [(p.key, p.message.split(";")[0]) for p in review.findings] == [
        ("accounts.shop-dev.email", "the base does not validate (1 problem")
    ]


def test_plan_lists_what_cloudformation_would_do_and_what_fails(tmp_path):
    base = spec_folder(tmp_path / "base")
    moved = spec_folder(tmp_path / "moved", lambda data: data["accounts"]["shop-dev"].update(ou="Workloads/Prod"))
    renamed = spec_folder(tmp_path / "renamed", lambda data: data["accounts"]["shop-dev"].update(email="aws+dev@example.com"))
    plan = orgboot("plan", str(base), str(moved))
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "**OrganizationStack**" in plan.stdout
    assert "| 🟡 update | `AccountShopDev` | `AWS::Organizations::Account` |" in plan.stdout
    organization_stack = plan.stdout.split("**OrganizationStack**")[1].split("**")[0]
    # and its alternate contacts: Workloads/Prod has an operations contact of its own
    assert "| 🟡 update | `AlternateContacts` | `Custom::AlternateContacts` |" in organization_stack
    assert organization_stack.count("| 🟡 update |") == 2
    assert "| 🟢 create | StackSet instance resources in 1 account |" in plan.stdout  # ExternalAudit, in Workloads/Prod
    failed = orgboot("plan", str(base), str(renamed))
    assert failed.returncode == 1
    assert "> [!CAUTION]" in failed.stdout
    assert "AccountShopDev" in failed.stdout
    assert "Email" in failed.stdout


def test_a_revision_without_cdk_json_is_planned_with_this_orgboots_app(tmp_path):
    """An organization's repository may hold a spec alone: its revisions are synthesized with the
    app of the orgboot that plans (before 0.6.0, such a revision could not be planned)."""
    repo = tmp_path / "repo"
    spec_folder(repo)
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    commit(repo, "a spec alone, no cdk.json")
    spec_folder(repo, lambda data: data["accounts"]["shop-dev"].update(ou="Workloads/Prod"))
    result = orgboot("plan", "HEAD", "org.yaml", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "| 🟡 update | `AccountShopDev` | `AWS::Organizations::Account` |" in result.stdout
    assert "No plan" not in result.stdout


def test_a_base_that_cannot_be_synthesized_leaves_no_plan_and_says_why(tmp_path):
    base = spec_folder(tmp_path / "base", lambda data: data["accounts"]["shop-dev"].update(email="nope"))
    head = spec_folder(tmp_path / "head")
    result = orgboot("plan", str(base), str(head))
    assert result.returncode == 0, result.stdout + result.stderr  # nothing to plan against is no failure of the head
    assert "Traceback" not in result.stderr
    # (Markdown escapes the underscores of the temporary folder's path.)
    assert "no plan\n\n> [!NOTE]\n> No plan: the base (" in result.stdout
    assert "/base/org.yaml) cannot be synthesized:" in result.stdout
    assert "accounts.shop-dev.email: 'nope' is not an email address" in result.stdout
    assert "> [!CAUTION]" not in result.stdout


def test_a_head_that_cannot_be_synthesized_fails_the_plan(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", lambda data: data["accounts"]["shop-dev"].update(email="nope"))
    result = orgboot("plan", str(base), str(head))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "> [!CAUTION]" in result.stdout
    assert "/head/org.yaml) cannot be synthesized" in result.stdout
    assert "accounts.shop-dev.email: 'nope' is not an email address" in result.stdout
    assert "No plan" not in result.stdout


def test_review_against_a_revision_without_the_spec_is_the_heads_review_without_a_plan(tmp_path):
    def git(*args):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@acme-corp.io", *args], cwd=tmp_path, check=True, capture_output=True
        )

    git("init", "--quiet")
    (tmp_path / "README.md").write_text("An organization, soon\n")
    git("add", "-A")
    git("commit", "--quiet", "-m", "Start")
    head = spec_folder(tmp_path)
    git("add", "-A")
    git("commit", "--quiet", "-m", "The organization")
    result = orgboot("review", "HEAD~1", str(head), "--spec", str(head), "-o", str(tmp_path / "review.md"))
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "review.md").read_text()
    assert report.startswith("<!-- orgboot-review -->\n")
    assert f"### orgboot review of `{head}` against `HEAD~1`" in report
    assert "plan: none (see below) · ✅ valid" in report
    assert "> [!NOTE]\n> No plan: BASE HEAD\\~1: there is no org.yaml at that revision (a new spec has no base)" in report
    assert "```mermaid" in report  # the head's review, whole


def test_review_against_a_base_that_is_neither_a_file_nor_a_revision_is_an_error(tmp_path):
    head = spec_folder(tmp_path / "head")
    result = orgboot("review", str(tmp_path / "missing.yaml"), str(head), "-o", str(tmp_path / "review.md"))
    assert result.returncode == 1
    assert "/missing.yaml: no such file, and not a git revision" in result.stderr  # a typo never passes as a new spec
    assert not (tmp_path / "review.md").exists()


def test_review_takes_at_most_two_specs():
    result = orgboot("review", "a.yaml", "b.yaml", "c.yaml")
    assert result.returncode == 2
    assert "give one spec, or BASE and HEAD" in result.stderr


@pytest.fixture
def repository(tmp_path):
    """A copy of this repository's files, as a pull request's checkout has them: the tracked ones
    and those not yet committed (not the ignored ones)."""
    repo = tmp_path / "repo"
    listing = ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard"]
    files = subprocess.run(listing, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, repo / name)
    (repo / "node_modules").symlink_to(REPO / "node_modules")  # `make setup` in the checkout
    (repo / ".gitignore").write_text("node_modules\n")
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    commit(repo, "base")
    return repo


def test_review_of_a_pull_request_with_its_plan(repository):
    """What the workflow runs: the base branch's revision against the checkout, code and all."""
    spec_folder(repository, drop_quarantine)
    commit(repository, "head")
    result = orgboot("review", "HEAD~1", "org.yaml", "-o", "review.md", cwd=repository)
    assert result.returncode == 1, result.stderr
    report = (repository / "review.md").read_text()
    # The update is the record of the deployed spec, which every change of org.yaml updates.
    assert "🔴 **1 dangerous change not acknowledged** · 2 changes · plan: 1 update, 1 delete · ✅ valid" in report
    assert "| 🔴 delete | `PolicyGuardrailsScpE392a389` | `AWS::Organizations::Policy` |" in report
    assert "| 🟡 update | `DeployedSpec` | `AWS::SSM::Parameter` |" in report
    assert "```mermaid" in report
