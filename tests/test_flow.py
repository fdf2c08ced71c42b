"""The whole cycle as a Prefect flow against the demo site, a real HTTP inbox and SMTP server."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.articles import article_versions, list_articles
from storage.db import make_engine
from storage.outbox import list_alerts

BOILERPLATE = ("Support independent", "newsletter", "Related", "Comments")


@pytest.fixture(scope="module")
def prefect_api():
    """One Prefect test harness (a temporary API server) for the module's flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def stored(database_url: str):
    engine = make_engine(database_url)
    with Session(engine) as session:
        articles = {a.url: a for a in list_articles(session)}
        alerts = list_alerts(session)
    engine.dispose()
    return articles, alerts


def article_requests(site: DemoSite) -> list[str]:
    paths = {site.url(page).removeprefix(site.base_url) for page in site.articles()}
    return [path for path in site.requests if path.split("?")[0] in paths]


def test_monitoring_cycle_end_to_end(prefect_api, database_url, smtp_server, tmp_path: Path):
    from flows.monitor import monitor

    smtp, mail_url = smtp_server
    with DemoSite() as site, AlertReceiver() as inbox:
        config = tmp_path / "newswatch.toml"
        channels = {"inbox": inbox.url, "email": mail_url}
        config.write_text(demo_config_toml(database_url, site.outlets(), channels))

        # Run 1: every article stored once, clean; one alert per recent matching story and
        # channel: no second alert for a syndicated copy, none for the archive.
        summary = monitor(config_path=str(config))
        articles, alerts = stored(database_url)
        assert set(articles) == {site.url(page) for page in site.articles()}
        expected = site.expected_matches()
        assert 0 < len(expected) < len(site.matching_articles()) < len(articles)
        assert sorted(a["title"] for a in inbox.received) == sorted(
            f"[us-russia-syria] {articles[url].title}" for url in expected
        )
        assert len(smtp.messages) == len(expected)
        assert {a.url for a in alerts} == expected
        assert all(a.status == "sent" and a.attempts == 1 for a in alerts)
        for article in articles.values():
            assert not any(line in article.text for line in BOILERPLATE), article.url
            assert article.published_at is not None
        assert sum(row.new for row in summary.outlets) == len(articles)
        assert sum(row.alerts_sent for row in summary.outlets) == 2 * len(expected)
        assert latest_report() == summary.table()
        assert_wire_story_alerted_once_naming_its_outlets(site, articles, inbox, smtp)
        assert sum(row.also_covered for row in summary.outlets) == 2  # the two copies
        (archive,) = [p for p in site.articles() if p.published_at < site.now - timedelta(days=90)]
        assert archive.matches_watchlist() and site.url(archive) not in {a.url for a in alerts}

        # Run 2: nothing new — no alert, no known article fetched again, every source a 304.
        site.reset_requests()
        monitor(config_path=str(config))
        assert article_requests(site) == []
        sources = {
            urlsplit(url).path
            for outlet in site.outlets()
            for url in (*outlet["feeds"], *outlet["sitemaps"], *outlet["pages"])
        }
        answers = {path: status for path, status in site.statuses if path in sources}
        # The sitemap index is read in full every run; its child sitemaps conditionally.
        assert answers == {path: 200 if "index" in path else 304 for path in sources}
        assert len(inbox.received) == len(expected)

        # Run 3: publish one matching and one other article, edit an older one (not due for
        # a revisit): only the new match alerts.
        now = datetime.now(UTC)
        old_match = next(p for p in site.articles() if site.url(p) in expected)
        site.edit(site.url(old_match), [*old_match.paragraphs, "Update: Moscow denied it."])
        pentagon = [
            "The Pentagon is weighing a proposal from Russia to coordinate strikes against ISIS "
            "targets in northern Syria, officials said on Thursday, after weeks of talks.",
            "Critics in Congres said any such deal would need strict limits and oversight.",
        ]
        new_match = site.publish(
            "gazette", "pentagon-russia-isis-deal", "Pentagon weighs Russia deal on ISIS",
            pentagon, now,
        )  # fmt: skip
        site.publish(
            "wire", "harbour-bridge-reopens", "Harbour bridge reopens after repairs",
            ["The harbour bridge reopened to traffic on Thursday after six months of repairs "
             "that cost the city more than it had planned, the council said.",
             "Commuters welcomed the news after months of long detours through the centre."],
            now,
        )
        count_before = len(articles)
        monitor(config_path=str(config))
        articles, alerts = stored(database_url)
        assert len(articles) == count_before + 2
        assert [a["title"] for a in inbox.received[len(expected):]] == [
            "[us-russia-syria] Pentagon weighs Russia deal on ISIS"
        ]
        assert Counter(a.url for a in alerts)[new_match] == 2
        assert len(article_versions_of(database_url, site.url(old_match))) == 1

        # Run 4: the HTTP channel is down: its alert stays pending with the error, email goes.
        # The new story's typo is fixed (it is revisited every run while young): no alert.
        inbox.status = 500
        before_mail = len(smtp.messages)
        site.edit(new_match, [pentagon[0], pentagon[1].replace("Congres", "Congress")])
        down_match = site.publish(
            "wire", "kremlin-isis-talks", "Kremlin confirms ISIS talks",
            ["The Kremlin confirmed on Friday that Russian and American officers had held "
             "talks about coordinating against Islamic State fighters in Syria.",
             "A spokesman said the talks would continue next week in Geneva."],
            now,
        )
        monitor(config_path=str(config))
        pending = [a for a in stored(database_url)[1] if a.status == "pending"]
        assert [(a.url, a.channel, a.attempts) for a in pending] == [(down_match, "inbox", 1)]
        assert pending[0].last_error
        kremlin = "[us-russia-syria] Kremlin confirms ISIS talks"
        assert subjects(smtp.messages[before_mail:]) == [kremlin]
        assert update_kinds(database_url, new_match) == [None, "cosmetic"]

        # Run 5: the channel is back: the owed alert goes out once; the alerted story's
        # headline changes materially: one "updated" alert per channel.
        inbox.status = 200
        before_http, before_mail = len(inbox.received), len(smtp.messages)
        site.edit(new_match, pentagon, title="Pentagon rejects Russia deal on ISIS")
        monitor(config_path=str(config))
        updated = "[us-russia-syria] Updated: Pentagon rejects Russia deal on ISIS"
        assert [a["title"] for a in inbox.received[before_http:]] == [kremlin, updated]
        assert "Updated: headline changed" in inbox.received[-1]["message"]
        assert subjects(smtp.messages[before_mail:]) == [updated]
        assert all(a.status == "sent" for a in stored(database_url)[1])

        # Run 6: a second material update of the same story: never a second update alert.
        before_http, before_mail = len(inbox.received), len(smtp.messages)
        site.edit(new_match, [*pentagon, "The White House declined to comment."],
                  title="Pentagon rejects Russia deal on ISIS")  # fmt: skip
        monitor(config_path=str(config))
        assert (len(inbox.received), len(smtp.messages)) == (before_http, before_mail)
        assert update_kinds(database_url, new_match) == [None, "cosmetic", "material", "material"]
        assert Counter(a.url for a in stored(database_url)[1])[new_match] == 4  # 2 new, 2 update


def assert_wire_story_alerted_once_naming_its_outlets(site, articles, inbox, smtp) -> None:
    """The wire story carried by all three outlets: one alert per channel naming all three."""
    copies = [p for p in site.articles() if p.syndicated_from]
    (wire,) = {p.syndicated_from for p in copies}
    (original,) = [p for p in site.articles() if p.slug == wire]
    outlets = {site.outlet_name(p) for p in [original, *copies]}
    assert len(outlets) == 3
    (message,) = [m for m in inbox.received if m["title"].endswith(original.title)]
    assert all(outlet in message["message"] for outlet in outlets), message["message"]
    assert len([m for m in smtp.messages if original.title in str(m["Subject"])]) == 1
    # `newswatch articles` lists the other outlets of the story beside each copy.
    listed = articles[site.url(original)].also_covered_by
    assert set(listed) == outlets - {site.outlet_name(original)}


def subjects(messages) -> list[str]:
    return [str(message["Subject"]) for message in messages]


def update_kinds(database_url: str, url: str) -> list[str | None]:
    return [v.update_kind for v in article_versions_of(database_url, url)]


def latest_report() -> list[dict]:
    """The newest `newswatch-run` table artifact, as the dashboard shows it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter,
        ArtifactCollectionFilterKey,
    )

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(
                key=ArtifactCollectionFilterKey(any_=["newswatch-run"])
            )
        )
    return json.loads(artifact.data)


def article_versions_of(database_url: str, url: str):
    engine = make_engine(database_url)
    with Session(engine) as session:
        versions = article_versions(session, url)
    engine.dispose()
    return versions


def test_demo_command_shows_the_delivered_alerts_and_no_prefect_chatter(tmp_path: Path) -> None:
    import os
    import shlex
    import subprocess
    import sys

    from typer.testing import CliRunner

    from flows.cli import app

    root = Path(__file__).parent.parent
    newswatch = Path(sys.executable).with_name("newswatch")
    workdir = tmp_path / "demo"
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)  # the real CLI on its own: a temporary local API
    result = subprocess.run(
        [str(newswatch), "demo", "--workdir", str(workdir)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "alert → [us-russia-syria]" in output
    assert "== Inbox: 4 alerts delivered to json://127.0.0.1:" in output
    assert "│ Matched in the headline: Kremlin, Islamic State; in the text: Syria" in output
    assert "| INFO" not in output and "Starting temporary server" not in output
    assert result.stderr == ""
    # The hint's commands work as printed, from where the demo was run.
    hint = next(line for line in output.splitlines() if line.startswith("Inspect: "))
    articles = subprocess.run(
        shlex.split(hint.removeprefix("Inspect: ")) + ["--json"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    rows = [json.loads(line) for line in articles.stdout.splitlines()]
    assert len(rows) >= 12 and all(row["text"] and row["version_count"] == 1 for row in rows)
    alerts = CliRunner().invoke(
        app, ["alerts", "--json", "--config", str(workdir / "newswatch.toml")]
    )
    assert {json.loads(line)["status"] for line in alerts.output.splitlines()} == {"sent"}


def test_run_json_prints_the_summary_as_one_object(prefect_api, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    config = tmp_path / "newswatch.toml"
    database = f"sqlite:///{tmp_path / 'newswatch.db'}"
    with DemoSite() as site, AlertReceiver() as inbox:
        config.write_text(demo_config_toml(database, site.outlets(), {"inbox": inbox.url}))
        result = CliRunner().invoke(app, ["run", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # Prefect logs to stderr; stdout is the JSON alone
    assert [row["outlet"] for row in summary["outlets"]] == [o["name"] for o in site.outlets()]
    assert sum(row["alerts_sent"] for row in summary["outlets"]) == len(inbox.received) > 0
    assert summary["alerts_pending"] == 0 and summary["crawl_error"] is None
    # The dashboard's story list links each matching story, once per watchlist and story.
    from prefect.artifacts import Artifact

    stories = Artifact.get("newswatch-stories")
    assert stories is not None and "## Matching stories" in stories.data
    assert stories.data.count("- **us-russia-syria** · [") == len(inbox.received)
    assert "Every channel is clear." in stories.data


def test_run_with_unreachable_database_fails_clearly_without_secrets(
    prefect_api, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    config = tmp_path / "newswatch.toml"
    config.write_text(
        'database = "postgresql+psycopg://newswatch:hunter2@127.0.0.1:1/nowhere"\n'
        '[[outlets]]\nname = "x"\nfeeds = ["http://127.0.0.1:1/feed.xml"]\n'
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 1
    assert "database unavailable" in result.output
    assert "hunter2" not in result.output


def test_maintain_command_applies_the_configured_retention(prefect_api, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from spiders.items import ArticleRecord
    from storage.articles import upsert_article
    from storage.db import migrate

    database = f"sqlite:///{tmp_path / 'newswatch.db'}"
    engine = make_engine(database)
    migrate(engine)
    now = datetime.now(UTC)
    url = "https://news.example/a"
    for days_ago, text in ((200, "first"), (100, "second"), (1, "third")):
        record = ArticleRecord(url=url, fetched_url=url, outlet="x", title="T", text=text)
        with Session(engine) as session, session.begin():
            upsert_article(session, record, now - timedelta(days=days_ago))
    engine.dispose()
    config = tmp_path / "newswatch.toml"
    config.write_text(f'database = "{database}"\n[retention]\nversions_days = 30\n')

    result = CliRunner().invoke(app, ["maintain", "--config", str(config)])

    assert result.exit_code == 0, result.output
    assert "deleted 2 old versions" in result.output
    assert [v.text for v in article_versions_of(database, url)] == ["third"]


def test_a_run_that_fetched_nothing_is_told_apart(prefect_api, tmp_path: Path) -> None:
    from conftest import free_port
    from prefect import get_client
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.monitor import TROUBLED, monitor

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: every request is refused
    config = tmp_path / "newswatch.toml"
    config.write_text(
        f'database = "sqlite:///{tmp_path / "n.db"}"\n'
        f'[[outlets]]\nname = "Down"\nfeeds = ["{dead}/rss.xml"]\n'
        f'[[outlets]]\nname = "Also down"\nsitemaps = ["{dead}/sitemap.xml"]\n'
    )
    state = monitor(config_path=str(config), return_state=True)
    summary = state.result()
    assert state.is_completed() and state.name == TROUBLED  # not a plain green Completed
    assert summary.nothing_fetched and set(summary.failed_outlets) == {"Down", "Also down"}
    with get_client(sync_client=True) as client:
        name = client.read_flow_run(state.state_details.flow_run_id).name
    assert name.startswith("cycle ") and name.endswith("· 0 new · 0 alerts · 2/2 outlets failed")
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 1
    assert "no outlet could be fetched" in result.output
