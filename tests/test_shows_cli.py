"""`newsagg shows ...` and `newsagg show` in subprocesses against a temp SQLite database; the
store on PostgreSQL too (migration 0004 on both)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.db import current_revision, head_revision, open_database
from models.schema import ArticleRow, ArticleShowRow, ArticleShowScanRow, ShowRow, StoryRow
from models.store import ArticleStore
from newsagg.records import Article
from tests.conftest import run_here

T0 = datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc)
HEADER = "title,directory,tvrage,TVmaze,start date,end date,number of episodes,run time,network,country,onhiatus,onhiatusdesc\n"

ARTICLES = [
    ("variety", "‘Jessica Jones’ Renewed for Season 2 at Netflix",
     "Netflix has renewed “Jessica Jones” for a second season. “Daredevil” returns in March.", 0),
    ("deadline", "Netflix Picks Up ‘Marvel’s Jessica Jones’ For Second Season",
     "Netflix has renewed “Marvel's Jessica Jones,” with Krysten Ritter returning.", 1),
    ("deadline", "‘Girls’ to End With Season 6 on HBO", "HBO said “Girls” will end after season six.", 2),
    ("variety", "Box Office: ‘Ride Along 2’ Tops Weekend", "The film passed “The Avengers.”", 3),
]


def _article(n: int, source: str, title: str, body: str, hours: int) -> Article:
    return Article(source=source, canonical_url=f"https://{source}.com/a{n}/", url=f"https://{source}.com/a{n}/",
                   title=title, body=body, published_at=T0 + timedelta(hours=hours), guid=f"{source}-{n}")


def _seed_db(url: str) -> list[int]:
    engine = open_database(url)
    ids = ArticleStore(engine).store([_article(n, *a) for n, a in enumerate(ARTICLES)]).ids
    with Session(engine) as s:  # the two Jessica Jones renewals are one story
        story = StoryRow(key="jj-renewal", headline="Netflix renews Jessica Jones", first_published_at=T0,
                         last_published_at=T0, created_at=T0, updated_at=T0, article_count=2, source_count=2)
        s.add(story)
        s.flush()
        for aid in ids[:2]:
            s.get(ArticleRow, aid).story_id = story.id  # type: ignore[union-attr]
        s.commit()
    engine.dispose()
    return ids


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "shows.db")


def test_show_timeline_after_linking(db: str) -> None:
    ids = _seed_db(db)
    r = run_here("show", "Jessica Jones", "--db", db, "--format", "json", "--link-new")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["show"]["title"] == "Jessica Jones"
    stories = out["stories"]
    assert len(stories) == 1 and stories[0]["story_id"] is not None
    assert stories[0]["outlets"] == ["deadline", "variety"] and stories[0]["seasons"] == [2]
    assert [a["title"][:12] for a in stories[0]["articles"]] == ["‘Jessica Jon", "Netflix Pick"]
    table = run_here("show", "jessica jones", "--db", db)
    assert table.returncode == 0 and "Netflix renews Jessica Jones" in table.stdout
    csv = run_here("show", "Girls", "--db", db, "--format", "csv", "--since", "2016-01-01")
    assert csv.returncode == 0 and csv.stdout.splitlines()[0].startswith("story_id,story,published_at")
    assert len(csv.stdout.splitlines()) == 2
    recent = run_here("show", "Girls", "--db", db, "--format", "json", "--since", "30d")
    assert json.loads(recent.stdout)["stories"] == []  # 2016 is long ago
    engine = open_database(db)
    with Session(engine) as s:
        assert s.scalar(select(ArticleShowScanRow).limit(1)) is not None
        film = s.scalars(select(ArticleShowRow).where(ArticleShowRow.article_id == ids[3])).all()
        assert film == []  # the film story links to nothing


def test_unknown_show_is_one_line_with_close_matches(db: str) -> None:
    missing = run_here("show", "Jessica Jones", "--db", db)  # a read command creates nothing
    assert missing.returncode == 2 and "no database at" in missing.stderr and not Path(db).exists()
    _seed_db(db)
    assert run_here("shows", "list", "--db", db, "--limit", "1").returncode == 0  # seeds the starter catalogue
    r = run_here("show", "Jessica Jonez", "--db", db)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "did you mean 'Jessica Jones'" in r.stderr
    bad = run_here("show", "Girls", "--db", db, "--since", "last week")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_import_add_alias_list_relink(db: str, tmp_path: Path) -> None:
    csv = tmp_path / "epguides.csv"
    csv.write_text(HEADER + "\n".join([
        '"Conviction (2006)",Conviction,7061,1316,Mar 2006,May 2006,"13 eps","60 min","NBC",US,False,',
        '"Conviction (2016)",Conviction_2016,38247,5768,Sep 2016,Jan 2017,"13 eps","60 min","ABC",US,False,',
        '"Caf\ufffd Society",Unrelated,,99999,May 2022,___ ____,"6 eps","30 min","X",US,False,',
        '"Dr. Thorne",DrThorne,,3333,Mar 2016,Mar 2016,"4 eps","60 min","ITV",UK,False,',
    ]) + "\n", "utf-8")
    r = run_here("shows", "import", str(csv), "--db", db)
    assert r.returncode == 0, r.stderr
    assert "2 added, 1 updated" in r.stdout and "1 rows skipped" in r.stdout
    assert "skipped: replacement character in title: 1" in r.stdout
    again = run_here("shows", "import", str(csv), "--db", db)
    assert "0 added" in again.stdout                                   # idempotent
    listed = json.loads(run_here("shows", "list", "--search", "conviction", "--format", "json", "--db", db).stdout)
    assert sorted((s["title"], s["year"]) for s in listed) == [("Conviction", 2006), ("Conviction", 2016)]
    assert next(s for s in listed if s["year"] == 2016)["external_ids"]["tvmaze"] == "5768"

    added = run_here("shows", "add", "Crashing", "--network", "HBO", "--country", "US", "--premiered", "2017-02",
                    "--alias", "Crashing HBO", "--db", db)
    assert added.returncode == 0 and "added #" in added.stdout
    bad_date = run_here("shows", "add", "X", "--premiered", "Feb 2017", "--db", db)
    assert bad_date.returncode == 2 and "--premiered" in bad_date.stderr
    alias = run_here("shows", "alias", "Dr. Thorne", "Doctor Thorne", "--db", db)
    assert alias.returncode == 0 and "Doctor Thorne" in alias.stdout

    girls = _seed_db(db)[2]
    engine = open_database(db)
    with Session(engine) as s:
        s.execute(text("UPDATE articles SET body = body || ' ITV''s Doctor Thorne drew 5 million viewers.' "
                       "WHERE id = :id"), {"id": girls})
        s.commit()
    relinked = run_here("shows", "relink", "--db", db)
    assert relinked.returncode == 0 and "linked 4 articles" in relinked.stdout
    with Session(engine) as s:
        titles = set(s.scalars(select(ShowRow.title).join(ArticleShowRow, ArticleShowRow.show_id == ShowRow.id)
                               .where(ArticleShowRow.article_id == girls)))
    assert titles == {"Girls", "Dr. Thorne"}
    stale = run_here("shows", "relink", "--stale-only", "--db", db)
    assert "linked 0 articles" in stale.stdout


def test_link_jsonl_on_stdin(db: str) -> None:
    lines = [
        {"id": "a", "text": "‘Girls’ to End With Season 6\nHBO said “Girls” will end after season six."},
        {"id": "b", "title": "HBO renews comedy", "body": "<p>HBO has renewed <em>Veep</em> for season 6.</p>",
         "published": "2016-05-01"},
        {"id": "c", "text": ""},
        {"id": "d", "title": "Das Finale", "body": "Die Serie „Sherlock“ endet mit der vierten Staffel."},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    r = run_here("shows", "link", "--db", db, input=stdin)
    assert r.returncode == 1, r.stderr                  # one bad line, the others still answered
    out = [json.loads(x) for x in r.stdout.splitlines()]
    girls = out[0]["shows"][0]
    assert out[0] == {"id": "a", "shows": [{"title": "Girls", "id": girls["id"], "confidence": girls["confidence"],
                                           "primary": True, "seasons": [6], "year": 2012, "network": "HBO",
                                           "tvmaze": "139", "external_ids": {"tvmaze": "139"}}]}
    assert [s["title"] for s in out[1]["shows"]] == ["Veep"] and out[1]["shows"][0]["seasons"] == [6]
    assert out[2] == {"id": "c", "shows": []}
    assert [s["title"] for s in out[3]["shows"]] == ["Sherlock"] and out[3]["shows"][0]["seasons"] == [4]
    assert out[4]["line"] == 5 and "error" in out[4]


def test_store_on_postgresql(postgres_url: str) -> None:
    from newsagg.shows.store import catalogue_version, ensure_catalogue, link_pending, resolve_show, upsert_shows
    from newsagg.shows.catalogue import Show
    from newsagg.shows.timeline import show_timeline

    engine = open_database(postgres_url)
    assert current_revision(engine) == head_revision()
    ids = ArticleStore(engine).store([_article(n, *a) for n, a in enumerate(ARTICLES)]).ids
    with Session(engine) as s:
        assert ensure_catalogue(s) >= 300
        v1 = catalogue_version(s)
        result = upsert_shows(s, [Show("Conviction", network="NBC", premiered_on="2006-03"),
                                  Show("Conviction", network="ABC", premiered_on="2016-09",
                                       external_ids={"tvmaze": "5768", "imdb": "tt5232852"})])
        assert (result.added, result.updated) == (1, 1)
        assert catalogue_version(s) != v1
        linked = link_pending(s)
        assert linked.articles == len(ids)
        assert link_pending(s).articles == 0
        jj = resolve_show(s, "Jessica Jones (2015)")
        entries = show_timeline(s, jj.id)
        assert len(entries) == 2 and entries[0].articles[0].seasons == [2]
    with engine.begin() as conn:  # downgrade and upgrade again on PostgreSQL
        from alembic import command

        from models.db import _alembic_config

        command.downgrade(_alembic_config(conn), "0003")
        command.upgrade(_alembic_config(conn), "head")
    engine.dispose()


def test_migration_down_and_up_on_sqlite(db: str) -> None:
    from alembic import command

    from models.db import _alembic_config

    engine = open_database(db)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0003")
    assert current_revision(engine) == "0003"
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        cols = {r[1] for r in conn.execute(text("PRAGMA table_info(shows)"))}
        assert {"episodes", "notable", "updated_at"} <= cols
        conn.execute(text("SELECT * FROM v_articles LIMIT 1"))  # the views of 0003 still work


def test_outputs_name_shows_unambiguously(db: str) -> None:
    """articles --format json, export and the JSON digest give TVmaze id, premiere year and network."""
    _seed_db(db)
    assert run_here("shows", "relink", "--db", db).returncode == 0
    want = {"title": "Jessica Jones", "year": 2015, "network": "Netflix", "tvmaze": "1370"}

    def jj(refs: list[dict]) -> dict:
        ref = next(r for r in refs if r["title"] == "Jessica Jones")
        return {k: ref[k] for k in want}

    listed = run_here("articles", "--show", "Jessica Jones", "--format", "json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert all(jj(row["show_refs"]) == want for row in json.loads(listed.stdout))
    exported = run_here("export", "--db", db, "--since", "2016-01-17", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(x) for x in exported.stdout.splitlines()]
    assert jj(rows[0]["show_refs"]) == want and rows[0]["shows"] == [r["title"] for r in rows[0]["show_refs"]]
    digest = run_here("digest", "--db", db, "--date", "2016-01-17", "--format", "json")
    assert digest.returncode == 0, digest.stderr
    shows = [sec["show"] for sec in json.loads(digest.stdout)["sections"]]
    assert jj(shows) == want and next(s for s in shows if s["title"] == "Jessica Jones")["id"] >= 1


def test_linker_change_makes_stored_links_stale(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a linker or alias-data change, `relink --stale-only` (link_pending) re-links everything."""
    import newsagg.shows.linker as linker_module
    from newsagg.shows.store import link_pending

    ids = _seed_db(db)
    engine = open_database(db)
    with Session(engine) as s:
        assert link_pending(s).articles == len(ids)
        assert link_pending(s).articles == 0
        monkeypatch.setattr(linker_module, "LINKER_REVISION", linker_module.LINKER_REVISION + 1)
        assert link_pending(s).articles == len(ids)
        assert link_pending(s).articles == 0
    engine.dispose()
