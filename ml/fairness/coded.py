"""The rated rows of an audit frame as integer codes: what the rater statistics read.

A national audit holds about 20 million appraisals. As text, every rater id, ratee id and
attribute level read out of a column is a Python string of its own (about 60 bytes), and a
group-by over them hashes text: the differential functioning of the nation's audit peaked
at 12.45 GiB that way. As codes the same rows take 10 bytes of ids and one byte per
attribute, and counting, grouping and matching become ``np.bincount`` and array lookups.

Codes keep the order in which ids first appear (as ``pd.factorize`` does), so that every
sparse system is laid out exactly as it was when the statistics read text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

UNKNOWN = -1  # the code of a missing id or attribute level


@dataclass(frozen=True)
class Coded:
    """Rated rows (a rater id present): residual, rater and ratee codes, and each protected
    attribute's level codes (``UNKNOWN`` where the level is missing or empty) with the
    levels' text, sorted."""

    residual: np.ndarray  # float64, one per row
    rater: np.ndarray  # int64 codes into ``raters``
    raters: pd.Index  # rater ids as text, in order of first appearance
    employee: np.ndarray  # int64 codes, in order of first appearance
    attributes: dict[str, tuple[np.ndarray, list[str]]]

    @classmethod
    def of(cls, frame: pd.DataFrame, residual: str, attributes: Any = ()) -> Coded:
        """The rows of ``frame`` with a rater; ``attributes``: the protected columns wanted
        (those not in the frame are left out)."""
        rated = frame["rater_id"].notna().to_numpy()
        rater, raters = _factorize(frame["rater_id"], rated)
        employee, _ = _factorize(frame["employee_id"], rated)
        return cls(
            residual=frame[residual].to_numpy(float)[rated],
            rater=rater,
            raters=raters,
            employee=employee,
            attributes={
                a: _levels(frame[a], rated) for a in dict.fromkeys(attributes) if a in frame
            },
        )

    def __len__(self) -> int:
        return len(self.residual)

    def take(self, rows: np.ndarray) -> Coded:
        """The chosen rows (a mask or positions), raters and ratees re-coded among them in
        order of first appearance (a rater without rows here is not one of ``raters``)."""
        rater, first = pd.factorize(self.rater[rows])
        return Coded(
            residual=self.residual[rows],
            rater=rater.astype(np.int64),
            raters=self.raters[first],
            employee=pd.factorize(self.employee[rows])[0].astype(np.int64),
            attributes={a: (codes[rows], levels) for a, (codes, levels) in
                        self.attributes.items()},
        )  # fmt: skip

    def with_residual(self, residual: np.ndarray) -> Coded:
        return replace(self, residual=residual)

    def level(self, attribute: str, label: str) -> int:
        """The code of ``label`` among ``attribute``'s levels (``UNKNOWN`` if none has it)."""
        levels = self.attributes[attribute][1]
        return levels.index(label) if label in levels else UNKNOWN

    def rows_of(self) -> dict[int, np.ndarray]:
        """Each rater code's row positions."""
        order = np.argsort(self.rater, kind="stable")
        bounds = np.cumsum(np.bincount(self.rater, minlength=len(self.raters)))
        return dict(enumerate(np.split(order, bounds[:-1])))

    def pairs(self, inside: np.ndarray | None = None) -> np.ndarray:
        """The distinct (rater, ratee[, inside]) combinations as one int64 key each:
        ``(rater · ratees + ratee) · 2 + inside``."""
        ratees = int(self.employee.max()) + 1 if len(self) else 1
        key = self.rater * ratees + self.employee
        key = key * 2 + (inside.astype(np.int64) if inside is not None else 0)
        return pd.unique(key)

    def ratees_per_rater(self) -> np.ndarray:
        """Distinct ratees of each rater, in code order."""
        ratees = int(self.employee.max()) + 1 if len(self) else 1
        return np.bincount(self.pairs() // 2 // ratees, minlength=len(self.raters))


def _factorize(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Codes in order of first appearance among ``rows`` and the ids as text. A categorical
    column is factorised on its integer codes (its categories are text already)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, first = pd.factorize(column.cat.codes.to_numpy()[rows])
        names = column.cat.categories.astype("str")[first]
        return codes.astype(np.int64), pd.Index(names, dtype="str")
    codes, uniques = pd.factorize(column.to_numpy()[rows])
    return codes.astype(np.int64), pd.Index(uniques.astype("str"), dtype="str")


def _levels(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """An attribute's level codes among ``rows`` (``UNKNOWN`` for missing or empty text) and
    its levels as sorted text. Levels that read the same as text are one level."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, values = column.cat.codes.to_numpy()[rows], column.cat.categories
    else:
        codes, values = pd.factorize(column.to_numpy()[rows])
    text = [str(v) for v in values]
    seen = np.bincount(codes[codes >= 0], minlength=len(text)) > 0  # unused categories: none
    levels = sorted({t for t, used in zip(text, seen, strict=True) if used} - {""})
    position = {label: i for i, label in enumerate(levels)}
    # one slot more: code -1 (missing) reads the last, UNKNOWN
    lookup = np.array([position.get(t, UNKNOWN) for t in text] + [UNKNOWN], dtype=np.int8
                      if len(levels) < 127 else np.int32)  # fmt: skip
    return lookup[codes], levels
