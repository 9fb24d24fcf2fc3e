"""OU changes as a pull request makes them, through the CLI: a rename in place needs nothing; a
replacement is acknowledged in org.yaml by the ID the refusal prints (a pull request carries it),
the command-line option still works; a kind alone is refused in org.yaml (docs/review.md)."""

import re
from pathlib import Path

import pytest
import yaml

from orgboot.spec.acknowledgements import check_change_id
from tests.cli.test_commands import orgboot
from tests.cli.test_review_commands import spec_folder
from tests.conftest import REPO
from tests.emulation.test_update_paths import rename_ou


def rename_sandbox(data, entry):
    data["organizational_units"][4] = entry
    data["accounts"]["sandbox-alice"]["ou"] = "Playground"
    for assignment in data["identity_center"]["assignments"]:
        assignment["targets"] = ["Playground" if target == "Sandbox" else target for target in assignment["targets"]]


def move_sandbox(data):
    """Sandbox under Workloads: another parent, so a new OU (ParentId is create-only)."""
    data["organizational_units"][4] = "Workloads/Sandbox"
    data["accounts"]["sandbox-alice"]["ou"] = "Workloads/Sandbox"
    for assignment in data["identity_center"]["assignments"]:  # the same people keep the same access
        targets = assignment["targets"]
        if "Sandbox" in targets:
            targets[targets.index("Sandbox")] = "Workloads/Sandbox"
            if "Workloads" in targets:
                targets.remove("Workloads/Sandbox")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_an_ou_renamed_with_its_key_passes_with_nothing_to_acknowledge(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", lambda d: rename_sandbox(d, {"Playground": {"key": "Sandbox"}}))
    validated = orgboot("validate", str(head), "--base", str(base))
    assert validated.returncode == 0, validated.stderr
    assert "accepted" not in validated.stdout
    diffed = orgboot("diff", str(base), str(head))
    assert diffed.returncode == 0, diffed.stdout
    assert "`Sandbox` is renamed to `Playground`: the same OU, its accounts and policies stay" in diffed.stdout
    assert "refused" not in diffed.stdout
    assert "account-moved" not in diffed.stdout


def test_an_ou_renamed_with_its_key_is_one_change_however_many_entries_name_it(tmp_path):
    """Workloads renamed to Apps: member roles' targets and groups' grants that name it (or an OU
    under it) name the same OUs after the rename; the rename is the only change."""
    base = spec_folder(tmp_path / "base", lambda d: d["organizational_units"].insert(0, {"Workloads": {"key": "Workloads"}}))

    def renamed(data):
        rename_ou(data, "Workloads", "Apps")
        data["organizational_units"].insert(0, {"Apps": {"key": "Workloads"}})

    head = spec_folder(tmp_path / "head", renamed)
    diffed = orgboot("diff", str(base), str(head))
    assert diffed.returncode == 0, diffed.stdout
    assert "\n1 change · ✅ valid ·" in diffed.stdout
    assert "`Workloads` is renamed to `Apps`" in diffed.stdout


def test_an_ou_renamed_without_a_key_is_told_the_key_that_keeps_it(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", lambda d: rename_sandbox(d, "Playground"))
    refused = orgboot("validate", str(head), "--base", str(base))
    assert refused.returncode == 1
    assert "give the new entry the old identity as its key: `- Playground: {key: Sandbox}`" in flat(refused.stderr)


def test_an_ou_moved_is_accepted_when_acknowledged_in_org_yaml(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", move_sandbox)
    refused = orgboot("validate", str(head), "--base", str(base))
    assert refused.returncode == 1
    assert re.search(
        re.escape(str(head)) + r":\d+: organizational_units: OU 'Sandbox' is gone but held account 'sandbox-alice'", refused.stderr
    )
    # the exact entry to write, first; the option second
    assert (
        "If you mean it, acknowledge it in org.yaml with the reason: `acknowledged_changes: {ou-replaced:Sandbox: <why>}`"
        " (or for one run: --allow-ou-replacement)" in flat(refused.stderr)
    )

    def acknowledged(data):
        move_sandbox(data)
        data["acknowledged_changes"] = {"ou-replaced:Sandbox": "sandboxes belong under Workloads (PR 12)"}

    head = spec_folder(tmp_path / "head", acknowledged)
    accepted = orgboot("validate", str(head), "--base", str(base))
    assert accepted.returncode == 0, accepted.stderr
    assert "Acknowledged in org.yaml (ou-replaced:Sandbox): sandboxes belong under Workloads (PR 12)" in flat(accepted.stdout)
    diffed = orgboot("diff", str(base), str(head))
    assert diffed.returncode == 0, diffed.stdout
    assert "sandboxes belong under Workloads (PR 12)" in diffed.stdout
    # the normal way to move an OU: under its own heading and count, not among the changes AWS would fail
    assert "🟡 1 refusal acknowledged" in diffed.stdout
    assert "#### 🟡 Acknowledged refusals" in diffed.stdout
    assert "Refused changes" not in diffed.stdout
    assert "⛔" not in diffed.stdout
    assert "not in this change" not in diffed.stdout  # the acknowledgement matched: it is not listed as stale


def test_the_option_still_accepts_it_for_one_run(tmp_path):
    base = spec_folder(tmp_path / "base")
    head = spec_folder(tmp_path / "head", move_sandbox)
    accepted = orgboot("validate", str(head), "--base", str(base), "--allow-ou-replacement")
    assert accepted.returncode == 0, accepted.stderr


def test_a_kind_alone_in_org_yaml_is_refused_with_the_way_to_write_it(tmp_path):
    head = spec_folder(tmp_path, lambda d: d.update(acknowledged_changes={"password-policy-weakened": "all of this kind"}))
    result = orgboot("validate", str(head))
    assert result.returncode == 1
    assert (
        "'password-policy-weakened' is a kind of change, not a change: in org.yaml each acknowledgement names one change by"
        " the ID the report prints (KIND:SUBJECT, like password-policy-weakened:...), with its reason."
        " `--acknowledge password-policy-weakened` accepts all of a kind for one run"
    ) in flat(result.stderr)


def _documented_acknowledgements() -> list[tuple[str, str]]:
    found = []
    for doc in sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"]:
        for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S):
            if "acknowledged_changes:" in block:
                data = yaml.safe_load(block[block.index("acknowledged_changes:") :])
                found += [(Path(doc).name, change) for change in data["acknowledged_changes"]]
    return found


@pytest.mark.parametrize(("doc", "change"), _documented_acknowledgements())
def test_every_documented_acknowledgement_is_one_validate_accepts(doc, change):
    check_change_id(change)
