"""`make synth` (`orgboot synth`) never leaves a stale or partial assembly behind: `make demo` and
`orgboot emulate` must never deploy an assembly that does not match the spec."""

import os
import subprocess
import sys
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
    # A repository whose CDK CLI (node_modules/.bin/cdk, which orgboot runs) writes part of an assembly and fails.
    fake = tmp_path / "node_modules" / ".bin" / "cdk"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        '#!/bin/sh\nwhile [ "$1" != "--output" ]; do shift; done\nmkdir -p "$2" && touch "$2/manifest.json"\necho "the CDK failed" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    out = tmp_path / "cdk.out"
    stale_assembly(out)
    orgboot = Path(sys.executable).with_name("orgboot")
    result = subprocess.run(
        [str(orgboot), "synth", str(EXAMPLE), "-o", str(out)], cwd=tmp_path, capture_output=True, text=True, env=os.environ
    )
    assert result.returncode == 1
    assert "cdk synth failed:\nthe CDK failed" in result.stderr
    assert not out.exists()
    assert not Path(f"{out}.partial").exists()
