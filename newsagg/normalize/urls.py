"""Canonical URLs: the identity key of an article.

Lower-case scheme and host, no default port, no fragment, no tracking
parameters, sorted query, percent-encoding normalised (w3lib). The original URL
is always kept beside it.
"""

from __future__ import annotations

import ipaddress
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_private_address(addr: str) -> bool:
    """True for any address that is not globally routable: loopback, private, link-local,
    CGNAT (100.64/10), reserved, multicast; IPv6 forms that embed such an IPv4 address
    (mapped, 6to4, Teredo, NAT64) are judged by the embedded address. Not an address: True."""
    try:
        ip = ipaddress.ip_address(addr.split("%")[0].strip("[]"))
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return not ip.is_global or ip.is_multicast


def literal_address(host: str) -> str | None:
    """The host when it is an IP literal (IPv6 brackets removed), else None."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare.split("%")[0])
    except ValueError:
        return None
    return bare


def is_local_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")
