"""Sitemap files read defensively: gzip bombs, garbage and XML entity tricks come back as kinds."""

from __future__ import annotations

from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

SITEMAP_TYPES = frozenset({"sitemapindex", "urlset"})


def read_sitemap(response: Response, max_size: int) -> tuple[Sitemap | None, str]:
    """The sitemap in `response`, or None and the failure kind (`too_large`, `bad_sitemap`)."""
    body = response.body
    if gzip_magic_number(response):  # a .xml.gz served as a file, not as Content-Encoding
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError:  # more than max_size once decompressed: a gzip bomb
            return None, "too_large"
        except (OSError, EOFError):  # not really gzip
            return None, "bad_sitemap"
    elif not (isinstance(response, XmlResponse) or body.lstrip()[:1] == b"<"):
        return None, "bad_sitemap"
    try:
        # lxml with resolve_entities=False: no external entities, no billion laughs.
        sitemap = Sitemap(body)
    except Exception:  # lxml gives up on some garbage despite recover=True
        return None, "bad_sitemap"
    if sitemap.type not in SITEMAP_TYPES:
        return None, "bad_sitemap"
    return sitemap, ""
