"""The digest as an email: MIME structure, safe headers, and real delivery to a local aiosmtpd
server on 127.0.0.1 (plain, STARTTLS with login, refusing, dropping the connection)."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import run_here
from models.db import open_database
from newsagg.digest.email import Envelope, build_message, subject
from test_digest import build_sample_db, digest_for


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps what arrives; refuses every recipient when told to."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    return build_sample_db(tmp_path / "sample.db").removeprefix("sqlite:///")


@pytest.fixture
def smtp_server() -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def _assert_digest_mail(msg: EmailMessage) -> None:
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.startswith("# News digest: 2016-01-18") and "## Top stories" in text
    assert "<svg" not in html and "<script" not in html and "Top stories" in html
    assert msg["Message-ID"].startswith("<") and msg["Date"] and msg["Subject"].startswith("News digest 2016-01-18: ")


def test_eml_is_multipart_alternative_with_headers(sample_db: str, tmp_path: Path) -> None:
    out = tmp_path / "digest.eml"
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--out", str(out),
                   "--from", "TV desk <desk@news.example>", "--to", "editors@news.example",
                   "--list-unsubscribe", "mailto:leave@news.example")
    assert proc.returncode == 0, proc.stderr
    msg = _parse(out.read_bytes())
    _assert_digest_mail(msg)
    assert msg["From"] == "TV desk <desk@news.example>" and msg["To"] == "editors@news.example"
    assert msg["List-Unsubscribe"] == "<mailto:leave@news.example>"
    assert msg["Message-ID"].endswith("@news.example>")
    assert msg["Subject"] == "News digest 2016-01-18: Netflix renews Jessica Jones for a second season (+5 more)"


def test_subject_cannot_inject_headers(tmp_path: Path) -> None:
    from sqlalchemy import update

    from models.schema import StoryRow

    engine = open_database(build_sample_db(tmp_path / "s.db"))
    with engine.begin() as conn:
        conn.execute(update(StoryRow).where(StoryRow.headline.like("Netflix renews%"))
                     .values(headline="Renewed\r\nBcc: victim@evil.example\r\n\r\n<script>x</script>"))
    d = digest_for(engine)
    engine.dispose()
    assert "\n" not in subject(d) and "\r" not in subject(d)
    raw = build_message(d, Envelope(to="a@b.example")).as_bytes()
    msg = _parse(raw)
    assert msg["Bcc"] is None and "victim@evil.example" in msg["Subject"]
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in headers.split(b"\r\n"))
    assert "<script>" not in msg.get_body(("html",)).get_content()


@pytest.mark.parametrize("value,option", [("a@b.example\r\nBcc: x@y.example", "--to"), ("not an address", "--from"),
                                          ("javascript:alert(1)", "--list-unsubscribe")])
def test_bad_addresses_are_one_line_errors(sample_db: str, value: str, option: str) -> None:
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--format", "eml", option, value)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and option in lines[0], proc.stderr


def test_send_arrives_and_since_last_records_it(sample_db: str, tmp_path: Path, smtp_server: Any) -> None:
    controller, inbox = smtp_server
    state = tmp_path / "state.json"
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--since-last", "--state", str(state),
                   "--send-to", "editors@news.example", "--smtp", f"smtp://127.0.0.1:{controller.port}")
    assert proc.returncode == 0, proc.stderr
    assert "sent the digest to editors@news.example" in proc.stderr and proc.stdout == ""
    [(mail_from, rcpt, raw)] = inbox.messages
    assert rcpt == ["editors@news.example"] and mail_from == "digest@localhost"
    _assert_digest_mail(_parse(raw))
    assert json.loads(state.read_text())["scopes"]["all"]["2016-01-18"]["stories"]


def _one_line_failure(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1 and len(lines) == 1 and needle in lines[0], proc.stderr


def test_refusing_server_exit_1_nothing_marked_sent(sample_db: str, tmp_path: Path) -> None:
    inbox = Inbox(refuse=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        state = tmp_path / "state.json"
        proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--since-last", "--state", str(state),
                       "--send-to", "editors@news.example", "--smtp", f"smtp://127.0.0.1:{controller.port}")
    finally:
        controller.stop()
    _one_line_failure(proc, "cannot send the digest")
    assert not state.exists() and inbox.messages == []


def test_dropping_server_exit_1_nothing_marked_sent(sample_db: str, tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]

    def drop() -> None:  # accept, then hang up without a greeting
        for _ in range(3):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=drop, daemon=True).start()
    state = tmp_path / "state.json"
    try:
        proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--since-last", "--state", str(state),
                       "--send-to", "editors@news.example", "--smtp", f"smtp://127.0.0.1:{port}")
    finally:
        listener.close()
    _one_line_failure(proc, f"smtp://127.0.0.1:{port}")
    assert not state.exists()
    closed = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--send-to", "a@b.example",
                     "--smtp", f"smtp://127.0.0.1:{port}")  # nobody listening any more
    _one_line_failure(closed, "cannot send the digest")


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_starttls_and_login(sample_db: str, tls_files: tuple[Path, Path]) -> None:
    import ssl

    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    seen: list[tuple[str, bool]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"desk" and auth_data.password == b"p@ss"
        seen.append((mechanism, session.ssl is not None))
        return AuthResult(success=ok)

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--send-to", "editors@news.example",
                       "--smtp", f"smtp://desk:p%40ss@127.0.0.1:{controller.port}", env={"SSL_CERT_FILE": str(cert)})
    finally:
        controller.stop()
    assert proc.returncode == 0, proc.stderr
    assert seen[0][1] is True  # logged in over the upgraded (STARTTLS) connection
    assert len(inbox.messages) == 1
    _assert_digest_mail(_parse(inbox.messages[0][2]))
