"""``ctrl+s``: name the current query and keep it as a view on a number key, maybe as
an alert (a new article matching it rings the bell)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static


@dataclass(slots=True, frozen=True)
class ViewChoice:
    """What the dialog was given: the view's name, and whether it is an alert."""

    name: str
    alert: bool = False


class SaveViewScreen(ModalScreen[ViewChoice | None]):
    """Dismisses with the name typed and the alert box, or None."""

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
            yield Checkbox("Alert me when a new article matches", id="view-alert")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        alert = self.query_one(Checkbox).value
        self.dismiss(ViewChoice(name, alert) if name else None)

    def action_close(self) -> None:
        self.dismiss(None)
