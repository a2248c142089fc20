"""``?``: every key, grouped, and the query language with examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def key_label(keys: str) -> str:
    """``j,down`` -> ``j / ↓``: keys as a person types them."""
    names = {
        "down": "↓", "up": "↑", "left": "←", "right": "→", "pagedown": "PgDn",
        "pageup": "PgUp", "home": "Home", "end": "End", "enter": "enter",
        "escape": "esc", "slash": "/", "question_mark": "?", "asterisk": "*",
        "left_square_bracket": "[", "right_square_bracket": "]", "space": "space",
    }  # fmt: skip
    return " / ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))


class HelpScreen(ModalScreen[None]):
    """All the keys of the reader, then the query language reference."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(
        self, groups: Sequence[tuple[str, Sequence[tuple[str, str]]]], query_help: str
    ) -> None:
        super().__init__()
        self._groups = groups
        self._query_help = query_help

    def compose(self) -> ComposeResult:
        lines: list[Content] = [Content.styled("tickertape keys", "bold $text-accent"), Content("")]
        for title, bindings in self._groups:
            lines.append(Content.styled(title, "bold"))
            for keys, description in bindings:
                lines.append(
                    Content.assemble(
                        ("  " + key_label(keys).ljust(16), "$text-warning"), description
                    )
                )
            lines.append(Content(""))
        lines.append(Content.styled("In the list", "bold"))
        lines.append(Content("  ★ starred   ● unread   ◆ unread and new since the last run"))
        lines.append(Content("  ▲ positive  ▼ negative  ■ neutral  ? unknown or no sentiment"))
        lines.append(Content("  Conf  .93 a confidence; Score -.42 a signed score (Cf/Sc: both)"))
        lines.append(Content(""))
        lines.append(Content.styled("Query language", "bold"))
        lines.append(Content(self._query_help))
        with VerticalScroll(id="help-scroll"):
            yield Static(Content("\n").join(lines), markup=False, id="help-body")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
