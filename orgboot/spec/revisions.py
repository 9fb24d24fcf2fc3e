"""The spec as it was: a file, or the same spec path at a git revision of its repository (the base
a change is checked against, e.g. `main` in a pull request)."""

import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from orgboot.spec.problems import LocatedProblem, SpecError


def base_spec_path(base: str, spec: str | Path, workdir: Path | None = None) -> Path:
    """`base` itself when it is a file; else the spec's path inside `base` as a git revision of
    the spec's repository, extracted (with its policy files) under `workdir` (a new temporary
    directory by default, left for the caller's process to clean)."""
    if Path(base).is_file():
        return Path(base)
    spec = Path(spec).resolve()

    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(spec.parent), *args], capture_output=True, check=True).stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").decode().strip())
        archive = git("archive", "--format=tar", base)
    except (OSError, subprocess.CalledProcessError):
        raise SpecError(
            [LocatedProblem(str(spec), 1, "", f"--base {base}: no such file, and not a git revision of the repository holding {spec.name}")]
        ) from None
    target = workdir or Path(tempfile.mkdtemp(prefix="orgboot-base-"))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / spec.relative_to(top)
