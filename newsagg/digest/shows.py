"""--show NAME -> show rows through the one show resolver (newsagg.shows.resolve): title,
alias or label; unknown names fail with close matches."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from newsagg.digest.model import Show
from newsagg.shows.resolve import find_shows


def resolve_shows(conn: Connection, names: list[str]) -> list[Show]:
    chosen: dict[int, Show] = {}
    with Session(bind=conn) as session:
        for name in names:
            for show in find_shows(session, name):
                assert show.id is not None
                chosen.setdefault(show.id, Show(show.id, show.title, show.network))
    return list(chosen.values())
