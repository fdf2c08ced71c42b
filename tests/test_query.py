"""Tests for the watchlist query language: cases as data in data/query_cases.toml, plus snippets."""

from __future__ import annotations

import dataclasses
import re
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from alerts.query import Match, Query, QueryError, match, parse_query

CASES = tomllib.loads((Path(__file__).parent / "data" / "query_cases.toml").read_text("utf-8"))
SEED = '(Russia OR Kremlin) AND (Syria OR ISIS OR "Islamic State")'

FILLER = (
    "Officials met in the capital on Monday to discuss the budget, the harvest and the weather. "
    "Nobody expected a breakthrough, and the talks ended without a statement. "
)


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['query']} | {case['title']} | {case['text']}"[:80]


@pytest.mark.parametrize("case", CASES["match"], ids=_case_id)
def test_match_cases(case: dict[str, Any]) -> None:
    result = match(parse_query(case["query"]), case["title"], case["text"])
    assert (result is not None) == case["expected"]
    if result is not None and "terms" in case:
        assert result.terms == tuple(case["terms"])


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda case: repr(case["query"]))
def test_invalid_queries(case: dict[str, Any]) -> None:
    with pytest.raises(QueryError, match=re.escape(case["error"])):
        parse_query(case["query"])


def test_there_are_enough_cases() -> None:
    assert len(CASES["match"]) >= 40
    assert len(CASES["invalid"]) >= 15


def test_query_is_immutable_and_keeps_its_source() -> None:
    query = parse_query(SEED)
    assert isinstance(query, Query)
    assert query.source == SEED
    assert parse_query(SEED) == query
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.source = "x"  # type: ignore[misc]


def test_query_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="empty query"):
        parse_query("")


def _long_text() -> str:
    news = "Russian and Kremlin sources said the Islamic State cell was broken. "
    return FILLER * 6 + news + FILLER * 6


def _assert_cut_at_word_boundaries(snippet: str, text: str) -> None:
    words = set(text.split())
    for word in snippet.strip("…").split():
        assert word in words, f"{word!r} is a fragment of a word"


def test_snippet_is_short_and_contains_the_first_match() -> None:
    text = _long_text()
    result = match(parse_query(SEED), "", text)
    assert result is not None
    assert result.terms == ("Kremlin", "Islamic State")
    assert "Kremlin" in result.snippet
    assert 100 <= len(result.snippet) <= 300
    assert result.snippet.startswith("…") and result.snippet.endswith("…")
    _assert_cut_at_word_boundaries(result.snippet, text)


def test_snippet_keeps_a_short_text_whole() -> None:
    text = "Russia said its jets struck Islamic State\npositions near Raqqa."
    result = match(parse_query(SEED), "", text)
    shown = "Russia said its jets struck Islamic State positions near Raqqa."
    assert result == Match(
        ("Russia", "Islamic State"), shown, ("text", "text"), ((0, 6), (28, 41))
    )
    assert [shown[a:b] for a, b in result.highlights] == ["Russia", "Islamic State"]


def test_snippet_near_the_start_is_not_cut_in_front() -> None:
    text = "Kremlin officials visited Syria. " + FILLER * 10
    result = match(parse_query(SEED), "", text)
    assert result is not None
    assert result.snippet.startswith("Kremlin officials visited Syria.")
    assert result.snippet.endswith("…")
    _assert_cut_at_word_boundaries(result.snippet, text)


def test_snippet_when_only_the_title_matches_shows_the_start_of_the_text() -> None:
    text = FILLER * 10
    result = match(parse_query(SEED), "Kremlin denies Syria report", text)
    assert result is not None
    assert result.terms == ("Kremlin", "Syria")
    assert result.snippet.startswith("Officials met in the capital")
    assert len(result.snippet) <= 300


def test_snippet_shows_the_accented_original() -> None:
    result = match(parse_query("pokemon"), "", FILLER * 3 + "A new Pokémon game. " + FILLER * 3)
    assert result is not None
    assert "Pokémon" in result.snippet


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia's defence ministry said strikes near Palmyra had hit ISIS fighters.",
        "The Kremlin on Tuesday denied that Russian troops were fighting in Syria.",
        "KREMLIN SPOKESMAN: operations against the Islamic State will continue",
        "Moscow and Damascus agreed, the Kremlin said, to keep bombing Islamic-State targets.",
        "Syria's president flew to Russia for talks, state media said.",
    ],
)
def test_seed_query_matches_realistic_sentences(sentence: str) -> None:
    assert match(parse_query(SEED), "", sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian diplomats in Damascus said little about the crisis.",
        "The Kremlin blamed the crisis on Western sanctions.",
        "Syrian refugees in Turkey face a new winter.",
        "An Islamic art exhibition opened at the State Hermitage in Moscow.",
    ],
)
def test_seed_query_ignores_near_misses(sentence: str) -> None:
    assert match(parse_query(SEED), "", sentence) is None


def test_matching_10kb_is_fast() -> None:
    query = parse_query('russia* AND ("islamic state" OR isis) -football')
    text = (FILLER * 80)[:10_000] + " Russians fought Islamic State."
    start = time.perf_counter()
    for _ in range(20):
        assert match(query, "A title", text) is not None
    assert (time.perf_counter() - start) / 20 < 0.005  # generous: ~0.5 ms on a laptop
