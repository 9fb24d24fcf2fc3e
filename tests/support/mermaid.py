"""Mermaid's own verdict on diagram text, for tests: runs tools/mermaid_check.mjs (the pinned `mermaid`
package under Node, installed by `npm ci`) once for all the diagrams given."""

import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHECKER = REPO / "tools" / "mermaid_check.mjs"
# Node resolves `mermaid` and `jsdom` from the checker's folder upwards: the repository's node_modules.
NODE_MODULES = REPO / "node_modules"
TIMEOUT_SECONDS = 300


class MermaidCheckUnavailable(RuntimeError):
    """The checker could not judge (no Node, no node_modules, unreadable output): never a verdict."""


def mermaid_errors(*diagrams: str) -> list[str]:
    """Mermaid's errors for `diagrams`, one entry per invalid diagram, in order; empty when all are valid.

    Each entry reads `diagram-N.mmd: <Mermaid's message>`, N counting the diagrams from 1; a message of
    several lines keeps its line breaks."""
    if not diagrams:
        return []
    node = shutil.which("node")
    if node is None:
        raise MermaidCheckUnavailable("node is not on PATH: the Mermaid checker needs Node 20+")
    for package in ("mermaid", "jsdom"):
        if not (NODE_MODULES / package / "package.json").is_file():
            raise MermaidCheckUnavailable(f"{NODE_MODULES / package} is missing: run `npm ci` (or `make setup`) in {REPO}")
    names = [f"diagram-{number}.mmd" for number in range(1, len(diagrams) + 1)]
    with tempfile.TemporaryDirectory(prefix="mermaid-check-") as folder:
        for name, diagram in zip(names, diagrams, strict=True):
            (Path(folder) / name).write_text(diagram, encoding="utf-8")
        run = subprocess.run(
            [node, str(CHECKER), *names],
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    if run.returncode == 0 and not run.stderr:
        return []
    if run.returncode != 1:
        raise MermaidCheckUnavailable(f"mermaid_check.mjs exited {run.returncode}: {run.stderr or run.stdout}")
    return _entries(run.stderr, names)


def _entries(stderr: str, names: list[str]) -> list[str]:
    """The checker's stderr split into one entry per file: `NAME: first line`, then lines indented by two spaces."""
    entries: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("  ") and entries:
            entries[-1] += "\n" + line[2:]
        elif line.partition(": ")[0] in names:
            entries.append(line)
        else:
            raise MermaidCheckUnavailable(f"unexpected line from mermaid_check.mjs: {line!r}\n{stderr}")
    reported = [entry.partition(": ")[0] for entry in entries]
    if not entries or len(set(reported)) != len(reported):
        raise MermaidCheckUnavailable(f"mermaid_check.mjs exited 1 without one error per invalid file:\n{stderr}")
    return entries
