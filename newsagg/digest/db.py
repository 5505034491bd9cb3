"""The read-only opener now lives in newsagg.dbaccess (one opener for every read command)."""

from newsagg.dbaccess import open_readonly

__all__ = ["open_readonly"]
