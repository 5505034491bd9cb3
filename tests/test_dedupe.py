"""Exact and near-duplicate detection, signatures, window, warm start, and bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsagg.dedupe import fingerprint as fp
from newsagg.dedupe.engine import Deduper, DedupeItem, StoredArticle
from newsagg.dedupe.near_duplicates import NearDuplicateIndex, StoredSignature

T0 = datetime(2016, 1, 18, 17, 0, tzinfo=timezone.utc)
BODY = (
    "The Tanners are moving back into their San Francisco house on Feb. 26. Netflix has set that date for the "
    "premiere of Fuller House, its 13-episode continuation of the ABC family sitcom Full House, and released a "
    "full-length trailer on Monday. The new series centers on D.J. Tanner-Fuller, a recently widowed "
    "veterinarian raising three boys, who takes in her sister Stephanie and her best friend Kimmy Gibbler to "
    "help out. John Stamos, Bob Saget and Dave Coulier all turn up in the first episode, along with Lori "
    "Loughlin. Jeff Franklin, who created Full House, serves as showrunner."
)
COPY = BODY.replace("Netflix has set that date for the premiere", "Netflix on Monday announced that date for the "
                    "premiere") + " This story originally appeared on Variety."


def item(key: str, title: str, text: str, hours: float = 0, **kw: object) -> DedupeItem:
    return DedupeItem(key=key, title=title, text=text, published_at=T0 + timedelta(hours=hours), **kw)  # type: ignore[arg-type]


def test_pack_unpack_roundtrip() -> None:
    m = fp.minhash(fp.shingles(BODY))
    data = fp.pack(m)
    assert len(data) == 4 * fp.NUM_PERM
    assert fp.unpack(data).jaccard(m) == 1.0


def test_text_hash_ignores_markup_case_and_punctuation() -> None:
    assert fp.text_hash("Hello,  World!") == fp.text_hash("hello world")
    assert fp.text_hash("") is None


def test_syndicated_copy_is_marked_and_kept_in_the_story() -> None:
    d = Deduper()
    a = d.process_one(item("variety", "'Fuller House' Sets Feb. 26 Premiere on Netflix", BODY))
    b = d.process_one(item("tvline", "'Fuller House' Gets Feb. 26 Premiere Date at Netflix", COPY, 2))
    assert a.duplicate_of is None and b.duplicate_of == "variety"
    assert b.story_key == a.story_key and b.minhash is not None


def test_exact_copy_and_copy_of_copy_point_at_the_original() -> None:
    d = Deduper()
    d.process_one(item("a", "Fuller House premiere set", BODY))
    assert d.process_one(item("b", "Fuller House premiere set", BODY, 1)).duplicate_of == "a"
    assert d.process_one(item("c", "Fuller House premiere date", COPY, 2)).duplicate_of == "a"


def test_empty_text_never_matches() -> None:
    d = Deduper()
    first = d.process_one(item("a", "Fuller House premiere set", ""))
    second = d.process_one(item("b", "Fuller House premiere set", "", 1))
    assert second.duplicate_of is None and first.text_hash is None and first.minhash is None
    assert "no_text" in second.flags


def test_title_only_items_get_stories_but_no_signature() -> None:
    d = Deduper()
    out = d.process([item("a", "Netflix renews Jessica Jones", ""), item("b", "Jessica Jones renewed by Netflix", "", 1)])
    assert all(x.minhash is None and x.duplicate_of is None for x in out)
    assert out[0].story_key == out[1].story_key


def test_identical_boilerplate_does_not_merge_unrelated_articles() -> None:
    wall = ("Subscribe to continue reading. Already a subscriber? Sign in to read this article and get unlimited "
            "access to award-winning journalism, newsletters and the archive, from just one dollar a week. "
            "Cancel any time.")
    titles = ["Fox renews Empire for season 3", "Sherlock special draws 11 million viewers",
              "HBO confirms Girls will end with season 6", "Hulu sets 11.22.63 trailer", "Billions premiere ratings"]
    d = Deduper()
    out = d.process([item(str(i), t, wall, i) for i, t in enumerate(titles)])
    assert all(x.duplicate_of is None for x in out)
    assert len({x.story_key for x in out}) == len(titles)
    assert fp.text_hash(wall) in d.boilerplate
    assert "boilerplate_text" in out[-1].flags and out[-1].minhash is None
    short = d.process_one(item("s", "Another title", "Subscribe to continue reading", 9))
    assert short.duplicate_of is None and "short_text" in short.flags


def test_very_long_text_is_bounded_and_still_matches() -> None:
    long_text = " ".join(f"{BODY} Paragraph {i} adds detail number {i * 7}." for i in range(400))  # ~40k words
    assert len(fp.shingles(long_text)) <= fp.MAX_WORDS
    d = Deduper()
    d.process_one(item("a", "Fuller House long read", long_text))
    assert d.process_one(item("b", "Fuller House long read", long_text + " Extra.", 1)).duplicate_of == "a"


def test_non_english_text() -> None:
    de = ("Netflix hat eine zweite Staffel von Jessica Jones bestellt. Die Serie mit Krysten Ritter kehrt mit "
          "dreizehn neuen Folgen zurück, wie der Streamingdienst am Sonntag in Pasadena bekannt gab. Ein Termin "
          "steht noch nicht fest, doch die Dreharbeiten sollen noch in diesem Jahr beginnen.")
    zh = "网飞宣布续订漫威剧集杰西卡琼斯第二季，克里斯汀里特将继续主演这部广受好评的剧集，新一季共十三集，首播日期尚未公布。" * 2
    d = Deduper()
    a, b = d.process([item("de1", "Jessica Jones bekommt zweite Staffel", de),
                      item("de2", "Jessica Jones: zweite Staffel bestellt", de + " (dpa)", 1)])
    assert b.duplicate_of == "de1"
    c, e = d.process([item("zh1", "杰西卡琼斯续订第二季", zh, 2), item("zh2", "杰西卡琼斯第二季", zh + "。", 3)])
    assert e.duplicate_of == "zh1" and c.duplicate_of is None


def test_missing_date_uses_fetch_time_and_is_flagged() -> None:
    fetched = T0 + timedelta(hours=5)
    d = Deduper().process_one(DedupeItem(key="x", title="No date here", text=BODY, fetched_at=fetched))
    assert d.published_at == fetched and "date_from_fetch" in d.flags


def test_window_eviction() -> None:
    idx = NearDuplicateIndex(window=timedelta(days=14))
    m = fp.minhash(fp.shingles(BODY))
    idx.add("old", m, T0)
    assert idx.query(m) == ["old"]
    idx.add("new", fp.minhash(fp.shingles("completely different words " * 20)), T0 + timedelta(days=15))
    assert idx.query(m) == [] and "old" not in idx


def test_warm_start_from_stored_rows_finds_copies_and_stories() -> None:
    first = Deduper()
    a = first.process_one(item("variety", "'Fuller House' Sets Feb. 26 Premiere on Netflix", BODY))
    restarted = Deduper()
    restarted.load(
        signatures=[StoredSignature("variety", a.minhash, T0, a.text_hash)],
        articles=[StoredArticle(item("variety", "'Fuller House' Sets Feb. 26 Premiere on Netflix", BODY),
                                a.story_key, None, a.text_hash)],
    )
    b = restarted.process_one(item("tvline", "'Fuller House' Gets Feb. 26 Premiere Date", COPY, 2))
    assert b.duplicate_of == "variety" and b.story_key == a.story_key
    c = restarted.process_one(item("ds", "Fuller House premiere date set for Feb. 26 on Netflix", "", 3))
    assert c.story_key == a.story_key


def test_lsh_band_layouts_are_the_ones_datasketch_would_choose() -> None:
    from newsagg.dedupe.sketch import LSH_BANDS, MinHashLSH

    for (threshold, num_perm), bands in LSH_BANDS.items():
        chosen = MinHashLSH(threshold=threshold, num_perm=num_perm)  # datasketch integrates (scipy)
        assert (chosen.b, chosen.r) == bands


def test_dedupe_imports_without_scipy_and_leaves_scipy_importable() -> None:
    import subprocess
    import sys

    code = ("import sys; import newsagg.dedupe, newsagg.stories_writer; "
            "assert 'scipy.integrate' not in sys.modules, 'scipy.integrate loaded'; "
            "from newsagg.dedupe.near_duplicates import NearDuplicateIndex; NearDuplicateIndex(); "
            "assert 'scipy.integrate' not in sys.modules, 'an index integrated'; "
            "import scipy.integrate; assert hasattr(scipy.integrate, 'solve_ivp'), 'a stand-in left behind'; "
            "from datasketch import MinHashLSH; assert MinHashLSH(threshold=0.55, num_perm=64).b > 0")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-800:]
