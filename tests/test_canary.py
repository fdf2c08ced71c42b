"""Canary: a unique secret in every place a secret goes (channel URLs of every kind, the
database password) appears after real runs nowhere but in the config that holds it: not in
the output, logs, crawl files, feeds, Prefect's database (logs, artifacts) or any stored row."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import SmtpInbox, free_port
from sqlalchemy import inspect, make_url, text
from test_crash import NEWSWATCH, OFFLINE_ENV, RUN_TIMEOUT

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.db import make_engine


def canary() -> str:
    """A secret no code, page or fixture could contain by chance."""
    return f"cnry{uuid.uuid4().hex}"


@contextmanager
def smtp_refusing_logins() -> Iterator[int]:
    """A real SMTP server on 127.0.0.1 that offers AUTH (without TLS) and refuses every login."""

    def refuse(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=False, handled=False)

    port = free_port()  # aiosmtpd's readiness check cannot follow port 0
    controller = Controller(SmtpInbox(), hostname="127.0.0.1", port=port,
                            authenticator=refuse, auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def newswatch(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI, with Prefect's database (logs, artifacts) kept under `home` for scanning."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env |= OFFLINE_ENV | {"PREFECT_HOME": str(home / "prefect")}
    return subprocess.run(
        [NEWSWATCH, *args], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
        check=False, cwd=home,
    )  # fmt: skip


def files_holding(secret: str, root: Path, allowed: set[Path]) -> list[str]:
    """Every file under root (databases, -wal files, crawl files, logs, feeds) holding it."""
    needle = secret.encode()
    return [
        str(path)
        for path in root.rglob("*")
        if path.is_file() and path not in allowed and needle in path.read_bytes()
    ]


def rows_holding(secret: str, database_url: str) -> list[str]:
    """Every table of the database with a row holding the secret (as text, any column)."""
    engine = make_engine(database_url)
    try:
        tables = inspect(engine).get_table_names()
        found = []
        with engine.connect() as connection:
            for table in tables:
                if connection.dialect.name == "postgresql":
                    query = f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE :pattern'
                else:
                    columns = [c["name"] for c in inspect(engine).get_columns(table)]
                    joined = " || '|' || ".join(f'coalesce(CAST("{c}" AS TEXT), \'\')'
                                                for c in columns)  # fmt: skip
                    query = f'SELECT count(*) FROM "{table}" WHERE {joined} LIKE :pattern'
                if connection.execute(text(query), {"pattern": f"%{secret}%"}).scalar():
                    found.append(table)
        return found
    finally:
        engine.dispose()


def test_a_secret_given_anywhere_leaks_nowhere(database_url: str, tmp_path: Path) -> None:
    secret = canary()
    if database_url.startswith("postgresql"):  # SQLite has no password to hide
        database_url = make_url(database_url).set(password=secret).render_as_string(False)
    with (
        DemoSite() as site, AlertReceiver() as inbox, AlertReceiver() as failing,
        smtp_refusing_logins() as smtp_port,
    ):  # fmt: skip
        failing.status = 500
        channels = {
            "inbox": f"{inbox.url}?+X-Token={secret}",  # a header token, delivered
            "failing": f"{failing.url}/{secret}",  # a path token, answered with HTTP 500
            "dead": f"json://127.0.0.1:{free_port()}/hook?-token={secret}",  # nobody listens
            "mail": f"mailto://desk:{secret}@127.0.0.1:{smtp_port}"
                    "?from=alerts@example.com&to=desk@example.com",  # login refused
        }  # fmt: skip
        config = tmp_path / "newswatch.toml"
        config.write_text(
            demo_config_toml(database_url, site.outlets(), channels) + '\n[feeds]\ndir = "feeds"\n'
        )
        config.chmod(0o600)

        run = newswatch("run", "--config", str(config), home=tmp_path)
        assert inbox.received, run.stdout + run.stderr  # the cycle really ran and alerted
        assert failing.posts and "channel failing: failing" in run.stdout
        assert "channel mail: failing" in run.stdout and "channel dead: failing" in run.stdout
        listings = [
            newswatch(*command.split(), "--config", str(config), home=tmp_path)
            for command in ("alerts", "alerts --json", "articles", "outlets", "check --connect")
        ]
        # A malformed Slack token apprise would quote in its error: run refuses the channel.
        malformed = tmp_path / "malformed.toml"
        malformed.write_text(
            demo_config_toml(database_url, site.outlets(), {"slack": f"slack://{secret}/Bxyz"})
        )
        malformed.chmod(0o600)
        refused = newswatch("run", "--config", str(malformed), home=tmp_path)
        assert refused.returncode == 2 and "channels.slack" in refused.stderr

    outputs = [run, *listings, refused]
    assert all(done.returncode == 0 for done in listings)
    for done in outputs:
        assert secret not in done.stdout + done.stderr, done.args
    assert list((tmp_path / "feeds").iterdir())  # feeds were written, and scanned below
    assert list((tmp_path / "prefect").glob("*.db")), "Prefect's database is scanned too"
    assert files_holding(secret, tmp_path, allowed={config, malformed}) == []
    assert rows_holding(secret, database_url) == []


def test_an_unreachable_database_keeps_its_password_to_itself(tmp_path: Path) -> None:
    secret = canary()
    dead = f"postgresql+psycopg://newswatch:{secret}@127.0.0.1:{free_port()}/news"
    config = tmp_path / "newswatch.toml"
    config.write_text(demo_config_toml(dead, [], {}))
    config.chmod(0o600)

    run = newswatch("run", "--config", str(config), home=tmp_path)
    assert run.returncode == 1 and "error: database unavailable" in run.stderr
    check = newswatch("check", "--connect", "--config", str(config), home=tmp_path)
    assert check.returncode == 2 and "cannot connect" in check.stderr
    for done in (run, check):
        assert secret not in done.stdout + done.stderr
    assert files_holding(secret, tmp_path, allowed={config}) == []
