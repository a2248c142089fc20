"""The user's key map file rebinds keys by binding id; a bad file leaves the defaults."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.keymap import KEYMAP_FILE, load_keymap

AppFactory = Callable[..., TickertapeApp]


def write_keymap(text: str) -> Path:
    path = Path(os.environ["TICKERTAPE_CONFIG_DIR"]) / KEYMAP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def star_with(pilot: Pilot[Any], app: TickertapeApp, key: str) -> None:
    """Press ``key`` on the selected article and wait until it is starred."""
    state = app.session.state
    assert state is not None
    article = app.reader.current_article
    assert article is not None
    await pilot.press(key)
    await wait_until(pilot, lambda: state.is_starred(article.id))


async def test_a_key_map_file_rebinds_star_to_another_key(
    make_app: AppFactory, index: Path
) -> None:
    write_keymap('[keys]\n"app.star" = "f"\n')
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await star_with(pilot, app, "f")
        titles = {command.help for command in app.get_system_commands(app.screen)}
        assert "Star (key: f)" in titles


async def test_a_broken_key_map_is_reported_and_the_defaults_work(
    make_app: AppFactory, index: Path
) -> None:
    write_keymap("[keys\n")
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: any("could not be read" in str(n.message) for n in app._notifications)
        )
        await wait_loaded(pilot, app)
        await star_with(pilot, app, "asterisk")


def test_unknown_ids_and_empty_keys_are_reported_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / KEYMAP_FILE
    path.write_text('[keys]\n"app.star" = "f"\n"app.nope" = "x"\n"app.sort" = 3\n')
    loaded = load_keymap(path, {"app.star", "app.sort"})
    assert loaded.keys == {"app.star": "f"}
    assert len(loaded.problems) == 2
    assert "'app.nope'" in loaded.problems[0]
    assert "'app.sort' no key" in loaded.problems[1]


def test_no_key_map_file_is_no_problem(tmp_path: Path) -> None:
    loaded = load_keymap(tmp_path / KEYMAP_FILE, {"app.star"})
    assert loaded.keys == {}
    assert loaded.problems == []
