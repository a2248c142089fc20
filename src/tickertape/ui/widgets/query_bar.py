"""The query bar: an input for the query language, its error line, and history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

PLACEHOLDER = (
    'search: words  "a phrase"  ticker:NVDA  sentiment:neg  after:2024-12  conf>0.9  -word  OR'
)


class QueryInput(Input):
    """The input itself; up/down walk the history, ctrl+u clears, esc leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Older query", show=False, id="query.older"),
        Binding("down", "history(1)", "Newer query", show=False, id="query.newer"),
        Binding("ctrl+u", "clear_query", "Clear query", show=False, id="query.clear"),
        Binding("escape", "leave", "Leave search", id="query.leave"),
    ]

    def action_history(self, delta: int) -> None:
        bar = self.parent
        if isinstance(bar, QueryBar):
            bar.walk_history(delta)

    def action_clear_query(self) -> None:
        self.value = ""

    def action_leave(self) -> None:
        bar = self.parent
        if isinstance(bar, QueryBar):
            bar.post_message(QueryBar.Left())


class QueryBar(Vertical):
    """Shown by ``/``; posts ``Changed`` as the user types and ``Submitted`` on enter."""

    class Changed(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class Left(Message):
        """Escape: hide the bar's focus, keep the query."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._history: list[str] = []
        self._position = 0
        self._draft = ""
        self._warning = False

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="query-input", select_on_focus=False)
        yield Static(id="query-error", markup=False)

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    def set_history(self, history: Sequence[str]) -> None:
        self._history = list(history)
        self._position = len(self._history)

    def remember(self, text: str) -> None:
        if text and (not self._history or self._history[-1] != text):
            if text in self._history:
                self._history.remove(text)
            self._history.append(text)
        self._position = len(self._history)

    def walk_history(self, delta: int) -> None:
        if not self._history:
            return
        if self._position == len(self._history):
            self._draft = self.input.value
        self._position = max(0, min(len(self._history), self._position + delta))
        value = (
            self._draft if self._position == len(self._history) else self._history[self._position]
        )
        self.input.value = value
        self.input.cursor_position = len(value)

    @property
    def showing_warning(self) -> bool:
        return self._warning

    def show_error(self, message: str | None, *, warning: bool = False) -> None:
        """Show a query error (or, with ``warning``, a notice) under the input."""
        self._warning = warning and bool(message)
        error = self.query_one("#query-error", Static)
        error.display = bool(message)
        error.update(Content.styled(message or "", "$text-warning" if warning else "$text-error"))

    @on(Input.Changed, "#query-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#query-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.remember(event.value.strip())
        self.post_message(self.Submitted(event.value))
