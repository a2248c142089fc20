"""``ctrl+s``: name the current query and keep it as a view on a number key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SaveViewScreen(ModalScreen[str | None]):
    """Dismisses with the name typed, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="save-view.cancel")
    ]

    def __init__(self, query: str) -> None:
        super().__init__()
        self._query = query

    def compose(self) -> ComposeResult:
        with Vertical(id="save-view-dialog"):
            yield Static(Content.styled("Save the current query as a view", "bold"), markup=False)
            yield Static(
                Content.assemble(("query: ", "$text-muted"), self._query or "(everything)"),
                markup=False,
            )
            yield Input(placeholder="view name, then enter", id="view-name")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        self.dismiss(name or None)

    def action_close(self) -> None:
        self.dismiss(None)
