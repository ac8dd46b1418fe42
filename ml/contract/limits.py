"""Sizes no contract table comes near, refused before a file is parsed.

pandas reads a 100 MB field or a header of 100,000 columns without complaint, and everything
after it (typing, pandera's checks, the report that repeats the value) then takes minutes and
gigabytes. One streaming pass with Python's ``csv`` reader, its field limit lowered and each
physical line read at most ``MAX_LINE_CHARS`` at a time, finds such a file in memory bounded by
the limits, and the caller answers with one line naming the file and the line.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path

MAX_FIELD_CHARS = 10_000  # one value; the longest contract values (titles, names) are < 500
MAX_LINE_CHARS = 1_000_000  # one physical line of a CSV
MAX_COLUMNS = 1_000  # a header; contract tables have < 30 columns, exports a few hundred
MAX_VALUE_SHOWN = 200  # characters of a value repeated in a report

_field_limit = threading.Lock()  # csv.field_size_limit is process-wide


class TooLarge(ValueError):
    """A file past one of the limits; the message says which, and where."""


def shown(value: str) -> str:
    """``value`` cut to ``MAX_VALUE_SHOWN`` characters for a report, saying how long it was."""
    if len(value) <= MAX_VALUE_SHOWN:
        return value
    return f"{value[:MAX_VALUE_SHOWN]}… ({len(value):,} characters)"


def check_columns(count: int) -> None:
    if count > MAX_COLUMNS:
        raise TooLarge(f"a header of {count:,} columns (at most {MAX_COLUMNS:,})")


def check_csv(path: Path, encoding: str = "utf-8-sig", separator: str = ",") -> None:
    """Raise :class:`TooLarge` when the CSV at ``path`` has a header wider than
    ``MAX_COLUMNS``, a line longer than ``MAX_LINE_CHARS`` or a field longer than
    ``MAX_FIELD_CHARS``. Anything else (encoding, quoting) is left to the reader proper."""
    with path.open(encoding=encoding, errors="replace", newline="") as file:
        lines = _bounded_lines(file)
        with _field_limit:
            before = csv.field_size_limit(MAX_FIELD_CHARS)
            try:
                reader = csv.reader(lines, delimiter=separator)
                check_columns(len(next(reader, [])))
                for _ in reader:
                    pass
            except csv.Error as error:
                if "field limit" in str(error):
                    raise TooLarge(
                        f"line {reader.line_num:,}: a field over {MAX_FIELD_CHARS:,} characters "
                        "(no contract value is that long)"
                    ) from None
                # other quoting problems: the reader proper reports them with its own words
            finally:
                csv.field_size_limit(before)


def _bounded_lines(file: object) -> Iterator[str]:
    read = file.readline  # type: ignore[attr-defined]
    number = 0
    while line := read(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise TooLarge(f"line {number:,} is over {MAX_LINE_CHARS:,} characters")
        yield line
