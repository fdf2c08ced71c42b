"""Address rules against SSRF: which hosts a link found on the web may make the crawler contact."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTTP_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64's well-known prefix embeds an IPv4 address in its last 32 bits (RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# What an intranet outlet may reach besides its own origins: the private ranges proper. Loopback,
# link-local (cloud metadata at 169.254.169.254) and the rest stay refused even for it.
INTRANET_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells out, in any form a resolver accepts (2130706433, 0x7f.1, 127.1)."""
    host = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # inet_aton takes the legacy numeric forms that gethostbyname and browsers also accept
    # (decimal, octal, hex, fewer than four parts), so "http://0x7f.1/" is caught as loopback.
    if not host or not all(c.isalnum() or c == "." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), else the address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def special_reason(address: IPAddress) -> str | None:
    """Why `address` is no public internet host (loopback, private…), or None when it is one."""
    address = embedded_ipv4(address)
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),  # some multicast ranges count as "global"
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("not global", not address.is_global),  # shared (100.64/10), benchmarking, …
    )
    return next((reason for reason, hit in checks if hit), None)


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, host lowercased without brackets; None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in HTTP_SCHEMES or not parts.hostname:
        return None
    return parts.hostname.rstrip("."), port or _DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class AddressPolicy:
    """Where one outlet's requests may go: public addresses, its own origins, maybe its intranet."""

    origins: frozenset[tuple[str, int]] = frozenset()
    intranet: bool = False

    @classmethod
    def for_sources(cls, urls: Iterable[str], intranet: bool = False) -> AddressPolicy:
        """The policy of an outlet configured with these feed, sitemap and page URLs."""
        # Exactly the configured host:port pairs, not the whole host: 127.0.0.1:8080 being an
        # outlet says nothing about the admin API on 127.0.0.1:4200 or Redis on :6379. A host
        # configured on a default port also gets the other one, for http -> https upgrades.
        allowed: set[tuple[str, int]] = set()
        for url in urls:
            found = origin(url)
            if found is not None:
                host, port = found
                allowed |= {(host, 80), (host, 443)} if port in (80, 443) else {found}
        return cls(frozenset(allowed), intranet)

    def allows_origin(self, url: str) -> bool:
        """True when `url` is on one of the outlet's own configured origins."""
        return origin(url) in self.origins

    def refusal(self, addresses: Iterable[IPAddress]) -> str | None:
        """Why a host with these addresses may not be contacted, or None when it may."""
        for address in addresses:
            reason = special_reason(address)
            if reason is None:
                continue
            if self.intranet and any(embedded_ipv4(address) in net for net in INTRANET_NETWORKS):
                continue
            return f"{address} is {reason}"
        return None


STRICT = AddressPolicy()  # for requests that belong to no outlet
