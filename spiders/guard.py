"""Downloader middlewares keeping every request, redirects included, on http(s) and public hosts."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from w3lib.url import canonicalize_url, safe_url_string

from spiders.failures import Refused, loggable_url
from spiders.safety import HTTP_SCHEMES, STRICT, AddressPolicy, IPAddress, literal_address, origin

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class AddressGuardMiddleware:
    """Refuse non-http(s) URLs and hosts on loopback, private or other special addresses.

    It runs first (before robots.txt is fetched for a host) on every request, and redirects come
    back through it as new requests. Names are resolved through the reactor's resolver, whose
    cache the download then uses: the address checked is the address connected to, so a name
    that re-resolves to 127.0.0.1 between the check and the download (DNS rebinding) gains nothing.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.vouched: set[tuple[str, int]] = set()  # origins some outlet's request was let through

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Scrapy's constructor hook."""
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        """Pass `request` on, or raise Refused(`bad_scheme` / `blocked_address` / `dns`)."""
        where = origin(request.url)
        if where is None:
            raise Refused("bad_scheme", loggable_url(request.url))
        outlet = request.meta.get("outlet")
        policy = self._policy(outlet)
        # robots.txt requests carry no outlet; they only follow a request already let through.
        trusted = policy.allows_origin(request.url) or (outlet is None and where in self.vouched)
        if not trusted:
            reason = policy.refusal(await self._addresses(where[0], request.url))
            if reason is not None:
                raise Refused("blocked_address", f"{loggable_url(request.url)} ({reason})")
        if outlet is not None:
            self.vouched.add(where)

    def _policy(self, outlet: str | None) -> AddressPolicy:
        rules = getattr(self.crawler.spider, "rules", {}).get(outlet)
        return getattr(rules, "policy", STRICT)

    async def _addresses(self, host: str, url: str) -> list[IPAddress]:
        literal = literal_address(host)
        if literal is not None:
            return [literal]
        from twisted.internet import reactor  # the installed one; importing earlier installs one

        resolve = reactor.resolve  # type: ignore[attr-defined]
        try:
            resolved = await maybe_deferred_to_future(resolve(host))
        except Exception as exc:
            # Refuse rather than let the download resolve again: that answer would go unchecked.
            raise Refused("dns", loggable_url(url)) from exc
        return [ipaddress.ip_address(resolved)]


class SafeRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with loops and redirects off http(s) failing under kinds of their own."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        """Follow like Scrapy; loops and non-http(s) targets fail (`redirect_loop`/`bad_scheme`)."""
        # Left to Scrapy, a loop ends in a silent drop by the duplicate filter and a redirect to
        # file: or ftp: in an `http_302` failure.
        result = super().process_response(request, response)
        if isinstance(result, Request):
            seen = {canonicalize_url(url) for url in result.meta.get("redirect_urls", ())}
            if canonicalize_url(result.url) in seen:
                raise Refused("redirect_loop", loggable_url(result.url))
            return result
        location = result.headers.get("Location")
        if 300 <= result.status < 400 and location:
            target = urljoin(request.url, safe_url_string(location))
            if urlsplit(target).scheme.lower() not in HTTP_SCHEMES:
                raise Refused("bad_scheme", f"redirect to {loggable_url(target)}")
        return result
