"""The ``tickertape`` command: sub-commands for scripts, and the reader when none is named.

``tickertape [PATH]`` opens the reader; ``tickertape list|show|index|stats|mark|export``
run without a screen. Exit codes: 0 success, 1 failure, 2 usage error; user errors are
messages, never tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from tickertape import __version__
from tickertape.commands.common import CommandFailed, UsageError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

# Sub-command name -> module in tickertape.commands. Imported only when used, so
# `tickertape list` never pays for Textual.
COMMANDS = {
    "list": "list_cmd",
    "show": "show_cmd",
    "index": "index_cmd",
    "stats": "stats_cmd",
    "mark": "mark_cmd",
    "export": "export_cmd",
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so every error path is ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"tickertape.commands.{COMMANDS[name]}")


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser for one sub-command, or for the reader when ``command`` is None."""
    parser = _Parser(
        prog="tickertape",
        description="A terminal reader for news-article indexes.",
        epilog="Commands: " + ", ".join(COMMANDS) + ". Run 'tickertape COMMAND --help'.",
    )
    parser.add_argument("--version", action="version", version=f"tickertape {__version__}")
    if command is None:
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="index folder or file (default: the sample index)",
        )
        return parser
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    _command_module(command).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in COMMANDS else None
    try:
        args = build_parser(command).parse_args(args_list)
        if command is None:
            from tickertape.reader import run_reader

            return run_reader(args.paths)
        result: int = _command_module(command).run(args)
        return result
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except CommandFailed as error:
        print(f"tickertape: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
