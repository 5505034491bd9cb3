"""Fault injection at the storage path's commit points, for kill tests (read in this one place).

NEWSAGG_FAULT=<point> kills the process with SIGKILL when it reaches <point> (the
kill tests rerun afterwards and check nothing is lost or duplicated);
NEWSAGG_FAULT=<point>:raise raises InjectedFault instead. Tests in the same process
set `faults.hook`. Points: see POINTS. Unset (production), a point costs one check.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from newsagg import settings

POINTS = ("before-store", "after-articles", "after-links", "after-stories", "after-commit")


class InjectedFault(BaseException):
    """Raised at a fault point on request. A BaseException, like the kill it stands for: no
    `except Exception` (item isolation, pipelines) may swallow it."""


hook: Callable[[str], None] | None = None
_SPEC = settings.value("NEWSAGG_FAULT") or ""


def fault_point(name: str) -> None:
    if hook is not None:
        hook(name)
    if not _SPEC:
        return
    point, _, mode = _SPEC.partition(":")
    if point != name:
        return
    if mode == "raise":
        raise InjectedFault(f"injected fault at {name}")
    os.kill(os.getpid(), signal.SIGKILL)
