"""What was known on a date: every table cut to the rows dated on or before ``as_of``.

A row is dated by the moment its content became known: an assessment on ``assessed_on``; an
appraisal the day after its period ends (a yearly rating is final only once the year is over: the
day after 31 December for ``YYYY``, after the month's last day for ``YYYY-MM``); a training on its
``end_date`` (completion or drop-out; a status read before it would come from the future, so rows
still running on ``as_of`` count for nothing). Employees hired after ``as_of`` did not exist yet.
Everything a feature reads passes through :func:`known_rows` first.

What the contract cannot date: ``employees`` is a snapshot (position, grade, education, agency
on the export date), so for a past ``as_of`` these are today's values, and an employee without a
``hire_date`` is on every roster. Features on past dates therefore carry that snapshot; keeping
history of positions and grades would need a dated table the contract does not have.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
DATED = ("competency_assessments", "appraisals", "trainings")


def period_end(period: pd.Series) -> pd.Series:
    """The last day of each appraisal period (``YYYY`` or ``YYYY-MM``)."""
    if isinstance(period.dtype, pd.CategoricalDtype):
        # each of the few periods once, then spread by the integer codes (code −1: missing)
        per_period = period_end(pd.Series(period.cat.categories.astype(str))).to_numpy()
        spread = np.append(per_period, np.datetime64("NaT", "ns"))[period.cat.codes.to_numpy()]
        return pd.Series(spread, index=period.index, dtype="datetime64[ns]")
    values = np.asarray(period, dtype=object)  # plain text
    text = pd.Series(pd.unique(values[pd.notna(values)]), dtype="str")
    yearly = text.str.len() == 4
    first = pd.to_datetime(text.where(~yearly, text + "-12") + "-01", format="%Y-%m-%d")
    ends = pd.Series((first + pd.offsets.MonthEnd(0)).to_numpy(), index=text.to_numpy())
    return pd.Series(ends.reindex(values).to_numpy(), index=period.index, dtype="datetime64[ns]")


def known_rows(
    name: str, frame: pd.DataFrame, as_of: pd.Timestamp, ends: pd.Series | None = None
) -> np.ndarray:
    """Which rows of table ``name`` were known on ``as_of`` (all rows of undated tables).

    ``ends``: the appraisals' period ends, when the caller has them already.
    """
    if name == "employees":
        known = ~(frame["hire_date"] > as_of)
    elif name == "competency_assessments":
        known = frame["assessed_on"] <= as_of
    elif name == "appraisals":
        known = (period_end(frame["period"]) if ends is None else ends) < as_of
    elif name == "trainings":
        known = frame["end_date"] <= as_of
    else:
        return np.ones(len(frame), dtype=bool)
    return np.asarray(known.fillna(False), dtype=bool)


def known_at(tables: Tables, as_of: pd.Timestamp) -> Tables:
    """The tables as they stood on ``as_of`` (inclusive); appraisals gain ``period_end``."""
    out = {name: frame[known_rows(name, frame, as_of)] for name, frame in tables.items()}
    if "appraisals" in out:
        out["appraisals"] = out["appraisals"].assign(
            period_end=period_end(out["appraisals"]["period"])
        )
    return out
