"""`newsagg cluster`: JSON lines in, one decision line out per input line, bad lines reported."""

from __future__ import annotations

import json

from tests.conftest import run_here

BODY = ("The Tanners are moving back into their San Francisco house on Feb. 26. Netflix has set that date for the "
        "premiere of Fuller House, its 13-episode continuation of the ABC family sitcom Full House, and released "
        "a full-length trailer on Monday. John Stamos, Bob Saget and Dave Coulier all turn up in the first "
        "episode, along with Lori Loughlin, and Jeff Franklin serves as showrunner.")


def _lines(*objs: object) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs)


def test_cluster_stdin_to_stdout() -> None:
    stdin = _lines(
        {"id": "v1", "title": "'Fuller House' Sets Feb. 26 Premiere on Netflix", "text": BODY,
         "published": "2016-01-18T17:15:00Z", "source": "variety", "url": "http://v/1"},
        {"id": "t1", "title": "'Fuller House' Gets Feb. 26 Premiere Date at Netflix", "text": BODY + " Via Variety.",
         "published": "Mon, 18 Jan 2016 19:02:00 +0000", "source": "tvline"},
        {"id": "d1", "title": "Fuller House premiere date set for February 26 on Netflix",
         "published": "2016-01-18T20:00:00+00:00"},
        {"id": 7, "title": "Showtime renews Shameless for season 7", "published": "2016-01-18T21:50:00Z"},
        {"id": "n1", "title": "No date on this one"},
    )
    r = run_here("cluster", input=stdin)
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["v1", "t1", "d1", 7, "n1"]
    assert out[1]["duplicate_of"] == "v1" and out[0]["duplicate_of"] is None
    assert out[0]["story"] == out[1]["story"] == out[2]["story"] != out[3]["story"]
    assert out[0]["new_story"] is True and "new_story" not in out[1]
    assert "date_from_fetch" in out[4]["flags"]


def test_bad_lines_give_error_records_and_exit_1() -> None:
    stdin = _lines({"id": "a", "title": "Fine"}, "{not json", {"title": "no id"}, {"id": "b"}, [1, 2],
                   {"id": "c", "title": "Also fine", "text": 5})
    r = run_here("cluster", input=stdin)
    assert r.returncode == 1
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(out) == 6 and "story" in out[0]
    assert [o.get("error") is not None for o in out] == [False, True, True, True, True, True]
    assert out[3]["id"] == "b" and out[1]["line"] == 2


def test_empty_input() -> None:
    r = run_here("cluster", input="")
    assert r.returncode == 0 and r.stdout == ""


def test_db_option_fails_in_one_line_until_the_store_provides_the_window() -> None:
    r = run_here("cluster", "--db", "/nonexistent/x.db", input="")
    if r.returncode == 0:
        return  # the store's loader exists now
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
