"""Scrapy settings that copy cheaply, for a long-lived worker that starts a crawl per task.

Scrapy deep-copies the settings of every Crawler (Settings.copy is copy.deepcopy): about
ten thousand objects, a fifth of the CPU a poll of an unchanged feed costs in a worker. This
copy is one level deep instead: every setting gets its own SettingsAttribute (so setting a
value in one crawl never shows in another), nested settings (the *_BASE / component dicts)
are copied the same way, and lists, dicts and sets get a new container. The objects inside
them are shared, which is what a crawl expects of values it only reads (sources, URLs,
component paths, the worker's shared engine and ingestor).
"""

from __future__ import annotations

import copy
from typing import Any

from scrapy.settings import BaseSettings, Settings, SettingsAttribute


def _copy(settings: BaseSettings) -> Any:
    new = object.__new__(type(settings))
    new.__dict__.update(settings.__dict__)
    new.frozen = False
    attributes = {}
    for name, attr in settings.attributes.items():
        value = attr.value
        if isinstance(value, BaseSettings):
            value = _copy(value)
        elif isinstance(value, (list, dict, set)):
            value = copy.copy(value)
        fresh = object.__new__(SettingsAttribute)
        fresh.value, fresh.priority = value, attr.priority
        attributes[name] = fresh
    new.attributes = attributes
    return new


class CheapCopySettings(Settings):
    """Settings whose copy() (and deepcopy) is the one-level copy above."""

    def __deepcopy__(self, memo: dict[int, Any]) -> "CheapCopySettings":
        copied: CheapCopySettings = _copy(self)
        return copied

    @classmethod
    def of(cls, settings: BaseSettings) -> "CheapCopySettings":
        out: CheapCopySettings = _copy(settings)
        out.__class__ = cls
        return out
