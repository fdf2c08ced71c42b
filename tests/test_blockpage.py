"""Block pages: told by their class (short text and what walls say), counted for health, never
stored nor matched; real articles that mention "access denied" are stored as ever."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from flows.config import Config
from flows.store import store_and_match
from spiders.blockpage import is_block_page
from spiders.items import ArticleRecord
from storage.models import Alert, Article

BRIEF = (
    "Reporters were refused entry to the court on Monday. The judge said access denied to the "
    "press was lawful, and that filming was forbidden inside the building. Lawyers for two "
    "newspapers said they would appeal on Wednesday, and the court said it would publish its "
    "reasons in writing before the end of the week. Syria was not mentioned."
)  # 60 words: a real news brief using the words block pages use
REPORT = (
    "The ministry said a firewall had left thousands of users with 'access denied' and "
    "'403 Forbidden' messages for most of Tuesday, and that some saw a captcha on every page. "
) * 6 + "Officials in Syria said the same filter had been tried there."
STORY_WORDS = " ".join(f"word{n}" for n in range(160))

# (title, text, block page?) — pages seen in the wild, in their class's own words
CASES = [
    ("Access denied", "Access denied. You don't have permission to access this page on this "
     "server. Reference #18.5f2e1602.1701", True),
    ("403 Forbidden", "Forbidden. You don't have permission to access this resource.", True),
    ("Access denied | The Daily Example", "Your request could not be served. Reference 4d2a. "
     "If you believe this is an error, contact the site owner with the reference above and "
     "the time of the request, and we will look into it as soon as we can.", True),
    ("Just a moment...", "Checking if the site connection is secure. Enable JavaScript and "
     "cookies to continue. Ray ID: 8a1b2c3d4e5f", True),
    ("Attention Required! | Cloudflare", "Sorry, you have been blocked. You are unable to "
     "access example.com. Why have I been blocked?", True),
    ("Are you a robot?", "We have detected unusual traffic from your computer network. Please "
     "complete the CAPTCHA below to continue.", True),
    ("Pardon Our Interruption", "As you were browsing something about your browser made us "
     "think you were a bot. Please enable cookies in your browser and reload.", True),
    ("Town budget row deepens", "The council's budget row deepened on Tuesday. Subscribe to "
     "continue reading. Already a subscriber? Sign in.", True),
    ("One line", "Request blocked.", True),
    # real articles: a brief, a report about a firewall, a headline that is a phrase, a story
    ("Press barred from court", BRIEF, False),
    ("Firewall blocks thousands", REPORT, False),
    ("Access denied: court bars press", BRIEF, False),
    ("Budget passes", STORY_WORDS + " captcha ray id you have been blocked", False),
    ("Council votes on bypass", "The council voted on the bypass on Tuesday. Residents said "
     "the plan would split the village in two, and asked for a second consultation.", False),
]  # fmt: skip


@pytest.mark.parametrize(("title", "text", "blocked"), CASES, ids=[c[0] for c in CASES])
def test_block_pages_are_told_by_their_class(title: str, text: str, blocked: bool) -> None:
    assert is_block_page(title, text) is blocked


CONFIG = Config.model_validate(
    {
        "channels": {"desk": "json://127.0.0.1:9/hook"},
        "watchlists": [{"name": "syria", "query": "Syria OR forbidden", "notify": ["desk"]}],
    }
)


def record(slug: str, title: str, text: str) -> ArticleRecord:
    url = f"https://gazette.example/news/{slug}"
    return ArticleRecord(url=url, fetched_url=url, outlet="Gazette", title=title, text=text,
                         published_at=datetime.now(UTC))  # fmt: skip


def test_a_block_page_is_counted_for_health_but_never_stored_nor_matched(engine: Engine):
    wall = record("wall", "Access denied", "Access denied. Forbidden. Reference #18.5f2e")
    challenge = record("challenge", "Just a moment...", "Enable JavaScript and cookies to "
                       "continue. Checking your browser. Syria forbidden.")  # fmt: skip
    brief = record("brief", "Press barred from court", BRIEF)
    report = record("report", "Firewall blocks thousands", REPORT)

    counts = store_and_match.fn(engine, CONFIG, [wall, challenge, brief, report])

    assert counts["Gazette"]["blocked"] == 2
    assert counts["Gazette"]["block_page"] == 2
    assert counts["Gazette"]["new"] == 2 and counts["Gazette"]["matched"] == 2
    with Session(engine) as session:
        stored = set(session.scalars(select(Article.url)))
        alerted = set(session.scalars(select(Article.url).join(Alert)))
    assert stored == alerted == {brief.url, report.url}
