"""The spec as it was: a file, or the same spec path at a git revision of its repository (the base
a change is checked against, e.g. `main` in a pull request)."""

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

from orgboot.spec.problems import LocatedProblem, SpecError


class NoSpecAtRevision(SpecError):
    """The revision exists, and the spec does not at it: a new spec has no base."""


def base_spec_path(base: str, spec: str | Path, workdir: Path, what: str = "--base {}") -> Path:
    """`base` itself when it is a file; else the spec's path inside `base` as a git revision of the
    spec's repository, extracted with the rest of the spec's folder (its policy files) under
    `workdir`, which the caller removes. Problems name it as `what` says."""
    if Path(base).is_file():
        return Path(base)
    return _extract(base, spec, workdir, what.format(base), whole_repository=False)


def repository_at(revision: str, spec: str | Path, workdir: Path) -> Path:
    """The spec's path in the whole repository as it was at `revision` (its code too, to
    synthesize the spec as that revision did), extracted under `workdir`."""
    return _extract(revision, spec, workdir, revision, whole_repository=True)


def _extract(base: str, spec: str | Path, workdir: Path, what: str, *, whole_repository: bool) -> Path:
    spec = Path(spec).resolve()

    def refuse(message: str, kind: type[SpecError] = SpecError) -> SpecError:
        return kind([LocatedProblem(str(spec), 1, "", f"{what}: {message}")])

    def git(*args: str) -> bytes:
        return subprocess.run(["git", "-C", str(spec.parent), *args], capture_output=True, check=True).stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").decode().strip())
        git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except (OSError, subprocess.CalledProcessError):
        raise refuse(f"no such file, and not a git revision of the repository holding {spec.name}") from None
    folder = "." if whole_repository else str(spec.parent.relative_to(top))
    try:
        archive = git("archive", "--format=tar", base, "--", folder)
    except subprocess.CalledProcessError:
        raise refuse(f"there is no {spec.relative_to(top)} at that revision (a new spec has no base)", NoSpecAtRevision) from None
    try:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(workdir, filter="data")
    except (tarfile.TarError, OSError) as error:  # e.g. a symlink out of the repository
        raise refuse(f"cannot extract the spec's folder at that revision ({error})") from None
    path = workdir / spec.relative_to(top)
    if not path.is_file():
        raise refuse(f"there is no {spec.relative_to(top)} at that revision (a new spec has no base)", NoSpecAtRevision)
    return path
