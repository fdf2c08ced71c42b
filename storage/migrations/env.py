"""Alembic environment: migrate a connection handed in by `storage.db.migrate`, or a URL."""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from sqlalchemy import Connection

from storage.db import VERSION_TABLE, make_engine, mask_url, normalize_url
from storage.models import Base, UTCDateTime

URL_ENV = "NEWSWATCH_DATABASE_URL"


def _render_item(kind: str, obj: Any, _autogen_context: Any) -> str | bool:
    # Migrations must not import the app's models, which will change after they are written.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def _database_url() -> str:
    url = os.environ.get(URL_ENV) or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(f"set {URL_ENV} to the database to migrate")
    return url


def run_offline() -> None:
    """Emit SQL for the URL's dialect without connecting (`alembic upgrade --sql`)."""
    context.configure(
        url=normalize_url(_database_url()),
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate the given connection, or connect to the URL from the environment."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = _database_url()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    except Exception as exc:
        raise RuntimeError(f"migrating {mask_url(url)} failed: {exc}") from exc
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
