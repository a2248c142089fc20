"""``w``: every file that was skipped or degraded, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from tickertape.core.article import Problem
from tickertape.core.sanitize import sanitize_inline


class WarningsScreen(ModalScreen[None]):
    """A plain-text log of problems: a virtual widget, so thousands are fine."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w", "close", "Close", id="warnings.close"),
    ]

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self._problems = problems

    def compose(self) -> ComposeResult:
        count = len(self._problems)
        title = f"{count:,} warning{'s' if count != 1 else ''} — esc: close"
        with Vertical(id="warnings-dialog"):
            yield Static(Content.styled(title, "bold"), markup=False)
            yield Log(id="warnings-log", highlight=False, auto_scroll=False)

    def on_mount(self) -> None:
        log = self.query_one(Log)
        if self._problems:
            log.write_lines(sanitize_inline(str(problem)) for problem in self._problems)
        else:
            log.write_line("No warnings: every file was read cleanly.")
        log.scroll_home(animate=False)
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
