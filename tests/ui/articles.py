"""A small index written for the reader's tests: six articles whose answers are known."""

from __future__ import annotations

from pathlib import Path

TICKER = '<a href="https://www.reuters.com/markets/companies/{0}" target="_blank">({0})</a>'

ARTICLES: list[dict[str, str]] = [
    {
        "name": "001_a1a1a1a1a1a1a1a1.txt",
        "link": "https://news.example/chips/rally",
        "source": "wire.example",
        "title": "Chipmakers rally as export rules ease",
        "summary": "Shares of chip designers rose after regulators eased export licences.",
        "publishDate": "2024-12-05T14:30:00Z",
        "sentiment": "positive",
        "confidence": "0.93",
        "content": (
            f"Nvidia {TICKER.format('NVDA.O')} and AMD {TICKER.format('AMD.O')} gained after "
            "the new export licences were published.\n"
            'Analysts at <a href="https://news.example/research/note">a research desk</a> '
            "expect orders to pick up.\n"
            "<ul><li>Licences cover data-centre parts</li><li>Consumer parts unchanged</li></ul>"
        ),
    },
    {
        "name": "002_b2b2b2b2b2b2b2b2.txt",
        "link": "https://news.example/cloud/servers",
        "source": "cloud.example",
        "title": "Cloud unit shows new servers built on its own chips",
        "summary": "The cloud unit showed servers packed with its own accelerators.",
        "publishDate": "2024-12-04T09:00:00Z",
        "sentiment": "neutral",
        "confidence": "0.71",
        "content": (
            f"Amazon {TICKER.format('AMZN.O')} showed servers based on Trainium chips.\n"
            "Customers will get access next year, the company said."
        ),
    },
    {
        "name": "003_c3c3c3c3c3c3c3c3.txt",
        "link": "https://news.example/retail/outlook",
        "source": "shop.example",
        "title": "Retailer cuts outlook as holiday demand cools",
        "summary": "A large retailer lowered its forecast for the quarter.",
        "publishDate": "2024-12-03T18:15:00Z",
        "sentiment": "negative",
        "confidence": "0.81",
        "content": (
            f"The retailer, which competes with Amazon {TICKER.format('AMZN.O')}, "
            "cut its outlook.\n<blockquote>Demand cooled in the last two weeks, "
            "the chief executive said.</blockquote>"
        ),
    },
    {
        "name": "004_d4d4d4d4d4d4d4d4.txt",
        "link": "https://news.example/energy/oil",
        "source": "wire.example",
        "title": "Oil steadies after a volatile week",
        "summary": "Crude prices held their ground as traders weighed supply news.",
        "publishDate": "2024-11-20T07:45:00Z",
        "sentiment": "neutral",
        "confidence": "0.55",
        "content": (
            f"Exxon {TICKER.format('XOM.N')} shares were flat.\n"
            "<pre>Brent   73.10\nWTI     69.40</pre>"
        ),
    },
    {
        "name": "005_e5e5e5e5e5e5e5e5.txt",
        "link": "https://news.example/banks/earnings",
        "source": "ledger.example",
        "title": "Bank earnings beat estimates on trading revenue",
        "summary": "Trading desks lifted quarterly profit above forecasts.",
        "publishDate": "2024-10-01T12:00:00Z",
        "sentiment": "Positive",
        "confidence": "",
        "content": (
            f"JPMorgan {TICKER.format('JPM.N')} reported higher trading revenue.\n"
            "<table><tr><th>Desk</th><th>Change</th></tr><tr><td>Rates</td><td>+12%</td></tr></table>"
        ),
    },
    {
        "name": "006_f6f6f6f6f6f6f6f6.txt",
        "link": "http://news.example/brief/markets",
        "source": "brief.example",
        "title": "Markets brief: a quiet session",
        "summary": "",
        "publishDate": "2024-09-01T16:00:00Z",
        "sentiment": "",
        "confidence": "",
        "content": "Stocks ended little changed in thin trading.",
    },
]


def article_text(article: dict[str, str]) -> str:
    fields = [
        f"{key}: {article[key]}"
        for key in ("link", "source", "title", "summary", "publishDate", "sentiment", "confidence")
        if article[key]
    ]
    fields.append("language: en")
    fields.append("images: []")
    return "\n\n".join(fields) + "\n\ncontent: " + article["content"] + "\n"


def write_index(folder: Path) -> Path:
    """Write the six articles into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in ARTICLES:
        (folder / article["name"]).write_text(article_text(article), encoding="utf-8")
    return folder
