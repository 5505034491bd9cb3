"""`newsagg digest` end to end through the CLI entry point (in-process): every format after the
demo, --show feeds, --since-last, and bad input (each a clear one-line error, exit 2)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import feedparser
import pytest

from conftest import run_here
from models.db import open_database
from test_digest import build_sample_db

FORMATS = ("md", "html", "json", "rss", "atom")


def _one_line_error(proc, *needles: str) -> str:  # type: ignore[no-untyped-def]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("newsagg: error: "), proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    return build_sample_db(tmp_path / "sample.db").removeprefix("sqlite:///")


def test_demo_then_digest_in_every_format(demo_copy: Path, tmp_path: Path) -> None:
    db = str(demo_copy)  # the run's shared demo (a real crawl of the fixture outlets), copied
    for fmt in FORMATS:
        out = tmp_path / f"digest.{fmt}"
        proc = run_here("digest", "--db", db, "--date", "2016-01-18", "--format", fmt, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        assert "stories" in proc.stderr and out.stat().st_size > 500
    data = json.loads((tmp_path / "digest.json").read_text())
    assert data["story_count"] > 5 and not data["empty"]
    # Until the pipeline links shows, demo news goes under Other; once it does, under shows.
    assert data["story_count"] == sum(len(s["stories"]) for s in data["sections"]) + len(data["other"]["stories"])
    for fmt in ("rss", "atom"):
        feed = feedparser.parse(str(tmp_path / f"digest.{fmt}"))
        assert not feed.bozo, feed.get("bozo_exception")
        # one entry per story and one per industry move (the TV events of the day)
        assert len(feed.entries) == data["story_count"] + len(data["industry_moves"]) and data["industry_moves"]
        assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert "<script" not in (tmp_path / "digest.html").read_text().lower()


def test_stdout_is_markdown_by_default_and_format_follows_out_suffix(sample_db: str, tmp_path: Path) -> None:
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18")
    assert proc.returncode == 0 and proc.stdout.startswith("# News digest: 2016-01-18 (UTC)")
    assert "## Jessica Jones (Netflix)" in proc.stdout and "## Other" in proc.stdout
    out = tmp_path / "d.atom"
    assert run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--out", str(out)).returncode == 0
    assert feedparser.parse(str(out)).version == "atom10"


def test_per_show_rss_feed(sample_db: str, tmp_path: Path) -> None:
    out = tmp_path / "xfiles.rss"
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--show", "x-files", "--format", "rss",
                   "--out", str(out), "--feed-url", "https://digest.example/x-files.rss")
    assert proc.returncode == 0, proc.stderr
    feed = feedparser.parse(str(out))
    assert not feed.bozo and feed.feed.title == "newsagg digest: The X-Files"
    assert [e.id for e in feed.entries] == ["5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0002"]


def test_since_last_with_state_beside_out(sample_db: str, tmp_path: Path) -> None:
    def run(day: str) -> dict:
        out = tmp_path / "out" / "digest.json"
        proc = run_here("digest", "--db", sample_db, "--date", day, "--since-last", "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        return json.loads(out.read_text())

    first = run("2016-01-17")
    assert first["since_last"] is None and first["story_count"] >= 1
    second = run("2016-01-18")
    assert second["since_last"] == {"previous_date": "2016-01-17", "excluded": 1}
    assert "Netflix renews Jessica Jones for a second season" not in json.dumps(second)
    assert run("2016-01-18") == second  # a rerun is stable
    state = json.loads((tmp_path / "out" / "newsagg-digest-state.json").read_text())
    assert sorted(state["scopes"]["all"]) == ["2016-01-17", "2016-01-18"]
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--since-last")
    _one_line_error(proc, "--since-last needs --out or --state")


def test_day_without_news_is_a_clear_empty_digest(sample_db: str) -> None:
    proc = run_here("digest", "--db", sample_db, "--date", "2015-06-01")
    assert proc.returncode == 0 and "No news on Monday 01 June 2015 (UTC)." in proc.stdout
    proc = run_here("digest", "--db", sample_db, "--date", "2015-06-01", "--format", "json")
    assert json.loads(proc.stdout)["empty"] is True


def test_unknown_show_names_close_matches(sample_db: str) -> None:
    proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--show", "Sherlok")
    _one_line_error(proc, "unknown show 'Sherlok'", "did you mean", "'Sherlock'")
    proc = run_here("digest", "--db", sample_db, "--show", "Thrones")
    _one_line_error(proc, "'Game of Thrones'")
    proc = run_here("digest", "--db", sample_db, "--show", "Downton Abbey")
    _one_line_error(proc, "unknown show 'Downton Abbey'", "no close matches")


@pytest.mark.parametrize("value", ["18/01/2016", "2016-1-18", "2016-01-32", "yesterday", "2016-01-18T00:00"])
def test_dates_in_the_wrong_format(sample_db: str, value: str) -> None:
    proc = run_here("digest", "--db", sample_db, "--date", value)
    _one_line_error(proc, "--date must be a date as YYYY-MM-DD", repr(value))


def test_other_bad_options(sample_db: str) -> None:
    _one_line_error(run_here("digest", "--db", sample_db, "--tz", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'")
    _one_line_error(run_here("digest", "--db", sample_db, "--format", "pdf"), "--format must be one of")
    _one_line_error(run_here("digest", "--db", sample_db, "--feed-url", "javascript:x"), "--feed-url")


def test_empty_databases(tmp_path: Path) -> None:
    missing_db = tmp_path / "nope.db"
    _one_line_error(run_here("digest", "--db", str(missing_db)), "no database at")
    assert not missing_db.exists()  # never created by a digest
    blank = tmp_path / "blank.db"
    blank.write_bytes(b"")
    _one_line_error(run_here("digest", "--db", str(blank)), "is empty (no newsagg tables)")
    # Schema but no rows: an empty digest, not an error.
    open_database(f"sqlite:///{tmp_path / 'fresh.db'}").dispose()
    proc = run_here("digest", "--db", str(tmp_path / "fresh.db"), "--date", "2016-01-18", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["empty"] is True
    _one_line_error(run_here("digest", "--db", str(tmp_path / "fresh.db"), "--show", "Sherlock"),
                    "the database has no shows yet")


def test_read_only_database_file(sample_db: str, tmp_path: Path) -> None:
    path = Path(sample_db)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        for fmt in FORMATS:
            proc = run_here("digest", "--db", sample_db, "--date", "2016-01-18", "--format", fmt)
            assert proc.returncode == 0, proc.stderr
        assert "Jessica Jones" in proc.stdout
    finally:
        path.chmod(0o644)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # opened read-only: not a byte changed
    # An output that cannot be written is a one-line error too.
    if os.geteuid() != 0:
        ro_dir = tmp_path / "ro"
        ro_dir.mkdir(mode=0o555)
        _one_line_error(run_here("digest", "--db", sample_db, "--out", str(ro_dir / "d.md")), "")
