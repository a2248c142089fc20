"""The App: themes, the key map, the command palette and the screens.

What the reader shows and does lives in :mod:`tickertape.ui.screens.reader`, over a
UI-free :class:`~tickertape.session.ReaderSession` this App creates and closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from tickertape.session import ReaderSession
from tickertape.ui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from tickertape.ui.messages import ThemeRestored


class TickertapeApp(App[int]):
    """A terminal reader for one news-article index."""

    CSS_PATH = "app.tcss"
    TITLE = "tickertape"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.commands"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        index_name: str | None = None,
        cache_dir: Path | None = None,
        state_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.root = root
        self.index_name = index_name or root.name
        self.session = ReaderSession(
            root, cache_dir=cache_dir, state_dir=state_dir, url=url
        )
        self._reader: ReaderScreen | None = None
        self.user_keys: dict[str, str] = {}
        """Binding id -> keys, from the user's key map file (shown in help and the palette)."""

    def get_default_screen(self) -> Screen[Any]:
        self._reader = ReaderScreen(self.session, index_name=self.index_name, clock=self.clock)
        return self._reader

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (the bottom of the stack, under any dialog)."""
        assert self._reader is not None, "the app is not running"
        return self._reader

    # -- the key map ------------------------------------------------------------

    def on_mount(self) -> None:
        self._load_keymap()

    def _load_keymap(self) -> None:
        """Rebind keys from the user's key map file, when there is one (see the README)."""
        from tickertape.core.paths import config_dir
        from tickertape.ui.keymap import KEYMAP_FILE, load_keymap

        path = config_dir() / KEYMAP_FILE
        if not path.is_file():
            return
        loaded = load_keymap(path, _known_binding_ids())
        for problem in loaded.problems:
            self.notify(problem, title="tickertape", severity="warning", markup=False, timeout=10)
        if loaded.keys:
            self.user_keys = loaded.keys
            self.set_keymap(loaded.keys)

    # -- themes ---------------------------------------------------------------

    def on_theme_restored(self, event: ThemeRestored) -> None:
        """Use the theme saved by the last run, and save the user's next choice."""
        if event.theme and event.theme in self.available_themes:
            self.theme = event.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self.session.remember_theme(theme.name)

    # -- the command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from tickertape.ui.bindings_catalog import reader_commands

        yield from super().get_system_commands(screen)
        yield from reader_commands(self.reader, self.user_keys)

    def on_unmount(self) -> None:
        self.session.close()


def _known_binding_ids() -> set[str]:
    """Every binding id a key map may name: the reader's, its panes' and the dialogs'."""
    from tickertape.ui.keymap import binding_ids
    from tickertape.ui.screens.facets import FacetsScreen
    from tickertape.ui.screens.help import HelpScreen
    from tickertape.ui.screens.links import LinkListScreen
    from tickertape.ui.screens.save_view import SaveViewScreen
    from tickertape.ui.screens.ticker_desk import (
        TickerAskScreen,
        TickerDeskScreen,
        TickerPickScreen,
    )
    from tickertape.ui.screens.warnings import WarningsScreen
    from tickertape.ui.screens.watchlist import WatchlistScreen
    from tickertape.ui.widgets.article_list import ArticleList
    from tickertape.ui.widgets.article_view import ArticleView
    from tickertape.ui.widgets.query_bar import QueryInput

    return binding_ids(
        TickertapeApp, ReaderScreen, ArticleList, ArticleView, QueryInput, HelpScreen,
        LinkListScreen, FacetsScreen, WarningsScreen, SaveViewScreen, TickerDeskScreen,
        TickerPickScreen, TickerAskScreen, WatchlistScreen,
    )  # fmt: skip
