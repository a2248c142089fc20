"""Generate a deterministic, realistic article corpus for the benchmarks.

Usage::

    python benchmarks/generate_corpus.py --count 100000 --seed 1 OUT_DIR

Files are in the real article format (``PRODUCT.md`` 1.1), named
``NNNNNN_<16 hex>.txt`` and spread over subfolders of 1,000 files. The same count
and seed always give the same bytes, so benchmark runs on different days compare.
All words come from the vocabulary below (written for this project, no third-party
text); sizes, dates, sources, sentiments and ticker links are drawn to look like a
scraped financial news index: bodies of 1 to 8 KB, dates over two years, about 40
sources, 0 to 5 ticker links from a pool of about 300 codes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

FILES_PER_FOLDER = 1000
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 2 * 365 * 24 * 3600

SOURCES = [
    "www.reuters.com",
    "www.bloomberg.com",
    "www.ft.com",
    "www.wsj.com",
    "www.cnbc.com",
    "www.marketwatch.com",
    "finance.yahoo.com",
    "www.barrons.com",
    "www.economist.com",
    "www.bbc.co.uk",
    "www.theguardian.com",
    "www.nytimes.com",
    "www.forbes.com",
    "www.businessinsider.com",
    "www.investopedia.com",
    "seekingalpha.com",
    "www.fool.com",
    "www.zacks.com",
    "www.benzinga.com",
    "www.thestreet.com",
    "apnews.com",
    "www.axios.com",
    "www.politico.com",
    "techcrunch.com",
    "www.theverge.com",
    "arstechnica.com",
    "www.handelsblatt.com",
    "www.lesechos.fr",
    "www.expansion.com",
    "www.nikkei.com",
    "www.scmp.com",
    "www.livemint.com",
    "www.theglobeandmail.com",
    "www.afr.com",
    "www.morningstar.com",
    "www.kiplinger.com",
    "www.fxstreet.com",
    "www.coindesk.com",
    "www.investing.com",
    "www.finextra.com",
]
SECTIONS = ["markets", "business", "technology", "world", "finance", "companies", "economy"]

# Real-looking listings first (so typical benchmark queries hit), then generated
# codes to fill the pool to about 300.
_NAMED = [
    ("Nvidia", "NVDA.O"),
    ("Apple", "AAPL.O"),
    ("Amazon.com", "AMZN.O"),
    ("Microsoft", "MSFT.O"),
    ("Alphabet", "GOOGL.O"),
    ("Meta Platforms", "META.O"),
    ("Tesla", "TSLA.O"),
    ("Intel", "INTC.O"),
    ("AMD", "AMD.O"),
    ("Netflix", "NFLX.O"),
    ("JPMorgan Chase", "JPM.N"),
    ("Goldman Sachs", "GS.N"),
    ("Morgan Stanley", "MS.N"),
    ("Bank of America", "BAC.N"),
    ("Citigroup", "C.N"),
    ("Exxon Mobil", "XOM.N"),
    ("Chevron", "CVX.N"),
    ("Boeing", "BA.N"),
    ("Walmart", "WMT.N"),
    ("Disney", "DIS.N"),
    ("Pfizer", "PFE.N"),
    ("Johnson & Johnson", "JNJ.N"),
    ("Ford", "F.N"),
    ("General Motors", "GM.N"),
    ("HSBC", "HSBA.L"),
    ("BP", "BP.L"),
    ("Shell", "SHEL.L"),
    ("Siemens", "SIEGn.DE"),
    ("Volkswagen", "VOWG_p.DE"),
    ("SAP", "SAPG.DE"),
    ("Toyota", "7203.T"),
    ("Sony", "6758.T"),
    ("TSMC", "2330.TW"),
    ("Samsung", "005930.KS"),
    ("LVMH", "LVMH.PA"),
    ("ASML", "ASML.AS"),
    ("Nestle", "NESN.S"),
    ("Alibaba", "BABA.N"),
]
_SUFFIXES = [".O", ".N", ".N", ".O", ".L", ".DE", ".PA", ".T", ".AS", ".TO"]

ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "br",
    "cr",
    "dr",
    "gr",
    "pl",
    "pr",
    "st",
    "tr",
    "ch",
    "sh",
    "th",
    "qu",
    "w",
    "z",
    "fl",
]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
CODAS = ["", "", "n", "r", "s", "t", "l", "x", "nd", "rk", "st", "m", "ng", "ct"]

# The vocabulary of a financial newswire, written for this generator.
COMMON = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "that",
    "is",
    "was",
    "were",
    "will",
    "said",
    "says",
    "company",
    "shares",
    "market",
    "markets",
    "investors",
    "analysts",
    "quarter",
    "year",
    "percent",
    "billion",
    "million",
    "revenue",
    "profit",
    "earnings",
    "growth",
    "sales",
    "rate",
    "rates",
    "bank",
    "banks",
    "central",
    "inflation",
    "demand",
    "supply",
    "prices",
    "price",
    "stock",
    "stocks",
    "bond",
    "bonds",
    "yields",
    "dollar",
    "euro",
    "yen",
    "oil",
    "gas",
    "chips",
    "chip",
    "data",
    "cloud",
    "servers",
    "artificial",
    "intelligence",
    "model",
    "models",
    "deal",
    "deals",
    "merger",
    "acquisition",
    "regulators",
    "court",
    "ruling",
    "government",
    "policy",
    "tariffs",
    "trade",
    "exports",
    "imports",
    "outlook",
    "forecast",
    "guidance",
    "results",
    "record",
    "higher",
    "lower",
    "rose",
    "fell",
    "jumped",
    "slipped",
    "gained",
    "dropped",
    "climbed",
    "slumped",
    "steady",
    "cautious",
    "strong",
    "weak",
    "expected",
    "unexpected",
    "surprise",
    "executive",
    "chief",
    "officer",
    "spokesperson",
    "statement",
    "reported",
    "according",
    "people",
    "familiar",
    "matter",
    "plans",
    "plan",
    "launch",
    "launched",
    "new",
    "first",
    "last",
    "week",
    "month",
    "today",
    "tuesday",
    "monday",
    "wednesday",
    "thursday",
    "friday",
    "early",
    "later",
    "customers",
    "consumers",
    "retail",
    "factory",
    "output",
    "jobs",
    "payrolls",
    "unemployment",
    "wages",
    "energy",
    "battery",
    "electric",
    "vehicles",
    "cars",
    "production",
    "capacity",
    "investment",
    "fund",
    "funds",
    "capital",
    "equity",
    "debt",
    "credit",
    "loans",
    "lending",
    "mortgage",
    "housing",
    "sector",
    "industry",
    "global",
    "china",
    "europe",
    "united",
    "states",
    "japan",
    "britain",
    "germany",
    "india",
    "brazil",
    "emerging",
    "economy",
    "economies",
    "recession",
    "recovery",
    "slowdown",
    "expansion",
    "shareholders",
    "dividend",
    "buyback",
    "valuation",
    "index",
    "benchmark",
    "futures",
    "commodity",
    "commodities",
    "gold",
    "copper",
    "wheat",
    "shipping",
    "airline",
    "airlines",
    "travel",
    "software",
    "hardware",
    "semiconductor",
    "semiconductors",
    "smartphone",
    "devices",
    "platform",
    "users",
    "subscribers",
    "advertising",
    "streaming",
    "security",
    "cyber",
    "attack",
    "outage",
    "lawsuit",
    "settlement",
    "fine",
    "probe",
    "antitrust",
    "approval",
    "approved",
    "rejected",
    "vote",
    "board",
    "directors",
    "union",
    "strike",
    "workers",
    "layoffs",
    "hiring",
    "costs",
    "margins",
    "cash",
    "flow",
    "balance",
    "sheet",
    "trading",
    "volume",
    "volatility",
    "risk",
    "risks",
    "hedge",
    "currency",
]


def _ticker_pool(rng: random.Random) -> list[tuple[str, str]]:
    """About 300 (company, code) pairs: the named ones plus made-up listings."""
    pool = list(_NAMED)
    seen = {code for _, code in pool}
    while len(pool) < 300:
        letters = "".join(
            rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(2, 4))
        )
        code = letters + rng.choice(_SUFFIXES)
        if code in seen:
            continue
        seen.add(code)
        name = (
            _word(rng).capitalize()
            + " "
            + rng.choice(
                ["Holdings", "Group", "Corp", "Industries", "Systems", "Energy", "Bank", "Motors"]
            )
        )
        pool.append((name, code))
    return pool


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
        for _ in range(rng.randint(1, 3))
    )


def _vocabulary(rng: random.Random) -> list[str]:
    """Common newswire words, weighted heavily, plus a long tail of made-up words."""
    tail = sorted({_word(rng) for _ in range(6000)})
    return COMMON * 20 + tail


class Generator:
    """Draws one article at a time from a seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = _ticker_pool(self.rng)
        self.vocab = _vocabulary(self.rng)

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, k=n)

    def sentence(self, lo: int = 8, hi: int = 24) -> str:
        ws = self.words(self.rng.randint(lo, hi))
        return " ".join(ws).capitalize() + "."

    def ticker_link(self, company: str, code: str) -> str:
        return (
            f'{company} <a href="https://www.reuters.com/markets/companies/{code}" '
            f'target="_blank">({code})</a>'
        )

    def body(self, tickers: list[tuple[str, str]], target: int) -> str:
        """HTML paragraphs (a few lists and tables) of about ``target`` bytes."""
        rng = self.rng
        parts: list[str] = []
        size = 0
        pending = list(tickers)
        while size < target:
            roll = rng.random()
            if roll < 0.04:
                items = "".join(
                    f"<li>{self.sentence(4, 10)}</li>" for _ in range(rng.randint(2, 5))
                )
                chunk = f"<ul>{items}</ul>"
            elif roll < 0.06:
                rows = "".join(
                    f"<tr><td>{' '.join(self.words(2)).title()}</td>"
                    f"<td>{rng.uniform(-20, 20):.2f}%</td><td>{rng.randint(1, 999)}</td></tr>"
                    for _ in range(rng.randint(2, 6))
                )
                chunk = f"<table><tr><th>Item</th><th>Change</th><th>Value</th></tr>{rows}</table>"
            else:
                sentences = [self.sentence() for _ in range(rng.randint(2, 6))]
                if pending and rng.random() < 0.6:
                    company, code = pending.pop(0)
                    i = rng.randrange(len(sentences))
                    sentences[i] = (
                        sentences[i][:-1] + ", " + self.ticker_link(company, code) + " said."
                    )
                chunk = " ".join(sentences)
                if rng.random() < 0.5:
                    chunk = f"<p>{chunk}</p>"
            parts.append(chunk)
            size += len(chunk) + 1
        for company, code in pending:
            parts.append(f"<p>Shares of {self.ticker_link(company, code)} were little changed.</p>")
        return "\n".join(parts)

    def article(self, number: int) -> tuple[str, bytes]:
        """The file name and bytes of article ``number``."""
        rng = self.rng
        source = rng.choice(SOURCES)
        when = START + timedelta(
            seconds=rng.randrange(SPAN_SECONDS), milliseconds=rng.randrange(1000)
        )
        title_words = self.words(rng.randint(6, 14))
        title = " ".join(title_words).capitalize()
        slug = "-".join(title_words[:8])
        link = f"https://{source}/{rng.choice(SECTIONS)}/{slug}-{when:%Y-%m-%d}/"
        hex_id = hashlib.sha1(f"{link}#{number}".encode()).hexdigest()[:16]
        tickers = rng.sample(self.pool, rng.choices(range(6), weights=[20, 30, 22, 14, 9, 5])[0])
        lines = [f"link: {link}", f"source: {source}", f"title: {title}"]
        lines.append(f"summary: {' '.join(self.sentence() for _ in range(rng.randint(1, 3)))}")
        lines.append(f"publishDate: {when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z")
        lines.append(
            "language: " + rng.choices(["en", "de", "fr", "es", "ja"], [90, 3, 3, 3, 1])[0]
        )
        roll = rng.random()
        if roll < 0.9:
            sentiment = rng.choices(["positive", "neutral", "negative"], [35, 40, 25])[0]
        elif roll < 0.95:
            sentiment = rng.choice(["mixed", "Bullish", "somewhat-bearish"])
        else:
            sentiment = None
        if sentiment is not None:
            lines.append(f"sentiment: {sentiment}")
            if rng.random() < 0.97:
                lines.append(f"confidence: {rng.betavariate(5, 1.2)!r}")
        if rng.random() < 0.6:
            images = [f"https://img.example.com/{hex_id}/{i}.jpg" for i in range(rng.randint(1, 3))]
            lines.append(f"images: {images!r}")
        target = int(rng.triangular(1000, 8000, 3500))
        lines.append("content: " + self.body(tickers, target))
        name = f"{number:06d}_{hex_id}.txt"
        return name, ("\n\n".join(lines) + "\n\n").encode("utf-8")


def generate(out_dir: Path, count: int, seed: int, *, flat: bool = False) -> None:
    """Write ``count`` articles under ``out_dir`` (created if missing): in subfolders
    of 1,000, or with ``flat`` all in ``out_dir`` itself (the other shape an index
    takes: one folder of every file, which a scan lists in one go)."""
    gen = Generator(seed)
    folder: Path | None = None
    for number in range(count):
        if flat and folder is None:
            folder = out_dir
            folder.mkdir(parents=True, exist_ok=True)
        elif not flat and number % FILES_PER_FOLDER == 0:
            folder = out_dir / f"{number // FILES_PER_FOLDER:04d}"
            folder.mkdir(parents=True, exist_ok=True)
        assert folder is not None
        name, data = gen.article(number)
        (folder / name).write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    parser.add_argument(
        "--flat", action="store_true", help="every file in OUT_DIR itself, no subfolders"
    )
    parser.add_argument("out_dir", type=Path, help="folder to write (created if missing)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out_dir, args.count, args.seed, flat=args.flat)
    print(f"{args.count} articles in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
