"""One grammar of relative times (issue 13): every option that takes one accepts and refuses the
same inputs, and `m` is minutes everywhere (months are `mo`; `M` is ambiguous)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import invoke
from newsagg.sources import parse_duration
from newsagg.timespec import TimeSpecError, parse_moment, parse_span
from test_queries import _seed

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
SPANS = {"90s": timedelta(seconds=90), "15m": timedelta(minutes=15), "15min": timedelta(minutes=15),
         "2h": timedelta(hours=2), "7d": timedelta(days=7), "7D": timedelta(days=7), "2w": timedelta(weeks=2),
         "6mo": timedelta(days=180), "1y": timedelta(days=365), "1.5h": timedelta(minutes=90)}
ACCEPTED = [*SPANS, "2016-01-17", "2016-01-17T06:00:00Z", "2016-01-17T06:00"]
REFUSED = {"6M": "'6M' is ambiguous: write 6m for minutes or 6mo for months", "5x": "unknown unit 'x'",
           "last week": "not a date or time span: 'last week'", "-3d": "not a date or time span: '-3d'",
           "18/01/2016": "not a date or time span: '18/01/2016'"}
# Every command option that takes a moment, with the rest of a valid command line.
OPTIONS = [("articles", "--since"), ("articles", "--until"), ("stories", "--date"), ("show", "Jessica Jones", "--since"),
           ("export", "--since"), ("export", "--since", "2000-01-01", "--until")]


def test_spans_and_moments() -> None:
    for text, span in SPANS.items():
        assert parse_span(text) == span
        assert parse_moment(text, NOW) == NOW - span
        assert parse_duration(text) == span  # the registry's durations: the same grammar
    assert parse_moment("2016-01-17", NOW) == datetime(2016, 1, 17, tzinfo=timezone.utc)
    assert parse_moment("2016-01-17", NOW, end_of_day=True) == datetime(2016, 1, 18, tzinfo=timezone.utc)
    for text, message in REFUSED.items():
        with pytest.raises(TimeSpecError, match=message):
            parse_moment(text, NOW)
    with pytest.raises(ValueError, match="ambiguous"):
        parse_duration("6M")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("timespec") / "q.db"
    _seed(str(path))
    return path


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: " ".join(o))
def test_every_option_takes_the_same_grammar(db: Path, option: tuple[str, ...]) -> None:
    for value in ACCEPTED:
        result = invoke(*option, value, "--db", str(db), *(("-f", "json") if option[0] != "export" else ()))
        assert result.exit_code == 0, (option, value, result.stderr)
    for value, message in REFUSED.items():
        result = invoke(*option, value, "--db", str(db))
        assert result.exit_code == 2 and message in result.stderr, (option, value, result.stderr)
        assert len(result.stderr.splitlines()) == 1
