"""Precision and recall of ticker detection on real article files, labelled by hand.

Usage::

    python benchmarks/ticker_accuracy.py [--corpus ../shared/corpus] [--show-misses]
    python benchmarks/ticker_accuracy.py --candidates fin_html/00001_13518c0e25b54981.txt

The labels (``benchmarks/data/ticker_labels.tsv``) name each file by its corpus and
id and list the tickers a careful reader finds in it: ``forms`` holds symbols
written in a ticker form (links, ``(AMZN.O)``, ``$NVDA``, ``NYSE: GS``, ``<TXN>``,
``( DKS )``), ``names`` the companies of the bundled list named in words. Codes are
compared without their exchange suffix; ``A|B`` accepts either code of one company.
The files themselves are read from the corpus folders and never copied.
``--candidates`` prints every place a ticker might be, with context, for labelling.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs

from tickertape.core.article import Article
from tickertape.core.companies import company_catalog
from tickertape.core.formats import read_file
from tickertape.core.tickers import find_ticker_matches, ticker_base

HERE = Path(__file__).parent
LABELS = HERE / "data" / "ticker_labels.tsv"
SAMPLE = HERE.parent / "src" / "tickertape" / "sample" / "articles"


@dataclass(slots=True)
class Label:
    corpus: str
    file_id: str
    forms: list[frozenset[str]]
    names: list[frozenset[str]]


def parse_codes(field: str) -> list[frozenset[str]]:
    return [] if field == "-" else [frozenset(item.split("|")) for item in field.split()]


def load_labels(path: Path) -> list[Label]:
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        corpus, file_id, forms, names = line.split("\t")[:4]
        labels.append(Label(corpus, file_id, parse_codes(forms), parse_codes(names)))
    return labels


def find_file(corpus_dir: Path, corpus: str, file_id: str) -> Path | None:
    folder = SAMPLE if corpus == "sample" else corpus_dir / corpus
    matches = sorted(folder.glob(f"*{file_id}*.txt"))
    return matches[0] if matches else None


def read_article(path: Path) -> Article | None:
    result = read_file(path.read_bytes(), path.name)
    return result.articles[0] if result.articles else None


def detect(article: Article) -> set[str]:
    matches = find_ticker_matches(article.content, title=article.title, summary=article.summary)
    return {ticker_base(match.code) for match in matches}


def print_candidates(path: Path) -> None:
    """Every place a ticker might be: what the detector finds and what it may miss."""
    article = read_article(path)
    if article is None:
        return
    text = f"{article.title}\n{article.summary}\n{article.content}"
    plain = re.sub(r"<[^>]*>", " ", text)
    print(f"== {path.parent.name} {path.stem.partition('_')[2]}  found={sorted(detect(article))}")
    aliases = list(company_catalog().aliases.items())
    anycase = ahocorasick_rs.AhoCorasick([key for key, _ in aliases])
    seen: set[tuple[str, str]] = set()
    folded = plain.lower() if len(plain.lower()) == len(plain) else plain
    for index, start, stop in anycase.find_matches_as_indexes(folded, overlapping=True):
        alias = aliases[index][1]
        end = stop - 1
        if start > 0 and plain[start - 1].isalnum():
            continue
        if end + 1 < len(plain) and plain[end + 1].isalnum():
            continue
        context = plain[max(0, start - 30) : end + 31].replace("\n", " ")
        key = (alias.code, plain[start : end + 1])
        if key not in seen:
            seen.add(key)
            print(f"  name {alias.code:10} {context!r}")
    for match in re.finditer(
        r"\(\s?[A-Z]{1,6}(?:\.[A-Za-z]{1,3})?\s?\)|(?:<|&lt;)[A-Z]{1,6}(?:\.[A-Z]{1,2})?>|\$[A-Z]{1,5}\b"
        r"|(?i:nyse|nasdaq)[a-z ]{0,9}:\s?[A-Z]{1,5}|/companies/[A-Za-z0-9.]+",
        text,
    ):
        source = text
        context = source[max(0, match.start() - 40) : match.end() + 10].replace("\n", " ")
        print(f"  form {match[0]:10} {context!r}")


@dataclass(slots=True)
class Tally:
    expected: int = 0
    found: int = 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--candidates", nargs="*", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.candidates is not None:
        for path in args.candidates:
            print_candidates(path if path.exists() else args.corpus / path)
        return 0
    forms, names = Tally(), Tally()
    predicted = correct = files = 0
    per_corpus: dict[str, list[int]] = {}
    for label in load_labels(args.labels):
        path = find_file(args.corpus, label.corpus, label.file_id)
        article = read_article(path) if path is not None else None
        if article is None:
            print(f"missing: {label.corpus} {label.file_id}", file=sys.stderr)
            continue
        files += 1
        got = detect(article)
        allowed = set().union(*label.forms, *label.names)
        missed = []
        for tally, codes_list in ((forms, label.forms), (names, label.names)):
            for codes in codes_list:
                tally.expected += 1
                if codes & got:
                    tally.found += 1
                else:
                    missed.append("|".join(sorted(codes)))
        wrong = sorted(got - allowed)
        predicted += len(got)
        correct += len(got & allowed)
        counts = per_corpus.setdefault(label.corpus, [0, 0])
        counts[0] += 1
        counts[1] += len(got)
        if args.show_misses and (missed or wrong):
            print(f"{label.corpus} {label.file_id}: missed {missed} wrong {wrong}")
    print(f"files: {files} ({', '.join(f'{k} {v[0]}' for k, v in sorted(per_corpus.items()))})")
    print(f"recall, symbols in ticker forms: {forms.found}/{forms.expected}"
          f" = {forms.found / max(forms.expected, 1):.1%}")
    print(f"recall, company names: {names.found}/{names.expected}"
          f" = {names.found / max(names.expected, 1):.1%}")
    print(f"precision: {correct}/{predicted} = {correct / max(predicted, 1):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
