"""The CLI's cheap paths: config checking, exit codes and the listing commands (no flow run)."""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from flows.cli import app
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.db import make_engine, migrate

runner = CliRunner()


def write_config(tmp_path: Path, database: str, extra: str = "") -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'database = "{database}"\n[channels]\ndesk = "json://127.0.0.1:9/hook"\n'
        '[[outlets]]\nname = "Example"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
        '[[watchlists]]\nname = "w"\nquery = "Syria"\nnotify = ["desk"]\n' + extra
    )
    return path


def test_check_accepts_a_good_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--config", str(write_config(tmp_path, "sqlite:///x"))])
    assert result.exit_code == 0, result.output
    assert "1 outlets, 1 watchlists, 1 channels" in result.output


def test_check_and_run_refuse_a_broken_config_with_exit_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, "sqlite:///x", extra="[[watchlists]]\nname='v'\nquery='(a'\n")
    for command in ("check", "run"):
        result = runner.invoke(app, [command, "--config", str(path)])
        assert result.exit_code == 2
        assert "watchlists[1].query: invalid query" in result.output


def test_check_names_an_unusable_channel(tmp_path: Path) -> None:
    path = write_config(tmp_path, "sqlite:///x")
    path.write_text(path.read_text().replace("json://127.0.0.1:9/hook", "bogus://u:pw@h"))
    result = runner.invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert "channels.desk" in result.output and "pw@" not in result.output


def test_articles_and_versions_list_what_is_stored(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    url = "http://127.0.0.1:9/news/a-story.html"
    record = ArticleRecord(url=url, fetched_url=url, outlet="Example", title="A story",
                           text="First text.", published_at=datetime(2024, 3, 10, tzinfo=UTC))
    with Session(engine) as session, session.begin():
        upsert_article(session, record, datetime.now(UTC))
        upsert_article(session, ArticleRecord(**{**record.__dict__, "text": "Second text."}),
                       datetime.now(UTC))
    engine.dispose()
    config = str(write_config(tmp_path, database_url))
    listing = runner.invoke(app, ["articles", "--json", "--config", config])
    (row,) = [json.loads(line) for line in listing.output.splitlines()]
    assert row["url"] == url and row["version_count"] == 2 and row["text"] == "Second text."
    assert row["published_at"] == "2024-03-10T00:00:00+00:00"
    diff = runner.invoke(app, ["versions", url, "--config", config])
    assert "-First text." in diff.output and "+Second text." in diff.output
    assert runner.invoke(app, ["alerts", "--json", "--config", config]).output == ""
