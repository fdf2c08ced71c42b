"""The SSRF address rules: every spelling of an internal address is caught, public ones pass.

These are the pure rules; tests/test_hostile.py runs them for real, in a crawl whose feeds and
redirects point at another local port, private and metadata addresses, and `localhost`.
"""

from __future__ import annotations

import ipaddress

import pytest

from spiders.safety import AddressPolicy, literal_address, origin, special_reason

BLOCKED = [
    # (host as written in a URL, why)
    ("127.0.0.1", "loopback"),
    ("127.0.0.1.", "loopback"),  # trailing dot
    ("127.1", "loopback"),  # fewer than four parts
    ("2130706433", "loopback"),  # one decimal number
    ("0x7f.1", "loopback"),  # hex part
    ("0x7f000001", "loopback"),
    ("017700000001", "loopback"),  # one octal number
    ("0177.0.0.01", "loopback"),  # octal parts
    ("127.255.255.254", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("0", "unspecified"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("100.64.0.1", "not global"),  # shared address space (carrier-grade NAT)
    ("192.0.2.1", "private"),  # TEST-NET-1
    ("198.18.0.1", "private"),  # benchmarking
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "private"),  # reserved for future use
    ("255.255.255.255", "private"),  # broadcast
    ("::1", "loopback"),
    ("[::1]", "loopback"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:7f00:1", "loopback"),
    ("[::ffff:10.0.0.1]", "private"),
    ("64:ff9b::127.0.0.1", "loopback"),  # NAT64
    ("2002:7f00:1::", "loopback"),  # 6to4
    ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated)
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "private"),  # documentation
]

PUBLIC = [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "[2a00:1450:4001::200e]",
    "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::",
]  # fmt: skip

NOT_ADDRESSES = ["example.com", "localhost", "1e1", "08.0.0.1", "256.1.1.1", "4294967296", ""]


@pytest.mark.parametrize(("host", "reason"), BLOCKED)
def test_internal_addresses_in_any_spelling_are_special(host: str, reason: str) -> None:
    address = literal_address(host)
    assert address is not None
    assert special_reason(address) == reason


@pytest.mark.parametrize("host", PUBLIC)
def test_public_addresses_are_not_special(host: str) -> None:
    address = literal_address(host)
    assert address is not None and special_reason(address) is None


@pytest.mark.parametrize("host", NOT_ADDRESSES)
def test_names_and_nonsense_are_not_literal_addresses(host: str) -> None:
    assert literal_address(host) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.COM./news/x", ("example.com", 80)),
        ("https://example.com/x", ("example.com", 443)),
        ("http://127.0.0.1:8080/x", ("127.0.0.1", 8080)),
        ("http://[::ffff:127.0.0.1]:81/x", ("::ffff:127.0.0.1", 81)),
        ("http://user:secret@0x7f.1/x", ("0x7f.1", 80)),
        ("HTTPS://example.com:8443", ("example.com", 8443)),
        ("ftp://example.com/x", None),
        ("file:///etc/passwd", None),
        ("data:text/html,hi", None),
        ("http:///no-host", None),
        ("http://example.com:99999/x", None),
    ],
)
def test_origin(url: str, expected: tuple[str, int] | None) -> None:
    assert origin(url) == expected


@pytest.mark.parametrize(
    "url",
    ["http://2130706433/", "http://0x7f.1/", "http://017700000001/", "http://127.1/",
     "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:6379/", "http://[fe80::1%25eth0]/"],
)  # fmt: skip
def test_urls_spelling_internal_hosts_are_refused(url: str) -> None:
    host, _ = origin(url) or ("", 0)
    address = literal_address(host)
    assert address is not None
    assert AddressPolicy().refusal([address]) is not None


def _ips(*texts: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    return [ipaddress.ip_address(text) for text in texts]


def test_an_outlet_may_reach_exactly_its_own_origins() -> None:
    policy = AddressPolicy.for_sources(
        ["http://127.0.0.1:8080/rss.xml", "http://intranet.example/sitemap.xml"]
    )
    assert policy.allows_origin("http://127.0.0.1:8080/news/a-story")
    assert not policy.allows_origin("http://127.0.0.1:8081/news/a-story")  # another service
    assert not policy.allows_origin("http://localhost:8080/news/a-story")  # another spelling
    assert policy.allows_origin("https://intranet.example/news/a-story")  # http -> https
    assert not policy.allows_origin("http://intranet.example:8080/")
    assert policy.refusal(_ips("127.0.0.1")) == "127.0.0.1 is loopback"


def test_any_special_address_of_a_host_refuses_it() -> None:
    assert AddressPolicy().refusal(_ips("8.8.8.8", "2606:4700:4700::1111")) is None
    assert AddressPolicy().refusal(_ips("8.8.8.8", "10.0.0.1")) == "10.0.0.1 is private"


def test_an_intranet_outlet_may_reach_private_ranges_but_nothing_more_special() -> None:
    intranet = AddressPolicy.for_sources(["http://news.corp.example/rss"], intranet=True)
    for allowed in ("10.1.2.3", "172.20.0.5", "192.168.0.10", "100.64.1.1", "fd00::5"):
        assert intranet.refusal(_ips(allowed)) is None, allowed
    for refused in ("127.0.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "::1"):
        assert intranet.refusal(_ips(refused)) is not None, refused
    assert AddressPolicy().refusal(_ips("10.1.2.3")) == "10.1.2.3 is private"
