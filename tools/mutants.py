"""Mutation testing: how many deliberate bugs in chosen modules does the test suite let through?

    .venv/bin/python tools/mutants.py orgboot/rules/accounts.py=tests/spec,tests/rules constructs/member_accounts.py=tests/templates
    .venv/bin/python tools/mutants.py --sample 10 --jobs 4 --json mutants.json orgboot/spec/logical_ids.py=tests/templates
    .venv/bin/python tools/mutants.py --list orgboot/rules/accounts.py=tests/spec

Each target is FILE=TESTS (TESTS may be several pytest paths separated by commas). Every mutant is
one small change to FILE's syntax tree (a flipped comparison, a dropped keyword argument, ...),
written back with ast.unparse; the un-mutated file is unparsed too and must pass TESTS first (the
baseline), so formatting never decides a result. Every job runs pytest in its own copy of the
repository (git's tracked and unignored files, with .venv and node_modules symlinked). Exit code 1
kills a mutant, 0 lets it survive, a timeout counts as killed, 2-5 (collection or usage errors) are
reported as errors. The run exits 0 whatever the score; 2 only when a baseline fails.

Why not mutmut (3.8.1, evaluated first): it works on pure-Python modules (orgboot/rules.py with
tests/spec: 188 mutants in 29 s), but it forks its workers from a process that has already started
the jsii node kernel, so parallel workers read each other's replies ("AttributeError: 'dict' object
has no attribute 'ref'", "TypeError: argument of type 'ObjRef' is not iterable"): on
constructs/member_accounts.py with tests/templates, --max-children 2 reported 31 killed and 1 timeout
of 32 mutants, against 19 killed and 13 survived serially. It also wants a [tool.mutmut] table in
pyproject.toml listing every top-level folder to copy (also_copy), and must be installed into the
project venv since it runs pytest in-process. Here every mutant gets a fresh pytest process.
"""

import argparse
import ast
import hashlib
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKED = (".venv", "node_modules")  # too big to copy, never mutated
SWAPS = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
GENERICS = {"dict", "list", "tuple", "set", "frozenset", "type"}
SYMBOLS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}


@dataclass
class Mutant:
    file: str
    tests: str
    line: int
    description: str
    source: str = field(repr=False)
    status: str = "pending"  # killed, survived, timeout, error
    seconds: float = 0.0


# --- Mutation operators -------------------------------------------------------------------------


@dataclass
class Site:
    """One mutation: set parent.field (or parent.field[index]) to `new`."""

    line: int
    description: str
    parent: ast.AST
    field: str
    index: int | None
    new: object


def _children(node: ast.AST):
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "format_spec"):  # type annotations, f-string specs
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield name, i, item
        elif isinstance(value, ast.AST):
            yield name, None, value


def _short(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


def _sites_at(parent: ast.AST, name: str, index: int | None, node: ast.AST, in_raise: bool) -> list[Site]:
    line = getattr(node, "lineno", getattr(parent, "lineno", 0))
    here = []
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in SWAPS:
                swapped = SWAPS[type(op)]
                here.append(Site(line, f"{SYMBOLS[type(op)]} -> {SYMBOLS[swapped]}", node, "ops", i, swapped()))
    elif isinstance(node, ast.BoolOp):
        flipped = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        here.append(Site(line, "and -> or" if isinstance(node.op, ast.And) else "or -> and", node, "op", None, flipped))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        here.append(Site(line, "removed not", parent, name, index, node.operand))
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            here.append(Site(line, f"{value} -> {not value}", parent, name, index, ast.Constant(not value)))
        elif isinstance(value, int):
            here.append(Site(line, f"{value} -> {value + 1}", parent, name, index, ast.Constant(value + 1)))
        elif isinstance(value, str) and not in_raise and not isinstance(parent, ast.JoinedStr):
            here.append(Site(line, f"{_short(value)} -> {_short('XX' + value)}", parent, name, index, ast.Constant("XX" + value)))
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            here.append(Site(line, "return X -> return None", node, "value", None, ast.Constant(None)))
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) >= 2:
        if isinstance(node, ast.Set) or isinstance(node.ctx, ast.Load):  # not assignment targets
            kind = type(node).__name__.lower()
            for i, element in enumerate(node.elts):
                rest = node.elts[:i] + node.elts[i + 1 :]
                here.append(Site(element.lineno, f"removed element {i + 1} of {kind}", node, "elts", None, rest))
    elif isinstance(node, ast.If):
        test = node.test
        main = isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
        if not main and not (isinstance(test, ast.Constant) and test.value is False):
            here.append(Site(line, "if condition -> False", node, "test", None, ast.Constant(False)))
    elif isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            remaining = node.keywords[:i] + node.keywords[i + 1 :]
            label = f"{keyword.arg}=" if keyword.arg else "**"
            here.append(Site(keyword.lineno, f"dropped keyword argument {label}", node, "keywords", None, remaining))
    return here


def _is_type_expression(node: ast.AST) -> bool:
    """Generic types outside annotations, as in `Rule = Callable[[OrgSpec], Iterable[Problem]]`."""
    if not isinstance(node, ast.Subscript) or not isinstance(node.value, (ast.Name, ast.Attribute)):
        return False
    name = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
    return name in GENERICS or (name[:1].isupper() and not name.isupper())


def find_sites(tree: ast.Module) -> list[Site]:
    found: list[Site] = []

    def visit(node: ast.AST, in_raise: bool) -> None:
        for name, index, child in _children(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) or _is_type_expression(child):
                continue
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant) and isinstance(child.value.value, str):
                continue  # docstrings and other bare strings
            inside = in_raise or isinstance(child, ast.Raise)
            found.extend(_sites_at(node, name, index, child, inside))
            visit(child, inside)

    visit(tree, False)
    return found


def apply(tree: ast.Module, site: Site) -> str:
    """The source of `tree` with `site` applied; the tree itself is left as it was."""
    holder = getattr(site.parent, site.field)
    old = holder if site.index is None else holder[site.index]
    if site.index is None:
        setattr(site.parent, site.field, site.new)
    else:
        holder[site.index] = site.new
    try:
        return ast.unparse(tree)
    finally:
        if site.index is None:
            setattr(site.parent, site.field, old)
        else:
            holder[site.index] = old


def mutants_for(file: str, tests: str, sample: int | None) -> tuple[str, list[Mutant]]:
    """The baseline (the unparsed file) and its mutants, in source order, capped to `sample`."""
    tree = ast.parse((ROOT / file).read_text(), filename=file)
    baseline = ast.unparse(tree)
    seen = {baseline}
    mutants = []
    for site in find_sites(tree):
        source = apply(tree, site)
        if source not in seen:  # skip mutations that unparse to no change, or to an earlier mutant
            seen.add(source)
            mutants.append(Mutant(file, tests, site.line, site.description, source))
    if sample is not None and len(mutants) > sample:
        # One mutant from each of `sample` equal slices, chosen by a seed derived from the code.
        rng = random.Random(hashlib.sha256(baseline.encode()).hexdigest())
        n = len(mutants)
        mutants = [mutants[rng.randrange(k * n // sample, (k + 1) * n // sample)] for k in range(sample)]
    return baseline, mutants


# --- Running ------------------------------------------------------------------------------------


def make_workspace(dest: Path) -> Path:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, listing.split("\0")):
        source = ROOT / rel
        if rel.split("/")[0] in LINKED or not (source.exists() or source.is_symlink()):
            continue  # deleted in the work tree but still in the index
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / rel, follow_symlinks=False)
    for name in LINKED:
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name)
    (dest / ".tmp").mkdir()
    return dest


def run_tests(workspace: Path, file: str, source: str, tests: str, timeout: float) -> tuple[str, float, str]:
    """Run `tests` with `file` replaced by `source`; (status, seconds, pytest output)."""
    python = ROOT / ".venv" / "bin" / "python"
    command = [
        str(python if python.exists() else sys.executable),
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *tests.split(","),
    ]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(workspace / ".tmp")}
    target = workspace / file
    original = target.read_text()
    target.write_text(source)
    start = time.monotonic()
    try:
        process = subprocess.Popen(
            command, cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # pytest and the node processes it started
            output, _ = process.communicate()
            return "timeout", time.monotonic() - start, output
    finally:
        target.write_text(original)
    code = process.returncode
    status = "survived" if code == 0 else "error" if 2 <= code <= 5 else "killed"
    return status, time.monotonic() - start, output


def run_all(jobs: list, workspaces: "queue.Queue[Path]", timeout: float, on_done) -> None:
    """Run each (mutant-or-None, file, source, tests) job on a free workspace."""

    def one(job):
        workspace = workspaces.get()
        try:
            return job, run_tests(workspace, job[1], job[2], job[3], timeout)
        finally:
            workspaces.put(workspace)

    with ThreadPoolExecutor(max_workers=workspaces.qsize()) as pool:
        for future in as_completed([pool.submit(one, job) for job in jobs]):
            on_done(*future.result())


# --- Command line -------------------------------------------------------------------------------


def parse_target(text: str) -> tuple[str, str]:
    file, sep, tests = text.partition("=")
    if not sep or not file or not tests:
        raise argparse.ArgumentTypeError(f"expected FILE=TESTS, got {text!r}")
    for path in [file, *tests.split(",")]:
        if not (ROOT / path).exists():
            raise argparse.ArgumentTypeError(f"{path} does not exist under {ROOT}")
    return file, tests


def report(targets: list[tuple[str, str]], mutants: list[Mutant]) -> dict:
    rows, totals = [], {"mutants": 0, "killed": 0, "survived": 0, "errors": 0, "timeouts": 0}
    print(f"\n{'file':<44} {'tests':<24} {'mutants':>7} {'killed':>7} {'survived':>8} {'errors':>6}")
    for file, tests in targets:
        mine = [m for m in mutants if (m.file, m.tests) == (file, tests)]
        counts = {
            "mutants": len(mine),
            "killed": sum(m.status in ("killed", "timeout") for m in mine),
            "survived": sum(m.status == "survived" for m in mine),
            "errors": sum(m.status == "error" for m in mine),
            "timeouts": sum(m.status == "timeout" for m in mine),
        }
        row = {"file": file, "tests": tests, **counts}
        rows.append(row)
        for key in totals:
            totals[key] += counts[key]
        print(f"{file:<44} {tests:<24} {row['mutants']:>7} {row['killed']:>7} {row['survived']:>8} {row['errors']:>6}")
    survivors = sorted((m for m in mutants if m.status == "survived"), key=lambda m: (m.file, m.line))
    if survivors:
        print("\nsurvivors:")
        for m in survivors:
            print(f"  {m.file}:{m.line}: {m.description}")
    print(
        f"\nmutants: {totals['mutants']}, killed: {totals['killed']}, survived: {totals['survived']}, "
        f"errors: {totals['errors']}" + (f" (timeouts among killed: {totals['timeouts']})" if totals["timeouts"] else "")
    )
    return {"totals": totals, "targets": rows, "mutants": [{k: v for k, v in asdict(m).items() if k != "source"} for m in mutants]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", type=parse_target, metavar="FILE=TESTS")
    parser.add_argument("--jobs", type=int, default=2, help="parallel pytest runs, one repo copy each (2)")
    parser.add_argument("--sample", type=int, help="at most N mutants per file, evenly spread and seeded by the code")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per pytest run (300)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    args = parser.parse_args(argv)

    baselines, mutants = {}, []
    for file, tests in args.targets:
        baselines[(file, tests)], found = mutants_for(file, tests, args.sample)
        mutants += found
    if args.list:
        for m in mutants:
            print(f"{m.file}:{m.line}: {m.description}")
        print(f"{len(mutants)} mutants")
        return 0

    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        workspaces: queue.Queue[Path] = queue.Queue()
        for i in range(max(1, args.jobs)):
            workspaces.put(make_workspace(Path(scratch) / f"job{i}"))

        failed = []

        def baseline_done(job, result):
            status, seconds, output = result
            outcome = {"survived": "passed", "killed": "failed"}.get(status, status)
            print(f"baseline {job[1]} with {job[3]}: {outcome} ({seconds:.1f}s)", file=sys.stderr)
            if status != "survived":
                failed.append((job, outcome, output))

        run_all([(None, file, source, tests) for (file, tests), source in baselines.items()], workspaces, args.timeout, baseline_done)
        for job, status, output in failed:
            print(output[-3000:], file=sys.stderr)
            print(
                f"baseline failed ({status}): {job[3]} does not pass with the unparsed, un-mutated {job[1]};"
                " fix that before measuring mutants",
                file=sys.stderr,
            )
        if failed:
            return 2

        done = 0

        def mutant_done(job, result):
            nonlocal done
            mutant = job[0]
            mutant.status, mutant.seconds, _ = result
            done += 1
            print(
                f"[{done}/{len(mutants)}] {mutant.status:<8} {mutant.file}:{mutant.line}: {mutant.description} ({mutant.seconds:.1f}s)",
                file=sys.stderr,
            )

        run_all([(m, m.file, m.source, m.tests) for m in mutants], workspaces, args.timeout, mutant_done)

    results = report(args.targets, mutants)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
