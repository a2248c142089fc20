"""``t``: tickers, sources, sentiments and languages of the current result, with counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

# Facet group -> the query field that selects it.
FIELDS = {"tickers": "ticker", "sources": "source", "sentiments": "sentiment", "languages": "lang"}


def facet_term(group: str, value: str) -> str:
    """The query clause that narrows the result to one facet value."""
    field = FIELDS[group]
    if group == "sentiments" and not value:
        return "sentiment:none"
    if any(ch.isspace() or ch in '"()' for ch in value):
        return f'{field}:"{value.replace(chr(34), "")}"'
    return f"{field}:{value}"


class FacetsScreen(ModalScreen[str | None]):
    """Choosing a value dismisses with the clause to add to the query."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,t", "close", "Close", id="facets.close")
    ]

    def __init__(self, groups: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> None:
        super().__init__()
        self._groups = groups
        self._terms: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for group, values in self._groups:
            if not values:
                continue
            if options:
                options.append(None)
            options.append(
                Option(Content.styled(group.capitalize(), "bold $text-muted"), disabled=True)
            )
            for value, count in values:
                key = f"{group}:{len(self._terms)}"
                self._terms[key] = facet_term(group, value)
                style = "bold $text-warning" if group == "tickers" else ""
                label = value or "(none)"
                prompt = Content.assemble((f"{count:>9,}  ", "$text-muted"), (label, style))
                options.append(Option(prompt, id=key))
        with Vertical(id="facets-dialog"):
            yield Static(
                Content.styled(
                    "Facets of the current result — enter: add to the query · esc: close", "bold"
                ),
                markup=False,
            )
            if self._terms:
                yield OptionList(*options, id="facets-options")
            else:
                yield Static(Content.styled("Nothing to show: the result is empty.", "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id in self._terms:
            self.dismiss(self._terms[option_id])

    def action_close(self) -> None:
        self.dismiss(None)
