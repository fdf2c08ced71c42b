"""Tests for spiders.text: the folding and sentence rules every stage shares."""

from __future__ import annotations

import pytest

from alerts.query import match, parse_query
from spiders.text import fold, glued_sentences, name_key, sentences
from storage.boilerplate import fingerprint
from storage.similarity import words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Élysée", "elysee"),
        ("STRASSE Straße", "strasse strasse"),
        ("Ⅻ ﬁnal", "xii final"),
        ("Ḿoscow", "moscow"),
        ("مُحَمَّد", "محمد"),  # Arabic vowel marks are combining marks too
        ("Кремль", "кремль"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_every_stage_folds_alike() -> None:
    # Matching, learning and stories see "Élysée" and "elysee" as one word.
    assert match(parse_query("elysee"), "Talks at the Élysée palace", "") is not None
    assert fingerprint("Talks at the Élysée palace ended.") == fingerprint(
        "talks at the elysee palace ended."
    )
    assert words("", "Talks at the Élysée") == words("", "talks at the elysee")


def test_name_key() -> None:
    assert name_key("The Moscow-Times!") == "themoscowtimes"


def test_sentences() -> None:
    assert sentences("He left. She stayed… Then? Yes!") == [
        "He left.", "She stayed…", "Then?", "Yes!",
    ]  # fmt: skip
    assert glued_sentences("made a difference.Donald Trump said") == [
        "made a difference.", "Donald Trump said",
    ]  # fmt: skip
