"""Boilerplate learning in the store step and re-cleaning, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from flows.cli import app
from flows.config import Config
from flows.reclean import reclean
from flows.store import store_and_match
from spiders.items import ArticleRecord
from spiders.pages import save_page
from storage.articles import CLEANING_ONLY, article_versions
from storage.boilerplate import Evidence
from storage.learned import learned_sentences
from storage.models import Alert, Article, ArticleVersion

APPEAL = "From Ukraine to Syria, our reporters are there because readers like you donate."
SIGNUP = "Sign up for the Morning Briefing, free in your inbox every weekday."
QUOTE = "We will not rest until the families of Harrowgate have answers, the minister said."
BACKGROUND = "The war in Syria has left much of the country's infrastructure in ruins."
# Follow-ups are written from these (no watched word among them), so no two read alike.
WORDS = (
    "aid", "convoy", "border", "camp", "winter", "road", "bridge", "clinic", "doctors", "water",
    "fuel", "tents", "drivers", "families", "village", "council", "relief", "supplies", "flour",
    "weather", "delay", "route", "checkpoint", "volunteers", "trucks", "medicine", "children",
    "school", "shelter", "generator", "harbour", "ferry", "grain", "market", "blankets",
)  # fmt: skip
TOWNS = ("Ashford", "Brackenridge", "Castlemere", "Dunwick", "Eastholm", "Fernley", "Greywater")
CONFIG = Config.model_validate(
    {
        "channels": {"desk": "json://127.0.0.1:9/hook"},
        "watchlists": [{"name": "syria", "query": "Syria", "notify": ["desk"]}],
    }
)


def story(n: int, *, extra: str = "", outlet: str = "Gazette") -> ArticleRecord:
    """An article of its own words with the outlet's appeal and sign-up between paragraphs."""
    town = TOWNS[n % len(TOWNS)]
    lines = [
        f"The council of {town} met for the {n}th time this year to debate item {n * 7} on "
        f"the agenda, which concerns the {town} bypass and its cost.",
        APPEAL,
        f"Residents of {town} told the meeting that plan {n} would split the village in two.",
        extra,
        SIGNUP,
    ]
    return ArticleRecord(
        url=f"https://gazette.example/news/{n}",
        fetched_url=f"https://gazette.example/news/{n}",
        outlet=outlet,
        title=f"{town} bypass vote number {n}",
        text="\n".join(line for line in lines if line),
        published_at=datetime.now(UTC) - timedelta(hours=n),
    )


def follow_up(n: int) -> ArticleRecord:
    """A story in words of its own that reuses the background line inside one of its
    paragraphs, with the outlet's appeal and sign-up as paragraphs of their own."""
    rng = random.Random(f"follow-up {n}")
    own = [" ".join(rng.sample(WORDS, 10)).capitalize() + "." for _ in range(6)]
    lines = [f"{own[0]} {own[1]}", f"{own[2]} {BACKGROUND} {own[3]}", APPEAL, own[4], own[5]]
    url = f"https://gazette.example/follow-up/{n}"
    return ArticleRecord(
        url=url, fetched_url=url, outlet="Gazette", title=f"Convoy {own[0][:40]}",
        text="\n".join([*lines, SIGNUP]), published_at=datetime.now(UTC) - timedelta(hours=n),
    )  # fmt: skip


def store(engine: Engine, records: list[ArticleRecord], pages: Path | None = None) -> None:
    store_and_match.fn(engine, CONFIG, records, pages)


def texts(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {url: text for url, text in session.execute(select(Article.url, Article.text))}


def alert_urls(engine: Engine) -> set[str]:
    with Session(engine) as session:
        query = select(Article.url).join(Alert, Alert.article_id == Article.id)
        return set(session.scalars(query))


def test_a_first_run_learns_from_its_own_batch_and_alerts_only_on_the_story(
    engine: Engine,
) -> None:
    syria = story(5, extra="The council also voted to twin the village with a town in Syria.")
    quoted = [story(n, extra=QUOTE) for n in (1, 2)]  # one quote in two follow-ups: kept
    batch = [story(n) for n in range(6, 30)] + quoted + [syria]
    store(engine, batch)

    stored = texts(engine)
    assert len(stored) == len(batch)
    assert not any(APPEAL in text or "Morning Briefing" in text for text in stored.values())
    assert all(QUOTE in stored[r.url] for r in quoted)
    assert "twin the village with a town in Syria" in stored[syria.url]
    assert alert_urls(engine) == {syria.url}  # the appeal's "Syria" alerted nothing
    with Session(engine) as session:
        learned = {row.sentence: row for row in learned_sentences(session, "Gazette")}
        snippet = session.scalars(select(Alert.snippet)).one()
    assert set(learned) == {APPEAL, SIGNUP}
    assert learned[APPEAL].articles == len(batch) and learned[APPEAL].sample == len(batch)
    assert "donate" not in snippet


def test_below_the_warmup_nothing_is_stripped_and_later_runs_learn_from_history(
    engine: Engine,
) -> None:
    early = [story(n) for n in range(4)]
    store(engine, early)
    assert all(APPEAL in text for text in texts(engine).values())  # 4 articles: too few

    store(engine, [story(n) for n in range(4, 12)])  # 12 with the history: learned
    later = story(40, extra="A villager in Syria followed the vote online.")
    store(engine, [later])
    stored = texts(engine)
    assert APPEAL not in stored[later.url] and APPEAL not in stored[story(11).url]
    assert alert_urls(engine) == {later.url} | {r.url for r in early}  # early ones: unlearned

    # Revisited, an early article loses the boilerplate as a cosmetic version: no new alert.
    store(engine, [early[0]])
    with Session(engine) as session:
        versions = article_versions(session, early[0].url)
        alerts = session.scalar(select(func.count(Alert.id)))
    assert [v.update_kind for v in versions] == [None, "cosmetic"]
    assert versions[-1].update_reason == CLEANING_ONLY
    assert APPEAL not in versions[-1].text
    assert alerts == len(early) + 1


def test_reclean_stores_new_versions_from_kept_pages_without_alerts(
    engine: Engine, tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    fixture = Path(__file__).parent / "fixtures" / "pages" / "independent_000.html"
    html = fixture.read_text(encoding="utf-8")
    url = "https://www.independent.co.uk/news/world/europe/russia-syria-test.html"
    old = ArticleRecord(
        url=url, fetched_url=url, outlet="The Independent", title="An old headline",
        text="What an older cleaning made of the page, Syria and all.",
    )  # fmt: skip
    save_page(pages, url, html)
    store(engine, [old], pages)
    alerts_before = alert_urls(engine)
    with Session(engine) as session:
        raw = session.scalars(select(ArticleVersion.raw_html)).one()
    assert raw is not None and zlib.decompress(raw).decode() == html

    report = reclean(engine, CONFIG)
    assert (report.checked, len(report.changed), report.unchanged) == (1, 1, 0)
    assert report.changed[0].title_changed
    with Session(engine) as session:
        versions = article_versions(session, url)
    assert [v.version for v in versions] == [1, 2]
    assert versions[-1].update_reason == CLEANING_ONLY
    assert "Syria" in versions[-1].text and versions[-1].title != old.title
    assert alert_urls(engine) == alerts_before  # no alert for a re-clean
    again = reclean(engine, CONFIG)
    assert (again.checked, len(again.changed), again.unchanged) == (1, 0, 1)


def test_outlets_boilerplate_command_lists_what_was_learned(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    store(engine, [story(n) for n in range(12)])
    config = tmp_path / "newswatch.toml"
    config.write_text(f'database = "{database_url}"\n', encoding="utf-8")
    runner = CliRunner()

    shown = runner.invoke(app, ["outlets", "boilerplate", "Gazette", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "2 sentences learned" in shown.output
    assert f"  12/12   since {datetime.now(UTC):%Y-%m-%d}  {APPEAL}" in shown.output
    assert (
        "alone in its paragraph 12 · in a block of recurring sentences 0 · at the top or tail 0"
        " | inside new text 0"
    ) in shown.output
    as_json = runner.invoke(
        app, ["outlets", "boilerplate", "Gazette", "--json", "--config", str(config)]
    )
    rows = [json.loads(line) for line in as_json.output.splitlines()]
    assert rows[0]["evidence"] == {"alone": 12, "block": 0, "edge": 0, "cut": 0, "inside": 0}
    none = runner.invoke(app, ["outlets", "boilerplate", "Elsewhere", "--config", str(config)])
    assert none.exit_code == 0 and "no boilerplate learned (0 articles stored" in none.output
    recleaned = runner.invoke(app, ["reclean", "--since", "2026-01-01", "--config", str(config)])
    assert recleaned.exit_code == 0, recleaned.output
    assert "re-cleaned 0 kept pages: 0 changed, 0 unchanged" in recleaned.output  # no pages kept


def test_a_background_line_inside_new_paragraphs_stays_and_alerts_while_the_appeal_goes(
    engine: Engine,
) -> None:
    follow_ups = [follow_up(n) for n in range(0, 40, 4)]  # a quarter of the outlet's articles
    store(engine, follow_ups + [story(n) for n in range(40) if n % 4])

    stored = texts(engine)
    assert all(BACKGROUND in stored[r.url] for r in follow_ups)
    assert not any("Syria" in stored[r.url].replace(BACKGROUND, "") for r in follow_ups)
    assert not any(APPEAL in text or "Morning Briefing" in text for text in stored.values())
    assert alert_urls(engine) == {r.url for r in follow_ups}  # on the background's "Syria"
    # A later run learns from the stored articles, their places read back from the database.
    later = follow_up(41)
    store(engine, [later])
    assert BACKGROUND in texts(engine)[later.url] and APPEAL not in texts(engine)[later.url]
    assert later.url in alert_urls(engine)
    with Session(engine) as session:
        learned = {row.sentence: row for row in learned_sentences(session, "Gazette")}
    assert set(learned) == {APPEAL, SIGNUP}  # the background line is not boilerplate
    assert learned[APPEAL].evidence == Evidence(alone=41)
    assert learned[SIGNUP].evidence == Evidence(alone=41)


def test_articles_stored_before_places_were_kept_still_teach_what_was_cut(
    engine: Engine,
) -> None:
    store(engine, [story(n) for n in range(12)])  # learned and cut in that run
    with Session(engine) as session, session.begin():
        for article in session.scalars(select(Article)):  # as the frequency-only version stored
            article.sentence_fingerprints = sorted(
                fp % 2**63 for fp in article.sentence_fingerprints
            )
    assert not any(APPEAL in text for text in texts(engine).values())

    later = story(12, extra="A villager in Syria followed the vote online.")
    store(engine, [later])
    assert APPEAL not in texts(engine)[later.url]
    assert alert_urls(engine) == {later.url}
    with Session(engine) as session:
        learned = {row.sentence: row for row in learned_sentences(session, "Gazette")}
    assert learned[APPEAL].evidence == Evidence(alone=1, cut=12)
