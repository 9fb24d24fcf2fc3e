"""Adopting an existing organization (issue 22) against the floor, in one run (ratios from one
machine state): an existing organization of 1,000 member accounts is built in the emulator
(tests/support/existing_organization.py), then `orgboot import --out DIR` reads it and
`orgboot drift` compares it with what import wrote. Both run in this process, through
orgboot.cli.main.main, so boto3's default session reaches the emulated AWS (moto's mock
intercepts it). The floor is the CDK CLI synthesizing an app of one empty stack (`cdk synth`, the
repository's pinned CLI, this Python), as a user runs it.

Run: python bench/adopt.py [ACCOUNTS]  (default 1000). No thresholds: figures for people to read."""

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from orgboot.cli.main import main as orgboot  # noqa: E402
from orgboot.emulator.aws import emulated_aws  # noqa: E402
from tests.support.existing_organization import build_existing_organization  # noqa: E402

CDK = REPO / "node_modules" / ".bin" / "cdk"
EMPTY_APP = "import aws_cdk as cdk\napp = cdk.App()\ncdk.Stack(app, 'Empty')\napp.synth()\n"
QUIET = {"CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "true", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def floor(work: Path) -> float:
    """Seconds of `cdk synth` of an app of one empty stack, run by this Python."""
    (work / "app.py").write_text(EMPTY_APP)
    env = {**os.environ, **QUIET, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    command = [str(CDK), "synth", "--app", f"{sys.executable} app.py", "--output", "cdk.out", "--quiet", "--no-notices"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not (work / "cdk.out" / "Empty.template.json").exists():
        raise SystemExit(f"empty app synth failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def in_process(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, exit status and output of `orgboot ARGV`, run in this process with `env` set."""
    out, err = io.StringIO(), io.StringIO()
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = orgboot(argv)
        seconds = time.perf_counter() - start
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return seconds, status, (out.getvalue() + err.getvalue()).strip()


def main(accounts: int) -> None:
    rows: list[tuple[str, float | None, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "empty").mkdir()
        empty: float = floor(work / "empty")
        rows.append(("empty CDK app synth (floor)", empty, "cdk synth, as a user runs it"))
        # bench/scale.py's floor leaves the CDK CLI out: the app alone, a stricter one.
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", EMPTY_APP], cwd=work / "empty", env={**os.environ, **QUIET}, capture_output=True, check=True)
        rows.append(("empty CDK app, python alone", time.perf_counter() - start, "bench/scale.py's floor"))
        with emulated_aws():
            built = build_existing_organization(accounts=accounts)
            rows.append((f"build the org ({accounts:,} accounts)", built.seconds, f"{len(built.ous)} OUs, {len(built.policies)} policies"))
            adopted = work / "adopted"
            steps: list[tuple[str, list[str], dict[str, str]]] = [
                ("orgboot import --out DIR", ["import", "--out", str(adopted)], {}),
                # nothing changed since the import: drift should find nothing (exit 0)
                ("orgboot drift", ["drift", str(adopted / "org.yaml")], {}),
            ]
            for label, argv, env in steps:
                seconds, status, output = in_process(argv, env)
                note = "" if status == 0 else f"exit {status}: {output.splitlines()[-1] if output else 'no output'}"
                rows.append((label, seconds, note))
    print(f"{'':34}{'seconds':>9}{'x floor':>9}")
    for label, taken, note in rows:
        figures = f"{taken:9.2f}{taken / empty:9.2f}" if taken is not None else f"{'-':>9}{'-':>9}"
        print(f"{label:34}{figures}   {note}".rstrip())
    print(f"on {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(
        description="orgboot import and drift of an existing organization, against an empty CDK app's synth"
    )
    arguments.add_argument(
        "accounts", nargs="?", type=int, default=1000, help="member accounts of the existing organization (default 1000)"
    )
    main(arguments.parse_args().accounts)
