"""Source registry: the packaged outlets, the schema, and one-line config errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newsagg.errors import ConfigError
from newsagg.sources import load_sources, parse_duration, parse_registry, select_sources


def test_packaged_registry_lists_real_entertainment_outlets() -> None:
    sources = load_sources()
    names = {s.name for s in sources}
    assert len(sources) >= 8
    assert {"variety", "deadline", "digitalspy", "hollywoodreporter", "tvline"} <= names
    for s in sources:
        assert s.feeds and all(u.startswith("https://") for u in s.feeds), s.name
        assert not s.allow_private_hosts
        s.tz  # every zone resolves


def test_minimal_source_gets_documented_defaults() -> None:
    [s] = parse_registry('[[source]]\nname = "x"\nfeeds = ["https://x.example/feed"]\n')
    assert s.interval == timedelta(hours=1) and s.timezone == "UTC"
    assert s.follow_links is True and s.allow_private_hosts is False
    assert s.page_window == timedelta(days=2) and s.sitemaps == ()


@pytest.mark.parametrize(("text", "key"), [
    ('[[source]]\nname = "Bad Name"\nfeeds = ["https://x/feed"]', "name"),
    ('[[source]]\nname = "x"\nfeeds = "https://x/feed"', "feeds"),
    ('[[source]]\nname = "x"\nfeeds = ["ftp://x/feed"]', "feeds"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\ninterval = "soon"', "interval"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\ntimezone = "Mars/Olympus"', "timezone"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\nallow_private_hosts = "yes"', "allow_private_hosts"),
    ('[[source]]\nname = "x"\nfeeds = []', "feeds"),
])
def test_bad_config_names_file_source_and_key(text: str, key: str, tmp_path: Path) -> None:
    path = tmp_path / "my-sources.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    msg = str(err.value)
    assert str(path) in msg and f"'{key}'" in msg and "\n" not in msg


def test_invalid_toml_and_duplicates_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        parse_registry("[[source]\nname=", "f.toml")
    dup = '[[source]]\nname = "a"\nfeeds = ["https://a/f"]\n' * 2
    with pytest.raises(ConfigError, match="duplicate"):
        parse_registry(dup)
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "nope.toml")


def test_env_var_replaces_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[[source]]\nname = "only"\nfeeds = ["https://only.example/feed"]\n')
    monkeypatch.setenv("NEWSAGG_SOURCES", str(path))
    assert [s.name for s in load_sources()] == ["only"]


def test_durations_and_selection() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1s") == timedelta(seconds=1)
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("0") == timedelta(0)
    sources = load_sources()
    assert [s.name for s in select_sources(sources, ["deadline"])] == ["deadline"]
    with pytest.raises(ConfigError, match="did you mean variety"):
        select_sources(sources, ["varety"])
