"""What `review`, `diff` and `plan` share: their arguments (a spec, or BASE and HEAD as spec files
or git revisions), and putting a review together from the spec, the rules, the analyses and the
offline plan."""

import argparse
import dataclasses
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console

from orgboot.analysis.access import Access, spec_access
from orgboot.analysis.budgets import budgets
from orgboot.analysis.cis import coverage
from orgboot.analysis.diff import acknowledged, diff
from orgboot.analysis.plan import Plan
from orgboot.reports.markdown import Refusal, Review
from orgboot.rules import ACKNOWLEDGEMENTS, change_problems, findings, read_base
from orgboot.spec import LocatedProblem, OrgSpec, ReadSpec, SpecError
from orgboot.spec.revisions import base_spec_path

T = TypeVar("T")

DEFAULT_SPEC = "org.yaml"


def add_change_arguments(parser: argparse.ArgumentParser, *, acknowledgements: bool = True) -> None:
    parser.add_argument(
        "--spec",
        help="the spec's path in its repository, for BASE or HEAD given as a git revision"
        f" (default: HEAD when it is a file, else {DEFAULT_SPEC})",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the Markdown here; without it a pipe gets the Markdown, a terminal a rendering of it",
    )
    if acknowledgements:
        add_acknowledgements(parser)


def add_acknowledgements(parser: argparse.ArgumentParser) -> None:
    """The options that accept a dangerous or refused change, for one run."""
    parser.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        metavar="ID",
        help="accept a dangerous change by the ID the report prints (or all of a kind, like guardrail-detached); repeatable."
        " org.yaml's acknowledged_changes does the same, with a reason",
    )
    for option in ACKNOWLEDGEMENTS:
        flag = f"--{option.replace('_', '-')}"
        parser.add_argument(flag, action="store_true", help=f"accept what {flag} accepts in `orgboot validate --base`")


def repository_spec(spec: str | None, head: str) -> str:
    """The spec a git revision is read from: --spec, else HEAD when it is a file (`diff main
    /abs/path/org.yaml` reads main in that file's repository, as `validate --base main` does), else
    org.yaml here."""
    if spec is not None:
        return spec
    return head if Path(head).is_file() else DEFAULT_SPEC


def spec_path(ref: str, spec: str, workdir: Path, side: str) -> Path:
    """BASE or HEAD: a spec file, or `spec` at a git revision (extracted under `workdir`)."""
    return base_spec_path(ref, spec, workdir / side, what=f"{side.upper()} {{}}")


def write(args: argparse.Namespace, out: Console, markdown: str) -> None:
    """The Markdown to --output, or to a pipe as it is (CI posts it); a person at a terminal reads
    it rendered, with a word on where the Markdown itself is had."""
    if args.output:
        Path(args.output).write_text(markdown, encoding="utf-8")
        out.print(f"wrote {args.output}", style="dim")
    elif _at_a_terminal(out):
        from orgboot.reports.markdown_terminal import for_terminal  # rich's Markdown: 70 ms to import, for people only

        out.print(for_terminal(markdown))
        out.print(AT_A_TERMINAL, style="dim")
    else:
        sys.stdout.write(markdown)


AT_A_TERMINAL = "This is the Markdown report rendered for a terminal: -o FILE writes the Markdown itself, and so does a pipe."


def _at_a_terminal(out: Console) -> bool:
    """Whether the output goes to a terminal itself: not rich's is_terminal, which FORCE_COLOR
    turns on in CI, where the Markdown must stay Markdown."""
    isatty = getattr(out.file, "isatty", None)
    return bool(isatty and isatty())


def spec_review(path: Path, shown_as: str) -> Review:
    """The review of one spec: everything the report shows, and every finding."""
    return _read_review(path, shown_as)[0]


def _read_review(path: Path, shown_as: str) -> tuple[Review, ReadSpec | None]:
    try:
        read, problems = findings(path)
    except SpecError as error:
        return Review(shown_as, None, error.problems), None
    spec = read.spec
    if spec is None:
        return Review(shown_as, None, problems), read
    if problems:  # the analyses assume a valid spec
        return Review(shown_as, spec, problems, budgets(spec)), read
    return Review(shown_as, spec, problems, budgets(spec), spec_access(spec), cis=coverage(spec)), read


def with_plan(review: Review, plan: Plan) -> Review:
    return dataclasses.replace(review, plan=plan)


def change_review(base: Path, head: Path, args: argparse.Namespace, base_label: str, head_label: str) -> Review:
    """The review of the change from `base` to `head`: the head's review, the semantic diff with its
    acknowledgements, and what the change rules refuse."""
    with _beside() as beside:
        base_read = beside.submit(_base_and_access, base)  # while the head is read and checked here
        review, read = _read_review(head, head_label)
        try:
            base_spec, base_access = base_read.result()
        except SpecError as error:
            return _with(review, base_label, findings=[*review.findings, *error.problems])
    if review.spec is None or read is None or review.findings:
        return _with(review, base_label)
    options = {option for option in ACKNOWLEDGEMENTS if getattr(args, option, False)}
    found = change_problems(base_spec, review.spec, read, options)  # org.yaml's acknowledged_changes accept some
    refusals = [Refusal(each.problem, each.option, each.accepted) for each in found]
    change = diff(base_spec, review.spec, head_access=review.access, base_access=base_access)
    given = {**review.spec.acknowledged_changes, **dict.fromkeys(args.acknowledge, "")}
    accepted = acknowledged(change.changes, given)
    ids = {c.id for c in change.dangerous} | {c.kind for c in change.dangerous} | {each.change_id for each in found if each.change_id}
    stale = [ack for ack in review.spec.acknowledged_changes if ack not in ids]
    return Review(
        head_label,
        review.spec,
        review.findings,
        review.budgets,
        review.access,
        base=base_label,
        diff=change,
        acknowledged=accepted,
        stale=stale,
        refusals=refusals,
        cis=review.cis,
    )


def _base_and_access(base: Path) -> tuple[OrgSpec, list[Access]]:
    spec = read_base(base)
    return spec, spec_access(spec)


class _InTurn(Executor):
    """An executor that runs each call at once, in this process."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> "Future[T]":
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def _beside() -> Executor:
    """A second process for work that can run beside this one, when a second CPU is there: forked
    on Linux, where fork is safe and the child needs no imports (on macOS it is not: Python's
    multiprocessing docs, "Contexts and start methods"). Elsewhere the work runs in turn."""
    if sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    return _InTurn()


def _with(review: Review, base_label: str, findings: list[LocatedProblem] | None = None) -> Review:
    return dataclasses.replace(review, base=base_label, findings=review.findings if findings is None else findings)
