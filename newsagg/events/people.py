"""People named in a sentence: runs of two to four capitalised words that are not a show, network,
outlet, month or role."""

from __future__ import annotations

import re

_NAME = re.compile(r"(?<![\w'])(?:[A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)?|[A-Z]\.|Mc[A-Z][a-z]+|O'[A-Z][a-z]+|De[A-Z][a-z]+)"
                   r"(?:\s+(?:(?:de|van|von|da|del|la|le|di)\s+)?(?:[A-Z][a-zà-ÿ]+(?:[-'][A-Z]?[a-zà-ÿ]+)?|[A-Z]\.|"
                   r"Mc[A-Z][a-z]+|O'[A-Z][a-z]+|De[A-Z][a-z]+|Jr\.?|Sr\.?|II|III)){1,3}")
# Words that do not begin or belong to a person's name here.
_STOP = frozenset("""
the a an and or but of in on at to for with by from as is are was were will new season series show
episode episodes netflix hbo hulu amazon prime video fox nbc abc cbs cw showtime starz amc fx bbc itv sky
apple disney peacock paramount max tv network networks studios studio entertainment television productions
deadline variety tvline hollywood reporter wrap vulture collider ew entertainment weekly people times post
news daily today tonight live late night good morning america jan feb mar apr may jun jul aug sep sept oct
nov dec january february march april june july august september october november december monday tuesday
wednesday thursday friday saturday sunday executive producer producers showrunner showrunners director
writer writers host hosts star stars actor actress creator creators president chief ceo chairman head
exclusive watch here why how what when where who which this that these those it its his her their our
breaking update updates report reports emmy emmys golden globe globes award awards oscar oscars
marvel dc comic comics con sdcc tca press tour first look trailer teaser official final premiere date
renewed cancelled canceled ordered casting cast exit exits joins join fired hired taps names
season seasons part chapter vol volume book film movie replaces replace replaced joins joined exits
exiting leaves leaving left quits lands boards tapped named hires hired fires set signs returns return
heads says reveals confirms talks spills gets nabs scores wins won nominated nominee nominees lead role
recurring guest regular after before over into about up down out off back not no
""".split())


def _bad_word(word: str) -> bool:
    return word.lower().strip(".") in _STOP


def find_people(sentence: str, exclude_spans: list[tuple[int, int]], limit: int = 4) -> list[tuple[str, int]]:
    """(name, start) pairs in the sentence, not overlapping the excluded spans (shows, networks)."""
    if sentence.isupper():
        return []  # all caps: capitals say nothing about names
    out: list[tuple[str, int]] = []
    for m in _NAME.finditer(sentence):
        if any(s < m.end() and m.start() < e for s, e in exclude_spans):
            continue
        # Title-case headlines run names into verbs ("Scott Replaces Clayne Crawford On"): split the
        # run at words that are not names, keep the pieces of two to four words.
        piece: list[str] = []
        pos = m.start()
        piece_start = pos
        for word in m.group(0).split(" ") + [""]:
            if word and not _bad_word(word):
                if not piece:
                    piece_start = pos
                piece.append(word)
            else:
                if 2 <= len(piece) <= 4:
                    name = " ".join(piece)
                    out.append((name[:-2] if name.endswith("'s") else name, piece_start))
                piece = []
            pos += len(word) + 1
        if len(out) >= limit:
            break
    return out[:limit]
