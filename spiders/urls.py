"""Article URL identity: one canonical form per article, whatever link led to it."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters that only say where a reader came from; they never select different content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "mc_cid", "mc_eid", "ocid", "cmpid", "cmp", "ref", "ref_src", "ref_url", "_ga", "_gl",
        "igshid", "igsh", "spm", "soc_src", "soc_trk", "at_medium", "at_campaign",
        "__twitter_impression", "mkt_tok", "s_cid", "smid", "sr_share",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Host prefixes of the same site's mobile and AMP editions.
_EDITION_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# AMP editions as a path suffix or segment ("/story/amp", "/amp/story") or a query flag.
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)")
_AMP_PARAMS = frozenset({"amp", "outputtype", "_amp", "amp_js_v", "usqp"})
_HTTP_URL = re.compile(r"^https?://[^/?#\s]+", re.IGNORECASE)


def is_http_url(url: str) -> bool:
    """True when `url` is an absolute http(s) URL with a host."""
    return bool(_HTTP_URL.match(url.strip()))


def canonical_url(url: str) -> str:
    """The article's identity: no fragment or tracking params, normalised host, sorted query."""
    parts = urlsplit(url.strip())
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracking(pair))
    netloc = _normalised_netloc(parts.scheme.lower(), parts.netloc)
    # canonicalize_url sorts the query, fixes percent-encoding and drops the fragment;
    # it keeps the path's case, which matters to most servers.
    return canonicalize_url(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def fold_key(url: str) -> str:
    """What makes two URLs the same article: canonical form without scheme, www./m./amp. host
    prefixes, AMP path segments and flags, and a trailing slash."""
    parts = urlsplit(canonical_url(url))
    host = parts.netloc
    for prefix in _EDITION_PREFIXES:
        host = host.removeprefix(prefix)
    path = _AMP_SEGMENT.sub("", parts.path).rstrip("/") or "/"
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and unquote_plus(pair.partition("=")[0]).lower() not in _AMP_PARAMS
    )  # fmt: skip
    return urlunsplit(("", host, path, query, "")).removeprefix("//")


def _is_tracking(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0]).strip().lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def _normalised_netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal: the port follows the closing bracket
        end = hostport.find("]")
        host, port = hostport[: end + 1], hostport[end + 1 :].removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.partition(":")
    host = host.lower().rstrip(".")
    if port == "" or (port.isdigit() and int(port) == _DEFAULT_PORTS.get(scheme)):
        return f"{userinfo}{at}{host}"
    return f"{userinfo}{at}{host}:{port}"
