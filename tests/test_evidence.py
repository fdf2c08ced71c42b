"""Evidence in alerts: which field each term matched in and the matched words highlighted in
the snippet, per channel (Slack *bold*, email <mark> with a readable text part, plain text),
escaped run by run; carried from the matcher through the outbox; old rows still render."""

from __future__ import annotations

from dataclasses import replace

from alert_facts import Facts
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from alerts.evidence import by_place, place, segments, snippet_parts
from alerts.matcher import match
from alerts.message import format_alert
from alerts.query import parse_query
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.models import Alert
from storage.outbox import enqueue_alerts, pending_alerts

TEXT = ("Moscow said on Tuesday it was ready to coordinate joint air strikes in Syria with "
        "Washington, a Kremlin spokesman told reporters.")  # fmt: skip


def evidence(title: str = "Russia ready for joint strikes", text: str = TEXT) -> Facts:
    hit = match(parse_query("Russia AND (Syria OR Kremlin)"), title, text)
    assert hit is not None
    return replace(Facts(), title=title, terms=hit.terms, snippet=hit.snippet,
                   fields=hit.fields, highlights=hit.highlights)  # fmt: skip


def test_segments_split_on_valid_spans_and_ignore_the_rest():
    assert segments("in Syria now", [(3, 8)]) == [("in ", False), ("Syria", True),
                                                  (" now", False)]  # fmt: skip
    # Out of range, empty, overlapping: ignored, never an error.
    assert segments("abc", [(1, 9), (2, 2), (0, 2), (1, 3)]) == [("ab", True), ("c", False)]
    assert segments("", []) == [("", False)]
    assert place("title+text") == "headline and text" and place("author") == "byline"


def test_terms_group_by_where_they_were_first_found_headline_first():
    groups = by_place(["Syria", "Russia", "Putin", "…"], ["text", "text+title", "author"])
    assert groups == [{"where": "headline", "terms": ["Russia"]},
                      {"where": "text", "terms": ["Syria"]},
                      {"where": "byline", "terms": ["Putin", "…"]}]  # fmt: skip
    assert by_place(["Syria"], []) == [{"where": None, "terms": ["Syria"]}]  # an old row


def test_each_channel_says_where_each_term_matched_and_marks_the_words():
    facts = evidence()
    slack = format_alert(facts, kind="slack").body
    assert "Matched in the headline: *Russia*; in the text: *Syria*, *Kremlin*" in slack
    assert "in *Syria* with" in slack and "a *Kremlin* spokesman" in slack
    email = format_alert(facts, kind="email")
    assert "in <mark>Syria</mark> with" in email.body and "<mark>Kremlin</mark>" in email.body
    assert "Matched in the headline: Russia; in the text: Syria, Kremlin" in (email.text or "")
    assert "Matched in the headline: <strong>Russia</strong>; in the text:" in email.body
    assert "in *Syria* with" in (email.text or "") and "<mark>" not in (email.text or "")
    plain = format_alert(facts, kind="plain").body
    assert "in *Syria* with" in plain and "in the text: Syria, Kremlin" in plain


def test_highlights_are_applied_before_escaping_so_hostile_text_stays_inert():
    hostile = "<!channel> @here <script>alert(1)</script> {{ 7*7 }} near Syria & Russia."
    syria = hostile.index("Syria")
    facts = replace(Facts(), snippet=hostile, fields=("text", "text"),
                    highlights=((0, 10), (11, 16), (17, 25), (syria, syria + 5)))  # fmt: skip
    slack = format_alert(facts, kind="slack").body
    assert "*&lt;!channel&gt;*" in slack and "<!channel>" not in slack
    assert "@here" not in slack and "<script" not in slack and "*Syria* &amp; Russia" in slack
    assert "{{ 7*7 }}" in slack and "49" not in slack
    html = format_alert(facts, kind="email").body
    assert "<mark>&lt;script&gt;</mark>" in html and "<script" not in html
    assert "<mark>Syria</mark> &amp; Russia" in html


def test_a_long_snippet_is_bounded_with_its_highlights_cut_cleanly():
    text = "word " * 2000 + "Syria"
    parts = snippet_parts(text, [(len(text) - 5, len(text))], 100, len)
    assert sum(len(p["text"]) for p in parts) <= 100 and parts[-1]["text"].endswith("…")
    assert not any(p["hit"] for p in parts)  # the highlight lay beyond the bound


def test_an_old_row_without_evidence_renders_as_before():
    old = Facts()  # no fields, no highlights
    slack = format_alert(old, kind="slack").body
    assert "Matched: *Russia*, *Syria*" in slack and "> …joint air strikes in Syria…" in slack
    plain = format_alert(old, kind="plain").body
    assert "Matched: Russia, Syria\n“…joint air strikes in Syria…”" in plain


def test_the_outbox_keeps_the_evidence_and_reads_rows_without_it(engine: Engine):
    facts = evidence()
    with Session(engine) as session, session.begin():
        url = "https://news.example/a.html"
        record = ArticleRecord(url=url, fetched_url=url, outlet="Wire", title=facts.title,
                               text=TEXT)  # fmt: skip
        change = upsert_article(session, record, facts.published_at)
        enqueue_alerts(session, article_id=change.article_id, watchlist="w", channels=["a"],
                       terms=facts.terms, snippet=facts.snippet, now=facts.published_at,
                       fields=facts.fields, highlights=facts.highlights)  # fmt: skip
        enqueue_alerts(session, article_id=change.article_id, watchlist="old", channels=["a"],
                       terms=facts.terms, snippet=facts.snippet, now=facts.published_at)
    with Session(engine) as session:
        old, kept = sorted(pending_alerts(session), key=lambda a: a.watchlist)
    assert (kept.fields, kept.highlights) == (facts.fields, facts.highlights)
    assert [kept.snippet[s:e] for s, e in kept.highlights] == ["Syria", "Kremlin"]
    assert (old.fields, old.highlights) == ((), ())
    with Session(engine) as session, session.begin():  # a foreign shape: ignored, not fatal
        session.execute(update(Alert).values(evidence={"highlights": [[1], "x"]}))
    with Session(engine) as session:
        assert all(a.highlights == () for a in pending_alerts(session))
