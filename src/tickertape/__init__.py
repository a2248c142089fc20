"""tickertape: a terminal reader for news-article indexes."""

from __future__ import annotations

__version__ = "0.1.0"
