"""What `newswatch check` verifies beyond the config's schema: channel URLs, the database."""

from __future__ import annotations

import difflib
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SQLITE_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def config_exposure(path: Path) -> str | None:
    """Why the config file's permissions expose secrets written in it (with the fix), or None."""
    import tomllib

    from flows.config_checks import exposure_problem, inline_secrets

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # loading the config reports these
    return exposure_problem(str(path), mode, inline_secrets(raw))


def channel_problem(url: str) -> str | None:
    """Why apprise cannot use this channel URL (its own reason, secrets masked), or None."""
    from apprise.manager_plugins import NotificationManager
    from apprise.plugins import url_to_dict

    from alerts.notify import scrub_secrets

    plugins = NotificationManager()  # apprise's shared registry of schemes
    if "://" not in url:
        return "not an apprise URL; expected SCHEME://… (e.g. slack://, mailtos://, json://)"
    scheme = url.split("://", 1)[0].lower()
    with _apprise_quiet():
        results = url_to_dict(url)
    if results is None and scheme not in plugins:
        close = difflib.get_close_matches(scheme, list(plugins.schemas()), n=1)
        hint = f" (did you mean {close[0]}://?)" if close else ""
        return f"unknown scheme {scheme}://{hint}"
    plugin = plugins[results["schema"] if results else scheme]
    if results is None:
        return f"apprise cannot read this {plugin.service_name} URL; see {plugin.setup_url}"
    if not plugin.enabled:
        return f"{plugin.service_name} is disabled here (a package it needs is missing)"
    try:
        with _apprise_quiet():
            plugin(**results)
    except Exception as exc:  # apprise says why in the TypeError it raises
        return f"{plugin.service_name}: {scrub_secrets(str(exc), url)}"
    return None


@contextmanager
def _apprise_quiet() -> Iterator[None]:
    """Keep apprise's own error logging (it quotes URLs) off the terminal while checking."""
    logger = logging.getLogger("apprise")
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def database_problem(url: str) -> str | None:
    """Why the database cannot be reached or created (reason, no password), or None."""
    from sqlalchemy import text

    from storage.db import make_engine, normalize_url

    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_problem(Path(parsed.database or "").expanduser())
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": "5"})  # a check answers quickly
    engine = make_engine(parsed.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        if parsed.password:
            reason = reason.replace(str(parsed.password), "***")
        return f"cannot connect: {type(exc).__name__}: {reason}"
    finally:
        engine.dispose()
    return None


def _sqlite_problem(path: Path) -> str | None:
    # Checked without creating anything: `run` creates the file and its directory itself.
    if path.exists():
        try:
            connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                connection.execute("PRAGMA schema_version")  # fails on a file that is no database
            finally:
                connection.close()
        except sqlite3.Error as exc:
            return f"cannot open {path}: {exc}"
        return sqlite_file_problem(path)
    parent = next(p for p in path.absolute().parents if p.exists())
    if not (parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)):
        return f"cannot create {path}: {parent} is not a writable directory"
    return None


def storage_problem(url: str) -> str | None:
    """Before a run: why its SQLite file cannot be used (damaged, read-only), or None. Cheap,
    changes nothing, and answers before Prefect starts; PostgreSQL is left to the run."""
    from storage.db import sqlite_file

    path = sqlite_file(url)
    return sqlite_file_problem(path) if path is not None and path.is_file() else None


def sqlite_file_problem(path: Path) -> str | None:
    """Why an existing SQLite file cannot be used: damaged (quick_check) or not writable here."""
    from storage.db import DatabaseUnusable, check_integrity, make_engine

    engine = make_engine(f"sqlite:///{path.absolute()}")  # connects only if asked to
    try:
        check_integrity(engine, full=False)
    except DatabaseUnusable as exc:
        return str(exc)
    finally:
        engine.dispose()
    return _sqlite_write_problem(path)


def _sqlite_write_problem(path: Path) -> str | None:
    """Why SQLite could not write this file here (read-only file, folder or mount), or None."""
    from storage.db import read_only, storage_error

    url = f"sqlite:///{path.absolute()}"
    # SQLite opens a file it may not write read-only and fails only at the first write, so
    # ask the system first (a read-only mount refuses root too); the folder takes -wal/-shm.
    if not os.access(path, os.W_OK) or not os.access(path.absolute().parent, os.W_OK):
        return read_only(url)
    try:
        # Takes the write lock and lets it go: fails on a read-only file, folder or mount,
        # and writes nothing (opening may add the -wal and -shm files SQLite keeps anyway).
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            connection.isolation_level = None
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _SQLITE_BUSY:
            return None  # another run holds the write lock: this one will wait its turn
        return storage_error(exc, url) or f"cannot write {path}: {exc}"
    return None
