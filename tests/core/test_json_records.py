"""JSON Lines and JSON files: aliases, bad records, ids and ordinals."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tickertape.core.article import format_published
from tickertape.core.formats import ReadResult, read_file

NEWSAPI_RECORD = {
    "source": {"id": "reuters", "name": "Reuters"},
    "author": "Jane Doe",
    "title": "Nvidia (NVDA.O) shares rise - Reuters",
    "description": "Chipmaker <b>Nvidia</b> &amp; partners",
    "url": "https://www.reuters.com/x?a=1&amp;b=2",
    "urlToImage": "https://www.reuters.com/pic.jpg",
    "publishedAt": "2022-01-04T06:46:58Z",
    "content": "Nvidia rose\r\non Tuesday… [+2294 chars]",
}


def read(tmp_path: Path, name: str, text: str) -> ReadResult:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_file(path.read_bytes(), name)


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_newsapi_aliases_map_onto_article_fields(tmp_path: Path) -> None:
    result = read(tmp_path, "news.jsonl", jsonl(NEWSAPI_RECORD))
    assert result.problems == []
    [article] = result.articles
    assert article.source == "Reuters"
    assert article.title == "Nvidia (NVDA.O) shares rise - Reuters"
    assert article.summary == "Chipmaker <b>Nvidia</b> & partners"
    assert article.link == "https://www.reuters.com/x?a=1&b=2"
    assert article.images == ["https://www.reuters.com/pic.jpg"]
    assert format_published(article.published) == "2022-01-04T06:46:58Z"
    assert article.content == "Nvidia rose\non Tuesday… [+2294 chars]"
    assert article.extra == {"author": "Jane Doe"}
    assert article.tickers == ["NVDA.O"]


def test_alpha_vantage_fields_map_and_the_score_is_a_score(tmp_path: Path) -> None:
    record = {
        "title": "Apple  ( AAPL )  Is Up",
        "url": "https://example.com/a",
        "time_published": "20240719T133010",
        "summary": "s",
        "banner_image": "https://example.com/b.png",
        "source_domain": "example.com",
        "overall_sentiment_label": "Somewhat-Bullish",
        "overall_sentiment_score": -0.21,
        "topics": [{"topic": "Technology", "relevance_score": "1.0"}],
    }
    result = read(tmp_path, "av.jsonl", jsonl(record))
    [article] = result.articles
    assert format_published(article.published) == "2024-07-19T13:30:10Z"
    assert (article.sentiment_label, article.sentiment) == ("Somewhat-Bullish", "positive")
    assert article.confidence is None
    assert article.score == -0.21
    assert "overall_sentiment_score" not in article.extra
    assert article.extra["topics"] == '[{"topic": "Technology", "relevance_score": "1.0"}]'
    assert article.images == ["https://example.com/b.png"]


def test_a_bad_line_is_reported_by_number_and_the_rest_loads(tmp_path: Path) -> None:
    text = jsonl({"title": "one"}) + "{not json\n\n" + jsonl({"title": "three"}) + "[1, 2]\n"
    result = read(tmp_path, "a.jsonl", text)
    assert [a.title for a in result.articles] == ["one", "three"]
    skipped = [p for p in result.problems if p.field.startswith("line")]
    assert [(p.field, p.reason.split(" (")[0]) for p in skipped] == [
        ("line 2", "not valid JSON"),
        ("line 5", "expected an object, found an array; skipped"),
    ]
    assert "at column 2" in skipped[0].reason


def test_record_problems_name_their_line(tmp_path: Path) -> None:
    result = read(tmp_path, "a.jsonl", jsonl({"title": "a"}, {"title": "b", "confidence": 1.5}))
    second = result.articles[1]
    assert "confidence: line 2: 1.5 is outside [0, 1]; ignored" in second.warnings
    assert all(p.path == "a.jsonl" for p in result.problems)


def test_ordinals_count_records_and_ids_come_from_the_id_field(tmp_path: Path) -> None:
    text = jsonl({"id": "abc-1", "title": "a"}, {"id": 42, "title": "b"}, {"title": "c"})
    result = read(tmp_path, "d/a.ndjson", text)
    assert [a.ordinal for a in result.articles] == [0, 1, 2]
    assert [a.id for a in result.articles[:2]] == ["abc-1", "42"]
    assert result.articles[2].id == hashlib.sha1(b"d/a.ndjson#3").hexdigest()[:16]
    assert all(a.path == "d/a.ndjson" for a in result.articles)


def test_an_unsafe_id_is_replaced_by_a_hash(tmp_path: Path) -> None:
    result = read(tmp_path, "a.jsonl", jsonl({"id": "../../etc/passwd", "title": "a"}))
    assert result.articles[0].id == hashlib.sha1(b"a.jsonl#1").hexdigest()[:16]


def test_json_array_of_records(tmp_path: Path) -> None:
    result = read(tmp_path, "a.json", json.dumps([{"title": "a"}, {"title": "b"}]))
    assert [(a.title, a.ordinal) for a in result.articles] == [("a", 0), ("b", 1)]
    assert result.articles[1].id == hashlib.sha1(b"a.json#1").hexdigest()[:16]


def test_json_single_object(tmp_path: Path) -> None:
    result = read(tmp_path, "a.json", json.dumps({"title": "only"}))
    assert [a.title for a in result.articles] == ["only"]


def test_json_newsapi_response_with_articles_list(tmp_path: Path) -> None:
    response = {"status": "ok", "totalResults": 2, "articles": [NEWSAPI_RECORD, NEWSAPI_RECORD]}
    result = read(tmp_path, "top.json", json.dumps(response))
    assert len(result.articles) == 2
    assert len({a.id for a in result.articles}) == 2


def test_invalid_json_document_is_skipped_with_its_position(tmp_path: Path) -> None:
    result = read(tmp_path, "a.json", '[{"title": "a"},\n oops]')
    assert result.articles == []
    [problem] = result.problems
    assert problem.field == "file"
    assert "at line 2 column 2" in problem.reason


def test_a_json_scalar_is_not_an_index(tmp_path: Path) -> None:
    result = read(tmp_path, "a.json", "42")
    assert result.articles == []
    assert "found a number" in result.problems[0].reason


def test_records_without_article_fields_are_skipped(tmp_path: Path) -> None:
    result = read(tmp_path, "a.jsonl", jsonl({"foo": 1}, {"title": "ok"}))
    assert [a.title for a in result.articles] == ["ok"]
    assert result.problems[0].field == "line 1"


def test_non_string_values_are_coerced_or_warned(tmp_path: Path) -> None:
    record = {
        "title": 2024,
        "summary": ["not", "text"],
        "publishDate": 1733244900,
        "confidence": "0.75",
        "images": ["https://a/1.png", 7, None],
        "source": {"id": "wsj", "name": None},
        "language": "EN",
    }
    result = read(tmp_path, "a.jsonl", jsonl(record))
    [article] = result.articles
    assert article.title == "2024"
    assert article.summary == ""
    assert format_published(article.published) == "2024-12-03T16:55:00Z"
    assert article.confidence == 0.75
    assert article.images == ["https://a/1.png"]
    assert article.source == "wsj"
    assert article.language == "en"
    assert "summary: line 1: expected text, found a list; ignored" in article.warnings
    assert "images: line 1: 2 entries that are not text ignored" in article.warnings


def test_nan_and_booleans_are_not_confidences(tmp_path: Path) -> None:
    text = '{"title": "a", "confidence": NaN}\n{"title": "b", "confidence": true}\n'
    result = read(tmp_path, "a.jsonl", text)
    assert [a.confidence for a in result.articles] == [None, None]
    assert "confidence: line 1: nan is not a finite number; ignored" in result.articles[0].warnings
    assert result.articles[1].warnings[-1].startswith("confidence: line 2: expected a number")


def test_a_tickers_list_adds_to_the_detected_tickers(tmp_path: Path) -> None:
    record = {"title": "Apple (AAPL.O)", "tickers": ["nvda.o", "$MSFT", "not a ticker!"]}
    [article] = read(tmp_path, "a.jsonl", jsonl(record)).articles
    assert article.tickers == ["AAPL.O", "NVDA.O", "MSFT"]


def test_a_tickers_string_is_split(tmp_path: Path) -> None:
    record = {"title": "t", "tickers": "NVDA.O AAPL.O"}
    [article] = read(tmp_path, "a.jsonl", jsonl(record)).articles
    assert article.tickers == ["NVDA.O", "AAPL.O"]


def test_deeply_nested_json_line_is_a_bad_line_not_a_crash(tmp_path: Path) -> None:
    text = "[" * 100_000 + "\n" + jsonl({"title": "ok"})
    result = read(tmp_path, "a.jsonl", text)
    assert [a.title for a in result.articles] == ["ok"]
    assert result.problems[0].field == "line 1"


def test_an_empty_jsonl_file_reports_no_records(tmp_path: Path) -> None:
    result = read(tmp_path, "a.jsonl", "\n\n")
    assert result.articles == []
    assert result.problems[0].reason == "no records; skipped"


def test_huge_lists_in_a_record_are_capped_quickly(tmp_path: Path) -> None:
    record = {
        "title": "t",
        "images": [f"https://a/{n}.png" for n in range(200_000)],
        "tickers": [f"T{n}.O" for n in range(200_000)],
    }
    [article] = read(tmp_path, "a.jsonl", jsonl(record)).articles
    assert len(article.images) == 100
    assert len(article.tickers) == 200
    assert "images: line 1: more than 100 URLs; kept the first 100" in article.warnings


def test_a_given_ticker_keeps_its_sentiment_when_it_joins_the_listing_the_text_names(
    tmp_path: Path,
) -> None:
    record = {
        "title": "Chips rally",
        "summary": "Nvidia said demand held up.",
        "body": "<p>More.</p>",
        "ticker_sentiment": [{"ticker": "NVDA", "ticker_sentiment_score": "0.4"}],
    }
    article = read(tmp_path, "feed.jsonl", json.dumps(record) + "\n").articles[0]
    assert article.tickers == ["NVDA.O"]
    assert [(match.code, match.how) for match in article.ticker_matches] == [("NVDA.O", "given")]
    assert [(given.code, given.score) for given in article.given_tickers] == [("NVDA.O", 0.4)]
