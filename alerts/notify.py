"""Deliver alert messages through apprise, one channel URL at a time, without leaking secrets."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import make_msgid, parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import apprise
import requests.sessions
from apprise.plugins.email import base as apprise_email
from apprise.plugins.email.base import NotifyEmail
from apprise.plugins.slack import NotifySlack

from alerts.message import AlertMessage, Kind
from alerts.slack_blocks import sections_of

_SECRET_MIN = 3  # shorter URL parts ("T0", "no") are too common in messages to mask safely
_USERINFO = re.compile(r"(\w+://)[^/\s@]+@")

_FORMATS = {
    "text": apprise.NotifyFormat.TEXT,
    "markdown": apprise.NotifyFormat.MARKDOWN,
    "html": apprise.NotifyFormat.HTML,
}


class ChannelError(ValueError):
    """A channel URL apprise cannot use; the message never contains the URL's secrets."""


@dataclass(frozen=True)
class Delivery:
    """The outcome of one send: ok, or the reason it failed."""

    ok: bool
    error: str | None = None
    # Seconds the receiver asked us to wait (a 429 or 503 with Retry-After), else None.
    retry_after: float | None = None


def masked(url: str) -> str:
    """A channel URL safe for logs: apprise's privacy rendering, or just its scheme."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin:
        shown = plugin.url(privacy=True).split("?")[0]  # query values may carry tokens
        # Privacy rendering keeps the path, where webhooks keep their tokens: show its start.
        head, slash, path = shown.partition("://")[2].partition("/")
        return shown.split("://")[0] + f"://{head}" + ("/…" if path.strip("/") else slash)
    return f"{url.split('://', 1)[0]}://…" if "://" in url else "<invalid url>"


def scrub_secrets(message: str, url: str) -> str:
    """`message` (an error from apprise or a server) without the channel URL, its credentials or
    any part of it that may be a secret (each replaced by ***)."""
    message = _USERINFO.sub(r"\1****@", message.replace(url, masked(url)))
    for part in sorted(_secret_parts(url), key=len, reverse=True):
        message = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", "***", message)
    return message


def _secret_parts(url: str) -> set[str]:
    # Tokens sit anywhere in an apprise URL (slack://TOKEN_A/TOKEN_B/…, user:password@,
    # ?token=); a dotted host (smtp.example.com, 127.0.0.1) is an address, kept readable.
    split = urlsplit(url)
    netloc = split.netloc.rsplit("@", 1)
    parts = set(re.split(r"[:@]", netloc[0])) if len(netloc) == 2 else set()
    host = netloc[-1].split(":")[0]
    if "." not in host:
        parts.add(host)
    parts.update(split.path.split("/"))
    parts.update(value for _, value in parse_qsl(split.query))
    return {part for part in parts if len(part) >= _SECRET_MIN}


def make_notifier(url: str) -> apprise.Apprise:
    """An Apprise object for one channel URL; ChannelError if apprise can't parse it."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if not plugin:
        raise ChannelError(f"apprise cannot use channel URL {masked(url)}")
    if isinstance(plugin, NotifySlack):
        # Block Kit: our mrkdwn goes into a section as is. The legacy attachment mode runs
        # its own formatter, which turns escaped `&lt;!channel&gt;` and links back into live ones.
        plugin.use_blocks = True
    # Pacing is ours (alerts.turn, per channel, on an injectable clock, bounded by the
    # run's budget); apprise's own throttle (1.2 s between Slack posts) would sleep again.
    plugin.request_rate_per_sec = 0
    notifier = apprise.Apprise()
    notifier.add(plugin)
    return notifier


def channel_kind(notifier: apprise.Apprise) -> Kind:
    """Which message form suits the channel: Slack mrkdwn, an HTML email, or plain text."""
    plugin = notifier[0] if len(notifier) else None
    if isinstance(plugin, NotifySlack):
        return "slack"
    if isinstance(plugin, NotifyEmail):
        return "email"
    return "plain"


def send(notifier: apprise.Apprise, message: AlertMessage) -> Delivery:
    """Send one message; emails carry its stable Message-ID and its own text part; failures
    come back with apprise's reason."""
    _install_email_seams()
    _install_response_seam()
    tokens = (_MESSAGE_ID.set(message.message_id), _TEXT_PART.set(message.text))
    waits: list[float] = []
    wait_token = _RETRY_AFTER.set(waits)
    with _captured_failures() as reasons:
        try:
            with sections_of(notifier[0] if len(notifier) else None, message.sections):
                ok = bool(notifier.notify(title=message.title, body=message.body,
                                          body_format=_FORMATS[message.body_format]))  # fmt: skip
        except Exception as exc:  # a plugin bug must not lose the alert: it stays pending
            return Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")
        finally:
            _MESSAGE_ID.reset(tokens[0])
            _TEXT_PART.reset(tokens[1])
            _RETRY_AFTER.reset(wait_token)
    if ok:
        return Delivery(ok=True)
    error = "; ".join(reasons) or "apprise reported a failed delivery"
    return Delivery(ok=False, error=error, retry_after=max(waits) if waits else None)


# apprise 1.x hands back only True/False: a 429's Retry-After header never leaves its plugins
# (each calls `requests.request(...)` and keeps the response to itself; only its Discord
# plugin reads rate-limit headers, and then sleeps in-process). Re-implementing json://,
# slack:// and the rest as our own @notify plugins would fork their payloads, so the one seam
# is requests' own hook mechanism: every Session starts from `default_hooks()`, and ours adds
# a response hook that, only while our send() runs in this context, notes a Retry-After.
_RETRY_AFTER: ContextVar[list[float] | None] = ContextVar("newswatch_retry_after", default=None)
_MAX_RETRY_AFTER = 86_400.0  # a receiver cannot park a channel for more than a day at once
_default_hooks = requests.sessions.default_hooks


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now, bounded."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def _note_retry_after(response: requests.Response, *args: object, **kwargs: object) -> None:
    waits = _RETRY_AFTER.get()
    if waits is not None and response.status_code in (429, 503):
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds is not None:
            waits.append(seconds)


def _hooks_with_ours() -> dict[str, list]:
    hooks = _default_hooks()
    hooks.setdefault("response", []).append(_note_retry_after)
    return hooks


def _install_response_seam() -> None:
    requests.sessions.default_hooks = _hooks_with_ours


# apprise logs why a send failed at WARNING ("…error=404."), except the server's own words on
# SMTP (a 550 refusal): those only come at DEBUG as "Socket Exception: …". DEBUG also carries
# whole URLs with their secrets, so while a send runs the logger lets DEBUG records be made,
# and one filter keeps just the socket exceptions for the caller and drops every record no
# handler would have seen before. A refcount keeps concurrent senders from restoring early.
_SOCKET_EXCEPTION = re.compile(r"^Socket Exception: ")
_SINK: ContextVar[list[str] | None] = ContextVar("newswatch_apprise_sink", default=None)
_capture_lock = threading.Lock()
_capture_users = 0


class _FailureFilter(logging.Filter):
    def __init__(self, floor: int) -> None:
        super().__init__()
        self.floor = floor  # the level records needed before the capture began

    def filter(self, record: logging.LogRecord) -> bool:
        sink = _SINK.get()
        if sink is not None and (record.levelno >= logging.WARNING or _smtp_reply(record)):
            sink.append(record.getMessage())
        return record.levelno >= self.floor


def _smtp_reply(record: logging.LogRecord) -> bool:
    # Only the email plugin's: an HTTP plugin's socket exception quotes the request path and
    # query string, where a token may sit.
    return "email" in record.pathname and bool(_SOCKET_EXCEPTION.match(str(record.msg)))


_filter: _FailureFilter | None = None
_saved_level = logging.NOTSET


@contextmanager
def _captured_failures() -> Iterator[list[str]]:
    global _capture_users, _filter, _saved_level
    logger = logging.getLogger("apprise")
    reasons: list[str] = []
    token = _SINK.set(reasons)
    with _capture_lock:
        if _capture_users == 0:
            _filter = _FailureFilter(logger.getEffectiveLevel())
            _saved_level = logger.level
            logger.addFilter(_filter)  # before the level drops: never a moment without it
            logger.setLevel(min(logging.DEBUG, _filter.floor))
        _capture_users += 1
    try:
        yield reasons
    finally:
        _SINK.reset(token)
        with _capture_lock:
            _capture_users -= 1
            if _capture_users == 0:
                logger.setLevel(_saved_level)
                logger.removeFilter(_filter)


# The Message-ID and text part of the email being sent in this thread (apprise sends one
# service in the caller's thread), or None for apprise's usual ones.
_MESSAGE_ID: ContextVar[str | None] = ContextVar("newswatch_message_id", default=None)
_TEXT_PART: ContextVar[str | None] = ContextVar("newswatch_text_part", default=None)
_convert_between = apprise_email.convert_between


def _message_id(idstring: str | None = None, domain: str | None = None) -> str:
    return _MESSAGE_ID.get() or make_msgid(idstring=idstring, domain=domain)


def _text_part(from_format: str, to_format: str, content: str) -> str:
    text = _TEXT_PART.get()
    if text is not None and to_format == apprise.NotifyFormat.TEXT:
        return text
    return _convert_between(from_format, to_format, content)


def _install_email_seams() -> None:
    # apprise 1.13's mailto:// always stamps `make_msgid()` after the custom headers, so a
    # `+Message-ID=` URL argument only adds a second, conflicting Message-ID header (which
    # some providers reject). Its module-level `make_msgid` is the one seam that lets ours
    # replace it; tests/test_outbox_claims.py checks exactly one Message-ID arrives. Likewise
    # the text/plain part of an HTML email is `convert_between(HTML, TEXT, body)` there, and
    # nowhere else in that module: ours is the template's plain text.
    apprise_email.make_msgid = _message_id
    apprise_email.convert_between = _text_part
