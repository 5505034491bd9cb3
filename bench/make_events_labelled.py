"""Writes tests/data/events_labelled.jsonl: the project's own labelled set for event extraction.

Headlines and lead paragraphs in the manner of the trade press, composed by this project from
its own sentence patterns (no third-party text), with many hard negatives: reviews, recaps,
rumours, questions, denials, negations, restated past news, films. Deterministic (seeded).

    PYTHONPATH=. .venv/bin/python bench/make_events_labelled.py
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared/corpus/tv-catalogue/epguides-allshows.csv"
OUT = ROOT / "tests/data/events_labelled.jsonl"

SHOWS = [("Grey's Anatomy", "ABC"), ("The Good Place", "NBC"), ("Stranger Things", "Netflix"), ("Ozark", "Netflix"),
         ("Succession", "HBO"), ("Westworld", "HBO"), ("This Is Us", "NBC"), ("Riverdale", "The CW"),
         ("Better Call Saul", "AMC"), ("Brooklyn Nine-Nine", "NBC"), ("Veep", "HBO"), ("Billions", "Showtime"),
         ("Outlander", "Starz"), ("Yellowstone", "Paramount Network"), ("Euphoria", "HBO"), ("Insecure", "HBO"),
         ("Mindhunter", "Netflix"), ("Homeland", "Showtime"), ("Mr. Robot", "USA Network"),
         ("Schitt's Creek", "Pop"), ("Lucifer", "Netflix"), ("The Walking Dead", "AMC"), ("Bosch", "Amazon"),
         ("Dead to Me", "Netflix"), ("Russian Doll", "Netflix"), ("Killing Eve", "BBC America"),
         ("Big Little Lies", "HBO"), ("The Handmaid's Tale", "Hulu"), ("Jessica Jones", "Netflix"),
         ("Empire", "Fox"), ("Shameless", "Showtime"), ("Supergirl", "The CW"), ("Blue Bloods", "CBS"),
         ("The Blacklist", "NBC"), ("Chicago Fire", "NBC"), ("Bob's Burgers", "Fox"), ("Arrow", "The CW"),
         ("Glow", "Netflix"), ("Fleabag", "Amazon"), ("Narcos", "Netflix")]
PEOPLE = ["Maya Ellison", "Daniel Okafor", "Priya Raman", "Tom Castellano", "Hannah Brooks", "Luis Ortega",
          "Grace Whitfield", "Owen Mercer", "Nadia Petrova", "Marcus Lee", "Chloe Ashford", "Ben Hartley",
          "Sofia Alvarez", "Ethan Cole", "Rachel Kim", "Jamal Winters"]
MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November"]
ORD = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}
FILMS = ["Midnight Harbor", "The Glass Orchard", "Iron Meridian", "Paper Kingdoms"]


def tvmaze_ids() -> dict[str, str]:
    ids: dict[str, tuple[int, str]] = {}
    with open(CSV, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            title, tid = row.get("title", ""), (row.get("TVmaze") or "").strip()
            eps = int(row.get("number of episodes") or 0) if (row.get("number of episodes") or "").isdigit() else 0
            if tid and (title not in ids or eps > ids[title][0]):
                ids[title] = (eps, tid)
    return {t: v[1] for t, v in ids.items()}


def ev(kind: str, show: str, tid: str, season: int | None = None, status: str = "official") -> dict:
    return {"type": kind, "show": show, "tvmaze": tid, "season": season, "status": status}


def items(rng: random.Random, ids: dict[str, str]) -> list[dict]:
    out: list[dict] = []
    shows = [(s, n, ids[s]) for s, n in SHOWS if s in ids]

    def add(title: str, description: str, events: list[dict], kind: str) -> None:
        year = rng.choice([2018, 2019])
        out.append({"id": f"own{len(out):04d}", "kind": kind, "title": title, "description": description,
                    "body": "", "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "events": events})

    for i, (show, net, tid) in enumerate(shows * 2):
        other, onet, otid = shows[(i * 7 + 3) % len(shows)]
        n = rng.randint(2, 8)
        p1, p2 = rng.sample(PEOPLE, 2)
        month = rng.choice(MONTHS)
        day = rng.randint(1, 28)
        # --- positives
        renew = [(f"'{show}' Renewed for Season {n} at {net}", f"{net} has handed the drama a {ORD[n]} season order.", n),
                 (f"{net} Renews '{show}' for {ORD[n].title()} Season", f"The pickup comes weeks before the current season's finale.", n),
                 (f"'{show}' Picked Up for {'an' if n == 8 else 'a'} {ORD[n].title()} Season", f"The series will return to {net} next year.", n),
                 (f"'{show}' Gets Season {n} Renewal", f"Cast and producers celebrated the news on social media.", n)]
        t, d, s = renew[i % 4]
        add(t, d, [ev("renewed", show, tid, s)], "renewed")
        cancel = [(f"'{show}' Canceled at {net} After {n} Seasons", "The network confirmed the decision on Friday.", None),
                  (f"{net} Cancels '{show}'", f"The series will wrap with its current season.", None),
                  (f"'{show}' Axed by {net}", "Ratings had slipped steadily across the season.", None),
                  (f"{net} Pulls the Plug on '{show}'", "Producers are said to be disappointed by the move.", None)]
        t, d, s = cancel[i % 4]
        add(t, d, [ev("cancelled", show, tid, s)], "cancelled")
        ending = [(f"'{show}' to End With Season {n}", f"{net} says the upcoming run will be the drama's last.", n),
                  (f"'{show}' Will End After Its {ORD[n].title()} Season", f"The creators announced the plan on Tuesday.", n),
                  (f"{net}'s '{show}' Sets Final Season", f"The {ORD[n]} season will close out the series.", n)]
        t, d, s = ending[i % 3]
        add(t, d, [ev("ending", show, tid, s)], "ending")
        film = rng.choice(FILMS)
        ordered = [(f"{onet} Orders '{show}' Spinoff to Series", f"The new drama will expand the world of the original.", None),
                   (f"'{show}' Revival Ordered at {net}", "Original stars are expected to take part.", None),
                   (f"{net} Gives Series Order to '{show}' Limited Series", f"{p1} will executive produce.", None)]
        t, d, s = ordered[i % 3]
        add(t, d, [ev("ordered", show, tid, s)], "ordered")
        prem = [(f"'{show}' Season {n} Premiere Date Set for {month} {day}", f"{net} also released new photos.", n),
                (f"'{show}' Returns {month} {day} on {net}", f"The new season picks up months after the finale.", None),
                (f"{net} Sets {month} Premiere for '{show}' Season {n}", "A teaser is expected later this week.", n),
                (f"'{show}' Will Premiere Its {ORD[n].title()} Season on {month} {day}", "The episodes will roll out weekly.", n)]
        t, d, s = prem[i % 4]
        add(t, d, [ev("premiere_date", show, tid, s)], "premiere_date")
        casting = [(f"{p1} Joins '{show}' Season {n}", f"The actor will play a rival attorney in a recurring role.", n),
                   (f"'{show}' Casts {p1} in Recurring Role", "The character arrives midway through the season.", None),
                   (f"{p1} to Guest Star on '{show}'", f"The {net} drama's new episodes air this spring.", None),
                   (f"{p1} Boards '{show}' as Series Regular", "The role was kept under wraps until now.", None)]
        t, d, s = casting[i % 4]
        add(t, d, [ev("casting", show, tid, s)], "casting")
        dep = [(f"{p1} Exits '{show}' Ahead of Season {n}", "The actor confirmed the news in a statement.", n),
               (f"{p1} Leaving '{show}' After {n} Seasons", "The departure was written into the finale.", None),
               (f"'{show}' Star {p1} Departs the Series", f"{net} thanked the actor for years of work.", None),
               (f"'{show}' Fires {p1}", "The producers cited conduct on set.", None)]
        t, d, s = dep[i % 4]
        add(t, d, [ev("departure", show, tid, s)], "departure")
        hire = [(f"'{show}' Names {p1} Showrunner for Season {n}", f"{p1} takes over from the departing creator.", n),
                (f"{p1} Tapped as New Showrunner of '{show}'", f"The {net} drama heads into production soon.", None),
                (f"'{show}' Taps {p1} as Executive Producer", "The writer previously ran a cable thriller.", None),
                (f"{p1} to Direct '{show}' Season {n} Premiere", "It marks a return to television directing.", n)]
        t, d, s = hire[i % 4]
        add(t, d, [ev("hiring", show, tid, s)], "hiring")
        if i % 2 == 0:
            add(f"'{show}' Season {n} Production Halted", f"Filming on the {net} series is on hold.", [ev("production", show, tid, n)], "production")
            add(f"'{show}' Moves to {onet} for Season {n}", "The drama finds a new home after the switch.",
                # a show that moves on to a new season elsewhere is also renewed (as the real labels file it)
                [ev("distribution", show, tid, n), ev("renewed", show, tid, n)], "distribution")
            add(f"'{show}' Season {n} Trailer Teases a Tense Return", "The first look arrives ahead of the premiere.", [ev("trailer", show, tid, n)], "trailer")
            add(f"'{show}' Earns Four Emmy Nominations", "The drama was nominated in the top category.", [ev("award", show, tid)], "award")
            add(f"'{show}' Season {n} Premiere Draws 4.1 Million Viewers", "Nielsen numbers put the return near its series high.", [ev("ratings", show, tid, n)], "ratings")
            add(f"{net} Developing '{show}' Prequel Series", "The project is in early development.", [ev("development", show, tid)], "development")
        # --- reported positives
        if i % 3 == 0:
            add(f"'{show}' Reportedly Renewed for Season {n}", f"Sources say {net} will announce the pickup soon.", [ev("renewed", show, tid, n, "reported")], "reported")
            add(f"{p1} in Talks to Join '{show}'", "Negotiations are said to be at an early stage.", [ev("casting", show, tid, None, "reported")], "reported")
        # --- several shows, several events
        if i % 2 == 1 and otid != tid:
            add(f"{net} Renews '{show}', Cancels '{other}'", "The network finalised its lineup for next season.",
                [ev("renewed", show, tid), ev("cancelled", other, otid)], "multi")
            add(f"'{other}' Star {p2} Joins '{show}'", f"The actor will play a new detective in the {net} drama.",
                [ev("casting", show, tid)], "multi")
        # --- hard negatives
        negs = [
            (f"'{show}' Season {n} Review: A Sharper, Darker Return", f"The {net} drama finds new life in its {ORD[n]} outing."),
            (f"'{show}' Recap: The Finale Leaves Everything Unresolved", "Spoilers follow for the latest episode."),
            (f"Will '{show}' Be Renewed for Season {n}?", "Here is everything we know so far."),
            (f"Is '{show}' Canceled? What We Know About Season {n}", "Fans are waiting on the network's decision."),
            (f"'{show}' Has Not Been Renewed Yet, Despite Rumors", "The network is still weighing its options."),
            (f"{net} Denies Reports That '{show}' Is Ending", "A spokesperson said the drama is not ending."),
            (f"Fans Launch Petition to Save '{show}'", "Viewers want another network to pick it up."),
            (f"'{show}' Could End After Season {n}, Creator Hints", "Nothing has been decided yet."),
            (f"{p1} Says She Would Love to Join '{show}'", "The actor spoke about the series in an interview."),
            (f"'{show}' Star {p1} Cast in New Film '{film}'", "The feature begins shooting next month."),
            (f"Why '{show}' Is the Best Show on TV Right Now", "An appreciation of the drama's quiet brilliance."),
            (f"The 10 Best '{show}' Episodes, Ranked", "From the pilot to the latest finale."),
            (f"'{show}' Stars Reunite at Charity Gala", "The cast posed for photos on the red carpet."),
            (f"{p1} Talks Her Favorite '{show}' Moments", "The actor looked back on the role."),
            (f"'{film}' Trailer Shows Off Big-Screen Action", "The film opens in theaters this summer."),
        ]
        t, d = negs[i % len(negs)]
        add(t, d, [], "negative")
        t, d = negs[(i + 5) % len(negs)]
        add(t, d, [], "negative")
    return out


def main() -> None:
    rng = random.Random(15)
    rows = items(rng, tvmaze_ids())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} items -> {OUT}")


if __name__ == "__main__":
    main()
