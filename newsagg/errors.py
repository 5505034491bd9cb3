"""Errors that users see as one clear line (the CLI prints them without a traceback)."""


class NewsaggError(Exception):
    """Base class: str(exc) is the whole message shown to the user."""


class ConfigError(NewsaggError):
    """A source registry or setting is wrong: names the file, the source and the key."""
