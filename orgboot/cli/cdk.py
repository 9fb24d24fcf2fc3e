"""The CDK underneath orgboot's commands: the CLI the repository pins (package.json, installed into
node_modules by `npm ci`), the app this orgboot installs (orgboot_cdk/app.py, what `orgboot app`
runs), and `cdk synth` into an assembly that appears only when complete."""

import argparse
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from orgboot.spec import LocatedProblem, SpecError
from orgboot.spec.adoption import ADOPT_CONTEXT

# No version checks, no telemetry, and no end-of-life banner for Node 20 from jsii.
QUIET = {
    "CDK_DISABLE_VERSION_CHECK": "1",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
}


class CdkUnavailable(Exception):
    """The CDK CLI is not installed where orgboot runs."""


def app_file() -> Path:
    """orgboot_cdk/app.py of this orgboot: installed, or the top of its source checkout."""
    spec = importlib.util.find_spec("orgboot_cdk")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (candidate := Path(folder) / "app.py").is_file():
            return candidate
    raise CdkUnavailable("this orgboot was installed without its CDK app (orgboot_cdk/app.py): reinstall it")


def app_command() -> str:
    """The --app that runs this orgboot's CDK app with this Python (quoted for the CDK CLI's shell)."""
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(app_file()))}"


def cli(root: Path | None = None) -> Path:
    """The CDK CLI that the repository at `root` (default: the working folder) pins, or orgboot's
    own when it runs from its source checkout."""
    folders = [root or Path.cwd(), app_file().parent]
    for folder in folders:
        if (candidate := folder / "node_modules" / ".bin" / "cdk").exists():
            return candidate
    raise CdkUnavailable(
        f"the AWS CDK CLI is not installed in {folders[0]}: run `npm ci` there (package.json pins aws-cdk; `orgboot init` writes one)"
    )


def stack_parameter(text: str) -> tuple[str, str]:
    """A stack parameter as `cdk deploy --parameters` takes it (STACK:NAME=VALUE), for argparse."""
    key, separator, value = text.partition("=")
    if not separator or ":" not in key:
        raise argparse.ArgumentTypeError(f"{text!r}: write STACK:NAME=VALUE")
    return key, value


def environment() -> dict[str, str]:
    """This environment, with this Python's scripts (`orgboot`, `python3`) first on PATH: the CDK
    CLI runs cdk.json's app through it."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", **QUIET}


def start_synth(
    spec: Path, out: Path, *, cwd: Path, app: str | None = None, cdk: Path | None = None, context: Mapping[str, str] | None = None
) -> "subprocess.Popen[str]":
    """Start `cdk synth` of `spec` into `out`, in `cwd` (whose cdk.json gives the app unless `app`
    is given), with more `context` when given. Its errors come on stderr."""
    command = [str(cdk or cli()), "synth", "--quiet", "--no-notices", "--context", f"spec={spec}", "--output", str(out)]
    for key, value in (context or {}).items():
        command += ["--context", f"{key}={value}"]
    if app is not None:
        command += ["--app", app]
    return subprocess.Popen(command, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def synthesize(spec: Path, out: Path, *, adopt: Path | None = None) -> None:
    """`cdk synth` of `spec` with this orgboot's app into `out`, replacing what was there only when
    the new assembly is complete: a refused or failed synth leaves no assembly behind (an old one
    would be deployed as if it were this spec). With `adopt` (a folder of resource mappings, read
    and checked already: orgboot/spec/adoption.py), the adopt assembly. Raises SpecError with the
    CDK's last words."""
    partial = discard(out)
    context = {ADOPT_CONTEXT: str(adopt.resolve())} if adopt is not None else None
    process = start_synth(spec.resolve(), partial.resolve(), cwd=Path.cwd(), app=app_command(), context=context)
    _, stderr = process.communicate()
    if process.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise SpecError([LocatedProblem(str(spec), 1, "", f"cdk synth failed:\n{last_lines(stderr)}")])
    partial.rename(out)


class NotAnAssembly(Exception):
    """The output folder holds something other than a cloud assembly: never removed."""


def discard(out: Path) -> Path:
    """Remove the assembly at `out` and any partial one beside it; returns where a partial one goes.
    A folder that is not an assembly (no manifest.json: `-o policies` by mistake) is left alone."""
    partial = out.with_name(out.name + ".partial")
    for folder in (out, partial):
        if folder.exists() and not (folder / "manifest.json").is_file() and any(folder.iterdir()):
            raise NotAnAssembly(
                f"{folder} is not a cloud assembly (no manifest.json): orgboot writes assemblies only where none or an old one is"
            )
        shutil.rmtree(folder, ignore_errors=True)
    return partial


def last_lines(text: str, count: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-count:])
