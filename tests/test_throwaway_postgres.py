"""The test run's own PostgreSQL: started when none is configured or reachable, stopped after."""

from pathlib import Path

from conftest import throwaway_postgres
from sqlalchemy import make_url, text

from storage.db import make_engine, migrate


def test_throwaway_server_serves_migrations_over_a_socket_and_stops() -> None:
    with throwaway_postgres() as url:
        socket_dir = Path(make_url(url).query["host"])
        engine = make_engine(url)
        try:
            migrate(engine)  # the whole schema, as every PostgreSQL-backed test needs
            with engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 0
        finally:
            engine.dispose()
        assert any(socket_dir.glob(".s.PGSQL.*"))
    assert not any(socket_dir.glob(".s.PGSQL.*"))  # stopped, and its directory removed
