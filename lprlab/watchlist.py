"""The plate watch-list: a SQLite file of plates to look out for, looked up tolerantly.

Lookup forgives what OCR gets wrong: the distance is a Levenshtein distance in which swapping
look-alike characters (0/O, 1/I, 8/B, 5/S, 2/Z, 6/G, ...) costs `LOOKALIKE_COST` instead of 1; a
plate matches when its distance is within the bound (1.0 by default: one wrong, missing or extra
character, or two look-alike swaps).
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import os
import pathlib
import re
import sqlite3

LOOKALIKES = ("0O", "0Q", "0D", "1I", "1L", "8B", "5S", "2Z", "6G", "4A", "7T", "UV", "MN", "CG")
LOOKALIKE_COST = 0.5
_PAIRS = {frozenset(pair) for pair in LOOKALIKES}
_TEXT = re.compile(r"^[^\s,;]{1,16}$")


def normalise(text: str) -> str:
    """Plate text as stored and compared: upper case, without spaces, dashes and dots."""
    return re.sub(r"[\s\-·.]", "", str(text)).upper()


def ocr_distance(a: str, b: str) -> float:
    """Levenshtein distance between two plate texts where a look-alike substitution (see
    `LOOKALIKES`) costs `LOOKALIKE_COST`, any other substitution, insertion or deletion 1."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else (LOOKALIKE_COST if frozenset((ca, cb)) in _PAIRS else 1.0)
            current.append(min(previous[j] + 1.0, current[j - 1] + 1.0, previous[j - 1] + swap))
        previous = current
    return previous[-1]


@dataclasses.dataclass(frozen=True)
class Entry:
    """A watched plate: `plate` text (normalised), a `label` (why it is watched), a free `note`
    and when it was `added` (ISO 8601, UTC)."""

    plate: str
    label: str
    note: str
    added: str


@dataclasses.dataclass(frozen=True)
class Match:
    """A lookup hit: the `entry`, the text `read`, and their `distance` (see `ocr_distance`)."""

    entry: Entry
    read: str
    distance: float

    def as_json(self) -> dict:
        """The ``"watchlist"`` object of the JSON output."""
        return {"plate": self.entry.plate, "label": self.entry.label, "note": self.entry.note,
                "distance": round(self.distance, 2), "exact": self.distance == 0}


class Watchlist:
    """A watch-list in a SQLite file (created on first use).

    Args:
        path: The database file, or ``":memory:"``.

    Raises:
        ValueError: the file exists but is not a watch-list database.
    """

    def __init__(self, path: str | os.PathLike = "data/watchlist.sqlite"):
        self.path = str(path)
        if self.path != ":memory:":
            pathlib.Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            with self._db:
                self._db.execute("CREATE TABLE IF NOT EXISTS plates (plate TEXT PRIMARY KEY, label TEXT NOT NULL, "
                                 "note TEXT NOT NULL, added TEXT NOT NULL)")
        except sqlite3.DatabaseError as error:
            raise ValueError(f"{self.path!r} is not a watch-list database: {error}") from None
        self._cache: list[Entry] | None = None

    def close(self) -> None:
        """Closes the database."""
        self._db.close()

    def add(self, plate: str, label: str = "", note: str = "") -> Entry:
        """Adds or replaces a plate. Raises ValueError on an empty text or one with spaces/commas
        left after normalising, or longer than 16 characters."""
        text = normalise(plate)
        if not _TEXT.match(text):
            raise ValueError(f"watch-list plate must be 1-16 characters without spaces or commas, got {plate!r}")
        entry = Entry(text, str(label), str(note),
                      datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO plates VALUES (?, ?, ?, ?)", dataclasses.astuple(entry))
        self._cache = None
        return entry

    def import_csv(self, path: str | os.PathLike) -> int:
        """Adds the rows of a CSV file with a ``plate`` column (and optional ``label``, ``note``),
        all or none (one transaction). Returns the number of rows added.

        Raises:
            FileNotFoundError: no such file.
            ValueError: no ``plate`` column, or a bad plate text (naming its line).
        """
        path = pathlib.Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"watch-list CSV {str(path)!r} does not exist")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "plate" not in (reader.fieldnames or ()):
                raise ValueError(f"{str(path)!r} needs a 'plate' column, has {reader.fieldnames}")
            rows = list(reader)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        entries = []
        for line, row in enumerate(rows, 2):
            text = normalise(row.get("plate") or "")
            if not _TEXT.match(text):
                raise ValueError(f"{str(path)!r} line {line}: bad plate {row.get('plate')!r}")
            entries.append((text, row.get("label") or "", row.get("note") or "", now))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO plates VALUES (?, ?, ?, ?)", entries)
        self._cache = None
        return len(entries)

    def remove(self, plate: str) -> bool:
        """Removes a plate; True when it was there."""
        with self._db:
            cursor = self._db.execute("DELETE FROM plates WHERE plate = ?", (normalise(plate),))
        self._cache = None
        return cursor.rowcount > 0

    def entries(self) -> list[Entry]:
        """All watched plates, sorted by text."""
        if self._cache is None:
            rows = self._db.execute("SELECT plate, label, note, added FROM plates ORDER BY plate").fetchall()
            self._cache = [Entry(*row) for row in rows]
        return list(self._cache)

    def lookup(self, text: str, max_distance: float = 1.0) -> Match | None:
        """The watched plate nearest to a read `text`, if within `max_distance` (see `ocr_distance`);
        ties go to the alphabetically first plate. None for an empty text."""
        text = normalise(text)
        if not text:
            return None
        best = None
        for entry in self.entries():
            if abs(len(entry.plate) - len(text)) > max_distance:
                continue
            distance = ocr_distance(text, entry.plate)
            if distance <= max_distance and (best is None or distance < best.distance):
                best = Match(entry, text, distance)
        return best

    def __len__(self) -> int:
        return len(self.entries())

    def __enter__(self) -> "Watchlist":
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.close()
