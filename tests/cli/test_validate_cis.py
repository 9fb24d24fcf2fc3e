"""`orgboot validate --cis`: the CIS AWS Foundations 5.0 coverage at the terminal, informational."""

from orgboot.analysis.cis import Status, counts, coverage
from tests.cli.test_commands import orgboot
from tests.conftest import EXAMPLE, example_variant

HEADER = ("CIS", "recommendation", "status", "how, what to set, or why")


def rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by CIS number, each cell's wrapped lines joined: the columns start where
    their headings do."""
    lines = stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.split()[:2] == list(HEADER[:2]))
    starts = [lines[heading].index(title) for title in HEADER]
    found: dict[str, list[str]] = {}
    number = None
    for line in lines[heading + 2 :]:
        if not line.strip():
            break
        cells = [line[start:end].strip() for start, end in zip(starts, [*starts[1:], None], strict=True)]
        number = cells[0] or number
        assert number is not None
        row = found.setdefault(number, ["", "", "", ""])
        found[number] = [f"{was} {cell}".strip() for was, cell in zip(row, cells, strict=True)]
    return found


def test_validate_cis_prints_every_recommendation_and_passes(example_spec):
    result = orgboot("validate", str(EXAMPLE), "--cis")
    assert result.returncode == 0, result.stderr
    covered = coverage(example_spec)
    found = counts(covered)
    assert found[Status.NOT_MET] > 0  # not met, and still valid: it is informational
    summary = (
        f"CIS AWS Foundations 5.0: {found[Status.MET]} met, {found[Status.NOT_MET]} not met, {found[Status.OUT_OF_SCOPE]} out of scope"
    )
    assert summary in result.stdout
    table = rows(result.stdout)
    assert list(table) == [c.recommendation.number for c in covered]
    assert table["1.4"][2] == "out of scope"
    # what to set, as text: "[Root]" is not taken for markup
    assert table["1.6"][2] == "not met"
    assert "add Root to guardrails.deny-root-user.targets" in table["1.6"][3]


def test_validate_without_cis_leaves_it_out():
    result = orgboot("validate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "CIS AWS Foundations" not in result.stdout


def test_a_change_to_the_spec_shows(tmp_path):
    def edit(data):
        data["management_baseline"]["password_policy"]["minimum_length"] = 10

    example_variant(tmp_path, edit)
    result = orgboot("validate", str(tmp_path / "org.yaml"), "--cis")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)["1.7"] == [
        "1.7",
        "Ensure IAM password policy requires minimum length of 14 or greater",
        "not met",
        "set management_baseline.password_policy.minimum_length to 14 or more (it is 10)",
    ]
