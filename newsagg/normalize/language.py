"""Article language: the publisher's declaration first, a classifier otherwise."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")


def normalise_language_tag(tag: str | None) -> str | None:
    """'en-US' -> 'en'; junk -> None."""
    if not tag:
        return None
    m = _TAG.match(tag)
    return m.group(1).lower() if m else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid loads its model in ~0.6 s: only when a page or feed declares nothing.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    try:
        ptc, pc, classes, nextmove, rows, output = _mapped_model()
    except (OSError, ValueError, KeyError):  # no writable cache: the packaged model, in memory
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=rows)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsagg"


def _mapped_model() -> tuple[Any, ...]:
    """py3langid's model with its two big tables (the DFA's transitions, 39 MB, and the
    per-feature class weights, 28 MB) memory-mapped from an uncompressed copy in the cache
    directory: a process holds only the pages its texts touch (a long-lived worker detecting
    English text touches a few MB), and processes share them. Same numbers, same answers."""
    import json
    import mmap

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    packaged = MODEL_DIR / MODEL_FILE
    stat = packaged.stat()
    folder = _cache_dir() / f"langid-{stat.st_size}-{int(stat.st_mtime)}"
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        _unpack(packaged, folder)
    meta = json.loads(meta_path.read_text("utf-8"))
    with open(folder / "nextmove.bin", "rb") as f:
        nextmove = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)).cast(meta["nextmove_code"])
    ptc = np.memmap(folder / "ptc.bin", dtype=meta["ptc_dtype"], mode="r", shape=tuple(meta["ptc_shape"]))
    small = np.load(folder / "small.npz", allow_pickle=False)
    return (ptc, small["pc"], meta["classes"], nextmove, small["nextmove_row"].tolist(),
            small["out_feat"].tolist())


def _unpack(packaged: Path, folder: Path) -> None:
    """Write the uncompressed tables; each file appears whole (written aside, then renamed)."""
    import json
    import lzma
    import shutil
    import tempfile

    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(suffix=".npz") as tmp:
        with lzma.open(packaged) as src:
            shutil.copyfileobj(src, tmp, length=1 << 20)
        tmp.seek(0)
        with np.load(tmp, allow_pickle=False) as data:
            nextmove = np.ascontiguousarray(data["nextmove"])
            ptc = np.ascontiguousarray(data["ptc"])
            code = {2: "H", 4: "I", 8: "Q"}[nextmove.dtype.itemsize]
            meta = {"classes": data["classes"].tolist(), "nextmove_code": code, "ptc_dtype": str(ptc.dtype),
                    "ptc_shape": list(ptc.shape)}
            small = {"pc": data["pc"], "nextmove_row": data["nextmove_row"], "out_feat": data["out_feat"]}

    def write(name: str, fill: Any) -> None:
        part = folder / f".{name}.{os.getpid()}"
        with open(part, "wb") as f:
            fill(f)
        os.replace(part, folder / name)

    write("nextmove.bin", lambda f: f.write(nextmove.tobytes()))
    write("ptc.bin", lambda f: f.write(ptc.tobytes()))
    write("small.npz", lambda f: np.savez(f, **small))
    write("meta.json", lambda f: f.write(json.dumps(meta).encode()))  # last: its presence means complete


def detect_language(text: str, min_chars: int = 20, min_prob: float = 0.8) -> str | None:
    """Guess the language of text; None when too short or unsure."""
    sample = text[:2000]
    if len(sample.strip()) < min_chars:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= min_prob else None


def choose_language(*declared: str | None, text: str = "") -> str | None:
    for tag in declared:
        lang = normalise_language_tag(tag)
        if lang:
            return lang
    return detect_language(text) if text else None
