"""The `orgboot` command: one module per subcommand, each with add_parser() and run()."""

from orgboot.cli.main import main

__all__ = ["main"]
