"""Source registry: the packaged outlets, the schema, and one-line config errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import invoke
from newsagg.errors import ConfigError
from newsagg.sources import (load_sources, page_options_for, parse_duration, parse_registry, select_sources,
                             source_for_url)


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
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\nheadline = "og:title"', "headline"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\nenabled = "no"', "enabled"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\ndomains = "x.example"', "domains"),
    ('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\ndomains = ["https://x.example/"]', "domains"),
])
def test_bad_config_names_file_source_and_key(text: str, key: str, tmp_path: Path) -> None:
    path = tmp_path / "my-sources.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    msg = str(err.value)
    assert str(path) in msg and f"'{key}'" in msg and "\n" not in msg


_MINIMAL = '[[source]]\nname = "x"\nfeeds = ["https://x.example/feed"]\n'


@pytest.mark.parametrize(("extra", "message"), [
    ("allow_private_host = true", "key 'allow_private_host': unknown key; did you mean 'allow_private_hosts'?"),
    ("intervall = \"1h\"", "key 'intervall': unknown key; did you mean 'interval'?"),
    ("colour = \"red\"", "key 'colour': unknown key"),
    ("interval = -60", "key 'interval': not a duration: -60 (a number of seconds must be 0 or more)"),
    ("interval = \"0\"", "key 'interval': must be longer than 0"),
    ("page_window = -1.5", "key 'page_window': not a duration: -1.5"),
    ("interval = true", "key 'interval': must be a duration"),
    ("page_window = nan", "key 'page_window': not a duration: nan"),
    ("timezone = 3", "key 'timezone': must be an IANA time zone name"),
    ("homepage = \"https://x.example:99999/\"", "key 'homepage': not a valid URL: 'https://x.example:99999/' "
                                                 "(Port out of range 0-65535)"),
    ("sitemaps = [\"https://x.example:0/s.xml\"]", "key 'sitemaps': not a valid URL"),
])
def test_registry_refuses_unknown_keys_and_out_of_range_values(extra: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(_MINIMAL + extra + "\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert str(err.value).startswith(f"{path}: source 'x': {message}"), str(err.value)


def test_feed_port_out_of_range_and_top_level_typo(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"key 'feeds': not a valid URL: 'https://x.example:99999/feed'"):
        parse_registry('[[source]]\nname = "x"\nfeeds = ["https://x.example:99999/feed"]\n', "f.toml")
    with pytest.raises(ConfigError, match=r"f.toml: unknown top-level key 'sources'; did you mean 'source'\?"):
        parse_registry('[[sources]]\nname = "x"\nfeeds = ["https://x.example/feed"]\n', "f.toml")


def test_binary_registry_is_named_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = invoke("sources", "--sources", str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"newsagg: error: {path}: not a UTF-8 text file (byte 0x89 at offset 0): "
                             "the source registry must be TOML\n")
    nul = tmp_path / "nul.toml"
    nul.write_bytes(_MINIMAL.encode() + b"\x00\x00")
    result = invoke("sources", "--sources", str(nul))
    assert result.exit_code == 2 and result.stderr.startswith(f"newsagg: error: {nul}: invalid TOML")
    assert len(result.stderr.splitlines()) == 1


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


REGISTRY = """
[[source]]
name = "paper"
homepage = "https://www.paper.co.uk/"
domains = ["paper.com"]
feeds = ["https://www.paper.co.uk/tv/rss"]
timezone = "Europe/London"
headline = "jsonld"

[[source]]
name = "paper-blogs"
homepage = "https://blogs.paper.co.uk/"
feeds = ["https://blogs.paper.co.uk/feed"]
parser = "penske"

[[source]]
name = "wire"
homepage = "https://wire.example/"
feeds = ["https://wire.example/rss"]
enabled = false
"""


def test_disabled_sources_run_only_when_named() -> None:
    sources = parse_registry(REGISTRY)
    assert [s.name for s in select_sources(sources, None)] == ["paper", "paper-blogs"]
    assert [s.name for s in select_sources(sources, ["wire"])] == ["wire"]
    packaged = load_sources()
    assert {"apnews", "wired"} <= {s.name for s in packaged} - {s.name for s in select_sources(packaged, None)}


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.paper.co.uk/tv/a-show-1234", "paper"),
    ("https://paper.co.uk/tv/a-show-1234", "paper"),           # no www.
    ("https://amp.paper.com/tv/a-show-1234", "paper"),         # an extra domain's subdomain
    ("https://blogs.paper.co.uk/2016/01/x/", "paper-blogs"),   # the more specific domain wins
    ("https://notpaper.co.uk/tv/x", None),                     # a suffix of the name is not the domain
    ("https://wire.example/x", "wire"),                        # disabled sources still own their pages
    ("not a url", None),
    (None, None),
])
def test_source_for_url_matches_domains(url: str | None, name: str | None) -> None:
    found = source_for_url(url, parse_registry(REGISTRY))
    assert (found.name if found else None) == name


def test_page_options_come_from_the_serving_source() -> None:
    sources = parse_registry(REGISTRY)
    assert page_options_for("https://www.paper.co.uk/tv/x", sources) == {
        "parser": None, "headline": "jsonld", "default_tz": "Europe/London"}
    assert page_options_for("https://blogs.paper.co.uk/x", sources)["parser"] == "penske"
    assert page_options_for("https://elsewhere.example/x", sources) == {"default_tz": "UTC"}
