"""The declared layers hold: import-linter checks the contracts in pyproject.toml (issue 13)."""

from __future__ import annotations

import ast
import fnmatch
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return names


def test_no_test_imports_bench() -> None:
    """Benchmarks are scripts, not a library: what a gate test needs lives in evaluation/."""
    offenders = {p.name: sorted(m for m in _imported(p) if m == "bench" or m.startswith("bench."))
                 for p in (ROOT / "tests").rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_evaluation_is_not_installed() -> None:
    """Evaluation code stays out of the wheel (the import contract keeps the package off it)."""
    import tomllib

    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert not any(fnmatch.fnmatch("evaluation", pattern) for pattern in find["include"])
