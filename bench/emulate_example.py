"""Times the main job's stages on the example organization, and the emulator's on-demand loading
of AWS managed policies against moto's load-everything mode, in one run (ratios from one machine
state). Run: make bench. Prints seconds; no thresholds (shared machines are noisy)."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from orgboot.emulator import Engine, deploy_assembly, emulated_aws  # noqa: E402
from orgboot.rules import load_spec  # noqa: E402

PARAMETERS = {"MemberRolesStack:ExternalAuditExternalId": "bench"}
ROUNDS = 3


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def deploy(assembly: Path, load_all_managed_policies: bool) -> float:
    with emulated_aws():
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = str(load_all_managed_policies).lower()
        return timed(lambda: deploy_assembly(Engine(), assembly, PARAMETERS))


def main() -> None:
    import aws_cdk as cdk

    import stacks

    spec = load_spec(REPO / "org.yaml")
    print(f"validate org.yaml           {min(timed(lambda: load_spec(REPO / 'org.yaml')) for _ in range(ROUNDS)):.3f} s")
    with tempfile.TemporaryDirectory() as outdir:

        def synth() -> None:
            app = cdk.App(outdir=outdir, analytics_reporting=False, context=stacks.cli_context(REPO / "cdk.json"))
            stacks.build(app, spec)
            app.synth()

        print(f"synthesize (in-process)     {timed(synth):.2f} s")
        on_demand = [deploy(Path(outdir), False) for _ in range(ROUNDS)]
        load_all = [deploy(Path(outdir), True) for _ in range(ROUNDS)]
    print(f"emulated deploy, on demand  {statistics.median(on_demand):.2f} s (median of {ROUNDS})")
    print(f"emulated deploy, moto loads all managed policies  {statistics.median(load_all):.2f} s")
    print(f"ratio                       {statistics.median(load_all) / statistics.median(on_demand):.1f}x")


if __name__ == "__main__":
    main()
