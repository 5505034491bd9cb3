"""`newsagg extract` in a subprocess, over real corpus pages and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_here

KEYS = ["id", "url", "title", "authors", "published", "modified", "body", "description", "image", "language",
        "tags", "canonical_url", "status"]


def _dev_inputs(corpus_dir: Path, limit: int | None = None) -> list[dict[str, str]]:
    gt = json.loads((corpus_dir / "article-extraction-dev" / "ground-truth.json").read_text("utf-8"))
    keys = sorted(gt)[:limit] if limit else sorted(gt)
    return [{"id": k, "url": gt[k]["url"], "path": str(corpus_dir / "article-extraction-dev" / "html" / f"{k}.html.gz")}
            for k in keys]


def test_batch_over_all_dev_pages_has_no_error_line(corpus_dir: Path) -> None:
    items = _dev_inputs(corpus_dir)
    items[3].pop("url")  # url may be missing
    proc = run_here("extract", input="".join(json.dumps(i) + "\n" for i in items), timeout=170)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in lines] == [i["id"] for i in items]  # one line per input, in order
    assert not [o for o in lines if "error" in o]
    for o in lines:
        assert list(o) == KEYS
        assert o["published"] is None or o["published"].endswith("Z")
    assert sum(o["status"] == "ok" for o in lines) >= 85
    assert sum(bool(o["title"]) for o in lines) >= 88


def test_bad_lines_give_error_lines_and_the_batch_goes_on(corpus_dir: Path, tmp_path: Path) -> None:
    good = _dev_inputs(corpus_dir, 2)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    lines_in = [json.dumps(good[0]), "not json", json.dumps({"id": "missing", "path": str(tmp_path / "nope.html")}),
                json.dumps({"id": "nopath"}), json.dumps({"id": "txt", "path": str(notes)}),
                json.dumps({"id": "gz", "path": str(broken)}), json.dumps([1, 2]), json.dumps(good[1])]
    proc = run_here("extract", input="\n".join(lines_in) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == 8
    assert out[0]["id"] == good[0]["id"] and "error" not in out[0]
    assert out[-1]["id"] == good[1]["id"] and "error" not in out[-1]
    for o, id_ in zip(out[1:7], [None, "missing", "nopath", "txt", "gz", None]):
        assert set(o) == {"id", "error"} and o["id"] == id_ and o["error"]


def test_single_file_with_url(corpus_dir: Path) -> None:
    rec = next(r for r in json.loads((corpus_dir / "article-pages" / "index.json").read_text("utf-8"))
               if r["id"].endswith("RollingStone_2024_04_25.html.gz"))
    proc = run_here("extract", str(corpus_dir / "article-pages" / rec["html"]), "--url", rec["url"])
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == KEYS and out["id"] is None and out["url"] == rec["url"]
    assert out["authors"] == ["Emily Zemler"] and out["status"] == "ok"
    assert out["published"].startswith("2024-04-25T")


def test_single_file_errors_are_one_line(tmp_path: Path) -> None:
    proc = run_here("extract", str(tmp_path / "missing.html"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>")
    proc = run_here("extract", str(page), "--parser", "nosuch")
    assert proc.returncode == 2 and "unknown page parser" in proc.stderr and proc.stderr.count("\n") == 1
    proc = run_here("extract", str(page), "--timezone", "Mars/Base")
    assert proc.returncode == 2 and "unknown timezone" in proc.stderr
    proc = run_here("extract", "--url", "https://x.example/", input="")
    assert proc.returncode == 2 and "--url needs FILE" in proc.stderr


def test_help_documents_every_option() -> None:
    proc = run_here("extract", "--help")
    assert proc.returncode == 0
    for opt in ("--url", "--parser", "--timezone"):
        assert opt in proc.stdout
    assert "not_article" in proc.stdout


def test_page_settings_follow_the_outlet_that_serves_the_url(tmp_path: Path) -> None:
    """A Metro page gets the registry's metro-tv settings (headline from JSON-LD) by its URL alone;
    batch lines resolve per URL; another registry (--sources) without Metro gives the generic title."""
    fixture = Path(__file__).parent / "fixtures" / "pages" / "headline-metro.html"
    expected = json.loads(fixture.with_name("headline-metro.expected.json").read_text("utf-8"))
    proc = run_here("extract", str(fixture), "--url", expected["url"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == expected["title"]
    lines = [{"id": 1, "url": expected["url"], "path": str(fixture)},
             {"id": 2, "url": "https://elsewhere.example/tv/capaldi", "path": str(fixture)}]
    proc = run_here("extract", input="".join(json.dumps(i) + "\n" for i in lines))
    assert [json.loads(line)["title"] for line in proc.stdout.splitlines()] == [
        expected["title"], expected["generic_title"]]
    other = tmp_path / "sources.toml"
    other.write_text('[[source]]\nname = "x"\nfeeds = ["https://x.example/feed"]\n')
    proc = run_here("extract", str(fixture), "--url", expected["url"], "--sources", str(other))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == expected["generic_title"]
