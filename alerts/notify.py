"""Deliver alert messages through apprise, one channel URL at a time, without leaking secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import make_msgid

import apprise
from apprise.plugins.email import base as apprise_email

from alerts.message import AlertMessage


class ChannelError(ValueError):
    """A channel URL apprise cannot use; the message never contains the URL's secrets."""


@dataclass(frozen=True)
class Delivery:
    """The outcome of one send: ok, or the reason it failed."""

    ok: bool
    error: str | None = None


def masked(url: str) -> str:
    """A channel URL safe for logs: apprise's privacy rendering, or just its scheme."""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin:
        return plugin.url(privacy=True).split("?")[0]  # query values may carry tokens
    return f"{url.split('://', 1)[0]}://…" if "://" in url else "<invalid url>"


def make_notifier(url: str) -> apprise.Apprise:
    """An Apprise object for one channel URL; ChannelError if apprise can't parse it."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise ChannelError(f"apprise cannot use channel URL {masked(url)}")
    return notifier


def send(notifier: apprise.Apprise, message: AlertMessage) -> Delivery:
    """Send one message; emails carry its stable Message-ID; failures come back with the reason."""
    _install_stable_message_ids()
    token = _MESSAGE_ID.set(message.message_id)
    with _captured_warnings() as warnings:
        try:
            ok = bool(notifier.notify(title=message.title, body=message.body))
        except Exception as exc:  # a plugin bug must not lose the alert: it stays pending
            return Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")
        finally:
            _MESSAGE_ID.reset(token)
    if ok:
        return Delivery(ok=True)
    return Delivery(ok=False, error="; ".join(warnings) or "apprise reported a failed delivery")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    # apprise reports why a send failed only through its logger; WARNING and above carry
    # no secrets (DEBUG does, which is why the level is never lowered here).
    logger = logging.getLogger("apprise")
    handler = _ListHandler()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


# The Message-ID of the email being sent in this thread (apprise sends one service in the
# caller's thread), or None for apprise's usual random one.
_MESSAGE_ID: ContextVar[str | None] = ContextVar("newswatch_message_id", default=None)


def _message_id(idstring: str | None = None, domain: str | None = None) -> str:
    return _MESSAGE_ID.get() or make_msgid(idstring=idstring, domain=domain)


def _install_stable_message_ids() -> None:
    # apprise 1.13's mailto:// always stamps `make_msgid()` after the custom headers, so a
    # `+Message-ID=` URL argument only adds a second, conflicting Message-ID header (which
    # some providers reject). Its module-level `make_msgid` is the one seam that lets ours
    # replace it; tests/test_outbox_claims.py checks exactly one Message-ID arrives.
    apprise_email.make_msgid = _message_id
