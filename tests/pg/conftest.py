"""A PostgreSQL server for the engine's tests, and a fresh database for each test.

CI (``.ci/run``) starts a throwaway cluster and sets ``TICKERTAPE_TEST_POSTGRES_URL``.
Elsewhere, a cluster is started the same way (``.ci/postgres``) when the server's
programs are installed; otherwise every test here skips with one line saying why.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import REPO

URL_ENV = "TICKERTAPE_TEST_POSTGRES_URL"


def _have_server_programs() -> bool:
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return True
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a server's maintenance database (``postgres``)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")
    url = os.environ.get(URL_ENV)
    if url:
        yield url
        return
    if not _have_server_programs():
        pytest.skip(f"no PostgreSQL found: set {URL_ENV} or install the server (initdb)")
    script = REPO / ".ci" / "postgres"
    started = subprocess.run(
        ["bash", str(script), "start"], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        pytest.skip(f"no PostgreSQL found: a test server would not start ({started.stderr[-200:]})")
    folder, url = started.stdout.strip().splitlines()[-2:]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(script), "stop", folder], check=False)


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextlib.contextmanager
def new_database(server: str) -> Iterator[str]:
    """A new, empty database on ``server``, dropped at the end."""
    import psycopg

    name = "tt_" + secrets.token_hex(6)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield database_url(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database, dropped after the test."""
    with new_database(pg_server) as url:
        yield url
