"""The one import of datasketch (MinHash, MinHashLSH), without the scipy it would load for nothing.

datasketch's LSH module imports `scipy.integrate` when it is imported (0.37 s and some 340 modules
in every process, measured) for a single use: integrating the false-positive and false-negative
curves to choose the band layout of an index built without one. Every crawl, cron poll and worker
paid for it. Here datasketch is imported while a stand-in `scipy.integrate` sits in
`sys.modules`, whose `quad` imports the real one if it is ever called; the stand-in is taken out
again at once, so any later `import scipy.integrate` gets the real module. The band layouts of the
thresholds newsagg uses are given explicitly (LSH_BANDS, equal to datasketch's own choice: a test
checks it), so no index built here integrates anything.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _quad(*args: Any, **kwargs: Any) -> Any:
    from scipy.integrate import quad  # the real one: the stand-in left sys.modules after the import

    return quad(*args, **kwargs)


def _import_datasketch() -> Any:
    if "datasketch" in sys.modules or "scipy.integrate" in sys.modules:
        import datasketch

        return datasketch
    stand_in = types.ModuleType("scipy.integrate")
    stand_in.quad = _quad  # type: ignore[attr-defined]
    sys.modules["scipy.integrate"] = stand_in
    try:
        import datasketch
    finally:
        if sys.modules.get("scipy.integrate") is stand_in:
            del sys.modules["scipy.integrate"]
        scipy = sys.modules.get("scipy")
        # vars(), not getattr(): scipy's module __getattr__ would import the real submodule
        if scipy is not None and vars(scipy).get("integrate") is stand_in:
            delattr(scipy, "integrate")
    return datasketch


_datasketch = _import_datasketch()
MinHash = _datasketch.MinHash
MinHashLSH = _datasketch.MinHashLSH

# (threshold, permutations) -> (bands, rows per band): datasketch's choice with its default
# weights (0.5 / 0.5), so an index built here is the index datasketch would build.
LSH_BANDS: dict[tuple[float, int], tuple[int, int]] = {(0.7, 128): (14, 9)}


def lsh_index(threshold: float, num_perm: int) -> Any:
    """A MinHashLSH for this threshold; layouts not in LSH_BANDS are chosen by datasketch (scipy)."""
    return MinHashLSH(threshold=threshold, num_perm=num_perm, params=LSH_BANDS.get((threshold, num_perm)))
