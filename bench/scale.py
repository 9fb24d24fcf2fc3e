"""orgboot against the floor at 10 to 5,000 accounts, in one run (ratios from one machine state):
an empty CDK app's synth is the floor; orgboot's synth (time, and peak memory of all its processes
together: Python and the jsii Node process), validation, the review (`orgboot review SPEC`), the
diff of a realistic pull request (`orgboot diff BASE HEAD`, bench/generate.py's generate_base) and
the emulated deploy of generated organizations (bench/generate.py) are measured as whole processes,
as a user runs them. A Markdown table of the figures ends the output.

Run: make bench (everything), or `python bench/scale.py 10 5000 --only validate,review,diff` for
some sizes and stages (the deploy needs the synth, which then runs too). No thresholds: figures
for people to read. Targets (issue 10): synth of 1,000 accounts within 1.5x the floor and of 5,000
within 2.5x, under 1 GiB; validation of 5,000 faster than the floor; review and diff of 5,000
faster than the floor."""

import argparse
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

from bench.generate import generate, generate_base  # noqa: E402

SIZES = (10, 100, 1000, 5000)
STAGES = ("validate", "review", "diff", "synth", "deploy")
DANGER = "guardrail-detached:region-deny@Sandbox"  # what generate_base's change must make orgboot diff report
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "PYTHONPATH": str(REPO)}
EMPTY_APP = "import aws_cdk as cdk; cdk.App().synth()"
DEPLOY = """
import sys
from orgboot.emulator import Engine, deploy_assembly, emulated_aws, management
from orgboot.rules import load_spec
from orgboot.state.organization import read_organization
spec = load_spec(sys.argv[2])
with emulated_aws():
    # A quota raised for the organization's size, as its owner would have asked (Service Quotas L-E619E033).
    engine = Engine(account_quota=len(spec.accounts) + 1)
    deploy_assembly(engine, sys.argv[1], {"MemberRolesStack:ExternalAuditExternalId": "bench"})
    organization = read_organization(management().client("organizations"), tags_wanted=False)
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


def run(command: list[str], env: dict[str, str] | None = None, status: int = 0) -> tuple[float, int, str]:
    """Seconds, and the peak of the summed resident memory of the process and its children; any
    exit status but `status` fails the bench."""
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
    if process.returncode != status:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}, not {status}:\n{err[-2000:]}")
    return seconds, peak, out


def synth_env(outdir: Path, spec: Path | None) -> dict[str, str]:
    """What the CDK CLI gives the app (CDK_OUTDIR, CDK_CONTEXT_JSON: cdk.json's context)."""
    context = json.loads((REPO / "cdk.json").read_text())["context"]
    if spec is not None:
        context["spec"] = str(spec)
    return {**ENV, "CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(context)}


def report(path: Path, must_contain: str = "<!-- orgboot-review -->") -> None:
    """The Markdown a review or diff wrote, checked to be there."""
    if must_contain not in (path.read_text(encoding="utf-8") if path.exists() else ""):
        raise SystemExit(f"{path}: no report with {must_contain!r} in it")


def main(sizes: tuple[int, ...], stages: set[str]) -> None:
    python = sys.executable
    table: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        floor, floor_memory, _ = run([python, "-c", EMPTY_APP], synth_env(work / "empty.out", None))
        print(f"{'':24}{'seconds':>9}{'x floor':>9}{'peak MiB':>10}")
        print(f"{'empty CDK app synth':24}{floor:9.2f}{1:9.2f}{floor_memory / 2**20:10.0f}")

        def timed(row: dict[str, str], stage: str, accounts: int, command: list[str], status: int = 0) -> str:
            """`orgboot COMMAND` timed, its line printed, its cell in `row`; its standard output."""
            seconds, _, out = run([python, "-m", "orgboot", *command], status=status)
            print(f"{f'{stage} {accounts:>5}':24}{seconds:9.2f}{seconds / floor:9.2f}")
            row[stage] = f"{seconds:.2f} s ({seconds / floor:.2f}x)"
            return out

        for accounts in sizes:
            row = {"accounts": f"{accounts:,}"}
            table.append(row)
            spec = generate(accounts, work / f"org-{accounts}")
            if "validate" in stages:
                timed(row, "validate", accounts, ["validate", str(spec)])
            if "review" in stages:
                reviewed = work / f"review-{accounts}.md"
                timed(row, "review", accounts, ["review", str(spec), "-o", str(reviewed)])
                report(reviewed)
            if "diff" in stages:
                base, diffed = generate_base(accounts, work / f"base-{accounts}"), work / f"diff-{accounts}.md"
                # exit status 1: the change detaches a guardrail, and nobody acknowledged it
                out = timed(row, "diff", accounts, ["diff", str(base), str(spec), "-o", str(diffed)], status=1)
                if "wrote" not in out:
                    raise SystemExit(f"orgboot diff wrote no report: {out!r}")
                report(diffed, DANGER)
            if "synth" not in stages:
                continue
            outdir = work / f"out-{accounts}"
            synthesized, memory, _ = run([python, "app.py"], synth_env(outdir, spec))
            print(f"{f'synth {accounts:>5}':24}{synthesized:9.2f}{synthesized / floor:9.2f}{memory / 2**20:10.0f}")
            row["synth"] = f"{synthesized:.1f} s ({synthesized / floor:.1f}x)"
            row["memory"] = f"{memory / 2**20:.0f} MiB"
            lint = subprocess.run(
                [str(Path(python).with_name("cfn-lint")), "--format", "parseable", *map(str, outdir.glob("*.template.json"))],
                capture_output=True,
                text=True,
            )
            errors = [line for line in lint.stdout.splitlines() if ":E" in line or ":W" in line and ":W3005:" not in line]
            print(f"{'':24}cfn-lint: {len(errors)} findings (W3005 aside){': ' + errors[0] if errors else ''}")
            if "deploy" not in stages:
                continue
            deployed, _, counts = run([python, "-c", DEPLOY, str(outdir), str(spec)])
            instances, missing = counts.split()
            complete = "all there" if missing == "0" else f"{missing} MISSING"
            print(
                f"{f'emulated deploy {accounts:>5}':24}{deployed:9.2f}{deployed / floor:9.2f}   {instances} StackSet instances, {complete}"
            )
            row["deploy"] = f"{deployed:.1f} s"
    print(f"on {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, Python {sys.version.split()[0]}")
    print(f"\nempty CDK app synth: {floor:.1f} s, {floor_memory / 2**20:.0f} MiB\n")
    columns = {"accounts": "accounts", "validate": "validate", "review": "review", "diff": "diff", "synth": "synth"}
    columns |= {"memory": "synth peak memory", "deploy": "emulated deploy"}
    shown = [key for key in columns if any(key in row for row in table)]
    print("| " + " | ".join(columns[key] for key in shown) + " |")
    print("|" + "---:|" * len(shown))
    for row in table:
        print("| " + " | ".join(row.get(key, "") for key in shown) + " |")


def arguments(argv: list[str]) -> tuple[tuple[int, ...], set[str]]:
    parser = argparse.ArgumentParser(description="orgboot against an empty CDK app's synth, whole processes")
    parser.add_argument("sizes", nargs="*", type=int, default=SIZES, metavar="ACCOUNTS", help=f"default: {SIZES}")
    parser.add_argument("--only", metavar="STAGES", default=",".join(STAGES), help=f"comma-separated, of {','.join(STAGES)} (default: all)")
    args = parser.parse_args(argv)
    stages = set(args.only.split(","))
    if stages - set(STAGES):
        parser.error(f"unknown stage {', '.join(sorted(stages - set(STAGES)))}: the stages are {','.join(STAGES)}")
    if "deploy" in stages:
        stages.add("synth")  # the deploy needs the synthesized assembly
    return tuple(args.sizes), stages


if __name__ == "__main__":
    main(*arguments(sys.argv[1:]))
