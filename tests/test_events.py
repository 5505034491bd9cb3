"""Event extraction core: the seed roundup, modality, several shows, dates, bad input."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import example, given, settings, strategies as st

from newsagg.events import extract_events
from newsagg.events.dates import find_date
from newsagg.records import ShowLink
from evaluation.shows import starter_linker

WHEN = datetime(2019, 1, 20, tzinfo=timezone.utc)


def link(*titles: str) -> list[ShowLink]:
    return [ShowLink(show_id=i + 1, title=t, confidence=0.9, primary=i == 0) for i, t in enumerate(titles)]


def kinds(events) -> set[tuple[str, str]]:
    return {(e.type, e.show_title) for e in events}


def test_seed_roundup(seed_article: str) -> None:
    linker = starter_linker()
    title, _, body = seed_article.strip().partition("\n")
    links = linker.link(title, body)
    events = extract_events(title, "", body, links, published_at=datetime(2016, 4, 20, tzinfo=timezone.utc))
    by_type = {(e.type, e.show_title): e for e in events}
    production = by_type[("production", "Jessica Jones")]
    assert production.status == "reported" and production.season == 2
    assert "Liz Friedman" in by_type[("departure", "Jessica Jones")].people
    assert "Raelle Tucker" in by_type[("hiring", "Jessica Jones")].people
    assert not [e for e in events if "Avengers" in e.show_title]


@pytest.mark.parametrize("title", [
    "Will 'Ozark' Be Renewed for Season 4?",
    "'Ozark' Has Not Been Renewed Yet",
    "Netflix Denies Reports That 'Ozark' Is Canceled",
    "Fans Launch Petition to Get 'Ozark' Renewed",
    "'Ozark' Could Be Canceled After Season 3",
    "'Ozark' Season 3 Recap: Everything Falls Apart",
])
def test_no_official_event_from_questions_negations_hypotheticals(title: str) -> None:
    events = extract_events(title, "", "", link("Ozark"), published_at=WHEN)
    assert not [e for e in events if e.status == "official" and e.type in ("renewed", "cancelled")]


def test_each_event_goes_to_its_show() -> None:
    events = extract_events("NBC Renews 'The Good Place', Cancels 'Timeless'", "", "",
                            link("The Good Place", "Timeless"), published_at=WHEN)
    assert kinds(events) == {("renewed", "The Good Place"), ("cancelled", "Timeless")}


def test_credit_show_is_not_the_casting_show() -> None:
    events = extract_events("'Veep' Star Anna Chlumsky Joins 'Succession'", "", "", link("Veep", "Succession"),
                            published_at=WHEN)
    assert kinds(events) == {("casting", "Succession")}
    assert events[0].people == ["Anna Chlumsky"]


def test_premiere_date_resolved_against_item_date() -> None:
    events = extract_events("'Fuller House' Gets Feb. 26 Premiere Date at Netflix", "", "", link("Fuller House"),
                            published_at=datetime(2016, 1, 5, tzinfo=timezone.utc))
    assert [(e.type, e.date) for e in events if e.type == "premiere_date"] == [("premiere_date", "2016-02-26")]
    assert find_date("returns jan. 10", datetime(2018, 11, 30, tzinfo=timezone.utc)) == "2019-01-10"
    assert find_date("coming in april 2019", None) == "2019-04"
    assert find_date("she may return", WHEN) is None


def test_restated_past_fact_is_not_new() -> None:
    events = extract_events("'Ozark' Was Already Renewed for Season 4 Last Year, Netflix Recalls", "", "",
                            link("Ozark"), published_at=WHEN)
    renewed = [e for e in events if e.type == "renewed"]
    assert renewed and not renewed[0].new


def test_film_and_no_shows_give_nothing() -> None:
    assert extract_events("'Avengers' Sequel Ordered", "", "", [], published_at=WHEN) == []
    assert extract_events("Box office: 'Midnight Harbor' wins the weekend", "", "", link("Ozark")) == []


@pytest.mark.parametrize("title,body", [
    ("'OZARK' RENEWED FOR SEASON 4 AT NETFLIX", ""),
    ("<p>'Ozark' <em>renewed</em> for season 4</p>", "<script>alert(1)</script><p>Netflix said so.</p>"),
    ("«Ozark» renovada para una cuarta temporada", "La serie de Netflix vuelve."),
    ("'Ozark' renewed for season 4", "Netflix said so. " * 20000),
])
def test_bad_input_no_exception(title: str, body: str) -> None:
    events = extract_events(title, "", body, link("Ozark"), published_at=WHEN)
    assert all(e.show_title == "Ozark" for e in events)
    if "renov" in title:
        assert events == []


def test_html_body_reads_like_its_text() -> None:
    """HTML goes through the one HTML-to-text: blocks are paragraphs, scripts are never read."""
    plain = extract_events("Netflix Renews 'Ozark'", "", "Netflix renewed Ozark for season 4.\n\nIt returns in 2021.",
                           link("Ozark"), published_at=WHEN)
    marked = extract_events("Netflix Renews 'Ozark'", "",
                            "<p>Netflix <em>renewed</em> Ozark for season&nbsp;4.</p>"
                            "<script>var s = 'Netflix cancelled Ozark';</script><p>It returns in 2021.</p>",
                            link("Ozark"), published_at=WHEN)
    assert [(e.type, e.season, e.status) for e in marked] == [(e.type, e.season, e.status) for e in plain]
    assert "renewed" in {e.type for e in marked} and "cancelled" not in {e.type for e in marked}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_arbitrary_text_never_raises_and_only_linked_shows(title: str, body: str) -> None:
    events = extract_events(title, "", body, link("Ozark", "Lost"), published_at=WHEN)
    assert {e.show_title for e in events} <= {"Ozark", "Lost"}
    assert all(0 <= e.confidence <= 1 for e in events)


_NAMES = ("mrs. maisel", "jessica jones", "lost", "the o.c.", "it")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="Mrs.Maisel JjessicaJones\n\t!?'\"OC.lostIt\u00e9\u0130", max_size=300),
       lead=st.integers(0, 4), names=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3, unique=True))
@example(text="Intro.\n\nA recap.\n\nMrs.Maisel is back.", lead=1, names=["mrs. maisel"])  # the cut adds a space
@example(text="Intro.\n\nNew for Mr.\nLost fans.", lead=1, names=["mr. lost"])  # a line break made a space
def test_body_split_past_the_lead_keeps_every_sentence_that_names_a_show(text, lead, names) -> None:
    """Paragraphs past the lead are split only when they may hold a name: what is left out is
    whole paragraphs whose sentences hold none of the names, nothing else changes."""
    from newsagg.events.extract import _lower
    from newsagg.events.text import holds_any, split_sentences

    full = split_sentences(text)
    lazy = split_sentences(text, lead, holds_any(tuple(names)))
    assert lazy[:lead] == full[:lead]
    kept = iter(full)
    assert all(s in kept for s in lazy)  # in order: a part of the full split
    left_out = [s for s in full if s not in lazy]
    assert not any(n in _lower(s) for s, _ in left_out for n in names)
    assert {p for _, p in left_out}.isdisjoint({p for _, p in lazy})  # whole paragraphs only


# Cues that hold only next to a show's name: its verb ("'X' won't return") or its object ("drops 'X'").
@pytest.mark.parametrize("title, shows, want", [
    ("'Warrior Nun' Won't Return at Netflix", ("Warrior Nun",), {("cancelled", "Warrior Nun")}),
    ("ABC Drops 'Designated Survivor' and 'Quantico'", ("Designated Survivor", "Quantico"),
     {("cancelled", "Designated Survivor"), ("cancelled", "Quantico")}),
    ("Netflix Drops 'Stranger Things' Season 4 Trailer", ("Stranger Things",), {("trailer", "Stranger Things")}),
    ("Peacock Orders 'Bel-Air' for Two Seasons", ("Bel-Air",), {("ordered", "Bel-Air")}),
    ("'Ted Lasso' Adds Sam Richardson for Recurring Arc", ("Ted Lasso",), {("casting", "Ted Lasso")}),
    ("Writers Strike Shuts Down 'Stranger Things' Season 5", ("Stranger Things",), {("production", "Stranger Things")}),
])
def test_cues_next_to_the_show(title: str, shows: tuple[str, ...], want: set[tuple[str, str]]) -> None:
    assert kinds(extract_events(title, "", "", link(*shows), published_at=WHEN)) == want


@pytest.mark.parametrize("title, shows", [
    ("Jane Doe Won't Return to 'Warrior Nun', She Says", ("Warrior Nun",)),  # a person's verb
    ("Critics Drop Their Guard for 'Quantico'", ("Quantico",)),              # not next to the show
    ("Will 'Warrior Nun' Return?", ("Warrior Nun",)),
])
def test_cues_next_to_the_show_need_the_show_as_their_subject_or_object(title: str, shows: tuple[str, ...]) -> None:
    assert not [e for e in extract_events(title, "", "", link(*shows), published_at=WHEN) if e.type == "cancelled"]


def test_a_spinoff_is_not_its_parent_show() -> None:
    events = extract_events("Paramount+ Greenlights 'Yellowstone' Prequel '1883'", "", "",
                            link("Yellowstone", "1883"), published_at=WHEN)
    assert kinds(events) == {("ordered", "1883")}
    # With only the parent linked, nothing: the ordered series is another one.
    assert not extract_events("Paramount+ Greenlights 'Yellowstone' Prequel '1883'", "", "",
                              link("Yellowstone"), published_at=WHEN)


def test_a_credit_next_to_another_quoted_work_gives_no_event() -> None:
    events = extract_events("'Stranger Things' Star's 'Enola Holmes 2' Gets First Trailer", "", "",
                            link("Stranger Things"), published_at=WHEN)
    assert not events


def test_the_headline_gives_the_season_the_description_leaves_out() -> None:
    events = extract_events("'Outlander' Season 7: What We Know", "Starz has renewed the drama, it said on Friday.",
                            "", link("Outlander"), published_at=WHEN)
    assert [(e.type, e.season) for e in events] == [("renewed", 7)]
    # Two seasons in the headline: none is taken.
    events = extract_events("'Outlander' Season 7 and Season 8: What We Know", "Starz has renewed the drama.",
                            "", link("Outlander"), published_at=WHEN)
    assert [(e.type, e.season) for e in events] == [("renewed", None)]


@pytest.mark.parametrize("text, want", [
    ("call the midwife returns on christmas day", "2019-12-25"),
    ("won't return until 2022", "2022"),
    ("pushes the season into next year", "2020"),
    ("during the new year's eve marathon", None),  # a holiday named, no date announced for it
    ("the drama will air from friday 17 may", "2019-05-17"),  # day before month, the British way
    ("abc sets fall return for the sitcom", "2019-09"),
])
def test_holidays_and_years(text: str, want: str | None) -> None:
    assert find_date(text, WHEN) == want


def test_the_drama_stands_for_the_only_show_next_to_a_cue_that_needs_one() -> None:
    events = extract_events("ABC Confirms the Decision", "The country music soap won't be back for a fifth season.",
                            "", link("Nashville"), published_at=WHEN)
    assert kinds(events) == {("cancelled", "Nashville")}
    # With two shows linked, "the soap" may be either: nothing is guessed.
    events = extract_events("ABC Confirms the Decision", "The country music soap won't be back for a fifth season.",
                            "", link("Nashville", "Scandal"), published_at=WHEN)
    assert not [e for e in events if e.type == "cancelled"]


@pytest.mark.parametrize("title, shows, absent", [
    ("Friedman exited to concentrate on 'Conviction', the ABC legal drama", ("Jessica Jones", "Conviction"),
     ("departure", "Conviction")),                                   # where she goes, not what she left
    ("'Love' Renewed: The Second Season Will Run 12 Episodes", ("Love",), ("hiring", "Love")),
    ("Raelle Tucker Joins 'Jessica Jones' as Writer and Executive Producer", ("Jessica Jones",),
     ("casting", "Jessica Jones")),                                  # a hiring, not a casting
    ("The Series Was Developed by Bridget Carpenter for Hulu", ("11.22.63",), ("development", "11.22.63")),
])
def test_credits_and_destinations_are_not_events(title: str, shows: tuple[str, ...], absent: tuple[str, str]) -> None:
    assert absent not in kinds(extract_events(title, "", "", link(*shows), published_at=WHEN))


def test_a_role_given_on_a_show_is_not_a_credit() -> None:
    for title in ("Ryan Seacrest Returns as 'American Idol' Host for ABC Revival",
                  "Alison Hammond Named New 'American Idol' Co-Host"):
        assert ("hiring", "American Idol") in kinds(extract_events(title, "", "", link("American Idol"),
                                                                   published_at=WHEN))
    # The same words as a credit ("'American Idol' host X joins ..."): no hiring on that show.
    assert not extract_events("'American Idol' Host Ryan Seacrest Joins 'Live'", "", "", link("American Idol"),
                              published_at=WHEN)


def test_a_cancellation_told_in_a_relative_clause_is_background() -> None:
    events = extract_events("'Lucifer' Resurrected: Netflix Picks Up the Drama for Season 4",
                            "The procedural, which Fox axed last month, will stream on Netflix.", "",
                            link("Lucifer"), published_at=WHEN)
    assert ("cancelled", "Lucifer") not in kinds(events) and ("renewed", "Lucifer") in kinds(events)


def test_a_past_credit_is_not_the_news_show() -> None:
    # "The 'Castle' alum ... received a pilot order": the pilot is another show's.
    events = extract_events("Nathan Fillion To Star In ABC Drama Pilot 'The Rookie'",
                            "The 'Castle' alum reteams with the network on a project that received a pilot order.",
                            "", link("The Rookie", "Castle"), published_at=WHEN)
    assert ("development", "Castle") not in kinds(events) and ("development", "The Rookie") in kinds(events)


def test_a_rescue_by_another_network_is_also_a_move() -> None:
    events = extract_events("NBC Saves 'Brooklyn Nine-Nine' For Season 6", "", "", link("Brooklyn Nine-Nine"),
                            published_at=WHEN)
    assert {("renewed", "Brooklyn Nine-Nine"), ("distribution", "Brooklyn Nine-Nine")} <= kinds(events)
