"""Canonical URLs: the identity key of an article.

Lower-case scheme and host, no default port, no fragment, no tracking
parameters, sorted query, percent-encoding normalised (w3lib). The original URL
is always kept beside it.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Parameters that only track the click, never select content.
_TRACKING_EXACT = {
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "_hsenc", "_hsmi", "mkt_tok", "ref_src", "cmpid", "cmp", "ncid", "sr_share", "smid", "spjobid",
    "vero_id", "oly_enc_id", "oly_anon_id", "__twitter_impression", "s_cid", "wt.mc_id", "ito",
    "rss", "xtor", "ocid", "amp",
}
_TRACKING_PREFIX = ("utm_", "mc_", "pk_", "hmb_", "at_", "_ga")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_EXACT or k.startswith(_TRACKING_PREFIX)


def canonical_url(url: str, base: str | None = None) -> str:
    """Canonical form of url (resolved against base). Raises ValueError if not http(s)."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url[:200]!r}")
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" + ("" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _is_tracking(k)])
    path = parts.path or "/"
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")), keep_fragments=False)


def url_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return ()
    return tuple(sorted({i[4][0] for i in infos}))


def is_private_address(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified)


def points_to_private(url: str) -> bool:
    """True when the URL's host is, or resolves to, a private/loopback/link-local address.

    Unresolvable hosts count as not private (the fetch will fail on its own).
    """
    host = url_host(url)
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
        return is_private_address(host.strip("[]"))
    except ValueError:
        pass
    return any(is_private_address(a) for a in _resolve(host))
