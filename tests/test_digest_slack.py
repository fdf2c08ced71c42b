"""A Slack digest is one post of several mrkdwn sections (apprise's Block Kit template mode),
received by a real local HTTP receiver standing in for Slack: every story once, each section
under Slack's 3,000 characters, hostile text inert; a second post only past 49 sections."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alert_facts import Facts

from alerts.digest import format_digest
from alerts.notify import make_notifier, send
from alerts.slack_blocks import MAX_SECTIONS, blocks_template
from flows.receiver import AlertReceiver

SLACK_URL = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"
HOSTILE = "<!channel> @here <https://evil.example|click> <script>alert(1)</script>"
# Template tokens in scraped text: apprise fills tokens in one pass, so they stay text.
TOKENS = "{{newswatch_section_1}} {{app_title}}"


def stories(count: int, pad: int = 0) -> list[Facts]:
    return [
        replace(Facts(), title=f"{HOSTILE} {TOKENS} story {n} " + "x" * pad,
                url=f"https://news.example/{n}.html", outlet=f"Outlet {n % 3}",
                watchlist=f"list-{n % 2}", also_covered_by=(f"{HOSTILE} Echo",))
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def slack(monkeypatch):
    from apprise.plugins.slack import NotifySlack

    with AlertReceiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{port}/services")
        yield receiver


def test_a_thirty_story_slack_digest_is_one_post_every_story_once_hostile_text_inert(slack):
    ((part, message),) = format_digest(stories(30), "slack")
    assert len(part) == 30 and len(message.sections) > 1  # more than one section's worth
    notifier = make_notifier(SLACK_URL)
    assert send(notifier, message).ok
    (payload,) = slack.received  # one POST
    assert slack.posts == 1
    blocks = payload["attachments"][0]["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "[newswatch] Digest: 30 stories (list-0, list-1)"
    sections = [block["text"] for block in blocks[1:]]
    assert all(block["type"] == "section" for block in blocks[1:])
    assert all(s["type"] == "mrkdwn" and 0 < len(s["text"]) < 3000 for s in sections)
    text = "\n".join(s["text"] for s in sections)
    for n in range(30):  # every story once, as a link
        assert text.count(f"<https://news.example/{n}.html|") == 1
    assert "<!channel>" not in text and "<https://evil" not in text and "<script" not in text
    assert "@here" not in text and text.count("&lt;!channel&gt;") == 60  # titles and echoes
    assert text.count(TOKENS) == 30  # literal, never substituted
    # The template stays ours: the same plugin still sends a plain alert afterwards.
    assert send(notifier, format_digest(stories(1), "slack")[0][1]).ok
    alone = slack.received[1]["attachments"][0]["blocks"]
    assert [block["type"] for block in alone].count("section") == 1


def test_an_email_digest_of_a_hundred_stories_is_one_message():
    ((part, message),) = format_digest(stories(100), "email")
    assert len(part) == 100 and message.text and message.body.count("<li>") == 100


def test_only_a_digest_past_49_sections_takes_a_second_post():
    many = stories(450, pad=150)
    messages = format_digest(many, "slack")
    assert len(messages) == 2
    assert sum(len(part) for part, _ in messages) == 450
    for number, (part, message) in enumerate(messages, start=1):
        assert 1 <= len(message.sections) <= MAX_SECTIONS
        assert message.title.startswith(f"[newswatch] Digest ({number}/2): {len(part)} stories")
        assert all(len(section) < 3000 for section in message.sections)


def test_the_template_is_only_placeholders_and_never_more_than_fifty_blocks():
    template = blocks_template(MAX_SECTIONS)
    assert len(template["blocks"]) == 50
    with pytest.raises(ValueError):
        blocks_template(MAX_SECTIONS + 1)
