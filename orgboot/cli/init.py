"""orgboot init: a new git repository for one organization, run by this orgboot as installed (no
orgboot checkout): the starter files (orgboot/starter), and the files that pin this orgboot and the
CDK CLI it was built with (requirements.txt, package.json, package-lock.json, cdk.json)."""

import argparse
import json
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape

from orgboot import __version__
from orgboot.cli.status import USAGE

HELP = "start a repository for one organization: org.yaml, a policy, CI, and this orgboot pinned"

STARTER = "orgboot.starter"
CDK_CLI = "cdk-cli.json"  # aws-cdk's entry in orgboot's own package-lock.json, which installs do not carry
# Package files of orgboot.starter that are not part of the repository it writes.
NOT_COPIED = {"__init__.py", "__pycache__", CDK_CLI}


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "init",
        help=HELP,
        description=HELP[0].upper() + HELP[1:] + ". Never overwrites a file; commits nothing.",
        parents=[common],
    )
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="where the repository goes (created if missing)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    target = Path(args.dir)
    pin = orgboot_pin()
    files = {**starter_files(), **generated_files(target, pin)}
    if target.exists() and not target.is_dir():
        err.print(f"orgboot init: {escape(str(target))} is a file, not a folder")
        return USAGE
    # A user's file is never replaced, not even by the same content: refuse before writing anything.
    if taken := conflicts(target, files):
        err.print(
            f"orgboot init: {escape(str(target))} already has {escape(', '.join(taken))}; orgboot init never overwrites a file."
            " Choose an empty folder, or move those files away."
        )
        return USAGE
    try:
        for name, content in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as file:  # exclusive: a file that appeared since the check is not overwritten either
                file.write(content)
    except OSError as error:
        err.print(f"orgboot init: cannot write into {escape(str(target))}: {escape(error.strerror or str(error))}")
        return USAGE
    report(target, files, pin, git_init(target), out)
    return 0


def conflicts(target: Path, names: Iterable[str]) -> list[str]:
    """What is in the way: a file already there, or a file where a folder has to go (policies)."""
    taken: dict[str, None] = {}
    for name in names:
        path = PurePosixPath(name)
        for folder in reversed(path.parents[:-1]):
            if (target / folder).exists() and not (target / folder).is_dir():
                taken[str(folder)] = None
        if (target / name).exists() or (target / name).is_symlink():
            taken[name] = None
    return list(taken)


def starter_files() -> dict[str, bytes]:
    """The starter's files by their path in the new repository (POSIX separators)."""
    return dict(sorted(walk(resources.files(STARTER), PurePosixPath())))


def walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[str, bytes]]:
    for entry in folder.iterdir():
        if entry.name in NOT_COPIED or entry.name.endswith(".pyc"):
            continue
        if entry.is_dir():
            yield from walk(entry, prefix / entry.name)
        else:
            yield str(prefix / entry.name), entry.read_bytes()


@dataclass(frozen=True)
class Pin:
    """The requirement that installs this very orgboot elsewhere; `origin` says where it came from
    when the line does not name a place every machine reaches (then `portable` is False)."""

    requirement: str
    origin: str | None = None
    portable: bool = True

    @property
    def line(self) -> str:
        """What requirements.txt holds: the requirement, or where it is not portable the placeholder."""
        return self.requirement if self.portable else UNREACHABLE.format(version=__version__)


# What requirements.txt says where this orgboot came from no other machine can reach: a line pip
# refuses until someone writes the URL, rather than a bare name any package index could answer with
# another project's package (dependency confusion).
UNREACHABLE = "orgboot @ <the URL of your team's orgboot {version}: its wheel, or its git repository at that version>"


def requirements(pin: Pin) -> str:
    header = "# orgboot, pinned: the version that checks and synthesizes this organization (upgrading: README.md).\n"
    origin = "".join(f"# {line}\n" for line in textwrap.wrap(pin.origin or "", width=98))
    return header + origin + pin.line + "\n"


POINT_IT = "Point this line at where your team keeps orgboot's wheel or repository: a URL, never a path on one machine."


def orgboot_pin() -> Pin:
    """From how this orgboot was installed: PEP 610's direct_url.json, absent for an index install."""
    pinned = f"orgboot=={__version__}"
    try:
        direct_url = metadata.distribution("orgboot").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return Pin(pinned, f"This orgboot ran from source, not installed. {POINT_IT}", portable=False)
    if direct_url is None:
        return Pin(pinned, f"This orgboot came from a package index. If your team keeps orgboot elsewhere: {POINT_IT}")
    origin = json.loads(direct_url)
    url: str = origin.get("url", "")
    subdirectory = f"#subdirectory={origin['subdirectory']}" if origin.get("subdirectory") else ""
    # A file:// URL names a path on this machine only: the team's copy is elsewhere.
    remote = urlsplit(url).scheme not in ("", "file")
    if (vcs := origin.get("vcs_info")) and remote:
        return Pin(f"orgboot @ {vcs['vcs']}+{url}@{vcs['commit_id']}{subdirectory}")
    if vcs:
        where = f"a {vcs['vcs']} repository (commit {vcs['commit_id']})"
        return Pin(pinned, f"This orgboot came from {where} on the machine that ran orgboot init. {POINT_IT}", portable=False)
    if "archive_info" in origin and remote:
        return Pin(f"orgboot @ {url}{subdirectory}")
    if "dir_info" in origin:
        kind = "an editable checkout" if origin["dir_info"].get("editable") else "a folder"
        return Pin(pinned, f"This orgboot came from {kind} on the machine that ran orgboot init. {POINT_IT}", portable=False)
    name = PurePosixPath(urlsplit(url).path).name
    return Pin(pinned, f"This orgboot came from a file ({name}) on the machine that ran orgboot init. {POINT_IT}", portable=False)


def generated_files(target: Path, pin: Pin) -> dict[str, bytes]:
    cdk_cli: dict[str, Any] = json.loads(resources.files(STARTER).joinpath(CDK_CLI).read_text(encoding="utf-8"))
    package, lock = npm_files(cdk_cli, name=target.resolve().name)
    files = {
        "requirements.txt": requirements(pin),
        "package.json": dumps(package),
        "package-lock.json": dumps(lock),
        # The CDK app is this orgboot as installed by requirements.txt: no app code in the repository.
        "cdk.json": dumps({"app": "orgboot app", "context": {"spec": "org.yaml"}}),
    }
    return {name: text.encode() for name, text in files.items()}


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2) + "\n"


def npm_files(cdk_cli: dict[str, Any], *, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """package.json and a package-lock.json that `npm ci` installs as they are: the one CDK CLI
    this orgboot was built and tested with. The lock is what npm writes for that package.json (its
    name is the folder's, as npm's is)."""
    version = cdk_cli["version"]
    package = {
        "private": True,
        "description": f"The AWS CDK CLI that orgboot runs (orgboot {__version__} was tested with aws-cdk {version}); npm ci installs it.",
        "devDependencies": {"aws-cdk": version},
    }
    lock = {
        "name": name,
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"devDependencies": {"aws-cdk": version}}, "node_modules/aws-cdk": cdk_cli},
    }
    return package, lock


def git_init(target: Path) -> tuple[str, bool]:
    """`git init` unless `target` is already in a git work tree: what happened, and whether it went
    as it should. The review reads the spec's history from git, so a missing git is said, not skipped."""
    git = shutil.which("git")
    if git is None:
        return "Note: git is not installed, so this is no git repository yet: run `git init` there once it is.", False
    inside = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=target, capture_output=True, text=True)
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        top = subprocess.run([git, "rev-parse", "--show-toplevel"], cwd=target, capture_output=True, text=True).stdout.strip()
        if Path(top).resolve() != target.resolve():
            # GitHub runs only the workflows at the top of a repository, and the workflow names org.yaml from there.
            return (
                f"Note: {target} is inside the git repository at {top}: GitHub runs only workflows at a repository's top, so"
                " move .github/workflows/orgboot.yml there and write org.yaml's path from there into it. Nothing committed.",
                False,
            )
        return "Already a git repository: nothing initialized, nothing committed.", True
    created = subprocess.run([git, "init", "--quiet"], cwd=target, capture_output=True, text=True)
    if created.returncode != 0:
        return f"Note: git init failed ({created.stderr.strip()}): run it there yourself.", False
    return "Initialized a git repository; nothing is committed.", True


def report(target: Path, files: dict[str, bytes], pin: Pin, git: tuple[str, bool], out: Console) -> None:
    pinned_cdk = json.loads(files["package.json"])["devDependencies"]["aws-cdk"]
    notes = {
        ".github/workflows/orgboot.yml": "CI: validate and synth every push, review every pull request",
        ".gitignore": "what stays out of git: .venv, node_modules, cdk.out, .orgboot",
        "README.md": "set up, deploy, upgrade",
        "org.yaml": "the organization: OUs, accounts, guardrails, a policy",
        "requirements.txt": pin.line,  # what the file holds: a placeholder where this orgboot came from no URL
        "package.json": f"aws-cdk {pinned_cdk}, the CDK CLI",
        "package-lock.json": "its lock, for npm ci",
        "cdk.json": "the CDK app: orgboot app",
    }
    out.print(f"Wrote a repository for one AWS Organization into [bold]{escape(str(target))}[/]:")
    width = max(map(len, files))
    for name in files:
        text = notes.get(name) or ("a policy written by hand, attached in org.yaml" if name.startswith("policies/") else None)
        note = f"  [dim]{escape(text)}[/]" if text else ""
        out.print(f"  {escape(name.ljust(width) if note else name)}{note}")
    if not pin.portable:
        out.print(
            "[yellow]requirements.txt needs the URL of your team's orgboot before `pip install -r` works: see its comment.[/]",
            soft_wrap=True,
        )
    note, went_well = git
    out.print(escape(note), style="dim" if went_well else "yellow")
    setup = "python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && npm ci"
    enter = "" if target.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(target))} && "
    out.print("\nNext:")
    out.print("  1. In org.yaml, replace every example.com email with a mailbox you own, one per account")
    # Commands are copied and pasted: the terminal may wrap them, rich must not break them.
    out.print(f"  2. {escape(enter + setup)}", soft_wrap=True)
    out.print("  3. orgboot validate")
    out.print("  4. orgboot synth")
    out.print("README.md has the rest: deploying, reviewing changes, upgrading orgboot.", style="dim")
