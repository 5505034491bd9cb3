"""Show linking: the seed article, hard negatives, short titles, eras, fuzzy titles, HTML, odd input."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsagg.shows.catalogue import Show, load_starter_catalogue
from newsagg.normalize.text import html_text, looks_like_html
from newsagg.shows.linker import ShowLinker

SEED_SHOWS = {"Jessica Jones (2015)", "Daredevil (2015)", "The Defenders (2017)", "Luke Cage (2016)",
              "Iron Fist (2017)", "Conviction (2016)", "The Returned (2015)"}


def _when(year: int, month: int = 6) -> datetime:
    return datetime(year, month, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def linker() -> ShowLinker:
    return ShowLinker(load_starter_catalogue(), version="test-starter")


def labels(linker: ShowLinker, title: str, body: str = "", **kw: object) -> set[str]:
    return {linker.shows[l.show_id].label for l in linker.link(title, body, **kw)}  # type: ignore[arg-type]


def test_seed_article(linker: ShowLinker, seed_article: str) -> None:
    title, _, body = seed_article.strip().partition("\n")
    links = linker.link(title, body)
    assert {linker.shows[l.show_id].label for l in links} == SEED_SHOWS   # and not The Avengers (a film)
    primary = [l for l in links if l.primary]
    assert [l.title for l in primary] == ["Jessica Jones"]
    jj = primary[0]
    assert jj.found_in == "title" and 2 in jj.seasons and jj.confidence >= 0.9
    assert all(0.5 <= l.confidence <= 0.99 for l in links)
    iron_fist = next(l for l in links if l.title == "Iron Fist")     # spelt "Iron First" in the article
    assert iron_fist.found_in == "body"


def test_seed_article_with_full_catalogue(seed_article: str, corpus_dir) -> None:  # type: ignore[no-untyped-def]
    from evaluation.shows import full_catalogue

    full = ShowLinker(full_catalogue(corpus_dir / "tv-catalogue" / "epguides-allshows.csv"), version="test-full")
    title, _, body = seed_article.strip().partition("\n")
    links = full.link(title, body)
    assert {full.shows[l.show_id].label for l in links} == SEED_SHOWS
    assert [l.title for l in links if l.primary] == ["Jessica Jones"]


@pytest.mark.parametrize("title,body", [
    ("Girls' Soccer Team Wins State Title", "The girls held on for a 2-1 win."),
    ("Jury Returns Conviction in Ponzi Case", "The conviction came after a three-week trial."),
    ("Singer Opens Up About Losing Her Voice", "The voice rest was the hardest part, she said."),
    ("Studio Executives Have Lost Patience With Reboots", "Audiences have lost interest, insiders say."),
    ("Friends Remember Late Producer", "Friends and colleagues gathered Sunday."),
    ("Media Mogul Expands Publishing Empire", "The deal adds six titles to an empire."),
    ("You Won't Believe What This Studio Paid", "You would think spec sales were over."),
    ("The Flash of Cameras at Cannes", "Photographers say the flash of cameras is deafening."),
])
def test_common_words_are_not_shows(linker: ShowLinker, title: str, body: str) -> None:
    assert labels(linker, title, body, published_at=_when(2016)) == set()


def test_common_word_titles_used_as_titles(linker: ShowLinker) -> None:
    assert labels(linker, "‘Girls’ to End With Season 6 on HBO", "HBO said “Girls” will end.",
                  published_at=_when(2016)) == {"Girls (2012)"}
    assert labels(linker, "‘The Voice’ Adds Two Coaches for Season 10", "NBC's “The Voice” returns.",
                  published_at=_when(2016)) == {"The Voice (2011)"}
    assert labels(linker, "Ratings: The Flash Races Back for The CW",
                  "The Flash returned from its winter break with its best numbers of the season.",
                  published_at=_when(2016)) == {"The Flash (2014)"}


def test_films_people_and_outlets_are_not_shows(linker: ShowLinker) -> None:
    assert labels(linker, "Box Office: ‘Ride Along 2’ Tops Weekend",
                  "“Star Wars: The Force Awakens” passed “The Avengers” on the all-time chart.",
                  published_at=_when(2016)) == set()
    assert labels(linker, "Hannibal Buress Sets Stand-Up Special at Netflix",
                  "Hannibal Buress will release his new hour on Netflix.", published_at=_when(2016)) == set()
    assert labels(linker, "Ray Donovan, Veteran Stuntman, Dies at 82",
                  "Ray Donovan worked on more than 200 films.", published_at=_when(2016)) == set()
    assert labels(linker, "Studio chief speaks", "Deadline reported the deal. Variety said it was final.",
                  published_at=_when(2016)) == set()


def test_very_short_titles(linker: ShowLinker) -> None:
    assert labels(linker, "Lifetime's ‘You’ Renewed for Season 2",
                  "Lifetime has renewed the thriller “You.”", published_at=_when(2018, 9)) == {"You (2018)"}
    assert labels(linker, "‘FBI’ Premiere Ratings: Dick Wolf's CBS Drama Opens Strong",
                  "CBS's “FBI” drew 10.4 million viewers.", published_at=_when(2018, 9)) == {"FBI (2018)"}
    assert labels(linker, "FBI Agents Raid Studio Offices", "FBI agents searched the offices on Tuesday.",
                  published_at=_when(2018, 9)) == set()
    assert labels(linker, "Fox's ‘9-1-1’ Premiere Lands Big Numbers", "The drama “9-1-1” opened strong.",
                  published_at=_when(2018, 1)) == {"9-1-1 (2018)"}
    assert labels(linker, "Actor Calls 911 After Set Accident", "He called 911.",
                  published_at=_when(2018)) == set()


def test_era_and_network_pick_between_same_title_shows() -> None:
    shows = [Show("The Flash", network="CBS", premiered_on="1990-09", ended_on="1991-05", episodes=22, id=1),
             Show("The Flash", network="CW", premiered_on="2014-10", ended_on="2023-05", episodes=184, id=2),
             Show("Conviction", network="NBC", premiered_on="2006-03", ended_on="2006-05", id=3),
             Show("Conviction", network="ABC", premiered_on="2016-10", ended_on="2017-01", id=4)]
    linker = ShowLinker(shows, version="test-era")
    old = linker.link("CBS's ‘The Flash’ Races Into Thursday", "The new series “The Flash” premiered.",
                      published_at=_when(1990, 9))
    assert [l.show_id for l in old] == [1]
    new = linker.link("‘The Flash’ Season 3 Renewed", "The CW's “The Flash” returns.", published_at=_when(2016))
    assert [l.show_id for l in new] == [2]
    abc = linker.link("Hayley Atwell on ‘Conviction’", "Her ABC legal drama “Conviction” premieres Monday.")
    assert [l.show_id for l in abc] == [4]   # no date: the network decides


def test_a_series_named_years_before_its_premiere() -> None:
    shows = [Show("Ripley", network="Netflix", premiered_on="2024-04", episodes=8, id=1),
             Show("Treason", network="Netflix", premiered_on="2022-12", episodes=5, id=2)]
    linker = ShowLinker(shows, version="test-early")
    # Quoted as a series in the making, five years ahead: development news.
    assert [l.show_id for l in linker.link("Showtime Developing 'Ripley' Series With Andrew Scott", "",
                                           published_at=_when(2019, 9))] == [1]
    # Quoted, but not as a series: a word of the news, years before that show existed.
    assert linker.link("Senator Calls for 'Treason' Probe", "", published_at=_when(2018, 9)) == []
    # Too long before: no series is developed that far ahead.
    assert linker.link("Showtime Developing 'Ripley' Series", "", published_at=_when(2012, 1)) == []


def test_trade_verbs_and_tv_kinds_of_film_words() -> None:
    shows = [Show("Supernatural", network="CW", premiered_on="2005-09", ended_on="2020-11", episodes=327, id=1),
             Show("Cowboy Bebop", network="Netflix", premiered_on="2021-11", ended_on="2021-11", episodes=10, id=2)]
    linker = ShowLinker(shows, version="test-verbs")
    assert [l.show_id for l in linker.link("'Supernatural' Books Guest Stars for 12th Season Premiere", "",
                                           published_at=_when(2016, 8))] == [1]
    assert [l.show_id for l in linker.link("'Cowboy Bebop' Live-Action Series Canceled by Netflix", "",
                                           published_at=_when(2021, 12))] == [2]
    # The film words still say film where they do not name a series.
    assert linker.link("'Cowboy Bebop' Live-Action Movie Sequel Tops the Box Office", "",
                       published_at=_when(2021, 12)) == []


def test_unquoted_titles_in_british_headlines() -> None:
    shows = [Show("Vera", network="ITV", premiered_on="2011-05", episodes=50, id=1),
             Show("Brooklyn Nine-Nine", network="NBC", premiered_on="2013-09", ended_on="2021-09",
                  episodes=153, id=2)]
    linker = ShowLinker(shows, version="test-unquoted")
    # The news verb right after the title says it is the show: "Vera to return for a twelfth series".
    assert [l.show_id for l in linker.link("Vera to return for a twelfth series as ITV recommissions drama", "",
                                           published_at=_when(2021, 3))] == [1]
    assert linker.link("Vera Wang to design a new collection", "", published_at=_when(2021, 3)) == []
    # A curated spelling ("Brooklyn Nine Nine") is the title's own automaton entry, not a plain-words alias.
    assert [l.show_id for l in linker.link("Brooklyn Nine-Nine Renewed for Season 4 at Fox", "",
                                           published_at=_when(2016, 5))] == [2]


def test_fuzzy_title_needs_support(linker: ShowLinker) -> None:
    assert labels(linker, "Marvel's ‘Iron First’ Casting: Finn Jones Set",
                  "Netflix cast Finn Jones in “Iron First,” which follows “Luke Cage.”",
                  published_at=_when(2016)) == {"Iron Fist (2017)", "Luke Cage (2016)"}
    assert labels(linker, "‘Iron First’ Is the Motto of the New Steel Plant",
                  "The company says its “Iron First” policy guarantees local ore.", published_at=_when(2016)) == set()


def test_seasons_and_primary(linker: ShowLinker) -> None:
    links = linker.link("‘Fear the Walking Dead’ Season 2 Gets April Premiere Date",
                        "AMC's “Fear the Walking Dead” will return before the midseason finale of its parent "
                        "series “The Walking Dead,” which is in its sixth season.", published_at=_when(2016))
    by = {l.title: l for l in links}
    assert by["Fear the Walking Dead"].primary and by["Fear the Walking Dead"].seasons == [2]
    assert not by["The Walking Dead"].primary and by["The Walking Dead"].seasons == [6]
    assert by["The Walking Dead"].found_in == "body"


def test_html_input(linker: ShowLinker) -> None:
    html = ("<p>Netflix has renewed <em>Jessica Jones</em>.</p><script>var x = 'Girls';</script>"
            "<p>The series follows <i>Daredevil</i>, which returns in March.</p>")
    assert looks_like_html(html)
    text, emphasized = html_text(html)
    assert emphasized == ["Jessica Jones", "Daredevil"] and "var x" not in text
    assert labels(linker, "Netflix renews Marvel drama", text, emphasized=emphasized,
                  published_at=_when(2016)) == {"Jessica Jones (2015)", "Daredevil (2015)"}
    assert html_text("") == ("", [])


def test_non_english_and_empty_text(linker: ShowLinker) -> None:
    assert labels(linker, "„Game of Thrones“: Staffel 6 startet am 25. April",
                  "Die sechste Staffel von „Game of Thrones“ läuft bei Sky.", published_at=_when(2016)) == \
        {"Game of Thrones (2011)"}
    assert labels(linker, "«Stranger Things» renovada para una segunda temporada",
                  "La serie «Stranger Things» tendrá una segunda temporada.", published_at=_when(2016)) == \
        {"Stranger Things (2016)"}
    assert labels(linker, "日本のテレビ局、新しいドラマの放送日を発表", "新しいドラマは来月から放送される予定です。") == set()
    assert linker.link("", "") == []
    assert linker.link("   ", "\n\n", description=" ") == []
    assert linker.link("", "Girls") == []


def test_matcher_is_built_once_per_version() -> None:
    from newsagg.shows.matcher import get_matcher

    shows = load_starter_catalogue()
    a = ShowLinker(shows, version="same-version")
    b = ShowLinker(shows, version="same-version")
    assert a.matcher is b.matcher is get_matcher(shows, "same-version")
