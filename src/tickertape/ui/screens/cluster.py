"""``v``: every version of a story, how long after the lead each came, and what it
changes (the title word by word, sentences added and removed)."""

from __future__ import annotations

from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tickertape.core.sanitize import sanitize_inline
from tickertape.core.story_diff import after_text
from tickertape.session import StoryVersion

_SHOWN_SENTENCES: Final = 4
_SENTENCE_CELLS: Final = 300


def _clip(text: str) -> str:
    text = sanitize_inline(text)
    return text if len(text) <= _SENTENCE_CELLS else text[: _SENTENCE_CELLS - 1] + "…"


def version_content(number: int, version: StoryVersion) -> Content:
    """One version as Content built piece by piece (no markup is read from the data)."""
    article, diff = version.article, version.diff
    source = sanitize_inline(article.source) or "(no source)"
    when = article.published.strftime("%Y-%m-%d %H:%M") if article.published else "no date"
    if number == 0:
        head = Content.assemble(("lead  ", "bold $text-success"), (source, "bold"), f"  {when}")
        title = Content.styled(sanitize_inline(article.title) or "(no title)", "bold")
        return Content("\n").join([head, title])
    lines = [
        Content.assemble(
            (f"{after_text(diff.after_ms) or 'same time':>9}  ", "bold $text-accent"),
            (source, "bold"),
            f"  {when}",
        )
    ]
    pieces: list[Content | tuple[str, str] | str] = []
    for op, words in diff.title:
        text = sanitize_inline(words)
        if op == "=":
            pieces.append(text)
        elif op == "+":
            pieces.append((text, "bold $text-success underline"))
        else:
            pieces.append((text, "$text-error strike"))
        pieces.append(" ")
    lines.append(Content.assemble(*pieces).rstrip() if pieces else Content("(no title)"))
    if not diff.added and not diff.removed:
        lines.append(Content.styled("  the same sentences as the lead", "$text-muted"))
    for sign, sentences, style in (
        ("+", diff.added, "$text-success"),
        ("-", diff.removed, "$text-error"),
    ):
        for sentence in sentences[:_SHOWN_SENTENCES]:
            lines.append(Content.assemble((f"  {sign} ", style), (_clip(sentence), style)))
        if len(sentences) > _SHOWN_SENTENCES:
            more = len(sentences) - _SHOWN_SENTENCES
            lines.append(Content.styled(f"  {sign} … {more} more", "$text-muted"))
    return Content("\n").join(lines)


class ClusterScreen(ModalScreen[None]):
    """The versions of one story; esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "close", "Close", id="cluster.close"),
    ]

    DEFAULT_CSS = """
    ClusterScreen { align: center middle; }
    #cluster-dialog {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    #cluster-versions > Static { margin-bottom: 1; }
    """

    def __init__(self, versions: list[StoryVersion]) -> None:
        super().__init__()
        self._versions = versions

    def compose(self) -> ComposeResult:
        sources = {sanitize_inline(v.article.source).lower() for v in self._versions}
        count = len(self._versions)
        with Vertical(id="cluster-dialog"):
            yield Static(
                Content.styled(
                    f"Story — {count} version{'s' if count != 1 else ''} from "
                    f"{len(sources)} source{'s' if len(sources) != 1 else ''} · esc: close",
                    "bold",
                ),
                markup=False,
            )
            with VerticalScroll(id="cluster-versions"):
                for number, version in enumerate(self._versions):
                    yield Static(version_content(number, version), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
