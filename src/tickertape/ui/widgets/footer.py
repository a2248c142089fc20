"""The footer: key hints that give way by usefulness when the terminal is narrow.

Textual's footer cuts its keys off at the right edge, so at 80 columns the help key
went first. Here the least useful keys hide instead, and ``?`` always stays.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

PRIORITY = (
    "help",
    "open",
    "leave",
    "search",
    "full_screen",
    "toggle_maximize",
    "quit",
    "facets",
    "cycle_sort",
    "open_link",
    "links",
    "toggle_star",
)
"""Actions by how much a footer hint for them is worth; unlisted ones go first."""
NARROW = 100
"""Below this width the footer packs its keys closer."""


def rank(action: str) -> int:
    """Lower is more useful; ``help`` is 0."""
    name = action.rpartition(".")[2].partition("(")[0]
    return PRIORITY.index(name) if name in PRIORITY else len(PRIORITY)


class KeyFooter(Footer):
    """A footer that shows as many of the most useful keys as fit, ``?`` always."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.call_after_refresh(self._fit_keys)

    def on_resize(self) -> None:
        self.compact = self.size.width < NARROW
        self._fit_keys()

    def _width(self, key: Widget) -> int:
        padding = 2 if self.compact else 3  # the key's and the description's padding
        text = f"{getattr(key, 'key_display', '')}{getattr(key, 'description', '')}"
        return cell_len(text) + padding

    def _fit_keys(self) -> None:
        # Textual's FooterKey is not exported: found by its CSS type name.
        keys = [key for key in self.query("FooterKey") if not key.has_class("-command-palette")]
        room = self.size.width
        for key in self.query("FooterKey.-command-palette"):
            room -= self._width(key) + 1
        shown = set(keys)
        total = sum(self._width(key) for key in keys)
        for key in sorted(keys, key=lambda key: rank(getattr(key, "action", "")), reverse=True):
            if total <= room or rank(getattr(key, "action", "")) == 0:
                break
            shown.discard(key)
            total -= self._width(key)
        for key in keys:
            key.display = key in shown
