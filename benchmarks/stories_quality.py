"""Pairwise precision and recall of story clustering on a labelled benchmark.

Real articles from ``../shared/corpus/reuters21578`` are the originals. Each gets
generated versions of the kinds a reader sees (the positives):

- *republished*: a new title, a dateline and boilerplate around the same body;
- *reordered*: the body's sentences in another order;
- *cut*: a quarter of the sentences left out;
- *updated*: a new paragraph added at the end (an "UPDATE 1" title).

Hard negatives sit on the same days as the originals, so the time window cannot tell
them apart:

- *same title and day*: another real article's body given the original's title,
  source and day (within half an hour of it);
- *same template, other numbers*: real quarterly earnings reports of other companies
  (``... 1ST QTR NET``), which share their wording and differ in names and figures.

Every original and version is published within three days of the others. A pair is
positive when both come from one original; the clusters the cache finds are compared
pair by pair.

Usage: python benchmarks/stories_quality.py [--originals 300] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tickertape.core.clean import html_to_text
from tickertape.core.formats import read_file
from tickertape.core.index import IndexCache

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "reuters21578"
BASE = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
BOILER_HEAD = [
    "NEW YORK (Daily Markets) -",
    "LONDON, March 5 (Market Wire) -",
    "Republished with permission.",
]
BOILER_TAIL = [
    "Reporting by staff; editing by the desk. Copyright 2024 Daily Markets. All rights "
    "reserved. Sign up for our newsletter to get the day's market news in your inbox.",
    "This article was republished from the wire service. Follow us for more market news "
    "and analysis every trading day.",
]
UPDATE = [
    "The company did not respond to a request for comment on Tuesday.",
    "Shares of the company were little changed in afternoon trading.",
    "Analysts said the figures were broadly in line with their expectations, though some "
    "warned that the outlook for the rest of the year remained uncertain.",
]


def _load(path: Path) -> tuple[str, str, list[str]] | None:
    result = read_file(path.read_bytes(), path.name)
    if not result.articles:
        return None
    article = result.articles[0]
    text = html_to_text(article.content) if article.content else ""
    return article.title, text, list(article.tickers)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def _file(title: str, body: str, when: datetime, source: str, link: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p)
    return (
        f"link: {link}\n\nsource: {source}\n\ntitle: {title}\n\n"
        f"publishDate: {when.strftime('%Y-%m-%dT%H:%M:%SZ')}\n\nlanguage: en\n\n"
        f"content: {paragraphs}\n"
    )


def build(out: Path, originals: int, seed: int) -> dict[str, str]:
    """Write the benchmark index into ``out``; returns file name -> story label."""
    rng = random.Random(seed)
    files = sorted(CORPUS.iterdir())
    earnings = [p for p in files if "QTR NET" in p.read_text(errors="replace")[:400]]
    pool = [p for p in files if p not in set(earnings)]
    rng.shuffle(pool)
    labels: dict[str, str] = {}
    seen_titles: set[str] = set()
    chosen: list[tuple[str, str, list[str]]] = []
    for path in pool:
        loaded = _load(path)
        if loaded is None:
            continue
        title, text, _tickers = loaded
        if len(text.split()) < 80 or not title or title in seen_titles:
            continue
        seen_titles.add(title)
        chosen.append(loaded)
        if len(chosen) >= originals * 2:
            break
    stories, others = chosen[:originals], chosen[originals:]
    out.mkdir(parents=True, exist_ok=True)

    def write(name: str, label: str, text: str) -> None:
        (out / name).write_text(text, encoding="utf-8")
        labels[name] = label

    for n, (title, text, _tickers) in enumerate(stories):
        label = f"s{n}"
        when = BASE + timedelta(minutes=rng.randrange(3 * 24 * 60))
        sentences = _sentences(text)
        body = " ".join(sentences)
        write(
            f"{label}_orig.txt",
            label,
            _file(title, body, when, "wire", f"https://wire.example/{n}"),
        )
        kinds = {
            "republished": (
                f"{rng.choice(['Markets:', 'Exclusive:', 'Breaking:'])} {title.title()}",
                f"{rng.choice(BOILER_HEAD)} {body}\n\n{rng.choice(BOILER_TAIL)}",
            ),
            "reordered": (title, " ".join(rng.sample(sentences, len(sentences)))),
            "cut": (
                title,
                " ".join(s for s in sentences if rng.random() > 0.25) or body,
            ),
            "updated": (f"UPDATE 1-{title}", f"{body}\n\n{' '.join(rng.sample(UPDATE, 2))}"),
        }
        for kind, (new_title, new_body) in kinds.items():
            later = when + timedelta(minutes=rng.randrange(5, 36 * 60))
            source = rng.choice(["daily.example", "markets.example", "aggregator.example"])
            write(
                f"{label}_{kind}.txt",
                label,
                _file(new_title, new_body, later, source, f"https://{source}/{kind}/{n}"),
            )
        # Hard negative: the same title, source and day, another story.
        _, other_text, _ = others[n % len(others)]
        write(
            f"{label}_neg_same_day.txt",
            f"n{n}",
            _file(title, other_text, when + timedelta(minutes=30), "wire",
                  f"https://wire.example/other/{n}"),
        )  # fmt: skip
    for n, path in enumerate(earnings[:originals]):
        loaded = _load(path)
        if loaded is None:
            continue
        title, text, _ = loaded
        when = BASE + timedelta(minutes=rng.randrange(3 * 24 * 60))
        write(
            f"e{n}_earnings.txt",
            f"e{n}",
            _file(title, text, when, "wire", f"https://wire.example/e/{n}"),
        )
    return labels


def evaluate(root: Path, labels: dict[str, str], cache_dir: Path) -> dict[str, float]:
    started = time.perf_counter()
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        seconds = time.perf_counter() - started
        db = sqlite3.connect(cache.db_path)
        rels = dict(db.execute("SELECT rowid, rel FROM articles").fetchall())
        cluster = {rels[r]: lead for r, lead in db.execute("SELECT rowid, lead FROM story_members")}
    predicted: dict[object, list[str]] = defaultdict(list)
    for rel in labels:
        predicted[cluster.get(rel, rel)].append(rel)
    truth: dict[str, list[str]] = defaultdict(list)
    for rel, label in labels.items():
        truth[label].append(rel)

    def pairs(groups: Mapping[Any, list[str]]) -> set[tuple[str, str]]:
        return {
            (min(a, b), max(a, b))
            for group in groups.values()
            for a, b in itertools.combinations(group, 2)
        }

    predicted_pairs, true_pairs = pairs(predicted), pairs(truth)
    hit = len(predicted_pairs & true_pairs)
    wrong = sorted(predicted_pairs - true_pairs)
    missed = sorted(true_pairs - predicted_pairs)
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, b in true_pairs:
        kind = b.split("_", 1)[1].removesuffix(".txt") if a.endswith("_orig.txt") else "versions"
        by_kind[kind][1] += 1
        if (a, b) in predicted_pairs:
            by_kind[kind][0] += 1
    for kind, (found, total) in sorted(by_kind.items()):
        print(f"  recall {kind:12} {found}/{total} = {found / total:.3f}")
    for a, b in wrong[:10]:
        print(f"  false positive: {a} ~ {b}")
    for a, b in missed[:10]:
        print(f"  missed: {a} ~ {b}")
    return {
        "articles": len(labels),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(predicted_pairs),
        "precision": hit / len(predicted_pairs) if predicted_pairs else 1.0,
        "recall": hit / len(true_pairs) if true_pairs else 1.0,
        "false_positives": len(wrong),
        "build_seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--originals", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the index here and keep it")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "index"
        labels = build(root, args.originals, args.seed)
        figures = evaluate(root, labels, Path(tmp) / "cache")
    for key, value in figures.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
