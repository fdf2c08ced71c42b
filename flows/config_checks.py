"""Config diagnostics (pure): why a value cannot be used, and error lines that say where."""

from __future__ import annotations

import difflib
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

# The drivers storage.db.make_engine can use (a bare postgresql:// or postgres:// means psycopg).
_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg"}
_DATABASE_FORMS = "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"


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
