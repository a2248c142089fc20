"""Story clusters: near-duplicates found at index time, kept right as files come and go."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tickertape.core import stories
from tickertape.core.index import IndexCache
from tickertape.core.query import compile_query, parse

from .test_index import article_text, write

STORY = (
    "Acme Corp agreed to buy Widget Works for 4.2 billion dollars in cash, the companies "
    "said on Monday, in a deal that creates the largest maker of industrial widgets in "
    "Europe. Acme will pay 31 dollars a share, a premium of 24 percent over Friday's "
    "close. The boards of both companies approved the deal, which is expected to close "
    "in the third quarter subject to regulatory approval. Acme chief executive Jane Roe "
    "said the combination would save 300 million dollars a year by 2027."
)
OTHER = (
    "Shares of Globex fell sharply after the retailer cut its annual forecast, blaming "
    "weak demand in China and higher shipping costs. Globex now expects sales to grow "
    "between 2 and 3 percent this year, down from an earlier range of 5 to 6 percent. "
    "Analysts said the warning was the third in a row from large retailers this month."
)


def _article(
    title: str, body: str, *, when: str = "2024-05-01T10:00:00Z", link: str = "", source: str = "a"
) -> str:
    return article_text(
        title, published=when, content=f"<p>{body}</p>", link=link or f"https://{source}.example/"
        f"{abs(hash((title, body, when))) % 10**9}", source=source,
    )  # fmt: skip


def _clusters(cache: IndexCache) -> list[list[str]]:
    """Every cluster as the titles of its versions, the lead first."""
    db = sqlite3.connect(cache.db_path)
    leads = [r for (r,) in db.execute("SELECT DISTINCT lead FROM story_members ORDER BY lead")]
    out = []
    for lead in leads:
        out.append(
            [
                db.execute("SELECT title FROM details WHERE rowid = ?", (r,)).fetchone()[0]
                for r in cache.cluster(lead)
            ]
        )
    return sorted(out)


@pytest.fixture
def index(tmp_path: Path) -> Path:
    root = tmp_path / "index"
    write(root, "a.txt", _article("Acme to buy Widget Works", STORY, source="wire"))
    rewrite = "Published by the Daily Example. " + STORY + " Subscribe for more news."
    write(
        root,
        "b.txt",
        _article("Acme buys Widget Works in $4.2 bln deal", rewrite, when="2024-05-01T10:12:00Z",
                 source="daily"),
    )  # fmt: skip
    write(root, "c.txt", _article("Globex cuts forecast", OTHER, source="wire"))
    return root


def test_a_rewrite_joins_the_story_and_the_earliest_version_leads(index: Path) -> None:
    with IndexCache.open(index, cache_dir=index.parent / "cache") as cache:
        cache.refresh()
        assert _clusters(cache) == [
            ["Acme to buy Widget Works", "Acme buys Widget Works in $4.2 bln deal"]
        ]
        assert cache.story_stats().stories == 2


def test_the_same_story_outside_the_time_window_stays_apart(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(index, "d.txt", _article("Acme to buy Widget Works", STORY, when="2024-06-01T10:00:00Z"))
    monkeypatch.setenv(stories.WINDOW_ENV, "7")
    # The same text is a duplicate whatever the dates; an edited one a month later is not.
    write(
        index,
        "e.txt",
        _article("Acme recap", STORY.replace("Monday", "Tuesday") + " More later.",
                 when="2024-07-01T10:00:00Z"),
    )  # fmt: skip
    with IndexCache.open(index, cache_dir=index.parent / "cache") as cache:
        cache.refresh()
        (cluster,) = _clusters(cache)
        assert "Acme recap" not in cluster
        assert len(cluster) == 3  # a, b, and d (the same text)


def test_the_same_link_is_the_same_story(tmp_path: Path) -> None:
    root = tmp_path / "index"
    write(root, "a.txt", _article("One", STORY, link="https://x.example/1"))
    write(root, "b.txt", _article("Two", OTHER, link="https://x.example/1"))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        assert len(_clusters(cache)) == 1


def test_a_template_with_other_numbers_is_another_story(tmp_path: Path) -> None:
    root = tmp_path / "index"
    template = (
        "{co} reported third quarter net income of {a} million dollars, or {b} cents a "
        "share, compared with {c} million dollars a year earlier. Revenue rose to {d} "
        "million dollars. The company said it expects full year earnings in line with "
        "analyst forecasts and will pay a quarterly dividend."
    )
    write(
        root, "a.txt", _article("Acme results", template.format(co="Acme", a=12, b=34, c=10, d=560))
    )
    write(
        root,
        "b.txt",
        _article("Globex results", template.format(co="Globex", a=48, b=91, c=51, d=1210)),
    )
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        assert _clusters(cache) == []


def test_refresh_updates_only_the_stories_involved(index: Path) -> None:
    with IndexCache.open(index, cache_dir=index.parent / "cache") as cache:
        cache.refresh()
        # A third version arrives; the lead leaves: the next earliest leads.
        write(
            index,
            "z.txt",
            _article("Acme deal update", STORY + " Shares of Acme rose 3 percent.",
                     when="2024-05-01T11:00:00Z", source="late"),
        )  # fmt: skip
        cache.refresh()
        assert len(_clusters(cache)[0]) == 3
        (index / "a.txt").unlink()
        cache.refresh()
        assert _clusters(cache) == [["Acme buys Widget Works in $4.2 bln deal", "Acme deal update"]]
        (index / "z.txt").unlink()
        cache.refresh()
        assert _clusters(cache) == []  # one version left is no cluster


def test_is_lead_and_dupes_select_stories(index: Path) -> None:
    with IndexCache.open(index, cache_dir=index.parent / "cache") as cache:
        cache.refresh()

        def titles(query: str) -> set[str]:
            rowids = cache.select(compile_query(parse(query)))
            return {row.title for row in cache.rows(list(rowids))}

        assert titles("is:lead") == {"Acme to buy Widget Works", "Globex cuts forecast"}
        assert titles("dupes:2") == {
            "Acme to buy Widget Works", "Acme buys Widget Works in $4.2 bln deal"
        }  # fmt: skip
        assert len(titles("dupes:1")) == 3
        all_rows = cache.select()
        assert len(cache.collapse(all_rows)) == 2


def test_signatures_are_small_and_similarity_estimates_overlap() -> None:
    sig = stories.signature("title", STORY)
    assert sig is not None
    assert len(sig) == 64
    assert stories.similarity(sig, sig) == 1.0
    other = stories.signature("other", OTHER)
    assert other is not None
    assert stories.similarity(sig, other) < 0.2
    assert stories.signature("", "") is None
