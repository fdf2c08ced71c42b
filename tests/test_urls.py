"""Canonical article URLs: one identity per article, whatever link led to it."""

from __future__ import annotations

import pytest

from spiders.urls import canonical_url, fold_key, is_http_url

CANONICAL_CASES = [
    # (link as found, canonical form)
    ("https://example.com/news/a-story", "https://example.com/news/a-story"),
    ("https://example.com/news/a-story#comments", "https://example.com/news/a-story"),
    ("https://EXAMPLE.com/News/A-Story", "https://example.com/News/A-Story"),
    ("HTTPS://Example.COM:443/x", "https://example.com/x"),
    ("http://example.com:80/x", "http://example.com/x"),
    ("http://example.com:8080/x", "http://example.com:8080/x"),
    ("https://example.com:80/x", "https://example.com:80/x"),
    ("http://example.com/x", "http://example.com/x"),  # the scheme is kept as given
    ("https://example.com/x?utm_source=rss&utm_medium=feed", "https://example.com/x"),
    ("https://example.com/x?UTM_Campaign=a&id=7", "https://example.com/x?id=7"),
    ("https://example.com/x?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2", "https://example.com/x"),
    ("https://example.com/x?ocid=a&cmpid=b&ref=tw&ref_src=twsrc&_ga=1&igshid=z",
     "https://example.com/x"),
    ("https://example.com/x?page=2&id=7", "https://example.com/x?id=7&page=2"),
    ("https://example.com/x?id=7&utm_source=a#top", "https://example.com/x?id=7"),
    ("https://example.com/x?", "https://example.com/x"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com./x", "https://example.com/x"),
    ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("  https://example.com/x  ", "https://example.com/x"),
    ("http://[::1]:8080/x?ref=a", "http://[::1]:8080/x"),
    ("http://127.0.0.1:5000/a/b.html?utm_source=rss", "http://127.0.0.1:5000/a/b.html"),
    ("https://example.com/x?preference=1", "https://example.com/x?preference=1"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", [url for url, _ in CANONICAL_CASES])
def test_canonical_url_is_idempotent(url: str) -> None:
    assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/x", True),
        ("HTTP://example.com", True),
        ("ftp://example.com/x", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<h1>hi</h1>", False),
        ("mailto:desk@example.com", False),
        ("javascript:void(0)", False),
        ("/relative/path", False),
        ("https:///no-host", False),
        ("", False),
    ],
)
def test_is_http_url(url: str, expected: bool) -> None:
    assert is_http_url(url) is expected


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.news.example/world/story-one",
        "http://news.example/world/story-one/",
        "https://m.news.example/world/story-one",
        "https://amp.news.example/world/story-one",
        "https://www.news.example/world/story-one/amp",
        "https://www.news.example/amp/world/story-one",
        "https://www.news.example/world/story-one?amp=1&utm_source=x",
        "https://www.news.example/world/story-one?outputType=amp#top",
    ],
)
def test_editions_of_one_article_fold_to_one_key(variant: str) -> None:
    assert fold_key(variant) == fold_key("https://www.news.example/world/story-one")


def test_different_articles_keep_different_keys() -> None:
    assert fold_key("https://news.example/world/story-one") != fold_key(
        "https://news.example/world/story-two"
    )
    assert fold_key("https://news.example/a?id=1") != fold_key("https://news.example/a?id=2")
    assert fold_key("https://news.example:8080/a") != fold_key("https://news.example/a")
    assert fold_key("https://news.example/example") == "news.example/example"
