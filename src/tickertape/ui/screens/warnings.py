"""``w``: every file that was skipped or degraded, and why, grouped by kind.

An index of twenty thousand files can hold a thousand warnings of a handful of kinds
("no title" 737 times): a heading a kind with its count says more than a thousand
lines. Skipped files come first, since their articles are missing altogether; enter on
a warning opens its article.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tickertape.core.article import Problem
from tickertape.core.sanitize import sanitize_inline

MAX_PER_KIND = 500
"""Warnings listed under one heading; the count says how many more there are."""
_VARIABLE = re.compile(r"'[^']*'?|\"[^\"]*\"?|[-+]?\d+(?:[.,:]\d+)*")


@dataclass(slots=True)
class WarningKind:
    """Warnings that say the same thing about different files."""

    field: str
    shape: str
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.field == "file" or self.shape.endswith("skipped")

    @property
    def title(self) -> str:
        return f"{self.field}: {self.shape}"


def kind_of(problem: Problem) -> tuple[str, str]:
    """What a warning says without the parts that differ from file to file (quoted
    values, numbers): ``("publishDate", "ignored … after the date …")``."""
    return problem.field, _VARIABLE.sub("…", sanitize_inline(problem.reason))


def group_problems(problems: Sequence[Problem]) -> list[WarningKind]:
    """Kinds of warning, skipped files first, then the most frequent."""
    kinds: dict[tuple[str, str], WarningKind] = {}
    for problem in problems:
        key = kind_of(problem)
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = WarningKind(*key)
        kind.problems.append(problem)
    return sorted(kinds.values(), key=lambda k: (not k.skipped, -len(k.problems), k.title))


class WarningsScreen(ModalScreen[str | None]):
    """Warnings by kind; choosing one dismisses with its file's path (relative to the
    index), so the reader can show the article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w", "close", "Close", id="warnings.close"),
    ]

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self._problems = problems
        self._paths: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        count = len(self._problems)
        kinds = group_problems(self._problems)
        title = f"{count:,} warning{'s' if count != 1 else ''}"
        if count:
            title += f" of {len(kinds):,} kind{'s' if len(kinds) != 1 else ''}"
            title += " — enter: open the article · esc: close"
        else:
            title += " — esc: close"
        with Vertical(id="warnings-dialog"):
            yield Static(Content.styled(title, "bold"), markup=False)
            if not count:
                yield Static(
                    Content.styled("No warnings: every file was read cleanly.", "$text-muted")
                )
                return
            yield OptionList(*self._options(kinds), id="warnings-log")

    def _options(self, kinds: Sequence[WarningKind]) -> list[Option | None]:
        options: list[Option | None] = []
        for kind in kinds:
            if options:
                options.append(None)
            style = "bold $text-error" if kind.skipped else "bold $text-warning"
            noun = "file" if len(kind.problems) == 1 else "files"
            label = "skipped: " if kind.skipped and not kind.shape.endswith("skipped") else ""
            options.append(
                Option(
                    Content.assemble(
                        (f"{label}{kind.title}", style),
                        (f"  {len(kind.problems):,} {noun}", "$text-muted"),
                    ),
                    disabled=True,
                )
            )
            for problem in kind.problems[:MAX_PER_KIND]:
                key = f"w{len(self._paths)}"
                self._paths[key] = problem.path
                reason = sanitize_inline(problem.reason)
                prompt = Content.assemble(
                    ("  ", ""),
                    (sanitize_inline(problem.path), "$text-secondary"),
                    ("  ", ""),
                    (reason, "" if reason != kind.shape else "$text-muted"),
                )
                options.append(Option(prompt, id=key))
            more = len(kind.problems) - MAX_PER_KIND
            if more > 0:
                text = f"  … and {more:,} more (tickertape index prints them all)"
                options.append(Option(Content.styled(text, "$text-muted"), disabled=True))
        return options

    def on_mount(self) -> None:
        for options in self.query(OptionList):
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        path = self._paths.get(event.option.id or "")
        if path is not None:
            self.dismiss(path)

    def action_close(self) -> None:
        self.dismiss(None)
