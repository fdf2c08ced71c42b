"""Config diagnostics (pure): why a value cannot be used, and error lines that say where."""

from __future__ import annotations

import difflib
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

# The drivers storage.db.make_engine can use (a bare postgresql:// or postgres:// means psycopg).
_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg"}
_DATABASE_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
_EXPOSED = 0o077  # any permission for the group or others


def database_url_problem(url: str) -> str | None:
    """Why newswatch cannot use this database URL, without quoting it (it may hold a password)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        hint = " (SQLite needs three slashes: sqlite:///PATH)" if url.startswith("sqlite:") else ""
        return f"not a database URL{hint}; expected {_DATABASE_FORMS}"
    if parsed.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
        return f"unsupported database {parsed.get_backend_name()!r}; expected {_DATABASE_FORMS}"
    if parsed.drivername not in _DRIVERS:
        return f"driver {parsed.drivername!r} is not installed; use postgresql+psycopg://"
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return "an in-memory SQLite database keeps nothing between runs; give a file path"
    return None


def inline_secrets(raw: dict[str, Any]) -> list[str]:
    """The keys of a config as written (before ${VAR} expansion) that hold a secret inline: every
    channel URL (apprise URLs carry tokens and passwords) and a database URL's password."""
    from sqlalchemy.engine import make_url

    channels = raw.get("channels")
    keys = [
        f"channels.{name}"
        for name, url in (channels.items() if isinstance(channels, dict) else ())
        if isinstance(url, str) and "${" not in url
    ]
    database = raw.get("database")
    if isinstance(database, str) and "${" not in database:
        try:
            if make_url(database).password:
                keys.append("database (its password)")
        except Exception:  # an unreadable URL is reported by validation
            pass
    return keys


def exposure_problem(path: str, mode: int, secrets: list[str]) -> str | None:
    """Why a config file's permissions expose the secrets it holds inline, and the fix; None
    when it holds none or only its owner may read and write it."""
    if not secrets or not mode & _EXPOSED:
        return None
    return (
        f"{path} holds secrets inline ({', '.join(secrets)}) and is open to {_open_to(mode)}"
        f" (mode {mode & 0o777:04o}): run `chmod 600 {path}`, or move them into environment"
        " variables (write ${VAR} in the file)"
    )


def _open_to(mode: int) -> str:
    """Who besides the owner may use a file, e.g. "group (read) and others (read)"."""
    kinds = (("read", 4), ("write", 2), ("execute", 1))
    parts = []
    for who, shift in (("group", 3), ("others", 0)):
        allowed = [kind for kind, bit in kinds if mode >> shift & bit]
        if allowed:
            parts.append(f"{who} ({'/'.join(allowed)})")
    return " and ".join(parts)


def describe(exc: ValidationError, source: str, root: type[BaseModel]) -> list[str]:
    """One line per validation error: the source, the key path and the reason."""
    lines = []
    for error in exc.errors():
        location = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
        ).lstrip(".")
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key" + _did_you_mean(root, error["loc"])
        lines.append(f"{source}: {location or '(top level)'}: {message}")
    return lines


def _did_you_mean(root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """A suggestion for an unknown key: the nearest key the model at `loc` knows, if any."""
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue  # a list index: the list's items are the model named before it
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return ""
        model = next(
            (t for t in (field.annotation, *get_args(field.annotation)) if _is_model(t)), None
        )
    if not _is_model(model):
        return ""
    key, known = str(loc[-1]), list(model.model_fields)
    # A shortened name ("delay" for "delay_seconds") is too far for difflib's ratio.
    close = difflib.get_close_matches(key, known, n=1) or [k for k in known if k.startswith(key)]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)
