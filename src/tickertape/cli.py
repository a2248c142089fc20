"""The ``tickertape`` command: sub-commands for scripts, and the reader when none is named.

``tickertape [PATH]`` opens the reader; ``tickertape list|show|index|stats|mark|export``,
``tickertape tickers|trend`` and ``tickertape watch`` run without a screen. Exit codes:
0 success, 1 failure, 2 usage error; user errors are messages, never tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, TextIO

from tickertape import __version__
from tickertape.commands.common import CommandFailed, UsageError
from tickertape.core.paths import IndexNotFound
from tickertape.core.pg.url import DatabaseError

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
    "tickers": "tickers_cmd",
    "trend": "trend_cmd",
    "watch": "watch_cmd",
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


def _glue_query_values(
    parser: argparse.ArgumentParser, command: str | None, args: list[str]
) -> list[str]:
    """Let ``-q -china`` and ``-q -is:read`` through: argparse takes a value that starts
    with ``-`` for an option and refuses it, yet a query may start with an exclusion.

    ``-q VALUE`` becomes ``--query=VALUE`` when VALUE starts with one ``-`` and is not
    one of the command's options (``-q --sort`` and ``-q -h`` stay errors).
    """
    sub = _subparser(parser, command)
    if sub is None or "--query" not in sub._option_string_actions:
        return args
    options = set(sub._option_string_actions)
    glued: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            glued += args[position:]
            break
        following = args[position + 1] if position + 1 < len(args) else ""
        if (
            arg in ("-q", "--query")
            and following.startswith("-")
            and not following.startswith("--")
            and following not in options
        ):
            glued.append(f"--query={following}")
            position += 2
            continue
        glued.append(arg)
        position += 1
    return glued


def _subparser(
    parser: argparse.ArgumentParser, command: str | None
) -> argparse.ArgumentParser | None:
    """The parser of ``command`` inside ``parser`` (None for the reader)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in COMMANDS else None
    try:
        try:
            parser = build_parser(command)
            arrange = command and getattr(_command_module(command), "arrange_arguments", None)
            if arrange:  # a command whose options may come after its words
                args_list = [args_list[0], *arrange(args_list[1:])]
            args = parser.parse_args(_glue_query_values(parser, command, args_list))
        except SystemExit as done:  # --help and --version: printed, and a success
            return done.code if isinstance(done.code, int) else EXIT_OK
        if command is None:
            from tickertape.reader import run_reader

            return run_reader(args.paths)
        result = _run_command(command, args)
        sys.stdout.flush()  # here, so a closed pipe is seen while we can still handle it
        return result
    except UsageError as error:
        _say(str(error))
        return EXIT_USAGE
    except IndexNotFound as error:
        _say(f"tickertape: {error}")
        return EXIT_USAGE
    except (CommandFailed, DatabaseError) as error:
        _say(f"tickertape: {error}")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _stdout_gone()
    except (OSError, sqlite3.Error) as error:
        # The machine, not the user: a full disk, a folder we may not read, a locked
        # database. A message is more use than a traceback.
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        where = getattr(error, "filename", None)
        _say(f"tickertape: {f'{where}: ' if where else ''}{reason}")
        return EXIT_FAILURE


def _run_command(command: str, args: argparse.Namespace) -> int:
    """Run a sub-command; when it meets a damaged cache, rebuild and run it once more.

    Run again only if it printed nothing yet: a list cut halfway and then printed
    again in full would be a wrong answer, so then it fails and says so.
    """
    from tickertape.core.index import CacheDamaged
    from tickertape.core.sqlite import remove_database

    watched = _WatchedOutput(sys.stdout)
    for attempt in range(2):
        sys.stdout = watched
        try:
            result: int = _command_module(command).run(args)
            return result
        except CacheDamaged as error:
            if error.db_path is not None:
                remove_database(error.db_path)
            if attempt or watched.written:
                raise CommandFailed(
                    f"the index cache was found damaged ({error}) while printing, so the "
                    "output above is incomplete; the cache has been removed and is rebuilt "
                    "from the files on the next run"
                ) from None
            _say(f"tickertape: the index cache was found damaged ({error}); rebuilding it")
        finally:
            sys.stdout = watched.out
    raise AssertionError("unreachable")


class _WatchedOutput:
    """Standard output that remembers whether anything was written to it."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.written = False

    def write(self, text: str) -> int:
        if text:
            self.written = True
        return self.out.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.out, name)


def _say(message: str) -> None:
    """A message on stderr, one line, without a control character (argparse quotes
    what the user typed, and that may hold an escape sequence)."""
    from tickertape.core.sanitize import sanitize_inline

    sys.stderr.write(sanitize_inline(message) + "\n")


def _stdout_gone() -> int:
    """The reader of our output went away (`| head`): stop quietly, as cat does.

    Whatever is still buffered goes to /dev/null, so the flush at exit cannot fail.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_OK
