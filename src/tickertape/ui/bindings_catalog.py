"""Every key for the help screen, and every action for the command palette.

Both are derived from the bindings themselves, so a new binding with a description
shows up in help and in the palette without being listed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.widget import Widget

from tickertape.ui.screens.help import key_label
from tickertape.ui.widgets.article_list import ArticleList
from tickertape.ui.widgets.article_view import ArticleView
from tickertape.ui.widgets.query_bar import QueryInput

if TYPE_CHECKING:
    from tickertape.ui.screens.reader import ReaderScreen

# Actions the palette already offers itself, or offers better by name.
NOT_IN_PALETTE = ("app.quit", "apply_view")


def _described(bindings: Iterable[BindingType]) -> Iterator[Binding]:
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            yield binding


def _key(binding: Binding, user_keys: Mapping[str, str]) -> str:
    """The key as the user has it: from their key map when it rebinds this binding."""
    return user_keys.get(binding.id, binding.key) if binding.id else binding.key


def binding_groups(
    anywhere_bindings: Iterable[BindingType], user_keys: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every binding with a description, grouped by where it works: ``anywhere_bindings``
    are the reader screen's and the App's; ``user_keys`` the user's key map."""

    def keys(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
        return [
            (_key(binding, user_keys), binding.description)
            for binding in _described(bindings)
            if not binding.action.startswith("apply_view")  # one line for all nine below
        ]

    anywhere = keys(anywhere_bindings)
    anywhere.append(("1…9", "Apply saved view 1…9 (all views: command palette)"))
    return [
        ("Anywhere", anywhere),
        ("List", keys(ArticleList.BINDINGS)),
        ("Article", keys(ArticleView.BINDINGS)),
        ("Query bar", keys(QueryInput.BINDINGS)),
        *_desk_groups(keys),
    ]


def _desk_groups(
    keys: Callable[[Iterable[BindingType]], list[tuple[str, str]]],
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The ticker desk's and the watchlist's own keys (their screens load when used)."""
    from tickertape.ui.screens.ticker_desk import TickerDeskScreen
    from tickertape.ui.screens.watchlist import WatchlistScreen

    return [
        ("Ticker desk", keys(TickerDeskScreen.BINDINGS)),
        ("Watchlist", keys(WatchlistScreen.BINDINGS)),
    ]


def reader_commands(reader: ReaderScreen, user_keys: Mapping[str, str]) -> Iterator[SystemCommand]:
    """The reader's actions and the saved views, as command palette entries."""
    for binding in _described(reader.BINDINGS):
        if not binding.action.startswith(NOT_IN_PALETTE):
            action = binding.action
            yield SystemCommand(
                binding.description,
                f"{binding.description} (key: {key_label(_key(binding, user_keys))})",
                lambda action=action: reader.run_action(action),
            )
    panes: tuple[tuple[str, Callable[[], Widget], Iterable[BindingType]], ...] = (
        ("list", lambda: reader.article_list, ArticleList.BINDINGS),
        ("article", lambda: reader.article_view, ArticleView.BINDINGS),
    )
    for where, pane, bindings in panes:
        for binding in _described(bindings):
            yield SystemCommand(
                binding.description,
                f"{binding.description} in the {where} "
                f"(key: {key_label(_key(binding, user_keys))})",
                lambda pane=pane, action=binding.action: pane().run_action(action),
            )
    yield SystemCommand(
        "Alert bell: " + ("turn off" if reader.bell else "turn on"),
        "Whether an alert rings the terminal bell (the notification shows either way)",
        reader.toggle_bell,
    )
    counts = reader.session.alert_counts
    for view in reader.session.views():
        key = f" (key: {view.slot})" if view.slot else ""
        new = counts.get(view.name, 0)
        count = f" · {new:,} new" if new else ""
        yield SystemCommand(
            f"View: {view.name}{' (alert)' if view.alert else ''}{count}",
            f"Apply the saved query {view.query!r}{key}",
            lambda view=view: reader.apply_view(view.name, view.query),
        )
        yield SystemCommand(
            f"{'Stop alerting' if view.alert else 'Alert'} on view: {view.name}",
            "Stop ringing for new articles this view matches"
            if view.alert
            else "Ring the bell and notify when a new article matches this view",
            lambda view=view: reader.toggle_alert(view.name),
        )
