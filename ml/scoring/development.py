"""Competency-development hours taken in a year, against the yearly minimum.

Hours are counted in *JP* (*jam pelajaran*, lesson hours of 45 minutes). Every PNS is entitled to,
and obliged to take, at least 20 JP of competency development a year (PP 11/2017 Pasal 203(4) as
amended by PP 17/2020; UU 20/2023 Pasal 49). Any recorded JP counts (Peraturan LAN 10/2018).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd


@dataclass(frozen=True)
class DevelopmentRegulation:
    """The yearly development minimum and the regulation that sets it."""

    name: str
    source: str
    minimum_jp: int


PP_17_2020 = DevelopmentRegulation(
    name="PP 11/2017 as amended by PP 17/2020",
    source="PP No. 11 Tahun 2017 Pasal 203 ayat (4), diubah dengan PP No. 17 Tahun 2020",
    minimum_jp=20,
)

COUNTED_STATUS = "COMPLETED"
"""Only completed training counts: a DROPPED or still ENROLLED record has not developed anyone."""

_COLUMNS = ("end_date", "jp", "status")


class DevelopmentHours(NamedTuple):
    """JP taken in a year and how far short of the minimum that is."""

    jp_taken: int
    shortfall: int


def _check(trainings: pd.DataFrame, columns: tuple[str, ...], minimum_jp: int) -> None:
    missing = [column for column in columns if column not in trainings.columns]
    if missing:
        raise ValueError(f"trainings lacks required column(s): {', '.join(missing)}")
    if minimum_jp < 0:
        raise ValueError(f"minimum_jp must be >= 0, got {minimum_jp}")


def _counted_jp(trainings: pd.DataFrame, year: int) -> pd.Series:
    """JP of each row that counts toward ``year``, 0 for the rows that do not.

    A row counts when its status is COMPLETED and its end date falls in ``year``: training is
    credited in the year it was finished.
    """
    try:
        end = pd.to_datetime(trainings["end_date"], format="ISO8601")
    except ValueError as error:
        raise ValueError(f"trainings.end_date holds a value that is not a date: {error}") from None
    counts = (trainings["status"] == COUNTED_STATUS) & (end.dt.year == year)
    return trainings["jp"].where(counts, 0)


def development_hours(
    trainings: pd.DataFrame, year: int, *, minimum_jp: int = PP_17_2020.minimum_jp
) -> DevelopmentHours:
    """JP one employee took in ``year`` and the shortfall against the minimum (PP 17/2020).

    Parameters
    ----------
    trainings : DataFrame of shape (n_records, n_columns)
        One employee's training records, with at least ``end_date`` (ISO string or datetime),
        ``jp`` and ``status`` (``COMPLETED`` / ``DROPPED`` / ``ENROLLED``).
    year : int
        The calendar year.
    minimum_jp : int, default 20
        The yearly minimum.

    Returns
    -------
    DevelopmentHours
        ``(jp_taken, shortfall)`` with shortfall = max(0, minimum_jp − jp_taken).

    Raises
    ------
    ValueError
        If a required column is missing (the message names it), an end date is not a date, the
        records belong to several employees, or ``minimum_jp`` is negative.
    """
    _check(trainings, _COLUMNS, minimum_jp)
    if "employee_id" in trainings.columns and trainings["employee_id"].nunique() > 1:
        raise ValueError(
            "trainings holds several employees; use development_hours_by_employee for them"
        )
    taken = int(_counted_jp(trainings, year).sum())
    return DevelopmentHours(taken, max(0, minimum_jp - taken))


def development_hours_by_employee(
    trainings: pd.DataFrame, year: int, *, minimum_jp: int = PP_17_2020.minimum_jp
) -> pd.DataFrame:
    """:func:`development_hours` for every employee in ``trainings`` at once (one groupby).

    Parameters
    ----------
    trainings : DataFrame of shape (n_records, n_columns)
        Training records with at least ``employee_id``, ``end_date``, ``jp`` and ``status``.
    year : int
        The calendar year.
    minimum_jp : int, default 20
        The yearly minimum.

    Returns
    -------
    DataFrame of shape (n_employees, 2)
        Indexed by ``employee_id``, columns ``jp_taken`` and ``shortfall``. Every employee with
        a record appears, with 0 JP if none counts; an employee with no record at all does not
        appear: reindex on the roster with ``fill_value`` 0 for ``jp_taken`` and ``minimum_jp``
        for ``shortfall``.

    Raises
    ------
    ValueError
        If a required column is missing (the message names it), an end date is not a date, or
        ``minimum_jp`` is negative.
    """
    _check(trainings, ("employee_id", *_COLUMNS), minimum_jp)
    taken = _counted_jp(trainings, year).groupby(trainings["employee_id"]).sum().astype("int64")
    return pd.DataFrame(
        {"jp_taken": taken, "shortfall": (minimum_jp - taken).clip(lower=0)},
        index=taken.index.rename("employee_id"),
    )
