"""A user's template files in place of the bundled ones: each tried once, when the config
loads, on a sample alert in the same sandbox its messages use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import TemplateError, TemplateSyntaxError

from alerts.digest import format_digest
from alerts.message import OVERRIDABLE, Kind, format_alert


@dataclass(frozen=True)
class SampleAlert:
    """A made-up alert shaped like an outbox one: `alerts test` sends it, overrides render it."""

    watchlist: str = "newswatch test"
    title: str = "Test message from newswatch: this channel works"
    outlet: str = "newswatch"
    published_at: datetime | None = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    url: str = "https://github.com/newswatch/newswatch"
    terms: tuple[str, ...] = ("test",)
    snippet: str = "If you can read this, alerts reach this channel in this form."
    also_covered_by: tuple[str, ...] = ("Another Outlet",)


def override_problem(key: str, path: str) -> str | None:
    """Why the user's template file for `key` (an OVERRIDABLE key) cannot be used, naming the
    file (and line), or None if it renders a sample alert."""
    templates = ((OVERRIDABLE[key], path),)
    kind: Kind = "plain"
    for name in ("slack", "email"):
        if name in key:
            kind = name  # type: ignore[assignment]
    try:
        if key.startswith("digest_"):
            format_digest([SampleAlert(), SampleAlert(title="Another story")], kind,
                          templates=templates)  # fmt: skip
        else:
            format_alert(SampleAlert(), kind=kind, templates=templates)
    except TemplateSyntaxError as exc:
        return f"{path}: line {exc.lineno}: {exc.message}"
    except TemplateError as exc:
        return f"{path}: {exc.message or type(exc).__name__}"
    except OSError as exc:
        return f"{path}: cannot read the template: {exc.strerror or exc}"
    return None
