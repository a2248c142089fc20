"""``t``: sentiments, tickers, sources and languages of the current result, with counts.

One section a field, in the order a trader asks (which way, which names, who says
so, in what language); typing narrows every section at once, so a value is found
among thousands without scrolling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tickertape.core.folding import fold_text

# Facet group -> the query field that selects it.
FIELDS = {"tickers": "ticker", "sources": "source", "sentiments": "sentiment", "languages": "lang"}
ORDER = ("sentiments", "tickers", "sources", "languages")
"""Sections top to bottom: the direction first, then names, then who and in what language."""
TITLES = {
    "sentiments": "Sentiment",
    "tickers": "Tickers",
    "sources": "Sources",
    "languages": "Languages",
}

FacetGroups = Sequence[tuple[str, Sequence[tuple[str, int]]]]


def facet_term(group: str, value: str) -> str:
    """The query clause that narrows the result to one facet value."""
    field = FIELDS[group]
    if group == "sentiments" and not value:
        return "sentiment:none"
    if any(ch.isspace() or ch in '"()' for ch in value):
        return f'{field}:"{value.replace(chr(34), "")}"'
    return f"{field}:{value}"


def ordered(groups: FacetGroups) -> list[tuple[str, Sequence[tuple[str, int]]]]:
    """The groups in section order (unknown groups last, as given)."""
    rank = {group: index for index, group in enumerate(ORDER)}
    return sorted(groups, key=lambda item: rank.get(item[0], len(ORDER)))


class FacetsScreen(ModalScreen[str | None]):
    """Choosing a value dismisses with the clause to add to the query."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="facets.close"),
        Binding("down", "move(1)", "Next value", show=False, id="facets.down"),
        Binding("up", "move(-1)", "Previous value", show=False, id="facets.up"),
        # Priority: the filter has the focus, and no ticker has a "+" in it.
        Binding("plus", "watch", "Watch ticker", priority=True, id="facets.watch"),
    ]

    def __init__(self, groups: FacetGroups, on_watch: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self._groups = ordered(groups)
        self._terms: dict[str, str] = {}
        self._tickers: dict[str, str] = {}  # option id -> code, for "+"
        self._on_watch = on_watch

    def compose(self) -> ComposeResult:
        with Vertical(id="facets-dialog"):
            yield Static(
                Content.assemble(
                    ("Facets of the result", "bold"),
                    ("  type to narrow · enter: add to the query · esc: close", "$text-muted"),
                ),
                markup=False,
                id="facets-title",
            )
            yield Input(placeholder="filter: a ticker, source, label…", id="facets-filter")
            yield OptionList(id="facets-options")
            yield Static(id="facets-empty", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def update_groups(self, groups: FacetGroups) -> None:
        """New counts (files arrived while the dialog is open): the filter typed and
        the value under the cursor stay."""
        if not self.is_attached:
            return
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        term = None
        if index is not None:
            term = self._terms.get(option_list.get_option_at_index(index).id or "")
        self._groups = ordered(groups)
        self._fill(self.query_one(Input).value)
        if term is not None:
            for key, value in self._terms.items():
                if value == term:
                    option_list.highlighted = option_list.get_option_index(key)
                    break

    @on(Input.Changed, "#facets-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#facets-filter")
    def _filter_submitted(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is not None:
            option_id = options.get_option_at_index(index).id
            if option_id in self._terms:
                self.dismiss(self._terms[option_id])

    def _fill(self, text: str) -> None:
        """Every section, each narrowed to the values containing ``text``."""
        wanted = fold_text(text.strip())
        options: list[Option | None] = []
        self._terms = {}
        self._tickers = {}
        for group, values in self._groups:
            shown = [(v, n) for v, n in values if not wanted or wanted in fold_text(v or "(none)")]
            if not shown:
                continue
            if options:
                options.append(None)
            count = (
                f"{len(shown):,}"
                if len(shown) == len(values)
                else f"{len(shown):,} of {len(values):,}"
            )
            options.append(
                Option(
                    Content.assemble(
                        (TITLES.get(group, group.capitalize()), "bold $text-primary"),
                        (f"  {count}", "$text-muted"),
                    ),
                    disabled=True,
                )
            )
            for value, number in shown:
                key = f"{group}:{len(self._terms)}"
                self._terms[key] = facet_term(group, value)
                if group == "tickers":
                    self._tickers[key] = value
                style = "bold $text-accent" if group == "tickers" else ""
                prompt = Content.assemble(
                    (f"{number:>9,}  ", "$text-muted"), (value or "(none)", style)
                )
                options.append(Option(prompt, id=key))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        option_list.display = bool(self._terms)
        empty = self.query_one("#facets-empty", Static)
        empty.display = not self._terms
        if not self._terms:
            message = f"Nothing contains {text.strip()!r}." if wanted else "The result is empty."
            empty.update(Content.styled(message, "$text-muted"))
        else:
            option_list.highlighted = next(
                index
                for index in range(option_list.option_count)
                if not option_list.get_option_at_index(index).disabled
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id in self._terms:
            self.dismiss(self._terms[option_id])

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_watch(self) -> None:
        """``+`` on a ticker: watch it (or stop), and stay in the facets."""
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None or self._on_watch is None:
            return
        option_id = option_list.get_option_at_index(option_list.highlighted).id
        if option_id in self._tickers:
            self._on_watch(self._tickers[option_id])

    def action_close(self) -> None:
        self.dismiss(None)
