"""The watch-list: storage round trip, CSV import, and lookup tolerant of OCR confusions."""
import pytest

from lprlab.watchlist import Watchlist, normalise, ocr_distance


@pytest.fixture
def watchlist(tmp_path):
    with Watchlist(tmp_path / "w.sqlite") as w:
        w.add("ABC-1234", "stolen", "blue car")
        w.add("XYZ9876", "wanted")
        yield w


def test_ocr_distance():
    assert ocr_distance("ABC1234", "ABC1234") == 0
    assert ocr_distance("A8C1234", "ABC1234") == 0.5  # look-alike swap
    assert ocr_distance("AXC1234", "ABC1234") == 1.0  # any other swap
    assert ocr_distance("ABC123", "ABC1234") == 1.0  # a character missing
    assert ocr_distance("0BC1Z34", "OBC1234") == 1.0  # two look-alike swaps


def test_lookup_hit_near_miss_and_no_match(watchlist):
    hit = watchlist.lookup("ABC1234")
    assert hit.entry.plate == "ABC1234" and hit.distance == 0 and hit.as_json()["exact"]
    near = watchlist.lookup("A8C-I234")  # read with two look-alike errors
    assert near.entry.plate == "ABC1234" and near.distance == 1.0 and near.entry.label == "stolen"
    assert watchlist.lookup("ABD1235") is None  # two real differences
    assert watchlist.lookup("XYZ987", max_distance=0.5) is None
    assert watchlist.lookup("") is None


def test_persists_and_imports_csv(tmp_path, watchlist):
    csv = tmp_path / "list.csv"
    csv.write_text("plate,label,note\nDEF 5678,expired,\nGHI-9012,,\n", encoding="utf-8")
    assert watchlist.import_csv(csv) == 2
    watchlist.close()
    with Watchlist(tmp_path / "w.sqlite") as again:
        assert [e.plate for e in again.entries()] == ["ABC1234", "DEF5678", "GHI9012", "XYZ9876"]
        assert again.remove("def 5678") and not again.remove("NOPE")
        assert len(again) == 3


def test_bad_input(tmp_path, watchlist):
    with pytest.raises(ValueError, match="1-16 characters"):
        watchlist.add("   ")
    bad = tmp_path / "bad.csv"
    bad.write_text("number\nABC\n")
    with pytest.raises(ValueError, match="'plate' column"):
        watchlist.import_csv(bad)
    bad.write_text("plate\nABC\nABCDEFGHIJKLMNOPQRS\n")
    with pytest.raises(ValueError, match="line 3"):
        watchlist.import_csv(bad)
    with pytest.raises(FileNotFoundError):
        watchlist.import_csv(tmp_path / "missing.csv")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ValueError, match="not a watch-list database"):
        Watchlist(junk)
    assert normalise(" ab-12 ·3 ") == "AB123"
