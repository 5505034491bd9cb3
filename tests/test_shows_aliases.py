"""The curated alias file (newsagg/shows/aliases.csv): every alias names a catalogue show, era titles
follow the item's date, hosts count only quoted, film titles need a television cue; and odd input
(empty, all caps, other languages, HTML, a bare title, duplicate aliases) gives a result, not an error."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsagg.shows.aliases import add_curated_aliases, packaged_aliases, parse_alias_csv, targets
from newsagg.shows.catalogue import Show, load_starter_catalogue
from evaluation.shows import full_catalogue
from newsagg.shows.linker import ShowLinker
from newsagg.shows.merge import title_key


@pytest.fixture(scope="module")
def full(corpus_dir: Path) -> ShowLinker:
    return ShowLinker(full_catalogue(corpus_dir / "tv-catalogue" / "epguides-allshows.csv"), version="aliases-full")


def _tvmaze(linker: ShowLinker, title: str, description: str = "", year: int = 2018) -> list[str]:
    when = datetime(year, 6, 1, tzinfo=timezone.utc)
    return [linker.shows[x.show_id].external_ids.get("tvmaze", "") for x in
            linker.link(title, "", description=description, published_at=when)]


def test_every_curated_alias_points_at_a_catalogue_show(corpus_dir: Path) -> None:
    shows = full_catalogue(corpus_dir / "tv-catalogue" / "epguides-allshows.csv")
    entries = [e for e in packaged_aliases() if e.kind != "film"]
    assert len(entries) >= 100
    resolved = targets(shows, entries)
    assert len(resolved) == len(entries), sorted({e.alias for e in entries} - {e.alias for e, _ in resolved})
    for entry, show in resolved:
        # The show meant: its title, or the imported title a starter entry was merged with.
        assert title_key(entry.title) in {title_key(n) for n in [show.title, *show.aliases]}, (entry, show.title)
        if entry.start is not None and entry.until is not None:
            assert entry.start < entry.until, entry


def test_alias_file_parser_skips_bad_rows() -> None:
    text = "# comment\nalias,tvmaze,title,kind,from,until\nSNL,361,Saturday Night Live,short,,\n" \
           ",1,X,short,,\nFoo,2,Foo,nonsense,,\nEra,3,E,era,2014-02,2016\n"
    entries = parse_alias_csv(text)
    assert [e.alias for e in entries] == ["SNL", "Era"]
    assert entries[1].start == pytest.approx(2014 + 1 / 12) and entries[1].until == 2016.0


@pytest.mark.parametrize("alias,year,tvmaze", [
    ("The Tonight Show", 2005, "792"), ("The Tonight Show", 2018, "718"), ("The Tonight Show", 1985, "15884"),
    ("The Daily Show", 2012, "249"), ("The Daily Show", 2018, "3928"),
    ("Late Late Show", 2010, "388"), ("Late Late Show", 2018, "2831"),
    ("Late Night", 2011, "5753"), ("Late Night", 2019, "363"),
])
def test_era_titles_follow_the_items_date(full: ShowLinker, alias: str, year: int, tvmaze: str) -> None:
    assert _tvmaze(full, f"Singer Spills Album News On '{alias}'", year=year) == [tvmaze]


def test_short_forms_and_segments(full: ShowLinker) -> None:
    assert _tvmaze(full, "Tina Fey Returns To 'SNL' For A Sketch") == ["361"]
    assert _tvmaze(full, "Michael Che Shuts Down Critics", '"Weekend Update" anchor had the last word.') == ["361"]
    assert _tvmaze(full, "James Corden And Adam Levine Pulled Over During 'Carpool Karaoke'") == ["2831"]
    assert _tvmaze(full, "'SNL's' Elf On The Shelf Wants A New Kid") == ["361"]   # a quoted possessive


def test_host_names_count_only_quoted(full: ShowLinker) -> None:
    assert _tvmaze(full, "Jimmy Kimmel Mocks The President's Tweets") == []
    assert _tvmaze(full, "Miley Cyrus Explains Her Tweet On 'Jimmy Kimmel'") == ["1388"]


def test_ordinary_words_short_form_needs_quotes_or_capitals(full: ShowLinker) -> None:
    assert _tvmaze(full, "Late Night Hosts Find The Funny In The Latest Twist") == []
    assert _tvmaze(full, "Seth Meyers Mocks Trump", 'The "Late Night" host had jokes.', year=2019) == ["363"]


def test_film_titles_need_a_television_cue(full: ShowLinker) -> None:
    assert _tvmaze(full, "Kirsten Dunst Welcomes Baby Boy", 'The "Spider-Man" star is a mother.') == []
    assert _tvmaze(full, "Disney Drops Trailer For Live-Action 'Aladdin' Remake") == []
    assert _tvmaze(full, "Christian Bale Gains Weight For 'Vice'") == []
    assert _tvmaze(full, "HBO's 'Vice' Renewed For Two More Seasons", year=2016) != []   # the network says TV


def test_starter_catalogue_uses_curated_aliases() -> None:
    starter = ShowLinker(load_starter_catalogue(), version="aliases-starter")
    links = starter.link("Alec Baldwin Returns To 'SNL' For A Cold Open", "",
                         published_at=datetime(2019, 10, 27, tzinfo=timezone.utc))
    assert [x.title for x in links] == ["Saturday Night Live"]


def test_import_adds_curated_aliases_except_hosts() -> None:
    shows = [Show("Saturday Night Live", external_ids={"tvmaze": "361"}, id=1),
             Show("Jimmy Kimmel Live!", external_ids={"tvmaze": "1388"}, id=2)]
    assert add_curated_aliases(shows) >= 2
    assert "SNL" in shows[0].aliases and "Weekend Update" in shows[0].aliases
    assert "Jimmy Kimmel" not in shows[1].aliases and "Mean Tweets" in shows[1].aliases
    assert add_curated_aliases(shows) == 0   # idempotent


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("title,description", [
    ("", ""), ("   ", "\n\n"),
    ("JESSICA JONES RENEWED FOR SEASON 2 AT NETFLIX", ""),
    ("Die Serie „Sherlock“ endet mit der vierten Staffel", "Eine Serie der BBC."),
    ("「ゲーム・オブ・スローンズ」最終章", "ドラマの最終シーズン"),
    ("Friends", ""),
    ("Review", "<p>HBO renews <em>Veep</em> &amp; more <script>alert(1)</script></p>"),
])
def test_bad_input_gives_a_result(full: ShowLinker, title: str, description: str) -> None:
    links = full.link(title, "", description=description, published_at=datetime(2016, 1, 1, tzinfo=timezone.utc))
    assert all(0.5 <= x.confidence <= 0.99 and x.show_id in full.shows for x in links)
    if title == "Friends":   # a title that is only a show name: the show, once
        assert [full.shows[x.show_id].label for x in links] == ["Friends (1994)"]
    if title.startswith("JESSICA"):
        assert [x.title for x in links] == ["Jessica Jones"]


def test_catalogue_with_duplicate_aliases_builds() -> None:
    shows = [Show("Girls", aliases=["Girls", "GIRLS", "Girls"], id=1, premiered_on="2012-04"),
             Show("Girls", aliases=["Girls"], id=2, premiered_on="1990"),
             Show("The Office", aliases=["Office", "Office", "The Office"], id=3, premiered_on="2005-03"),
             Show("SNL", aliases=["Saturday Night Live"], id=4, premiered_on="1975-10"),
             Show("Saturday Night Live", aliases=["SNL"], id=5, premiered_on="1975-10")]
    linker = ShowLinker(shows, version="dup-aliases")
    links = linker.link("HBO's 'Girls' Ends With Season 6", "", published_at=datetime(2016, 1, 1, tzinfo=timezone.utc))
    assert [x.show_id for x in links] == [1] and links[0].seasons == [6]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=200))
def test_any_text_links_without_error(title: str, description: str) -> None:
    linker = ShowLinker(load_starter_catalogue(), version="aliases-starter")
    for x in linker.link(title, "", description=description):
        assert x.show_id in linker.shows and 0.5 <= x.confidence <= 0.99
        assert x.found_in in ("title", "description", "body") and x.seasons == sorted(set(x.seasons))
