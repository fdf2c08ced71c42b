"""End to end from a real config: fifty matching stories stored and matched within an hour,
then delivered to a Slack webhook and a JSON webhook (real HTTP receivers): at most the cap
alone, the rest in one digest, each story once, hostile text inert, paced."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.query import parse_query
from flows.config import parse_config
from flows.deliver import deliver_pending, delivery_policy
from flows.ingest import ingest
from flows.receiver import AlertReceiver
from spiders.items import ArticleRecord
from storage.stories import load_stories

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOSTILE = "<!channel> @here <https://evil.example|click> <script>alert(1)</script>"
SLACK_URL = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"
WORDS = ["harbour", "council", "budget", "rail", "strike", "court", "ruling", "election", "poll",
         "storm", "flood", "bridge", "school", "hospital", "tariff", "border", "summit"]


def story(n: int) -> ArticleRecord:
    """A matching story unlike the others (its own words), dated within the hour."""
    rng = random.Random(n)
    words = " ".join(rng.choice(WORDS) + str(rng.randrange(10_000)) for _ in range(120))
    title = f"{HOSTILE} story {n}" if n % 10 == 0 else f"Syria talks, story {n}"
    lead = f"{HOSTILE} " if n % 10 == 5 else ""  # hostile text right by the highlighted term
    url = f"https://news.example/{n}.html"
    return ArticleRecord(url=url, fetched_url=url, outlet=f"Outlet {n % 3}", title=title,
                         text=f"{lead}Russia and Syria: {words}.", published_at=T0)


def test_fifty_matches_in_an_hour_reach_each_channel_capped_with_one_digest(
    engine: Engine, monkeypatch,
) -> None:  # fmt: skip
    from apprise.plugins.slack import NotifySlack

    with AlertReceiver() as slack, AlertReceiver() as hook:
        port = slack.url.split(":")[2].split("/")[0]
        monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{port}/services")
        config = parse_config({
            "channels": {"newsroom": SLACK_URL, "hook": hook.url},
            "watchlists": [{"name": "syria", "query": "Syria", "notify": ["newsroom", "hook"]}],
        }, source="test", env={})  # fmt: skip
        queries = {w.name: parse_query(w.query) for w in config.watchlists}
        for n in range(50):
            at = T0 + timedelta(minutes=n)
            with Session(engine) as session, session.begin():
                stories = load_stories(session, at - timedelta(days=3))
                ingest(session, story(n), config.watchlists, queries, stories, at)
        slept: list[float] = []
        clock = [0.0]

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            clock[0] += seconds

        report = deliver_pending(engine, config.channels, lambda: T0 + timedelta(minutes=55),
                                 policy=delivery_policy(config), clock=lambda: clock[0],
                                 sleep=sleep)  # fmt: skip
    assert report.pending == 0 and report.failed == 0
    # The JSON webhook: twenty alone, then one digest with the thirty others.
    alone = hook.received[:20]
    (digest,) = hook.received[20:]
    assert all(body["title"].startswith("[syria] ") for body in alone)
    assert digest["title"] == "[newswatch] Digest: 30 stories (syria)"
    numbers = [int(b["title"].rsplit(" ", 1)[1]) for b in alone]
    numbers += [int(line.split(" (")[0].rsplit(" ", 1)[1])
                for line in digest["message"].splitlines() if line.startswith("- ")]
    assert sorted(numbers) == list(range(50))  # each story once
    # Slack: twenty alone, then the thirty others in ONE post of several sections.
    headers = [header_text(payload) for payload in slack.received]
    assert len(slack.received) == 21 and slack.posts == 21
    assert not any(h.startswith("[newswatch]") for h in headers[:20])
    assert headers[20] == "[newswatch] Digest: 30 stories (syria)"
    texts = [t for payload in slack.received for t in section_texts(payload)]
    assert len(section_texts(slack.received[20])) > 1
    assert all(len(text) < 3000 for text in texts)
    for text in texts:  # hostile headlines arrive inert, alone and in the digest
        assert "<!channel>" not in text and "<https://evil" not in text and "<script" not in text
        assert "@here" not in text
    assert sum(text.count("&lt;!channel&gt;") for text in texts) == 5  # the headlines
    # Two hostile snippets (stories 5 and 15, sent alone), their matched word highlighted
    # right after the hostile text.
    assert sum(text.count("&lt;/script&gt; Russia and *Syria*") for text in texts) == 2
    digest_text = "\n".join(section_texts(slack.received[20]))
    alone_text = "\n".join(t for p in slack.received[:20] for t in section_texts(p))
    for n in range(50):  # each story once across the channel
        link = f"<https://news.example/{n}.html|"
        assert digest_text.count(link) + alone_text.count(link) == 1
    # Paced: about a second between two messages to a channel, none between channels.
    assert all(0.9 <= seconds <= 1.0 for seconds in slept)
    assert len(slept) == len(hook.received) - 1 + len(slack.received) - 1


def section_texts(payload: dict) -> list[str]:
    blocks = payload["attachments"][0]["blocks"]
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def header_text(payload: dict) -> str:
    blocks = payload["attachments"][0]["blocks"]
    return next(b for b in blocks if b["type"] == "header")["text"]["text"]
