"""The header line: the index name on the left, counts and the active query on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


def count_text(shown: int, total: int, filtered: bool) -> str:
    """``2,000 articles`` or, with a filter, ``12 of 2,000 articles``."""
    noun = "article" if total == 1 else "articles"
    if filtered:
        return f"{shown:,} of {total:,} {noun}"
    return f"{total:,} {noun}"


def story_count_text(stories: int, total: int, filtered: bool) -> str:
    """``1,204 stories · 2,000 articles`` or, with a filter, ``12 stories of 2,000 articles``."""
    noun = "story" if stories == 1 else "stories"
    articles = "article" if total == 1 else "articles"
    return f"{stories:,} {noun} {'of' if filtered else '·'} {total:,} {articles}"


class IndexHeader(Horizontal):
    """Index name, article counts, unread and new counts, query and warnings."""

    index_name: reactive[str] = reactive("")
    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    filtered: reactive[bool] = reactive(False)
    query_text: reactive[str] = reactive("")
    unread: reactive[int | None] = reactive(None)
    new: reactive[int] = reactive(0)
    warnings: reactive[int] = reactive(0)
    status: reactive[str] = reactive("")
    unsaved: reactive[int] = reactive(0)
    stories: reactive[bool] = reactive(False)
    """Whether the list shows one row a story (``shown`` counts stories)."""
    unread_only: reactive[bool] = reactive(False)
    """Whether the list hides read articles (``u``)."""

    def compose(self) -> ComposeResult:
        yield Static(id="header-title", markup=False)
        yield Static(id="header-counts", markup=False)

    def _refresh_text(self) -> None:
        if not self.is_mounted:
            return
        title = Content.assemble(
            ("tickertape", "bold $text-accent"), "  ", (self.index_name, "bold")
        )
        if self.query_text:
            title = Content.assemble(
                title, ("  /", "$text-muted"), (self.query_text, "$text-warning")
            )
        self.query_one("#header-title", Static).update(title)
        parts: list[Content] = []
        if self.status:
            parts.append(Content.styled(self.status, "$text-accent"))
        counted = story_count_text if self.stories else count_text
        parts.append(Content.styled(counted(self.shown, self.total, self.filtered), "bold"))
        if self.unread_only:
            parts.append(Content.styled("unread only", "bold $text-warning"))
        if self.unread is not None:
            parts.append(Content(f"{self.unread:,} unread"))
        if self.new:
            parts.append(Content.styled(f"{self.new:,} new", "$text-success"))
        if self.unsaved:
            parts.append(Content.styled(f"{self.unsaved:,} unsaved", "bold $text-error"))
        if self.warnings:
            noun = "warning" if self.warnings == 1 else "warnings"
            parts.append(Content.styled(f"{self.warnings:,} {noun}", "$text-warning"))
        self.query_one("#header-counts", Static).update(Content(" · ").join(parts))

    def on_mount(self) -> None:
        for name in (
            "index_name", "shown", "total", "filtered", "query_text",
            "unread", "new", "warnings", "status", "unsaved", "stories", "unread_only",
        ):  # fmt: skip
            self.watch(self, name, self._refresh_text, init=False)
        self._refresh_text()
