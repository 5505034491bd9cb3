"""Is this page an article we can use? ok | paywalled | blocked | not_article.

Signals are deliberately combined with the amount of text found: a real article
page often carries a Cloudflare script, a "paywall" CSS class or a consent
banner, and is still a full article. Only a page with little text and such a
signal is classed as blocked or paywalled.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

OK, PAYWALLED, BLOCKED, NOT_ARTICLE = "ok", "paywalled", "blocked", "not_article"

BLOCKED_HTTP = {401, 403, 407, 429, 451}
# The marker patterns are lower-case and run case-sensitively on a lower-cased copy of the page:
# re.I costs 3-6x more on a 300 kB page.
_CHALLENGE = re.compile(
    r"cf-browser-verification|cf_chl_opt|challenge-platform/h/|<title>\s*(?:just a moment|attention required|"
    r"access denied|are you a robot|robot check|security check|pardon our interruption)|"
    r"px-captcha|_pxhd|perimeterx|captcha-delivery\.com|datadome|"
    r"incapsula incident|/_incapsula_resource|distil_r_captcha|"
    r"please (?:enable|turn on) (?:js|javascript) and (?:disable|turn off) any ad ?blocker|"
    r"reference #\d+\.[0-9a-f]+|errors\.edgesuite\.net|"
    r"verify (?:that )?you are (?:a )?human|unusual traffic from your (?:computer|network)")
_CONSENT = re.compile(
    r"consent\.(?:yahoo|google|youtube)\.com|guce\.(?:yahoo|oath)\.com|before you continue to|"
    r"we value your privacy|manage (?:your )?(?:cookie|consent) (?:settings|preferences)|"
    r"consent-page|cmp-container|sp_message_container")
_PAYWALL_TEXT = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|(?:this (?:article|story|content) is|available) "
    r"(?:only )?(?:for|to) (?:subscribers|members)|already a subscriber\? ?(?:log|sign) ?in|"
    r"to read (?:the full|this) (?:article|story)|subscriber[- ]exclusive|unlock (?:this|the full) (?:article|story)|"
    r"create a free account to (?:continue|read)|you(?:'ve| have) reached your (?:free )?article limit")
# Each paywall phrase contains one of these: the regex only runs where one is there at all
# (a substring search runs at memchr speed, the regex at ~50 ns a character).
_PAYWALL_WORDS = ("subscri", "members", "to read", "unlock", "free account", "article limit")
_NON_HTML_TYPES = ("json", "xml", "rss", "atom", "javascript", "text/plain", "text/csv", "image/", "pdf",
                   "octet-stream")
_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|urlset|sitemapindex|opml)\b",
                         re.I | re.S)
_LOGIN_PATH = re.compile(r"/(?:log-?in|sign-?in|signon|sso|auth|oauth2?|account/login|users?/login|wp-login\.php|"
                         r"session/new|accounts?/(?:login|signin))(?:[/.?]|$)", re.I)
_LOGIN_HOST = re.compile(r"^(?:login|signin|sso|auth|accounts|account|id|myaccount)\.", re.I)
_PASSWORD_INPUT = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.I)
_LOGIN_TITLE = re.compile(r"<title[^>]*>[^<]*\b(?:log ?in|sign ?in|sign on|anmelden|connexion|"
                          r"iniciar sesi[oó]n)\b", re.I)


def non_html(text: str, content_type: str | None) -> bool:
    """A feed, sitemap, JSON or other non-page served where a page was expected."""
    if content_type:
        ct = content_type.split(";", 1)[0].strip().lower()
        if ct and "html" not in ct and any(t in ct for t in _NON_HTML_TYPES):
            return True
    head = text[:2000].lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "[") and "<html" not in head.lower():
        return True
    return bool(_FEED_START.match(head))


def classify(*, text: str, body: str, http_status: int, is_article: bool, accessible_for_free: bool | None) -> str:
    """Status from HTTP status, markers in the raw page and how much body text was found."""
    if http_status in BLOCKED_HTTP:
        return BLOCKED
    words = len(body.split())
    if http_status >= 400:
        return BLOCKED if (http_status == 503 and _CHALLENGE.search(text[:300_000].lower())) else NOT_ARTICLE
    # The marker regexes only run on short pages (they cost ~3 ms on a big page).
    sample = text[:300_000].lower() if words < 250 else ""
    if words < 60:  # challenge pages have almost no text; real ones often embed a captcha in a form
        if _CHALLENGE.search(sample) or (words < 40 and _CONSENT.search(sample)):
            return BLOCKED
    if words < 250 and (accessible_for_free is False or _paywall_text(sample)):
        return PAYWALLED
    if words == 0 or (not is_article and words < 150):
        return NOT_ARTICLE
    return OK


def _paywall_text(lowered: str) -> bool:
    return any(w in lowered for w in _PAYWALL_WORDS) and bool(_PAYWALL_TEXT.search(lowered))


def looks_like_login_page(url: str, html: str | None) -> bool:
    """True for a sign-in page (a redirect target that is not the article).

    URL evidence alone (a /login path or a login./accounts. host) is enough; otherwise
    the page must have a password field and a "Sign in"/"Log in" title, or a password
    field and almost no text.
    """
    try:
        parts = urlsplit(url or "")
    except ValueError:
        parts = None
    if parts is not None:
        if _LOGIN_PATH.search(parts.path or "") or _LOGIN_HOST.match(parts.hostname or ""):
            return True
    if not html:
        return False
    sample = html[:200_000]
    if not _PASSWORD_INPUT.search(sample):
        return False
    if _LOGIN_TITLE.search(sample):
        return True
    visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", sample, flags=re.I | re.S)
    return len(visible.split()) < 300
