"""``l``: every link and ticker of the article; open, copy, or filter by one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tickertape.core.article import Article
from tickertape.core.clean import CleanedArticle
from tickertape.core.links import display_link


@dataclass(slots=True, frozen=True)
class LinkChoice:
    """What the user picked: a URL to open or copy, or a ticker to filter by."""

    action: str  # "open", "copy" or "ticker"
    value: str


@dataclass(slots=True, frozen=True)
class LinkEntry:
    kind: str  # "article", "link", "image" or "ticker"
    label: str
    value: str


class LinkListScreen(ModalScreen[LinkChoice | None]):
    """enter opens a link (or filters by a ticker), y copies, esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,l", "close", "Close", id="links.close"),
        Binding("y", "copy", "Copy link", id="links.copy"),
        Binding("o", "open", "Open link", id="links.open"),
    ]

    def __init__(self, entries: list[LinkEntry]) -> None:
        super().__init__()
        self._entries = entries

    def compose(self) -> ComposeResult:
        options = []
        for number, entry in enumerate(self._entries):
            style = "bold $text-warning" if entry.kind == "ticker" else "$text-accent"
            shown = entry.value if entry.kind == "ticker" else display_link(entry.value)
            prompt = Content.assemble((entry.label.ljust(8), style), " ", shown)
            options.append(Option(prompt, id=str(number)))
        with Vertical(id="links-dialog"):
            yield Static(
                Content.styled(
                    "Links — enter: open (ticker: filter) · y: copy · esc: close", "bold"
                ),
                markup=False,
            )
            if options:
                yield OptionList(*options, id="links-options")
            else:
                yield Static(Content.styled("This article has no links.", "$text-muted"))

    def _selected(self) -> LinkEntry | None:
        options = self.query(OptionList)
        if not options:
            return None
        index = options.first().highlighted
        return self._entries[index] if index is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        entry = self._entries[event.option_index]
        self.dismiss(LinkChoice("ticker" if entry.kind == "ticker" else "open", entry.value))

    def action_open(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.dismiss(LinkChoice("ticker" if entry.kind == "ticker" else "open", entry.value))

    def action_copy(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.dismiss(LinkChoice("copy", entry.value))

    def action_close(self) -> None:
        self.dismiss(None)


def link_entries(article: Article, cleaned: CleanedArticle | None) -> list[LinkEntry]:
    """The article's own link, its tickers, its numbered links, then its images."""
    entries: list[LinkEntry] = []
    if article.link:
        entries.append(LinkEntry("article", "article", article.link))
    entries += [LinkEntry("ticker", "ticker", code) for code in article.tickers]
    if cleaned is not None:
        entries += [
            LinkEntry("link", f"[{number}]", url) for number, url in enumerate(cleaned.links, 1)
        ]
    entries += [
        LinkEntry("image", f"image {number}", url) for number, url in enumerate(article.images, 1)
    ]
    return entries
