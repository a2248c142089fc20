"""``a``: the recent alerts, newest first; enter jumps to the article."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tickertape.core.sanitize import sanitize_inline
from tickertape.live import AlertHit


def _ago(seconds: float) -> str:
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{int(seconds // 3600)} h ago"


class AlertsScreen(ModalScreen[AlertHit | None]):
    """Dismisses with the alert chosen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,a", "close", "Close", id="alerts.close"),
    ]

    def __init__(self, alerts: Sequence[AlertHit]) -> None:
        super().__init__()
        self._alerts = list(reversed(alerts))

    def compose(self) -> ComposeResult:
        with Vertical(id="alerts-dialog"):
            yield Static(Content.styled("Recent alerts", "bold"), markup=False)
            empty = Static(
                Content.styled(
                    "No alert yet. Mark a saved view as an alert (ctrl+s, or the "
                    "command palette) to be told when a matching article arrives.",
                    "$text-muted",
                ),
                markup=False,
                id="alerts-empty",
            )
            empty.display = not self._alerts
            yield empty
            yield OptionList(*self._options(), id="alerts-list")

    def _options(self) -> list[Option]:
        now = time.time()
        return [
            Option(
                Content.assemble(
                    (sanitize_inline(hit.view), "bold $text-accent"),
                    "  ",
                    sanitize_inline(hit.title) or "(untitled)",
                    ("  " + _ago(now - hit.when), "$text-muted"),
                ),
                id=str(number),
            )
            for number, hit in enumerate(self._alerts)
        ]

    def update_alerts(self, alerts: Sequence[AlertHit]) -> None:
        """Alerts that arrived while the list is open join it; the chosen one stays."""
        newest = list(reversed(alerts))
        if not self.is_attached or newest == self._alerts:
            return
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        chosen = self._alerts[index] if index is not None else None
        self._alerts = newest
        option_list.clear_options()
        option_list.add_options(self._options())
        self.query_one("#alerts-empty", Static).display = not self._alerts
        if chosen is not None and chosen in self._alerts:
            option_list.highlighted = self._alerts.index(chosen)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._alerts[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
