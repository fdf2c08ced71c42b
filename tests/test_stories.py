"""Stories in storage and ingest, on SQLite and PostgreSQL: copies, keys, updates, freshness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from alerts.message import format_alert
from alerts.owe import gate_date
from alerts.query import parse_query
from flows.config import Watchlist
from flows.ingest import Ingested, ingest, story_order
from spiders.items import ArticleRecord
from storage.articles import article_versions, list_articles
from storage.models import Alert, Article
from storage.outbox import pending_alerts
from storage.similarity import signature
from storage.stories import load_stories

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WIRE = [
    "Washington and Moscow have agreed to share intelligence on Islamic State cells operating "
    "in eastern Syria, officials from both governments said on Monday, in a rare instance of "
    "cooperation between the two rivals.",
    "Under the arrangement, military liaison officers in Amman and at the Russian base at "
    "Hmeimim will exchange information about the movements of fighters along the Euphrates "
    "valley, according to a senior defence official who briefed reporters.",
    "The Kremlin confirmed the talks but played down their scope, adding that its broader "
    "position on the war had not changed.",
    "Previous attempts at coordination collapsed in 2016 amid mutual accusations. Officials "
    "said the new channel would be reviewed after ninety days.",
]
OTHER = [
    "The harbour council approved a revised budget on Tuesday after a marathon debate that ran "
    "past midnight, with dredging of the inner basin and new lighting on the quay at the top "
    "of the list of projects that will now go ahead next spring.",
    "Councillors from the opposition benches said the plan left too little for repairs to the "
    "sea wall, which was damaged in the winter storms, and promised to raise the matter again "
    "when the council meets in September to review the spending.",
]
RAIL = [
    "The rail operator apologised on Friday for a week of cancellations that left thousands of "
    "commuters stranded, blaming a shortage of drivers and a signalling fault near the station "
    "that took engineers four days to find and repair.",
    "Passenger groups said the apology came too late and called for compensation for season "
    "ticket holders, while the regional transport board promised an inquiry into the timetable.",
]
SYRIA = Watchlist(name="syria", query="Syria", notify=["desk", "mail"])
BUDGET = Watchlist(name="budget", query="budget", notify=["desk"])


def article(
    url: str, outlet: str, paragraphs: list[str], title: str = "Intelligence deal on Syria",
    published_at: datetime | None = NOW - timedelta(hours=2),
) -> ArticleRecord:
    return ArticleRecord(
        url=url, fetched_url=url, outlet=outlet, title=title, text="\n".join(paragraphs),
        published_at=published_at,
    )  # fmt: skip


def wire_copy(n: int, outlet: str, **changes: object) -> ArticleRecord:
    """Copy `n` of the wire story: the last paragraph dropped or a credit line added."""
    paragraphs = WIRE[:-1] if n % 2 else [*WIRE, f"Additional reporting by {outlet} staff."]
    return article(f"https://{n}.example/deal", outlet, paragraphs, **changes)  # type: ignore[arg-type]


def run(
    engine: Engine,
    records: list[ArticleRecord],
    watchlists: tuple[Watchlist, ...] = (SYRIA, BUDGET),
    now: datetime = NOW,
) -> dict[str, Ingested]:
    """Store the records as store_and_match does: one index for the run, a transaction each;
    results by URL in the order stored."""
    queries = {w.name: parse_query(w.query) for w in watchlists}
    with Session(engine) as session, session.begin():
        stories = load_stories(session, now - timedelta(days=3))
    results = {}
    for record in sorted(records, key=lambda r: story_order(r, now)):
        with Session(engine) as session, session.begin():
            results[record.url] = ingest(session, record, watchlists, queries, stories, now)
    return results


def stories_of(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(select(Article.url, Article.story_id)).tuples().all())


def alert_keys(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return list(session.execute(select(Alert.idempotency_key, Alert.kind).order_by(Alert.id)))


def test_copies_in_one_run_join_the_first_ones_story_and_alert_once(engine: Engine) -> None:
    copies = [
        wire_copy(0, "Wire", published_at=NOW - timedelta(hours=3)),
        wire_copy(1, "Gazette"),
        wire_copy(2, "Ledger", title="Moscow and Washington to share Syria intelligence"),
    ]
    budget = article("https://0.example/budget", "Wire", OTHER, title="Harbour budget passes")

    results = run(engine, [copies[2], budget, copies[1], copies[0]])

    story = stories_of(engine)
    first = story[copies[0].url]
    assert story[copies[1].url] == story[copies[2].url] == first
    assert story[budget.url] not in (first, None)
    # Stored earliest-published first: the wire copy founds the story and carries the alert.
    assert [(r.matched, r.also_covered) for r in results.values()] == [
        (("syria",), ()), (("budget",), ()), ((), ("syria",)), ((), ("syria",)),
    ]  # fmt: skip
    assert alert_keys(engine) == [
        (f"syria|story:{first}|desk", "new"),
        (f"syria|story:{first}|mail", "new"),
        (f"budget|story:{story[budget.url]}|desk", "new"),
    ]


def test_a_later_copy_joins_a_stored_story_and_is_listed_as_also_covered(engine: Engine) -> None:
    run(engine, [wire_copy(0, "Wire")])
    run(engine, [wire_copy(1, "Gazette"), wire_copy(3, "Gazette", published_at=NOW)],
        now=NOW + timedelta(hours=1))  # fmt: skip
    run(engine, [wire_copy(2, "Ledger")], now=NOW + timedelta(hours=2))

    assert len(set(stories_of(engine).values())) == 1
    assert len(alert_keys(engine)) == 2  # one per channel, from the first run
    with Session(engine) as session:
        listed = {a.outlet: a.also_covered_by for a in list_articles(session)}
        pending = pending_alerts(session)
    assert listed == {"Wire": ("Gazette", "Ledger"), "Gazette": ("Wire", "Ledger"),
                      "Ledger": ("Wire", "Gazette")}  # fmt: skip
    # The message, built at delivery, names every outlet stored by then.
    assert {p.also_covered_by for p in pending} == {("Gazette", "Ledger")}
    body = format_alert(pending[0]).body
    assert all(outlet in body for outlet in ("Wire", "Gazette", "Ledger"))
    assert "Also covered by: Gazette, Ledger" in body


def test_stories_older_than_the_window_are_not_joined(engine: Engine) -> None:
    run(engine, [wire_copy(0, "Wire", published_at=NOW - timedelta(days=5))])
    run(engine, [wire_copy(1, "Gazette")])
    assert len(set(stories_of(engine).values())) == 2


def test_stale_signatures_are_recomputed_when_the_index_is_built(engine: Engine) -> None:
    run(engine, [wire_copy(0, "Wire")])
    with Session(engine) as session, session.begin():
        session.execute(update(Article).values(story_signature=b"old format"))
    run(engine, [wire_copy(1, "Gazette")])
    with Session(engine) as session:
        signatures = set(session.scalars(select(Article.story_signature)))
    assert len(set(stories_of(engine).values())) == 1
    assert signatures == {signature(wire_copy(0, "Wire").title, wire_copy(0, "Wire").text),
                          signature(wire_copy(1, "Gazette").title, wire_copy(1, "Gazette").text)}


def test_cosmetic_edits_never_alert_and_a_material_one_alerts_once(engine: Engine) -> None:
    original = wire_copy(0, "Wire")
    run(engine, [original])
    typo = article(original.url, "Wire", [WIRE[0].replace("officials", "oficials"), *WIRE[1:]],
                   title=original.title)  # fmt: skip
    later = NOW + timedelta(hours=1)
    edits = [
        typo,  # a typo introduced...
        original,  # ...and fixed: both cosmetic
        article(original.url, "Wire", WIRE, title="Syria deal collapses"),
        article(original.url, "Wire", [*WIRE, "Moscow later denied the account."],
                title="Syria deal collapses"),  # fmt: skip
    ]
    results = [run(engine, [edit], now=later)[original.url] for edit in edits]

    assert [(r.kind, r.update_kind, r.matched) for r in results] == [
        ("updated", "cosmetic", ()), ("updated", "cosmetic", ()),
        ("updated", "material", ("syria",)), ("updated", "material", ()),
    ]  # fmt: skip
    with Session(engine) as session:
        versions = article_versions(session, original.url)
        updates = [p for p in pending_alerts(session) if p.kind == "update"]
    assert [(v.update_kind, v.update_reason) for v in versions[1:3]] == [
        ("cosmetic", "typo fix: 'officials' → 'oficials'"),
        ("cosmetic", "typo fix: 'oficials' → 'officials'"),
    ]
    story = stories_of(engine)[original.url]
    assert [p.idempotency_key for p in updates] == [
        f"syria|story:{story}|desk|update", f"syria|story:{story}|mail|update",
    ]  # fmt: skip
    message = format_alert(updates[0])
    assert message.title == "[syria] Updated: Syria deal collapses"
    assert "Updated: headline changed" in message.body and "“Syria deal collapses”" in message.body


def test_material_update_that_newly_matches_alerts_as_an_update(engine: Engine) -> None:
    url = "https://0.example/budget"
    run(engine, [article(url, "Wire", OTHER, title="Harbour budget passes")], (SYRIA,))
    edited = article(url, "Wire", [*OTHER, "The money will also fund aid to Syria."],
                     title="Harbour budget passes")  # fmt: skip
    (result,) = run(engine, [edited], (SYRIA,), now=NOW + timedelta(hours=1)).values()
    assert result.matched == ("syria",)
    assert [kind for _, kind in alert_keys(engine)] == ["update", "update"]


def test_on_update_ignore_keeps_material_updates_silent(engine: Engine) -> None:
    quiet = SYRIA.model_copy(update={"on_update": "ignore"})
    original = wire_copy(0, "Wire")
    run(engine, [original], (quiet,))
    edited = article(original.url, "Wire", WIRE, title="Syria deal collapses")
    (result,) = run(engine, [edited], (quiet,), now=NOW + timedelta(hours=1)).values()
    assert (result.update_kind, result.matched) == ("material", ())
    assert [kind for _, kind in alert_keys(engine)] == ["new", "new"]


def test_freshness_gate_stores_archive_silently_and_distrusts_future_dates(
    engine: Engine,
) -> None:
    archive = article("https://0.example/2025/deal", "Wire", WIRE,
                      published_at=NOW - timedelta(days=365))  # fmt: skip
    future = article("https://1.example/deal", "Gazette", OTHER, title="Syria budget",
                     published_at=NOW + timedelta(days=30))  # fmt: skip
    week_old = SYRIA.model_copy(update={"name": "weekly", "max_age_days": 7})
    old = article("https://2.example/rail", "Ledger", RAIL, title="Syria-bound rail aid",
                  published_at=NOW - timedelta(days=5))  # fmt: skip

    results = run(engine, [archive, future, old], (SYRIA, week_old))

    assert results[archive.url].matched == ()  # a year old: stored, no alert
    assert results[old.url].matched == ("weekly",)  # within that watchlist's max_age only
    # A publish date a month ahead is unknown to the gate: first seen (now) decides.
    assert results[future.url].matched == ("syria", "weekly")
    assert len(set(stories_of(engine).values())) == 3


def test_gate_date_and_story_order_are_pure() -> None:
    first_seen = NOW - timedelta(hours=1)
    assert gate_date(None, first_seen, NOW) == first_seen
    assert gate_date(NOW - timedelta(days=9), first_seen, NOW) == NOW - timedelta(days=9)
    assert gate_date(NOW + timedelta(hours=20), first_seen, NOW) == NOW + timedelta(hours=20)
    assert gate_date(NOW + timedelta(days=2), first_seen, NOW) == first_seen
    early, late = wire_copy(1, "B", published_at=NOW - timedelta(hours=5)), wire_copy(0, "A")
    assert sorted([late, early], key=lambda r: story_order(r, NOW)) == [early, late]
