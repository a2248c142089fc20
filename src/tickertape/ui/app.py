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
    ) -> None:
        super().__init__()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.root = root
        self.index_name = index_name or root.name
        self.session = ReaderSession(root, cache_dir=cache_dir, state_dir=state_dir)
        self._reader: ReaderScreen | None = None

    def get_default_screen(self) -> Screen[Any]:
        self._reader = ReaderScreen(self.session, index_name=self.index_name, clock=self.clock)
        return self._reader

    @property
    def reader(self) -> ReaderScreen:
        """The reader screen (the bottom of the stack, under any dialog)."""
        assert self._reader is not None, "the app is not running"
        return self._reader

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
        from tickertape.ui.commands import reader_commands

        yield from super().get_system_commands(screen)
        yield from reader_commands(self.reader)

    def on_unmount(self) -> None:
        self.session.close()
