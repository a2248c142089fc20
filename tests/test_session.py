"""The reader session without a terminal: what the reader shows for a query, sort and flags."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.articles import write_index
from tickertape.core.index import RefreshProgress, RefreshStats
from tickertape.core.query import QueryError
from tickertape.session import ReaderSession, SearchResult

NEWEST = "Chipmakers rally as export rules ease"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[ReaderSession]:
    reader = _open(tmp_path)
    yield reader
    reader.close()


def _open(tmp_path: Path) -> ReaderSession:
    root = tmp_path / "index"
    if not root.exists():
        write_index(root)
    reader = ReaderSession(root, cache_dir=tmp_path / "cache", state_dir=tmp_path / "state")
    opened = reader.open()
    if not opened.built:
        reader.refresh(lambda step: None)
    reader.restore()
    return reader


def _raise(error: Exception) -> None:
    raise error


def titles(session: ReaderSession) -> list[str]:
    return [row.title for row in session.rows(session.search().rowids)]


def test_a_first_open_builds_and_lists_every_article_newest_first(
    session: ReaderSession,
) -> None:
    result = session.search()
    assert result.total == 6
    assert len(result.rowids) == 6
    assert titles(session)[0] == NEWEST


def test_a_query_narrows_the_list_and_names_its_words(session: ReaderSession) -> None:
    session.set_query("  licences ")
    result = session.search()
    assert session.query_text == "licences"
    assert [row.title for row in session.rows(result.rowids)] == [NEWEST]
    assert result.terms == ("licences",)


def test_a_bad_query_raises_and_keeps_the_previous_one(session: ReaderSession) -> None:
    session.set_query("ticker:AMZN")
    with pytest.raises(QueryError):
        session.set_query('"unclosed')
    assert session.query_text == "ticker:AMZN"
    assert len(session.search().rowids) == 2


def test_the_newest_search_request_wins(session: ReaderSession) -> None:
    session.set_query("ticker:AMZN")
    first, start = session.request_search()
    assert start
    session.set_query("licences")
    newest, start_again = session.request_search()
    assert not start_again  # one server takes both; the older request is dropped
    results: list[SearchResult] = []
    session.serve_searches(results.append, _raise)
    assert {r.generation for r in results} == {newest}
    assert results[-1].total >= 0  # a text search's first page comes first, then the whole
    assert session.is_current(newest)
    assert not session.is_current(first)
    assert session.request_search()[1]  # the server has stopped: the next request starts one


def test_the_first_screen_is_sent_ahead_of_the_whole_result(session: ReaderSession) -> None:
    session.request_search(first_screen=True)
    results: list[SearchResult] = []
    session.serve_searches(results.append, _raise)
    assert [r.total for r in results] == [-1, 6]


def test_unread_only_hides_what_was_read_and_the_count_follows(session: ReaderSession) -> None:
    first = session.rows(session.search().rowids)[0]
    assert session.unread() == 6
    assert session.mark_read(first.id)
    assert not session.mark_read(first.id)  # already read: nothing changes
    assert session.unread() == 5
    assert session.toggle_unread_only()
    assert session.effective_query() == "is:unread"
    assert NEWEST not in titles(session)
    assert session.toggle_read(first.id) is False
    assert len(session.search().rowids) == 6


def test_starring_shows_in_the_flags_and_in_a_query(session: ReaderSession) -> None:
    first = session.rows(session.search().rowids)[0]
    assert session.toggle_star(first.id) is True
    assert session.flags([first.id]) == {first.id: (False, True)}
    session.set_query("is:starred")
    assert titles(session) == [NEWEST]


def test_the_sort_is_kept_for_the_next_session(tmp_path: Path) -> None:
    reader = _open(tmp_path)
    reader.set_sort(reader.next_sort())
    reader.toggle_reverse()
    reader.close()
    again = _open(tmp_path)
    try:
        assert (again.sort_key, again.reverse) == ("title", True)
        assert titles(again)[0].startswith("Retailer")
    finally:
        again.close()


def test_a_saved_view_sits_on_the_first_number_key(session: ReaderSession) -> None:
    session.set_query("sentiment:neutral")
    view = session.save_view("calm")
    assert view is not None
    assert view.slot == 1
    assert session.view_on(1) == view
    assert session.view_on(2) is None


def test_facets_count_the_current_result(session: ReaderSession) -> None:
    session.set_query("ticker:AMZN")
    facets = session.facets()
    assert facets is not None
    assert facets.total == 2
    assert ("AMZN.O", 2) in facets.tickers


def test_counts_bring_ticker_figures_and_articles_new_since_the_last_run(
    tmp_path: Path,
) -> None:
    from tests.ui.articles import ARTICLES, article_text

    first = _open(tmp_path)
    counts = first.counts()
    assert counts.new is None  # the first run: nothing is new
    assert counts.ticker_stats["AMZN.O"][0] == 2
    first.close()
    article = dict(ARTICLES[0], title="A fresh story", publishDate="2024-12-06T08:00:00Z")
    (tmp_path / "index" / "008_0000000000000008.txt").write_text(article_text(article))
    again = _open(tmp_path)
    try:
        again.refresh(lambda step: None)
        new = again.counts().new
        assert new is not None
        assert [row.title for row in again.rows(sorted(new))] == ["A fresh story"]
    finally:
        again.close()


def test_a_first_build_relists_as_batches_arrive_and_a_warm_refresh_only_on_change(
    session: ReaderSession,
) -> None:
    session.was_built = True
    reading = RefreshProgress("reading", 2, 6, 0, 0, 0)
    assert session.relist_on(reading, now=100.0)  # a new phase
    assert not session.relist_on(reading, now=101.0)  # built, and nothing changed
    assert session.relist_on(RefreshProgress("reading", 3, 6, 1, 0, 0), now=102.0)
    session.was_built = False
    assert not session.relist_on(reading, now=102.2)  # at most every half second
    assert session.relist_on(reading, now=103.0)
    session.was_built = False
    stats = RefreshStats(6, 0, 0, 0, 0, 0.1)
    assert session.refreshed(stats)  # the first build's end selects again
    assert not session.refreshed(stats)


def test_before_opening_there_is_nothing_to_show(tmp_path: Path) -> None:
    reader = ReaderSession(tmp_path / "index")
    assert reader.search().rowids == ()
    assert reader.rows([1]) == []
    assert reader.flags(["x"]) == {}
    assert reader.toggle_star("x") is None
    assert reader.facets() is None


def test_flag_writes_run_in_order_off_the_callers_thread_and_close_waits(
    session: ReaderSession,
) -> None:
    import threading

    first = session.rows(session.search().rowids)[0]
    seen: list[tuple[bool | None, str]] = []

    def done(value: bool | None) -> None:
        seen.append((value, threading.current_thread().name))

    for _ in range(3):
        session.write_later(lambda: session.toggle_star(first.id), done, _raise)
    session.close()  # waits for the three writes
    assert [value for value, _ in seen] == [True, False, True]
    assert all(name.startswith("flags") for _, name in seen)


def test_a_text_search_sends_its_first_page_before_counting(session: ReaderSession) -> None:
    session.set_query("licences")
    session.request_search()
    results: list[SearchResult] = []
    session.serve_searches(results.append, _raise)
    head, whole = results
    assert head.total == -1  # painted before the matches are counted
    assert list(head.rowids) == list(whole.rowids)[: len(head.rowids)]
    assert whole.total >= 0


def test_typing_on_after_the_first_page_skips_counting_the_old_query(
    session: ReaderSession,
) -> None:
    session.set_query("licences")
    session.request_search()
    results: list[SearchResult] = []

    def emit(result: SearchResult) -> None:
        results.append(result)
        if len(results) == 1:  # the user types on as the first page is painted
            session.set_query("ticker:AMZN")
            session.request_search()

    session.serve_searches(emit, _raise)
    assert results[0].total == -1
    assert {r.generation for r in results[1:]} == {session.generation}
    assert len(results) == 2  # the old query's whole result was never computed
