"""The digest as an email: a MIME multipart/alternative message (text/plain = the Markdown,
text/html = the email-safe HTML), and sending it over SMTP.

Header values never carry user text unchecked: the Subject is squashed to one line without
control characters, addresses must parse as one plain address, and the stdlib's SMTP policy
refuses any header with a line break.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from newsagg.digest.model import Digest
from newsagg.digest.text import safe_url
from newsagg.errors import NewsaggError

DEFAULT_FROM = "newsagg digest <digest@localhost>"
SUBJECT_CHARS = 150
SMTP_TIMEOUT = 30.0
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


@dataclass(frozen=True)
class Envelope:
    sender: str = DEFAULT_FROM
    to: str | None = None
    unsubscribe: str | None = None   # mailto: address or http(s) URL for List-Unsubscribe

    @property
    def unsubscribe_url(self) -> str | None:
        return self.unsubscribe


def check_address(value: str, option: str) -> str:
    """One plain address (optionally with a display name), else a one-line error."""
    if _CONTROL.search(value):
        raise NewsaggError(f"{option} must be one email address on one line, got {value!r}")
    name, addr = parseaddr(value)
    if not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+", addr or ""):
        raise NewsaggError(f"{option} must be an email address such as news@example.org, got {value!r}")
    return value.strip()


def check_unsubscribe(value: str) -> str:
    if value.lower().startswith("mailto:"):
        check_address(value[7:].split("?", 1)[0], "--list-unsubscribe")
        return value
    if safe_url(value) is None:
        raise NewsaggError(f"--list-unsubscribe must be a mailto: address or an http(s) URL, got {value!r}")
    return value


def subject(digest: Digest) -> str:
    """"News digest 2016-01-18: <top headline> (+N more)", one line, no control characters."""
    scope = f" ({', '.join(digest.shows_filter)})" if digest.shows_filter else ""
    lead = digest.top_stories[0] if digest.top_stories else (digest.stories[0] if digest.stories else None)
    text = f"News digest {digest.date.isoformat()}{scope}: "
    if lead is None:
        text += "no news"
    else:
        more = len(digest.stories) - 1
        text += lead.headline + (f" (+{more} more)" if more else "")
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= SUBJECT_CHARS else text[:SUBJECT_CHARS - 1].rstrip() + "…"


def build_message(digest: Digest, envelope: Envelope, now: datetime | None = None) -> EmailMessage:
    from newsagg.digest.render import render

    sender = check_address(envelope.sender, "--from")
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["Subject"] = subject(digest)
    msg["From"] = sender
    if envelope.to:
        msg["To"] = check_address(envelope.to, "--to")
    msg["Date"] = format_datetime(now or datetime.now(timezone.utc))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring="digest", domain=domain)
    if envelope.unsubscribe:
        msg["List-Unsubscribe"] = f"<{check_unsubscribe(envelope.unsubscribe)}>"
    msg.set_content(render(digest, "md"), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(render(digest, "html", email=envelope), subtype="html", charset="utf-8",
                        cte="quoted-printable")
    return msg


@dataclass(frozen=True)
class SmtpTarget:
    tls: bool            # smtps: TLS from the first byte; smtp: STARTTLS when the server offers it
    host: str
    port: int
    user: str | None
    password: str | None

    @property
    def shown(self) -> str:
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise NewsaggError(f"--smtp must look like smtp[s]://user:pass@host:port, got {url!r}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or _CONTROL.search(url):
        raise NewsaggError(f"--smtp must look like smtp[s]://user:pass@host:port, got {url!r}")
    tls = parts.scheme == "smtps"
    return SmtpTarget(tls, parts.hostname, port or (465 if tls else 25),
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def send(msg: EmailMessage, to: str, target: SmtpTarget, timeout: float = SMTP_TIMEOUT) -> None:
    """Deliver msg to `to`; any refusal or dropped connection is one NewsaggError line."""
    to = check_address(to, "--send-to")
    rcpt = parseaddr(to)[1]
    sender = parseaddr(str(msg["From"]))[1]
    context = ssl.create_default_context()
    try:
        if target.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=timeout)
        with client:
            client.ehlo()
            secure = target.tls
            if not secure and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                secure = True
            if target.user:
                if not secure and not _loopback(target.host):
                    raise NewsaggError(f"{target.shown} offers no STARTTLS: not sending the password in clear "
                                       "(use smtps://)")
                client.login(target.user, target.password or "")
            refused = client.send_message(msg, from_addr=sender, to_addrs=[rcpt])
            if refused:
                raise NewsaggError(f"{target.shown} refused the recipient {rcpt}")
    except NewsaggError:
        raise
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise NewsaggError(f"cannot send the digest via {target.shown}: {exc.smtp_code} "
                           f"{' '.join(detail.split())}") from None
    except (smtplib.SMTPException, OSError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise NewsaggError(f"cannot send the digest via {target.shown}: {detail}") from None
