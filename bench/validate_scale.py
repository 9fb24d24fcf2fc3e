"""Validation (schema, rules, policy lint and lockout checks) of generated organizations against
the floor: an empty CDK app's synth, as whole processes, in one run (ratios from one machine
state). Run: make bench. No thresholds here: the figures are for people to read and compare."""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate  # noqa: E402

ROUNDS = 3
EMPTY_APP = "import aws_cdk as cdk; cdk.App(outdir=__import__('tempfile').mkdtemp()).synth()"
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def seconds(command: list[str]) -> float:
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=ENV)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    python = sys.executable
    floor = seconds([python, "-c", EMPTY_APP])
    print(f"empty CDK app synth            {floor:6.2f} s (median of {ROUNDS}, the floor)")
    with tempfile.TemporaryDirectory() as scratch:
        for accounts in (10, 100, 1000, 5000):
            spec = generate(accounts, Path(scratch) / f"org-{accounts}")
            took = seconds([python, "-m", "orgboot", "validate", str(spec)])
            print(f"validate {accounts:>5} accounts         {took:6.2f} s  {took / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()
