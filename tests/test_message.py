"""Alert messages per channel kind: hostile scraped text arrives inert and bounded (pure)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from alert_facts import Facts

from alerts.escape import WORD_JOINER, fit, one_line, safe_link, slack_escape
from alerts.message import EMAIL, PLAIN, SLACK, describe_update, format_alert

HOSTILE = "<!channel> @here <https://evil.example|click> <script>alert(1)</script> {{ 7*7 }}"
HUGE = "word " * 20_000 + "&<>" * 10_000  # 100 KB and more, escaping at its worst




# Each case: which fact holds the hostile text, and in what form.
CASES = {
    "headline": {"title": HOSTILE},
    "snippet": {"snippet": HOSTILE},
    "outlet": {"outlet": HOSTILE},
    "terms": {"terms": (HOSTILE, "Syria")},
    "also covered by": {"also_covered_by": (HOSTILE,)},
    "update reason": {"kind": "update", "update_reason": HOSTILE},
    "headline with line breaks": {"title": "Headline\r\nBcc: victim@example.com\u2028" + HOSTILE},
    "url": {"url": "https://x.example/a?b=1&c=<!channel>|click>"},
    "javascript url": {"url": "javascript:alert(1)"},
    "huge headline": {"title": HUGE},
    "huge everything": {"title": HUGE, "snippet": HUGE, "outlet": HUGE, "url": "https://x/" + HUGE,
                        "terms": (HUGE,) * 50, "also_covered_by": (HUGE,) * 50,
                        "kind": "update", "update_reason": HUGE},
}  # fmt: skip


def slack_live_markup(body: str) -> list[str]:
    """Every `<…>` Slack would act on (links, mentions, dates): only our own may be there."""
    return re.findall(r"<[^<>]*>", body)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_slack_message_is_inert_and_bounded(case: dict) -> None:
    message = format_alert(replace(Facts(), **case), kind="slack")
    assert message.body_format == "markdown"
    live = slack_live_markup(message.body)
    assert all(m.startswith(("<https://", "<!date^")) for m in live), live
    assert len([m for m in live if m.startswith("<https://")]) <= 1  # the headline's link only
    assert "<!channel" not in message.body and "<https://evil" not in message.body
    assert not re.search(r"@(here|channel|everyone)", message.body + message.title)
    assert "49" not in message.body + message.title  # scraped `{{ 7*7 }}` is never rendered
    assert len(message.body) < 3000 and len(message.title) <= 150
    assert "\n" not in message.title and "<" not in message.title


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_email_message_is_escaped_one_line_and_bounded(case: dict) -> None:
    message = format_alert(replace(Facts(), **case), kind="email")
    assert message.body_format == "html" and message.text
    assert "<script" not in message.body and "<!channel" not in message.body
    assert 'href="javascript' not in message.body and "49" not in message.body + message.text
    assert set(re.findall(r"</?([a-z]+)", message.body)) <= {"p", "a", "strong", "br", "blockquote"}
    assert not re.search(r"[\r\n\x00-\x1f\u2028]", message.title)
    assert message.title.startswith("[us-russia-syria] ") and len(message.title) <= EMAIL.title
    assert len(message.body) <= EMAIL.body and len(message.text) <= EMAIL.body


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_plain_message_keeps_its_shape_and_bounds(case: dict) -> None:
    facts = replace(Facts(), **case)
    message = format_alert(facts, kind="plain")
    lines = message.body.splitlines()
    assert lines[2] == fit(one_line(facts.url), PLAIN.url)  # scripts read the URL there
    assert not re.search(r"@(here|channel|everyone)", message.body + message.title)
    assert "\n" not in message.title and len(message.title) <= PLAIN.title
    assert len(message.body) <= PLAIN.body


def test_scraped_template_syntax_stays_literal() -> None:
    syntax = "{{ 7*7 }} {% if true %}x{% endif %}"
    facts = replace(Facts(), title=syntax, outlet=syntax)
    for kind in ("plain", "slack", "email"):
        message = format_alert(facts, kind=kind)
        assert syntax in message.title and syntax in message.body


def test_message_carries_every_fact_per_kind() -> None:
    facts = replace(Facts(), also_covered_by=("Gazette", "Ledger"))
    for kind in ("plain", "slack", "email"):
        message = format_alert(facts, kind=kind)
        for fact in ("The Independent", "Russia", "Syria", "joint air strikes", "Gazette, Ledger"):
            assert fact in message.body, (kind, fact)
        # Slack's header names the outlet: the linked headline follows right under it.
        title = "The Independent" if kind == "slack" else "Trump open to working with Moscow"
        assert message.title == f"[us-russia-syria] {title}"
    slack = format_alert(facts, kind="slack").body
    assert slack.startswith(f"*<{Facts.url}|Trump open to working with Moscow>*")
    assert "<!date^1485252900^" in slack and "*Russia*, *Syria*" in slack  # reader's local time
    email = format_alert(facts, kind="email")
    assert f'<a href="{Facts.url}">' in email.body and "2017-01-24 10:15 UTC" in email.text


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        ("4 words added", "Added"),
        ("12 words removed", "Removed"),
        ("correction note added", "Correction"),
        ("headline changed", "New headline"),
        ("figures changed: '40' → '400'", "Now reads"),
        (None, "Now reads"),
    ],
)
def test_an_update_says_what_was_added_removed_or_corrected(reason, label) -> None:
    facts = replace(Facts(), kind="update", update_reason=reason, snippet="Moscow denied it.")
    assert describe_update(reason)[1] == label
    body = format_alert(facts).body
    assert f"Updated: {reason or 'the text changed'}" in body
    assert f"{label}: “Moscow denied it.”" in body
    assert format_alert(facts).title.startswith("[us-russia-syria] Updated: ")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("hello wonderful world of news", 20, "hello wonderful…"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"),  # no word to cut on
        ("a b " + "c" * 40, 10, "a b ccccc…"),  # a cut on a word would lose most of the room
    ],
)
def test_fit_cuts_on_a_word_with_an_ellipsis(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected


def test_escapes_are_inert() -> None:
    assert slack_escape("<!here> & @everyone") == f"&lt;!here&gt; &amp; @{WORD_JOINER}everyone"
    assert fit("&" * 100, 11, lambda s: len(slack_escape(s))) == "&&…"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("https://x.example/a|b>c") == "https://x.example/a%7Cb%3Ec"
    assert one_line("a\r\nb\u2028c\x00d") == "a b c d"
    assert SLACK.title == 150
