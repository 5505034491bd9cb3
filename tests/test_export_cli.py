"""`newsagg export --since ... --format csv|jsonl`: bulk export in a subprocess, and bad input."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest

from conftest import run_here
from models.db import open_database
from newsagg.digest.export import COLUMNS
from test_digest import build_sample_db, copy_sample_db


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    return build_sample_db(tmp_path / "sample.db").removeprefix("sqlite:///")


def _error_line(proc) -> str:  # type: ignore[no-untyped-def]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("newsagg: error: "), proc.stderr
    return lines[0]


def test_jsonl_to_stdout_in_published_order(sample_db: str) -> None:
    proc = run_here("export", "--db", sample_db, "--since", "2016-01-18", "--until", "2016-01-19")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 11 and "exported 11 articles" in proc.stderr
    assert list(rows[0]) == COLUMNS
    assert [r["published_at"] for r in rows] == sorted(r["published_at"] for r in rows)
    assert rows[0]["published_at"] == "2016-01-18T01:05:00Z" and rows[0]["source"] == "deadline"
    assert rows[0]["story_key"] == "5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0001" and rows[0]["shows"] == ["Jessica Jones"]
    xf = next(r for r in rows if r["title"].startswith("The X-Files: first reviews"))
    assert xf["shows"] == ["Sherlock", "The X-Files"] and xf["authors"] == ["Staff"]
    copy = next(r for r in rows if "syndicated" in r["title"])
    assert copy["duplicate_of_id"] is not None and copy["story_id"] is None


def test_csv_file_round_trips(sample_db: str, tmp_path: Path) -> None:
    out = tmp_path / "export" / "articles.csv"
    proc = run_here("export", "--db", sample_db, "--since", "2016-01-18T12:00", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert list(rows[0]) == COLUMNS
    assert all(r["published_at"] >= "2016-01-18T12:00:00Z" for r in rows)
    assert rows[-1]["title"] == "Game of Thrones season 6 poster revealed"  # --since without --until: to the end
    assert json.loads(rows[-1]["shows"]) == ["Game of Thrones"]
    assert oct(out.stat().st_mode & 0o777) == "0o644"


def test_since_with_offset_and_no_body(sample_db: str) -> None:
    # 2016-01-18T04:00-05:00 is 09:00Z.
    proc = run_here("export", "--db", sample_db, "--since", "2016-01-18T04:00:00-05:00", "--until", "2016-01-18T10:00Z",
                   "--no-body", "--format", "jsonl")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["published_at"] for r in rows] == ["2016-01-18T09:30:00Z"] and rows[0]["body"] == ""
    proc = run_here("export", "--db", sample_db, "--since", "99999d", "--until", "2016-01-18")  # relative, as `articles`
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 17  # everything before the 18th


def test_bad_input(sample_db: str, tmp_path: Path) -> None:
    assert "--since: not a date or time span: '18.01.2016'" in _error_line(run_here("export", "--db", sample_db, "--since", "18.01.2016"))
    assert "--format must be one of csv, jsonl" in _error_line(
        run_here("export", "--db", sample_db, "--since", "2016-01-18", "--format", "xml"))
    assert "must be after --since" in _error_line(
        run_here("export", "--db", sample_db, "--since", "2016-01-18", "--until", "2016-01-17"))
    assert "no database at" in _error_line(run_here("export", "--db", str(tmp_path / "x.db"), "--since", "2016-01-18"))
    proc = run_here("export", "--db", sample_db)
    assert proc.returncode == 2 and "--since" in proc.stderr  # required option: click's usage error


def test_empty_and_read_only_databases(sample_db: str, tmp_path: Path) -> None:
    open_database(f"sqlite:///{tmp_path / 'fresh.db'}").dispose()
    proc = run_here("export", "--db", str(tmp_path / "fresh.db"), "--since", "2016-01-01", "--format", "csv")
    assert proc.returncode == 0 and proc.stdout.strip() == ",".join(COLUMNS) and "exported 0 articles" in proc.stderr
    blank = tmp_path / "blank.db"
    blank.write_bytes(b"")
    assert "is empty (no newsagg tables)" in _error_line(run_here("export", "--db", str(blank), "--since", "2016-01-01"))
    Path(sample_db).chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        proc = run_here("export", "--db", sample_db, "--since", "2016-01-01")
        assert proc.returncode == 0, proc.stderr
        engine = open_database(f"sqlite:///{sample_db}", migrate=False)
        with engine.connect() as conn:
            expected = conn.exec_driver_sql("SELECT count(*) FROM articles WHERE published_at >= '2016-01-01'").scalar()
        engine.dispose()
        assert len(proc.stdout.splitlines()) == expected == 25
    finally:
        Path(sample_db).chmod(0o644)


def test_export_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    copy_sample_db(tmp_path / "s.db", postgres_url).dispose()
    lite = run_here("export", "--db", str(tmp_path / "s.db"), "--since", "2016-01-01")
    pg = run_here("export", "--db", postgres_url, "--since", "2016-01-01")
    assert pg.returncode == 0, pg.stderr
    strip = lambda out: [{k: v for k, v in json.loads(x).items() if k not in ("id", "story_id", "duplicate_of_id")}
                         for x in out.splitlines()]  # noqa: E731
    assert strip(pg.stdout) == strip(lite.stdout)
