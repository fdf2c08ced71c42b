"""`newswatch clean`: saved pages in, what cleaning makes of them out (no config, no database)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLE = PAGES / "independent_000.html"
LISTING = PAGES / "independent_section.html"
IND_000 = (
    "https://www.independent.co.uk/news/world/americas/"
    "donald-trump-russia-isis-syria-moscow-joint-air-strikes-sean-spicer-a7541771.html"
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Neither a config file nor a database may be needed: point both somewhere that breaks.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(tmp_path / "missing.toml"))
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_json_describes_an_article() -> None:
    result = runner.invoke(app, ["clean", "--json", "--url", IND_000, str(ARTICLE)])
    assert result.exit_code == 0, result.output
    (row,) = _json_lines(result.stdout)
    assert row["path"] == str(ARTICLE) and row["url"] == IND_000 and row["article"] is True
    assert row["title"] == "Donald Trump ‘open to working with Moscow’ to fight Isis in Syria"
    assert row["authors"] == ["Helen Marlowe"] and row["author"] == "Helen Marlowe"
    assert row["published_at"] == "2017-01-24T10:15:00+00:00"
    assert row["published_source"] == "json-ld"
    assert row["modified_at"] == "2017-01-24T11:02:00+00:00"
    assert row["language"] == "en-GB"
    assert row["text"].startswith("Donald Trump’s administration has said")
    assert row["canonical_url"] == IND_000


def test_url_defaults_to_the_file_uri() -> None:
    result = runner.invoke(app, ["clean", "--json", str(ARTICLE)])
    assert result.exit_code == 0, result.output
    (row,) = _json_lines(result.stdout)
    assert row["url"] == ARTICLE.resolve().as_uri()


def test_a_page_that_is_not_an_article_is_reported_and_exits_0() -> None:
    result = runner.invoke(app, ["clean", "--json", str(LISTING), str(ARTICLE)])
    assert result.exit_code == 0, result.output
    listing, article = _json_lines(result.stdout)
    assert listing == {"path": str(LISTING), "url": LISTING.resolve().as_uri(), "article": False}
    assert article["article"] is True


def test_summary_is_short_and_readable() -> None:
    result = runner.invoke(app, ["clean", "--url", IND_000, str(ARTICLE), str(LISTING)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "title:     Donald Trump ‘open to working with Moscow’ to fight Isis in Syria" in out
    assert "authors:   Helen Marlowe" in out
    assert "published: 2017-01-24 10:15 UTC (json-ld), modified 2017-01-24 11:02 UTC" in out
    assert f"{LISTING}: not an article" in out
    assert len(out.splitlines()) < 12


def test_unreadable_path_names_the_file_and_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.html"
    result = runner.invoke(app, ["clean", "--json", str(missing), str(ARTICLE), str(tmp_path)])
    assert result.exit_code == 2
    assert f"error: cannot read {missing}: No such file or directory" in result.stderr
    assert f"error: cannot read {tmp_path}:" in result.stderr  # a directory is no page either
    (row,) = _json_lines(result.stdout)  # the readable page is still cleaned
    assert row["path"] == str(ARTICLE)


def test_clean_needs_at_least_one_path() -> None:
    assert runner.invoke(app, ["clean"]).exit_code == 2
