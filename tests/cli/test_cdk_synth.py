"""The real CDK CLI synthesizes the app as `make synth` does (one run: it is slow)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE, REPO

CDK = REPO / "node_modules" / ".bin" / "cdk"


def cdk(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        **env,
    }
    return subprocess.run([str(CDK), *args, "--no-notices"], cwd=REPO, capture_output=True, text=True, env=environment)


def test_cdk_synth_writes_the_assembly(tmp_path):
    out = tmp_path / "cdk.out"
    result = cdk("synth", "--quiet", "--output", str(out), "--context", f"spec={EXAMPLE}")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["artifacts"]["OrganizationStack"]["environment"] == "aws://unknown-account/us-east-1"
    resources = json.loads((out / "OrganizationStack.template.json").read_text())["Resources"]
    assert sum(r["Type"] == "AWS::Organizations::Account" for r in resources.values()) == 6


def test_cdk_synth_refuses_a_bad_spec(tmp_path):
    bad = tmp_path / "org.yaml"
    bad.write_text("accounts:\n  a: {name: A, email: nope, ou: Root}\n")
    result = cdk("synth", "--quiet", "--output", str(tmp_path / "cdk.out"), "--context", f"spec={bad}")
    assert result.returncode != 0
    assert f"{bad}:2: accounts.a.email: 'nope' is not an email address" in result.stderr
    assert not list((tmp_path / "cdk.out").glob("*.template.json"))
