"""`make synth` never leaves a stale or partial assembly behind: `make demo` and `orgboot emulate`
must never deploy an assembly that does not match the spec."""

import subprocess
from pathlib import Path

from tests.conftest import EXAMPLE, REPO


def make_synth(out: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "synth", f"OUT={out}", *overrides], cwd=REPO, capture_output=True, text=True)


def stale_assembly(out: Path) -> None:
    out.mkdir(parents=True)
    (out / "manifest.json").write_text("{}")


def test_a_refused_spec_leaves_no_assembly(tmp_path):
    bad = tmp_path / "org.yaml"
    bad.write_text("accounts:\n  a: {name: A, email: nope, ou: Root}\n")
    out = tmp_path / "cdk.out"
    stale_assembly(out)
    result = make_synth(out, f"SPEC={bad}")
    assert result.returncode != 0
    assert f"{bad}:2: accounts.a.email: 'nope' is not an email address" in result.stderr
    assert not out.exists()


def test_a_synth_that_fails_halfway_leaves_no_assembly(tmp_path):
    out = tmp_path / "cdk.out"
    stale_assembly(out)
    # A CDK CLI that writes part of an assembly and fails.
    failing_cdk = f"sh -c 'mkdir -p {out}.partial && touch {out}.partial/manifest.json && exit 1' --"
    result = make_synth(out, f"SPEC={EXAMPLE}", f"CDK={failing_cdk}")
    assert result.returncode != 0
    assert not out.exists()
    assert not Path(f"{out}.partial").exists()
