"""Show catalogue: importers (bad rows fixed or skipped with reasons), starter list, de-duplication."""

from __future__ import annotations

import json
from pathlib import Path

from newsagg.shows.catalogue import (Show, import_epguides_csv, import_tvmaze_json, load_catalogue_file,
                                     load_starter_catalogue, name_variants, split_qualifier)
from newsagg.shows.merge import CatalogueIndex, merge_catalogues

HEADER = "title,directory,tvrage,TVmaze,start date,end date,number of episodes,run time,network,country,onhiatus,onhiatusdesc\n"


def _csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "shows.csv"
    path.write_bytes((HEADER + rows).encode("utf-8"))
    return path


def test_epguides_rows_fixed_or_skipped_with_reasons(tmp_path: Path) -> None:
    path = _csv(tmp_path, "\n".join([
        '"Bukow and K&ouml;nig",BukowandKoenig,,16895,Apr 2010,___ ____,"10 eps","90 min","NDR",DE,False,',
        '"Amber",Amber,36218,7208,Jan 2014,Jan 2014,"4 eps","60 min","RT&#201;",IE,False,',
        '"\ufffd La Carte",ALaCarte,,61712,May 2022,___ ____,"6 eps","30 min","Allblk",US,True,',
        '"Caf\ufffd Society",SomethingElse,,99999,May 2022,___ ____,"6 eps","30 min","X",US,False,',
        '"No Dates",NoDates,,12345,___ ____,___ ____,"1 eps","30 min","ABC",US,False,',
        '"Conviction (2006)",Conviction,7061,1316,Mar 2006,May 2006,"13 eps","60 min","NBC",US,False,',
        '"Conviction (2016)",Conviction_2016,38247,5768,Sep 2016,Jan 2017,"13 eps","60 min","ABC",US,False,',
        '"You",You,,26856,Sep 2018,Apr 2025,"50 eps","60 min","Lifetime",US,False,',
        '"You",You,,26856,Sep 2018,Apr 2025,"50 eps","60 min","Netflix",US,False,',
        '"The Office (UK)",Office_UK,6060,1292,Jul  2001,Dec 2003,"14 eps","30 min","BBC Two",UK,False,',
        '"9-1-1",911,,28152,Jan 2018,___ ____,"124+ eps","60 min","ABC",US,False,',
    ]) + "\n")
    shows, issues = import_epguides_csv(path)
    by_title = {(s.title, s.premiere_year): s for s in shows}
    assert ("Bukow and König", 2010) in by_title                       # entity decoded
    assert by_title[("Amber", 2014)].network == "RTÉ"
    assert ("A La Carte", 2022) in by_title                            # U+FFFD restored from the directory
    reasons = {(i.reason, i.skipped) for i in issues}
    assert ("HTML entity decoded", False) in reasons
    assert ("replacement character restored", False) in reasons
    assert ("replacement character in title", True) in reasons         # unrecoverable: skipped, counted
    assert ("missing premiere date", False) in reasons
    no_dates = next(s for s in shows if s.title == "No Dates")
    assert no_dates.premiered_on is None and no_dates.status == "running"
    # Same title, different shows; year qualifiers become premiere years.
    assert by_title[("Conviction", 2006)].network == "NBC"
    assert by_title[("Conviction", 2016)].premiered_on == "2016-09"
    assert by_title[("Conviction", 2016)].external_ids["tvmaze"] == "5768"
    # One show listed once per network: one record, both networks.
    you = [s for s in shows if s.title == "You"]
    assert len(you) == 1 and you[0].networks == ["Lifetime", "Netflix"]
    office = by_title[("The Office", 2001)]
    assert office.country == "UK" and office.ended_on == "2003-12" and office.status == "ended"
    assert ("9-1-1", 2018) in by_title


def test_epguides_real_file_counts(corpus_dir: Path) -> None:
    shows, issues = import_epguides_csv(corpus_dir / "tv-catalogue" / "epguides-allshows.csv")
    assert len(shows) > 12000
    skipped = [i for i in issues if i.skipped]
    assert 0 < len(skipped) < 50 and all(i.reason for i in skipped)
    assert len({s.external_ids.get("tvmaze") for s in shows if s.external_ids.get("tvmaze")}) == \
        sum(1 for s in shows if s.external_ids.get("tvmaze"))


def test_tvmaze_json_with_akas_and_bad_records(tmp_path: Path) -> None:
    records = [
        {"id": 1370, "name": "Jessica Jones", "premiered": "2015-11-20", "ended": "2019-06-14",
         "status": "Ended", "webChannel": {"name": "Netflix", "country": None},
         "externals": {"tvrage": 38797, "imdb": "tt2357547"},
         "_embedded": {"akas": [{"name": "Marvel's Jessica Jones", "country": None},
                                {"name": "AKA Jessica Jones", "country": {"code": "US"}}]}},
        {"score": 0.9, "show": {"id": 5768, "name": "Conviction", "premiered": "2016-10-03",
                                "network": {"name": "ABC", "country": {"code": "US"}}, "akas": []}},
        {"id": 5768, "name": "Conviction"},                       # duplicate id
        {"id": 7, "name": "", "premiered": "2001-01-01"},         # no name
        {"id": 8, "name": "Bad &amp; Date", "premiered": "2015-13-45"},
        "not a record",
    ]
    path = tmp_path / "tvmaze.json"
    path.write_text(json.dumps(records), "utf-8")
    shows, issues = import_tvmaze_json(path)
    jj = next(s for s in shows if s.title == "Jessica Jones")
    assert jj.aliases == ["Marvel's Jessica Jones", "AKA Jessica Jones"]
    assert jj.network == "Netflix" and jj.premiered_on == "2015-11-20" and jj.status == "ended"
    assert jj.external_ids == {"tvmaze": "1370", "tvrage": "38797", "imdb": "tt2357547"}
    conv = next(s for s in shows if s.title == "Conviction")
    assert conv.country == "US" and conv.premiere_year == 2016
    bad = next(s for s in shows if s.title == "Bad & Date")
    assert bad.premiered_on is None
    reasons = [(i.reason, i.skipped) for i in issues]
    assert ("duplicate TVmaze id", True) in reasons and ("no name", True) in reasons
    assert ("bad premiere date dropped", False) in reasons and ("not a show record", True) in reasons
    # JSON lines work too.
    lines = tmp_path / "shows.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records[:2]), "utf-8")
    assert len(load_catalogue_file(lines)[0]) == 2


def test_starter_catalogue_has_the_seed_and_demo_shows() -> None:
    shows = load_starter_catalogue()
    assert len(shows) >= 300
    labels = {s.label for s in shows}
    for label in ("Jessica Jones (2015)", "Daredevil (2015)", "The Defenders (2017)", "Luke Cage (2016)",
                  "Iron Fist (2017)", "Conviction (2016)", "The Returned (2015)", "Game of Thrones (2011)",
                  "The X-Files (1993)", "Fuller House (2016)", "American Crime Story (2016)", "Girls (2012)",
                  "The Voice (2011)", "The Flash (2014)", "Sherlock (2010)", "Doctor Who (2005)",
                  "EastEnders (1985)", "Coronation Street (1960)", "Downton Abbey (2010)",
                  "Better Call Saul (2015)", "Vinyl (2016)", "Westworld (2016)", "Supergirl (2015)", "Arrow (2012)"):
        assert label in labels, label
    got = next(s for s in shows if s.title == "Game of Thrones")
    assert "GoT" in got.aliases and got.network == "HBO" and got.country == "US"
    assert all(s.notable and s.id for s in shows)
    assert len({s.id for s in shows}) == len(shows)


def test_name_variants_and_qualifiers() -> None:
    assert name_variants(["The Walking Dead"]) == ["The Walking Dead", "Walking Dead"]
    assert "Law and Order" in name_variants(["Law & Order"])
    assert "Pokemon" in name_variants(["Pokémon"])
    assert split_qualifier("Conviction (2016)") == ("Conviction", 2016, None)
    assert split_qualifier("The Voice (Australia)") == ("The Voice", None, "AU")
    assert split_qualifier("Love, Death + Robots") == ("Love, Death + Robots", None, None)


def test_dedupe_by_external_id_then_title_and_year() -> None:
    base = [Show("Conviction", premiered_on="2016-10", network="ABC", id=1, notable=True),
            Show("The Office", premiered_on="2005-03", country="US", id=2)]
    incoming = [
        Show("Conviction", premiered_on="2016-09", external_ids={"tvmaze": "5768"}),   # same show, a month off
        Show("Conviction", premiered_on="2006-03", network="NBC"),                     # a different show
        Show("The Office", premiered_on="2001-07", country="UK"),                      # country version
        Show("Conviction", premiered_on="2016-09", external_ids={"tvmaze": "5768"}, aliases=["Conviction ABC"]),
    ]
    merged, added, same = merge_catalogues(base, incoming)
    assert (added, same) == (2, 2)
    conv = [s for s in merged if s.title == "Conviction"]
    assert len(conv) == 2
    abc = next(s for s in conv if s.premiere_year == 2016)
    assert abc.external_ids["tvmaze"] == "5768" and "Conviction ABC" in abc.aliases and abc.notable
    assert len({s.id for s in merged}) == len(merged)
    index = CatalogueIndex(merged)
    assert index.find(Show("conviction", premiered_on="2016")) is abc
    assert index.find(Show("Conviction")) is None  # two candidates, no year: not guessed
