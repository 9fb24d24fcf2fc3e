"""orgboot against the floor at 10 to 5,000 accounts, in one run (ratios from one machine state):
an empty CDK app's synth is the floor; orgboot's synth (time, and peak memory of all its processes
together: Python and the jsii Node process), validation and the emulated deploy of generated
organizations (bench/generate.py) are measured as whole processes, as a user runs them.

Run: make bench (or `python bench/scale.py 10 100` for some sizes). No thresholds: figures for
people to read. Targets (issue 10): synth of 1,000 accounts within 1.5x the floor and of 5,000
within 2.5x, under 1 GiB; validation of 5,000 faster than the floor."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.generate import generate  # noqa: E402

SIZES = (10, 100, 1000, 5000)
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "PYTHONPATH": str(REPO)}
EMPTY_APP = "import aws_cdk as cdk; cdk.App().synth()"
DEPLOY = """
import sys
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.rules import load_spec
from orgboot.state.organization import read_organization
with emulated_aws():
    engine = Engine()
    deploy_assembly(engine, sys.argv[1], {"MemberRolesStack:ExternalAuditExternalId": "bench"})
    organization = read_organization(management().client("organizations"), tags_wanted=False)
spec = load_spec(sys.argv[2])
accounts = {node.path: [] for node in organization.root.walk() if node.kind != "account"}
for node in organization.root.walk():
    # StackSets never deploy to the management account
    members = (c.id for c in node.children if c.kind == "account" and c.id != organization.management_account_id)
    accounts.setdefault(node.path, []).extend(members)
missing = 0
for name, role in spec.member_roles.catalogue.items():
    wanted = {a for path, ids in accounts.items() for a in ids if any(path == t or path.startswith(t + "/") for t in role.targets)}
    missing += len(wanted - {a for a, _ in engine.instances.get("orgboot-role-" + name, set())})
print(sum(len(i) for i in engine.instances.values()), missing)
"""


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Seconds, and the peak of the summed resident memory of the process and its children."""
    start = time.perf_counter()
    process = psutil.Popen(command, env=env or ENV, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-2000:]}")
    return seconds, peak, out


def synth_env(outdir: Path, spec: Path | None) -> dict[str, str]:
    """What the CDK CLI gives the app (CDK_OUTDIR, CDK_CONTEXT_JSON: cdk.json's context)."""
    context = json.loads((REPO / "cdk.json").read_text())["context"]
    if spec is not None:
        context["spec"] = str(spec)
    return {**ENV, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)}


def main(sizes: tuple[int, ...]) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        floor, floor_memory, _ = run([python, "-c", EMPTY_APP], synth_env(work / "empty.out", None))
        print(f"{'':24}{'seconds':>9}{'x floor':>9}{'peak MiB':>10}")
        print(f"{'empty CDK app synth':24}{floor:9.2f}{1:9.2f}{floor_memory / 2**20:10.0f}")
        for accounts in sizes:
            spec = generate(accounts, work / f"org-{accounts}")
            validated, _, _ = run([python, "-m", "orgboot", "validate", str(spec)])
            print(f"{f'validate {accounts:>5}':24}{validated:9.2f}{validated / floor:9.2f}")
            outdir = work / f"out-{accounts}"
            synthesized, memory, _ = run([python, "app.py"], synth_env(outdir, spec))
            print(f"{f'synth {accounts:>5}':24}{synthesized:9.2f}{synthesized / floor:9.2f}{memory / 2**20:10.0f}")
            lint = subprocess.run(
                [str(Path(python).with_name("cfn-lint")), "--format", "parseable", *map(str, outdir.glob("*.template.json"))],
                capture_output=True,
                text=True,
            )
            errors = [line for line in lint.stdout.splitlines() if ":E" in line or ":W" in line and ":W3005:" not in line]
            print(f"{'':24}cfn-lint: {len(errors)} findings (W3005 aside){': ' + errors[0] if errors else ''}")
            deployed, _, counts = run([python, "-c", DEPLOY, str(outdir), str(spec)])
            instances, missing = counts.split()
            complete = "all there" if missing == "0" else f"{missing} MISSING"
            print(
                f"{f'emulated deploy {accounts:>5}':24}{deployed:9.2f}{deployed / floor:9.2f}   {instances} StackSet instances, {complete}"
            )
    print(f"on {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
