"""Options and plumbing the `newswatch` commands share: config loading, database, JSON lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TypeVar

import typer

from flows.config import Config, ConfigError, config_path, load_config

if TYPE_CHECKING:  # imported when used: `check` and `clean` never need a database
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: $NEWSWATCH_CONFIG, newswatch.toml)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line")]
# An alert's states in the outbox (storage.outbox PENDING/SENT, the alerts.status CHECK);
# a Literal so typer refuses any other with exit 2 and the list. tests/test_cli.py ties them.
AlertStatus = Literal["pending", "sent"]
StatusOption = Annotated[AlertStatus | None, typer.Option(help="Only alerts in this state")]


def load_or_exit(config: Path | None) -> tuple[Path, Config]:
    """The config path and the loaded config; a broken config exits 2 with its error."""
    path = config_path(config)
    try:
        return path, load_config(path)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def query(config: Path | None, fetch: Callable[[Session], T]) -> T:
    """Run `fetch` in a session on the config's (migrated) database."""
    from sqlalchemy.orm import Session

    def in_session(_cfg: Config, engine: Engine) -> T:
        with Session(engine) as session:
            return fetch(session)

    return with_engine(config, in_session)


def with_engine(config: Path | None, work: Callable[[Config, Engine], T]) -> T:
    """Run `work` with the config and an engine on its migrated database, then dispose."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import DatabaseUnusable, make_engine, migrate

    _, cfg = load_or_exit(config)
    engine = make_engine(cfg.database)
    try:
        migrate(engine)
        return work(cfg, engine)
    except (SQLAlchemyError, DatabaseUnusable) as exc:
        database_exit(exc, cfg.database)
    finally:
        engine.dispose()


def database_exit(exc: Exception, database: str) -> NoReturn:
    """Exit 1 saying which database failed and why (what to do when the database is at fault)."""
    from storage.db import storage_error

    # The driver's message can quote the URL; print only the error class and its reason.
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    message = storage_error(exc, database) or (
        f"database unavailable: {type(exc).__name__}: {reason}"
    )
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1) from None


def json_line(data: dict[str, Any]) -> str:
    """One JSON line; datetimes as ISO 8601."""
    return json.dumps(data, default=_json_default, ensure_ascii=False)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
