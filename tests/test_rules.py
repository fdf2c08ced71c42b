"""Rule tests, explanations and backtests: the pure parts, the config keys, and the `rules`
and `check` commands through the real entry point and on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alerts.matcher import Article, Match
from alerts.query import parse_query
from alerts.rules import explain, rule_failures
from alerts.rules_backtest import Backtest, StoredArticle, highlighted
from flows.cli import app
from flows.config import ConfigError, load_config
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.db import make_engine, migrate
from storage.models import Alert

ROOT = Path(__file__).resolve().parents[1]
NEWSWATCH = Path(sys.executable).parent / "newswatch"  # the console script
runner = CliRunner()
QUERY = '(Russia OR Kremlin) AND (Syria OR @isis) -football'
ALIASES = {"isis": ["ISIS", "ISIL", "Islamic State", "Daesh", "ИГИЛ"]}


def write_config(tmp_path: Path, watchlists: str, database: str = "sqlite:///x.db") -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'database = "{database}"\n'
        '[aliases]\nisis = ["ISIS", "ISIL", "Islamic State", "Daesh", "ИГИЛ"]\n' + watchlists,
        encoding="utf-8",
    )
    return path


WATCHLIST = f"""
[[watchlists]]
name = "isis"
query = '{QUERY}'
must_match = ["Russia said Islamic State fighters regrouped near Damascus.",
              {{ title = "Kremlin: Daesh is beaten", text = "" }}]
must_not_match = ["A football match in Madrid.", "Russia beat Syria at football."]
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NEWSWATCH), *args], capture_output=True, text=True, timeout=60)


# --- pure: rule tests and explanations ---


def test_rule_failures_name_the_example_and_the_clause_that_did_not_hold() -> None:
    query = parse_query(QUERY, ALIASES)
    failures = rule_failures(
        "isis",
        query,
        [Article("", "Kremlin officials visited Syria."), Article("", "Russia and ISIL.")],
        [Article("", "Russia and ИГИЛ."), Article("", "Kremlin and Syria at football.")],
    )
    assert [(f.expected, f.index) for f in failures] == [(False, 0)]
    (failure,) = failures
    assert failure.text().splitlines() == [
        "FAIL isis: must_not_match[0] matched: 'Russia and ИГИЛ.'",
        "    ✓ all of:",
        "      ✓ any of:",
        "        ✓ Russia  (in text)",
        "        ✗ Kremlin",
        "      ✓ any of:",
        "        ✗ Syria",
        "        ✓ any of:",
        "          ✗ ISIS",
        "          ✗ ISIL",
        '          ✗ "Islamic State"',
        "          ✗ Daesh",
        "          ✓ ИГИЛ  (in text)",
        "      ✓ NOT football",
    ]


def test_a_missing_must_match_points_at_the_failing_side() -> None:
    example = Article("", "The Kremlin has long said Syria")
    (failure,) = rule_failures("near", parse_query("Kremlin NEAR/2 Syria"), [example], [])
    assert "must_match[0] did not match" in failure.text()
    assert failure.why == ("✗ Kremlin NEAR/2 Syria  (closest: 3 words between)",)


def test_explain_says_where_each_term_was_found() -> None:
    lines = explain(
        parse_query("title:Syria author:Petrova -lang:ru"),
        Article("Syria talks", "", author="Anna Petrova", language="en"),
    )
    assert lines == [
        "✓ all of:",
        "  ✓ title:Syria  (in title)",
        "  ✓ author:Petrova  (in author)",
        "  ✓ NOT lang:ru",
    ]


def test_a_match_records_the_field_and_highlights_the_words() -> None:
    query = parse_query('title:Kremlin "Islamic State"~1 Syria')
    hit = Watchlist_match(query, Article("Kremlin denies", "Islamic, the State, left Syria."))
    assert hit.terms == ("Kremlin", "Islamic State", "Syria")
    assert hit.fields == ("title", "text", "text")
    assert highlighted(hit) == "**Islamic, the State**, left **Syria**."


def Watchlist_match(query, article: Article) -> Match:  # noqa: N802 - reads as a phrase
    from alerts.matcher import Watchlists

    return Watchlists({"w": query}).match(article)["w"]


# --- pure: the backtest's counting ---


def _stored(n: int, story: int | None, day: date) -> StoredArticle:
    return StoredArticle(n, story, f"http://127.0.0.1:9/{n}", "Outlet", f"Story {n}", day)


def test_backtest_counts_one_alert_per_story_on_its_first_day() -> None:
    hit = Match(("Syria",), "Syria talks", ("text",), ((0, 5),))
    result = Backtest("w", 7)
    day1, day2 = date(2026, 12, 1), date(2026, 12, 2)
    result.add(_stored(1, 1, day1), hit)
    result.add(_stored(2, 1, day2), hit)  # a copy at another outlet: same story
    result.add(_stored(3, None, day2), hit)
    result.add(_stored(4, 4, day2), None)
    data = result.to_dict()
    assert (data["articles_scanned"], data["articles_matched"], data["alerts"]) == (4, 3, 2)
    assert data["per_day"] == {"2026-12-01": 1, "2026-12-02": 1}
    assert data["sample"][0]["snippet"] == "**Syria** talks"
    assert "2 alerts would have been sent (none was)" in result.text()


# --- config ---


def test_aliases_and_rule_tests_load_from_the_config(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, WATCHLIST), env={})
    assert config.aliases["isis"][-1] == "ИГИЛ"
    assert config.watchlists[0].must_match[1].title == "Kremlin: Daesh is beaten"
    assert set(config.queries()) == {"isis"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[aliases]\nbad = []\n", "alias 'bad' has no entries"),
        ('[aliases]\n"a b" = ["x"]\n', "alias name 'a b'"),
        ('[aliases]\nx = ["?!"]\n', "alias 'x': alias entry '?!': no letters or digits"),
    ],
)
def test_a_bad_alias_table_is_a_config_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="aliases"):
        load_config(path, env={})
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert expected in str(err.value)


def test_a_bad_query_names_the_watchlist_and_shows_a_caret(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[[watchlists]]\nname = 'desk'\nquery = 'Syria AND @isil'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).splitlines()[1:] == ["    Syria AND @isil", "              ^"]
    assert "watchlists[0].query: invalid query in watchlist 'desk': unknown alias @isil" in str(
        err.value
    )


# --- the commands ---


def test_shipped_config_rule_tests_pass_through_the_real_entry_point() -> None:
    done = run_cli("rules", "test", "--config", str(ROOT / "newswatch.toml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6/6 rule tests pass in 1 watchlists" in done.stdout


def test_check_refuses_a_300_deep_query_with_exit_2_and_a_caret_not_a_traceback(
    tmp_path: Path,
) -> None:
    deep = "(" * 300 + "Syria" + ")" * 300
    path = write_config(tmp_path, f"[[watchlists]]\nname = 'deep'\nquery = '{deep}'\n")
    done = run_cli("check", "--config", str(path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr) < 1000
    assert "invalid query in watchlist 'deep': nested more than 20 levels deep at position 21" in (
        done.stderr
    )
    assert done.stderr.rstrip().endswith("^")


def test_rules_test_fails_with_exit_1_and_says_why(tmp_path: Path) -> None:
    broken = WATCHLIST.replace('"A football match in Madrid."', '"Russia said ISIS fled."')
    path = write_config(tmp_path, broken)
    result = runner.invoke(app, ["rules", "test", "--config", str(path)])
    assert result.exit_code == 1
    assert "FAIL isis: must_not_match[0] matched: 'Russia said ISIS fled.'" in result.output
    assert "3/4 rule tests pass in 1 watchlists" in result.output
    check = runner.invoke(app, ["check", "--config", str(path)])
    assert check.exit_code == 2
    assert "rule test: FAIL isis: must_not_match[0]" in check.output


def test_rules_test_explains_a_given_text_and_a_text_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, WATCHLIST)
    given = runner.invoke(app, ["rules", "test", "isis", "--config", str(path),
                                "--text", "Боевики ИГИЛ и Russia."])  # fmt: skip
    assert given.exit_code == 0, given.output
    assert given.output.startswith("isis: MATCH — Russia (text), ИГИЛ (text)\n")
    assert "**ИГИЛ** и **Russia**." in given.output
    text_file = tmp_path / "story.txt"
    text_file.write_text("A football match in Madrid.", encoding="utf-8")
    from_file = runner.invoke(app, ["rules", "test", "--config", str(path), "--file",
                                    str(text_file)])  # fmt: skip
    assert from_file.output.startswith("isis: no match\n  ✗ all of:")
    unknown = runner.invoke(app, ["rules", "test", "nope", "--config", str(path)])
    assert unknown.exit_code == 2 and "no watchlist 'nope'" in unknown.output


def test_rules_test_cleans_a_saved_page_first(tmp_path: Path) -> None:
    page = ROOT / "tests" / "fixtures" / "pages" / "independent_000.html"
    result = runner.invoke(app, ["rules", "test", "--config", str(ROOT / "newswatch.toml"),
                                 "--file", str(page)])  # fmt: skip
    assert result.exit_code == 0, result.output
    head = result.output.splitlines()[0]
    assert head.startswith("us-russia-syria: MATCH — Russia (text), Kremlin (text), Moscow ")
    assert "Moscow (title+text)" in head  # the headline: Trump 'open to working with Moscow'


def _store(database_url: str, now: datetime) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    stories = [  # (days ago, outlet, title, text, copy of the previous story)
        (1, "A", "Kremlin on Syria", "Russia said Islamic State fighters fled.", False),
        (1, "B", "Kremlin on Syria (copy)", "Russia said Islamic State fighters fled.", True),
        (2, "A", "Daesh", "The Kremlin said Daesh was beaten.", False),
        (3, "A", "Sport", "Russia beat Syria at football.", False),
        (20, "A", "Old news", "Russia said ISIS fled.", False),
    ]
    with Session(engine) as session, session.begin():
        previous = None
        for n, (days, outlet, title, text, copy) in enumerate(stories):
            url = f"http://127.0.0.1:9/news/{n}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet=outlet, title=title,
                                   text=text, published_at=now - timedelta(days=days))  # fmt: skip
            change = upsert_article(session, record, now, story_id=previous if copy else None)
            previous = change.story_id or change.article_id
    engine.dispose()


def test_backtest_shows_what_would_have_alerted_and_sends_nothing(
    tmp_path: Path, database_url: str
) -> None:
    now = datetime.now(UTC)
    _store(database_url, now)
    path = write_config(tmp_path, WATCHLIST, database=database_url)
    result = runner.invoke(app, ["rules", "backtest", "isis", "--days", "7", "--json",
                                 "--config", str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["articles_scanned"], data["articles_matched"], data["alerts"]) == (4, 3, 2)
    days = [(now - timedelta(days=d)).date().isoformat() for d in (2, 1)]
    assert data["per_day"] == dict.fromkeys(days, 1)
    assert [s["title"] for s in data["stories"]] == ["Daesh", "Kremlin on Syria"]
    assert data["sample"][0]["snippet"] == "The **Kremlin** said **Daesh** was beaten."
    wider = runner.invoke(app, ["rules", "backtest", "--query", "ISIS OR @isis", "--days",
                                "30", "--config", str(path)])  # fmt: skip
    assert wider.exit_code == 0, wider.output
    assert "5 articles scanned, 4 matched, 3 alerts would have been sent (none was)" in (
        wider.output
    )
    stored = runner.invoke(app, ["rules", "test", "--config", str(path), "--url",
                                 "http://127.0.0.1:9/news/2.html"])  # fmt: skip
    assert stored.output.startswith("isis: MATCH — Kremlin (text), Daesh (title+text)\n")
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 0
    engine.dispose()


def test_backtest_refuses_a_bad_query_with_a_caret(tmp_path: Path) -> None:
    path = write_config(tmp_path, WATCHLIST)
    result = runner.invoke(app, ["rules", "backtest", "--query", "Syria NEAR/3",
                                 "--config", str(path)])  # fmt: skip
    assert result.exit_code == 2
    assert "NEAR/3 with nothing after it at position 7" in result.output
    assert result.output.rstrip().endswith("      ^")


@pytest.mark.parametrize(
    ("title", "text", "misses"),
    [
        ("", "The Kremlin and Syria.", False),
        ("", "Talks in Madrid about football.", True),
        ("", "Kremlin officials only.", True),  # no word of the second clause
        ("", "The KREMLIN on islamic-state.", False),
        ("Kremlin", "“Daesh” fled.", False),  # typography is spaced out, then it is ASCII
        ("", "Kremlin and the Islamic Stâte.", False),  # accented: only the full path can tell
        ("", "RUSSİA", False),
    ],
)
def test_the_backtest_prefilter_never_skips_a_match(title: str, text: str, misses: bool) -> None:
    from alerts.matcher import Watchlists

    compiled = Watchlists({"w": parse_query("(Russia OR Kremlin) AND (Syria OR @isis)", ALIASES)})
    article = Article(title, text)
    assert compiled.surely_misses(article) == misses
    if misses:
        assert compiled.match(article) == {}
