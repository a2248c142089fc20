"""End to end: from an article to its ticker's desk and into one of its articles, in a
real terminal (the private tmux server of test_tmux)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, env, terminal  # noqa: F401 (fixtures)
from tests.ui.articles import write_index

pytestmark = pytest.mark.e2e


def test_t_opens_the_ticker_desk_from_an_article_and_enter_reads_one_of_its_articles(
    terminal: Terminal,  # noqa: F811
    tmp_path: Path,
) -> None:
    index = write_index(tmp_path / "index")
    terminal.start(str(index))
    terminal.wait_for(lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list to load")
    terminal.wait_for(lambda s: "export licences" in s, "the first article")
    terminal.keys("j")  # the cloud article: AMZN.O alone
    terminal.wait_for(lambda s: "Trainium" in s, "the cloud article")
    terminal.keys("enter")  # read it, then ask for its ticker's desk from the article
    terminal.keys("T")
    screen = terminal.wait_for(lambda s: "AMZN.O" in s and "2 articles" in s, "the desk")
    assert "per week" in screen
    assert "shop.example" in screen  # counts by source
    terminal.keys("j", "enter")  # the older of its two articles
    screen = terminal.wait_for(
        lambda s: "A large retailer lowered its forecast" in s, "the desk's article"
    )
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "2 articles" in s and "per week" in s, "back on the desk")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "6 articles" in s, "back in the reader")
    terminal.keys("q")
    assert terminal.wait_exit()
