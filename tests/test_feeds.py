"""Per-watchlist feeds: Atom and JSON Feed rendering, the query, the CLI and the written files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import feedparser
import jsonschema
import pytest
from lxml import etree
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alerts.feed import (
    ATOM_NS,
    EMPTY_UPDATED,
    JSON_FEED_VERSION,
    FeedEntry,
    atom,
    entry_id,
    json_feed,
)
from flows.cli import app
from flows.config import feeds_dir, load_config
from flows.feeds import feed_filename, write_feeds
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.db import make_engine, migrate
from storage.feeds import watchlist_feed
from storage.outbox import UPDATE, enqueue_alerts

DATA = Path(__file__).parent / "data"
# The validators: RFC 4287's grammar in RELAX NG (lxml), JSON Feed 1.1 as a JSON Schema.
ATOM_SCHEMA = etree.RelaxNG(etree.parse(DATA / "atom.rng"))
JSON_FEED_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE = 'Crash <script>alert("x")</script> & ]]> rises\x07\x00 \ud800 here'
A = {"a": ATOM_NS}


def entry(story_id: int = 7, **changes: object) -> FeedEntry:
    base = FeedEntry(
        story_id=story_id,
        title="Talks resume",
        url="https://news.example/world/1?a=1&b=2",
        outlet="Example News",
        first_alerted_at=T0,
        published_at=datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        snippet="… talks on Syria resume …",
        also_covered_by=("Other Post",),
    )
    return replace(base, **changes)


def assert_valid_atom(document: str) -> etree._Element:
    """Valid by RFC 4287's grammar, and every element it requires beyond what a grammar says,
    parsed with lxml (which refuses malformed XML)."""
    feed = etree.fromstring(document.encode())
    assert ATOM_SCHEMA.validate(feed), ATOM_SCHEMA.error_log
    assert feed.tag == f"{{{ATOM_NS}}}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert len(feed.findall(required, A)) == 1, required
    feed_authors = feed.findall("a:author/a:name", A)
    for element in feed.findall("a:entry", A):
        for required in ("a:id", "a:title", "a:updated"):
            assert len(element.findall(required, A)) == 1, required
        assert feed_authors or element.findall("a:author/a:name", A)
        alternate = element.findall("a:link[@rel='alternate']", A)
        assert len(alternate) == 1 and alternate[0].get("href")
        assert element.find("a:summary", A) is not None
        for stamp in ("a:updated", "a:published"):
            if (found := element.find(stamp, A)) is not None:
                assert datetime.fromisoformat(found.text).tzinfo is not None
    return feed


def parse_atom(document: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(BytesIO(document.encode()))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def assert_valid_json_feed(document: str) -> dict:
    """Valid by the JSON Feed 1.1 schema; its dates parse with their offsets."""
    feed = json.loads(document)
    assert [error.message for error in JSON_FEED_SCHEMA.iter_errors(feed)] == []
    assert feed["version"] == JSON_FEED_VERSION
    for item in feed["items"]:
        for stamp in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[stamp]).tzinfo is not None
    return feed


def test_atom_has_every_required_element_and_parses_cleanly() -> None:
    document = atom("syria", [entry(1), entry(2)], self_url="https://feeds.example/syria.atom")
    feed = assert_valid_atom(document)
    parsed = parse_atom(document)
    assert [e.link for e in parsed.entries] == ["https://news.example/world/1?a=1&b=2"] * 2
    assert parsed.entries[0].id == entry_id("syria", 1)
    assert "Also covered by: Other Post" in parsed.entries[0].summary
    assert feed.find("a:link[@rel='self']", A).get("href") == "https://feeds.example/syria.atom"


BROKEN_ATOM = [
    ("<updated>", "<updated>yesterday "),  # not an RFC 3339 date
    ('<title type="text">', '<title type="markdown">'),  # no such text construct
    ("<id>", "<identifier>"),  # a feed without its id
]


@pytest.mark.parametrize(("good", "bad"), BROKEN_ATOM)
def test_the_atom_validator_refuses_what_rfc_4287_forbids(good: str, bad: str) -> None:
    document = atom("syria", [entry(1)])
    broken = document.replace(good, bad).replace(good.replace("<", "</"), bad.replace("<", "</"))
    assert ATOM_SCHEMA.validate(etree.fromstring(document.encode()))
    assert not ATOM_SCHEMA.validate(etree.fromstring(broken.encode()))


@pytest.mark.parametrize("breakage", ["no content", "bad date", "unknown field", "no version"])
def test_the_json_feed_validator_refuses_what_the_spec_forbids(breakage: str) -> None:
    feed = json.loads(json_feed("syria", [entry(1)]))
    item = feed["items"][0]
    if breakage == "no content":
        del item["content_text"]
    elif breakage == "bad date":
        item["date_published"] = "1 March 2026"
    elif breakage == "unknown field":
        item["story"] = 1  # extensions must start with "_"
    else:
        del feed["version"]
    assert not JSON_FEED_SCHEMA.is_valid(feed)


def test_hostile_scraped_text_stays_valid_xml_and_round_trips() -> None:
    hostile = entry(title=HOSTILE, snippet=HOSTILE, outlet="A & B <News>")
    document = atom("w <&>", [hostile])
    assert "<script>" not in document
    assert_valid_atom(document)
    parsed = parse_atom(document)
    expected = 'Crash <script>alert("x")</script> & ]]> rises  here'
    assert parsed.entries[0].title == expected
    assert parsed.entries[0].summary.startswith(expected)
    assert parsed.entries[0].author == "A & B <News>"
    assert parsed.feed.title == "newswatch: w <&>"
    item = assert_valid_json_feed(json_feed("w <&>", [hostile]))["items"][0]
    assert item["title"] == expected
    json_feed("w", [hostile]).encode()  # no lone surrogate left to break UTF-8


def test_ids_are_stable_across_renders_and_an_update_moves_updated() -> None:
    first = parse_atom(atom("syria", [entry(1), entry(2)]))
    again = parse_atom(atom("syria", [entry(1), entry(2)]))
    assert [e.id for e in first.entries] == [e.id for e in again.entries]
    assert first.entries[0].id != first.entries[1].id
    assert first.feed.updated == T0.isoformat()

    later = T0 + timedelta(hours=3)
    updated = parse_atom(atom("syria", [entry(1, last_update_at=later), entry(2)]))
    assert updated.entries[0].id == first.entries[0].id
    assert updated.entries[0].updated == later.isoformat()
    assert updated.feed.updated == later.isoformat()
    item = json.loads(json_feed("syria", [entry(1, last_update_at=later)]))["items"][0]
    assert item["id"] == first.entries[0].id
    assert item["date_modified"] == later.isoformat()


def test_empty_feeds_are_valid() -> None:
    document = atom("quiet", [])
    assert_valid_atom(document)
    assert parse_atom(document).feed.updated == EMPTY_UPDATED.isoformat()
    assert assert_valid_json_feed(json_feed("quiet", []))["items"] == []


def store(engine: Engine, url: str, title: str, outlet: str, story_id: int | None = None) -> int:
    rec = ArticleRecord(
        url=url, fetched_url=url, outlet=outlet, title=title, text=f"{title}. Syria talks.",
        published_at=datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
    )  # fmt: skip
    with Session(engine) as s, s.begin():
        change = upsert_article(s, rec, T0, story_id=story_id)
    return change.article_id


def alert(
    engine: Engine, article_id: int, story_id: int, when: datetime, kind: str = "new",
    watchlist: str = "syria", snippet: str = "… Syria …",
) -> None:  # fmt: skip
    with Session(engine) as s, s.begin():
        enqueue_alerts(
            s, article_id=article_id, story_id=story_id, kind=kind, watchlist=watchlist,
            channels=["desk", "email"], terms=["Syria"], snippet=snippet, now=when,
        )  # fmt: skip


def seed(engine: Engine) -> tuple[int, int]:
    one = store(engine, "https://a.example/1", "Talks resume", "Alpha")
    store(engine, "https://b.example/1", "Talks resume, copy", "Beta", story_id=one)
    two = store(engine, "https://a.example/2", "Ceasefire holds", "Alpha")
    alert(engine, one, one, T0)
    alert(engine, two, two, T0 + timedelta(hours=1))
    alert(engine, one, one, T0, watchlist="other")
    return one, two


def test_query_returns_alerted_stories_newest_first_one_per_story(engine: Engine) -> None:
    one, two = seed(engine)
    with Session(engine) as s:
        entries = watchlist_feed(s, "syria")
    assert [e.story_id for e in entries] == [two, one]  # one entry per story, not per channel
    first = entries[1]
    assert (first.title, first.url, first.outlet) == (
        "Talks resume",
        "https://a.example/1",
        "Alpha",
    )
    assert first.also_covered_by == ("Beta",)
    assert first.first_alerted_at == T0 and first.last_update_at is None
    assert first.published_at == datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert first.published_at.utcoffset() == timedelta(hours=1)  # as the page wrote it
    assert first.snippet == "… Syria …"

    later = T0 + timedelta(hours=5)
    alert(engine, one, one, later, kind=UPDATE, snippet="… new passage …")
    with Session(engine) as s:
        entries = watchlist_feed(s, "syria")
        assert len(watchlist_feed(s, "syria", limit=1)) == 1
        assert watchlist_feed(s, "nobody") == []
    assert [e.story_id for e in entries] == [one, two]  # the update makes it the newest
    assert entries[0].first_alerted_at == T0
    assert entries[0].last_update_at == later
    assert entries[0].updated == later
    assert entries[0].snippet == "… new passage …"
    assert_valid_atom(atom("syria", entries))
    assert_valid_json_feed(json_feed("syria", entries))


def write_config(tmp_path: Path, database: str, extra: str = "") -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'database = "{database}"\n[channels]\ndesk = "json://127.0.0.1:9/hook"\n'
        '[[outlets]]\nname = "Example"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
        '[[watchlists]]\nname = "syria"\nquery = "Syria"\nnotify = ["desk"]\n'
        '[[watchlists]]\nname = "a/b"\nquery = "Syria"\n' + extra
    )
    return path


runner = CliRunner()


def test_feed_command_prints_atom_or_json_and_refuses_unknown_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    engine = make_engine(url)
    try:
        migrate(engine)
        one, two = seed(engine)
    finally:
        engine.dispose()
    config = str(write_config(tmp_path, url))
    result = runner.invoke(app, ["feed", "syria", "--config", config])
    assert result.exit_code == 0, result.output
    assert [e.title for e in parse_atom(result.stdout).entries] == [
        "Ceasefire holds", "Talks resume",
    ]  # fmt: skip
    result = runner.invoke(app, ["feed", "syria", "--format", "json", "--config", config])
    assert result.exit_code == 0, result.output
    items = assert_valid_json_feed(result.stdout)["items"]
    assert [i["id"] for i in items] == [entry_id("syria", two), entry_id("syria", one)]

    result = runner.invoke(app, ["feed", "nope", "--config", config])
    assert result.exit_code == 2
    assert "nope" in result.stderr and "syria, a/b" in result.stderr
    result = runner.invoke(app, ["feed", "syria", "--format", "rss", "--config", config])
    assert result.exit_code == 2


@pytest.mark.parametrize("directory", ["feeds", "ABSOLUTE"])
def test_feeds_dir_is_optional_and_relative_to_the_config(tmp_path: Path, directory: str) -> None:
    directory = str(tmp_path / "out") if directory == "ABSOLUTE" else directory
    assert feeds_dir(load_config(write_config(tmp_path, "sqlite:///x")), tmp_path / "c") is None
    path = write_config(tmp_path, "sqlite:///x", f'[feeds]\ndir = "{directory}"\n')
    expected = tmp_path / "out" if directory != "feeds" else tmp_path / "feeds"
    assert feeds_dir(load_config(path), path) == expected


def test_write_feeds_writes_both_formats_for_every_watchlist(
    engine: Engine, tmp_path: Path
) -> None:
    one, _ = seed(engine)
    config = load_config(write_config(tmp_path, "sqlite:///x"))
    directory = tmp_path / "site" / "feeds"
    written = write_feeds(engine, config, directory)
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["a%2Fb.atom", "a%2Fb.json", "syria.atom", "syria.json"]  # no temp left
    assert sorted(p.name for p in written) == names
    assert feed_filename("a/b", "atom") == "a%2Fb.atom"
    assert len(parse_atom((directory / "syria.atom").read_text()).entries) == 2
    assert assert_valid_json_feed((directory / "a%2Fb.json").read_text())["items"] == []

    alert(engine, one, one, T0 + timedelta(days=1), kind=UPDATE)
    write_feeds(engine, config, directory)  # replaces the files in place
    parsed = parse_atom((directory / "syria.atom").read_text())
    assert parsed.entries[0].id == entry_id("syria", one)
    assert parsed.feed.updated == (T0 + timedelta(days=1)).isoformat()
    assert sorted(p.name for p in directory.iterdir()) == names
