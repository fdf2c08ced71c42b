"""Failure kinds: why a request failed, the word in `newswatch/<outlet>/failed/<kind>`."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as neterror
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_LOGGED_URL_CHARS = 200

# Exception class -> kind, for failures that come from the network rather than from a decision.
_ERROR_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, neterror.DNSLookupError), "dns"),
    ((DownloadTimeoutError, neterror.TimeoutError, neterror.TCPTimedOutError), "timeout"),
    ((DownloadConnectionRefusedError, neterror.ConnectError), "connection"),
    (ResponseDataLossError, "data_loss"),
    (ResponseNeverReceived, "no_response"),
    ((ResponseFailed, DownloadFailedError), "bad_response"),  # not HTTP, or closed halfway
    ((UnsupportedURLSchemeError, NotSupported), "bad_scheme"),
)

# Scrapy's own IgnoreRequest/cancel messages -> kind; Scrapy has no exception class for these.
_MESSAGE_KINDS = (
    ("max redirections reached", "redirect_limit"),
    ("DOWNLOAD_MAXSIZE", "too_large"),  # HttpCompressionMiddleware: a decompression bomb
    ("larger than download max size", "too_large"),  # the download handler, before or during
    ("robots.txt", "robots"),
)


class Refused(IgnoreRequest):
    """A request newswatch chose not to make (or to drop); `kind` names the reason."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


def error_kind(exc: BaseException) -> str:
    """The failure kind of an errback's exception: `robots`, `http_503`, `timeout`…"""
    if isinstance(exc, Refused):
        return exc.kind
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest | DownloadCancelledError):
        message = str(exc)
        kinds = [kind for text, kind in _MESSAGE_KINDS if text in message]
        default = "ignored" if isinstance(exc, IgnoreRequest) else "cancelled"
        return kinds[0] if kinds else default
    for classes, kind in _ERROR_KINDS:
        if isinstance(exc, classes):
            return kind
    return type(exc).__name__.lower()


def loggable_url(url: str) -> str:
    """`url` fit for a log line: credentials masked, length bounded (data: URLs can be huge)."""
    try:
        parts = urlsplit(url[: _LOGGED_URL_CHARS * 4])
    except ValueError:
        return url[:_LOGGED_URL_CHARS]
    if "@" in parts.netloc:
        parts = parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2])
    text = urlunsplit(parts)
    return text if len(text) <= _LOGGED_URL_CHARS else text[:_LOGGED_URL_CHARS] + "…"
