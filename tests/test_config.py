"""Config loading: every kind of bad config is refused with the file, key path and reason."""

from pathlib import Path

import pytest

from flows.config import ConfigError, load_config

GOOD = """
database = "sqlite:///x.db"
[channels]
newsroom = "json://127.0.0.1:9/hook?token=${TOKEN}"
[[outlets]]
name = "Example"
feeds = ["http://127.0.0.1:8000/feed.xml"]
allow = "/news/"
[[watchlists]]
name = "syria"
query = '(Russia OR Kremlin) AND Syria'
notify = ["newsroom"]
"""

BAD_CASES = {
    "unknown time zone": (
        GOOD.replace('allow = "/news/"', 'allow = "/news/"\ntimezone = "Mars/Olympus"'),
        "outlets[0].timezone: unknown time zone 'Mars/Olympus' (use an IANA name)",
    ),
    "unknown top-level key": (GOOD + "colour = 'blue'\n", "colour: unknown key"),
    "unknown outlet key": (
        GOOD.replace('allow = "/news/"', 'allow = "/news/"\nfeed = "x"'),
        "outlets[0].feed: unknown key",
    ),
    "wrong type": (
        GOOD.replace('feeds = ["http://127.0.0.1:8000/feed.xml"]', "feeds = 3"),
        "outlets[0].feeds",
    ),
    "bad regex": (GOOD.replace('"/news/"', '"/news/(["'), "outlets[0].allow: invalid regular"),
    "bad query": (GOOD.replace("AND Syria'", "AND (Syria'"), "watchlists[0].query: invalid query"),
    "missing channel": (GOOD.replace('["newsroom"]', '["desk"]'), "channel 'desk' is not defined"),
    "missing health channel": (
        GOOD + '[health]\nnotify = ["newsroom", "pager"]\n',
        "health.notify[1]: channel 'pager' is not defined in [channels] (defined: newsroom)",
    ),
    "unknown health key": (GOOD + "[health]\nchannels = []\n", "health.channels: unknown key"),
    "unset variable": (
        GOOD.replace("${TOKEN}", "${NOT_SET_ANYWHERE}"),
        "channels.newsroom: environment variable ${NOT_SET_ANYWHERE} is not set",
    ),
    "not a URL": (
        GOOD.replace("http://127.0.0.1:8000/feed.xml", "file:///etc/passwd"),
        "is not an http(s) URL",
    ),
    "no sources": (
        GOOD.replace('feeds = ["http://127.0.0.1:8000/feed.xml"]', ""),
        "at least one of feeds, sitemaps or pages",
    ),
    "invalid TOML": ("database = ", "not valid TOML"),
    "bad CSS exclude": (
        GOOD.replace('allow = "/news/"', 'allow = "/news/"\nexclude = ["div.ok", "div[data-x"]'),
        "outlets[0].exclude[1]: invalid CSS selector 'div[data-x'",
    ),
    # A 400-deep query parsed, then crashed the run while matching (RecursionError); a
    # 3000-deep one crashed `check` itself.
    "query nested too deeply": (
        GOOD.replace("'(Russia OR Kremlin) AND Syria'", "'" + "(" * 400 + "Syr" + ")" * 400 + "'"),
        "watchlists[0].query: invalid query in watchlist 'syria': nested more than 20 levels deep"
        " at position 21",
    ),
    "NOTs nested too deeply": (
        GOOD.replace("'(Russia OR Kremlin) AND Syria'", "'" + "NOT " * 2000 + "Syria'"),
        "watchlists[0].query: invalid query in watchlist 'syria': nested more than 20 levels deep",
    ),
    "minus signs nested too deeply": (
        GOOD.replace("'(Russia OR Kremlin) AND Syria'", "'" + "-" * 3000 + "Syria'"),
        "watchlists[0].query: invalid query in watchlist 'syria': nested more than 20 levels deep",
    ),
    "bad XPath exclude": (
        GOOD.replace('allow = "/news/"', 'allow = "/news/"\nexclude = ["//aside[@data-ad"]'),
        "outlets[0].exclude[0]: invalid XPath '//aside[@data-ad'",
    ),
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(text)
    return path


def test_good_config_loads_and_expands_variables(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={"TOKEN": "s3cret"})
    assert config.channels["newsroom"] == "json://127.0.0.1:9/hook?token=s3cret"
    assert config.outlets[0].allow == "/news/"
    assert config.watchlists[0].notify == ["newsroom"]


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_config_names_file_key_and_problem(tmp_path: Path, case: str) -> None:
    text, expected = BAD_CASES[case]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={"TOKEN": "s3cret"})
    assert str(path) in str(err.value)
    assert expected in str(err.value)
    assert "s3cret" not in str(err.value)


def test_outlet_excludes_load_as_given(tmp_path: Path) -> None:
    text = GOOD.replace(
        'allow = "/news/"', 'allow = "/news/"\nexclude = ["div.partner-box", "//aside[@data-ad]"]'
    )
    config = load_config(write(tmp_path, text), env={"TOKEN": "x"})
    assert config.outlets[0].exclude == ["div.partner-box", "//aside[@data-ad]"]
    assert config.outlets[0].model_dump(mode="json")["exclude"] == config.outlets[0].exclude
    assert load_config(write(tmp_path, GOOD), env={"TOKEN": "x"}).outlets[0].exclude == []


def test_database_url_from_environment_wins(tmp_path: Path) -> None:
    env = {"TOKEN": "x", "NEWSWATCH_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/test"}
    assert load_config(write(tmp_path, GOOD), env=env).database.startswith("postgresql")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "newswatch.toml", env={})
    names = {o.name for o in config.outlets}
    assert {"The Independent", "The Moscow Times", "Newsweek"} <= names
    assert config.watchlists


def test_bad_schedule_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="schedule: invalid cron expression"):
        load_config(write(tmp_path, 'schedule = "every day"\n' + GOOD), env={"TOKEN": "x"})


def test_health_notices_go_to_named_channels(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD), env={"TOKEN": "t"}).health.notify == []
    text = GOOD + '[health]\nnotify = ["newsroom"]\n'
    assert load_config(write(tmp_path, text), env={"TOKEN": "t"}).health.notify == ["newsroom"]


def test_the_deepest_query_allowed_still_matches(tmp_path: Path) -> None:
    from alerts.query import MAX_DEPTH, match, parse_query

    deepest = "(" * (MAX_DEPTH - 1) + "Syria" + ")" * (MAX_DEPTH - 1) + " -Moscow"
    text = GOOD.replace("'(Russia OR Kremlin) AND Syria'", f"'{deepest}'")
    query = parse_query(load_config(write(tmp_path, text), env={"TOKEN": "x"}).watchlists[0].query)
    assert match(query, "Kremlin", "talks on Syria") is not None
    assert match(query, "Kremlin", "Moscow talks on Syria") is None
