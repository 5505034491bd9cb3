"""Configuration in one place (issue 13): newsagg/settings.py declares every setting, the README's
table is generated from it, and the code reads nothing undeclared."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, invoke
from newsagg import settings
from newsagg.errors import ConfigError

PACKAGE_DIRS = ("newsagg", "models", "crawler", "pipelines")


def test_readme_table_is_generated_from_the_declarations() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    m = re.search(r"<!-- settings:begin -->\n(.*?)<!-- settings:end -->", readme, re.S)
    assert m, "README has no generated settings table"
    assert m.group(1) == settings.markdown_table(), "README settings table is stale: run python -m newsagg.settings"


def test_every_setting_the_code_names_is_declared() -> None:
    named: set[str] = set()
    files = [p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")] + [ROOT / "scheduler.py"]
    for path in files:
        named.update(re.findall(r"\bNEWSAGG_[A-Z][A-Z0-9_]*\b", path.read_text("utf-8")))
    assert named, "the scan found nothing: wrong directories?"
    assert named - set(settings.BY_NAME) == set()


def test_declared_defaults_match_where_they_are_used() -> None:
    import crawler.settings as scrapy_settings
    from models.db import DATABASE_ENV, DEFAULT_SQLITE

    assert settings.BY_NAME[DATABASE_ENV].default == DEFAULT_SQLITE
    for s in settings.SETTINGS:
        if s.kind == "scrapy" and hasattr(scrapy_settings, s.env):
            assert getattr(scrapy_settings, s.env) == s.default, s.env


@pytest.mark.parametrize(("env", "raw", "expected"), [
    ("NEWSAGG_STORE_BATCH", "250", 250), ("NEWSAGG_VISIBILITY_TIMEOUT", "90.5", 90.5),
    ("NEWSAGG_DEBUG", "yes", True), ("NEWSAGG_DEBUG", "0", False), ("NEWSAGG_QUEUE", None, "newsagg"),
])
def test_values_are_typed(env: str, raw: str | None, expected: object) -> None:
    assert settings.value(env, {} if raw is None else {env: raw}) == expected


@pytest.mark.parametrize(("env", "raw", "message"), [
    ("NEWSAGG_VISIBILITY_TIMEOUT", "soon", "NEWSAGG_VISIBILITY_TIMEOUT: expected a number, got 'soon'"),
    ("NEWSAGG_CRAWL_TIMEOUT", "-5", "NEWSAGG_CRAWL_TIMEOUT: must be 0 or more, got '-5'"),
    ("NEWSAGG_STRICT_WARNINGS", "maybe", "NEWSAGG_STRICT_WARNINGS: expected 1/0"),
])
def test_bad_values_are_one_line(env: str, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings.value(env, {env: raw})


def test_a_bad_environment_value_stops_a_command_with_one_line() -> None:
    result = invoke("sources", env={"NEWSAGG_STRICT_WARNINGS": "maybe"})
    assert result.exit_code == 2 and result.stderr.startswith("newsagg: error: NEWSAGG_STRICT_WARNINGS: expected")


def test_settings_are_read_through_one_function() -> None:
    """Only newsagg.settings reads NEWSAGG_* variables; models/db.py keeps its own read (models import
    nothing of newsagg but records and errors) and the CLI's last-resort debug switch cannot fail."""
    allowed = {"models/db.py", "newsagg/cli.py", "newsagg/settings.py"}
    readers = set()
    for folder in PACKAGE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            if re.search(r"os\.(environ\.get|getenv)\((\"NEWSAGG_|[A-Z_]*_ENV\b)", text):
                readers.add(str(path.relative_to(ROOT)))
    assert readers <= allowed, readers - allowed
