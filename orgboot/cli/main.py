"""orgboot's command line: the subcommands, their common options, and the exit status
(status.py); an internal error is a bug in orgboot (rerun with --debug for the traceback)."""

import argparse
import gc
import os
import sys
import traceback
from collections.abc import Sequence

from rich.console import Console

from orgboot import __version__
from orgboot.cli import app, deploy, diff, drift, emulate, importing, init, plan, review, schema, simulate, synth, validate
from orgboot.cli.cdk import CdkUnavailable, NotAnAssembly
from orgboot.cli.status import FINDINGS, INTERNAL_ERROR, USAGE
from orgboot.spec import SpecError

EPILOG = "exit status: 0 ok, 1 findings (problems in the spec, a failed emulated deploy), 2 usage, 3 internal error"


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default where it says something: not "(default: None)" on an option
    that has none, nor False on a flag, nor [] on a repeatable option, nor a second time where the
    help says it in words."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False, []) or "(default:" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


class _RawHelp(argparse.RawDescriptionHelpFormatter, _Help):
    """_Help for a command whose description or epilog is laid out by hand (examples)."""


class _Console(Console):
    """rich exits with status 1 when the reader of its output goes away (Console.on_broken_pipe):
    here that is no error, and main() ends quietly with 0."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def _common(*, subcommand: bool) -> argparse.ArgumentParser:
    """Options taken before or after the subcommand. On the subcommand they default to SUPPRESS,
    so a value given before it is not reset."""
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if subcommand else False
    common.add_argument("--debug", action="store_true", default=default, help="show a traceback on an internal error")
    common.add_argument("--no-color", action="store_true", default=default, help="plain output, no colours or styles")
    return common


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="orgboot",
        description="Your AWS Organization as code: validate org.yaml, and prove what its synthesized"
        " templates do in an emulated AWS before anything is deployed.",
        epilog=EPILOG,
        parents=[_common(subcommand=False)],
    )
    root.add_argument("--version", action="version", version=f"orgboot {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (init, importing, validate, synth, review, diff, plan, deploy, drift, simulate, schema, emulate, app):
        command.add_parser(commands, _common(subcommand=True))
    for subcommand in commands.choices.values():  # one way of showing defaults, whatever each module asked for
        raw = isinstance(kind := subcommand.formatter_class, type) and issubclass(
            kind, argparse.RawDescriptionHelpFormatter
        )  # keeps its examples' lines
        subcommand.formatter_class = _RawHelp if raw else _Help
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # orgboot builds large trees of objects (YAML nodes, the spec, parsed policies) that hold no
    # cycles; with CPython's default threshold (700 allocations) the collector walks them again and
    # again, a third of a 5,000-account review. Reference counting frees them; the collector runs
    # rarely (https://docs.python.org/3/library/gc.html#gc.set_threshold).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    # Piped output (CI logs, make) gets a wide page instead of rich's 80-column default.
    width = None if sys.stdout.isatty() else 132
    out = _Console(width=width, no_color=args.no_color, highlight=False)
    err = _Console(stderr=True, width=width, no_color=args.no_color, highlight=False, soft_wrap=True)
    try:
        code: int = args.run(args, out, err)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at exit, where it is not
        return code
    except SpecError as error:
        print(error, file=sys.stderr)
        return FINDINGS
    except (CdkUnavailable, NotAnAssembly) as error:
        print(error, file=sys.stderr)
        return USAGE
    except BrokenPipeError:
        # The reader went away (orgboot validate | head): it has read all it wanted, so this is no
        # error. Python's flush at exit would fail on the closed pipe again: what is left goes to
        # devnull (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return FINDINGS
    except Exception as error:  # a traceback is for us, not for users: ask for --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(error).__name__}: {error}\n(rerun with --debug for details, and report it)", file=sys.stderr)
        return INTERNAL_ERROR
