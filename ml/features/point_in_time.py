"""What was known on a date: every table cut to the rows dated on or before ``as_of``.

A row is dated by the moment its content became known: an assessment on ``assessed_on``; an
appraisal at the end of its period (31 December for ``YYYY``, the month's last day for ``YYYY-MM``);
a training on its ``end_date`` (completion or drop-out; a status read before it would come from the
future, so rows still running on ``as_of`` count for nothing). Employees hired after ``as_of`` did
not exist yet. Everything a feature reads passes through :func:`known_at` first.
"""

from __future__ import annotations

import pandas as pd

Tables = dict[str, pd.DataFrame]


def period_end(period: pd.Series) -> pd.Series:
    """The last day of each appraisal period (``YYYY`` or ``YYYY-MM``)."""
    distinct = pd.Series(period.dropna().unique())
    ends = pd.Series(_period_end(distinct).to_numpy(), index=distinct.to_numpy())
    return period.map(ends).astype("datetime64[ns]")


def _period_end(period: pd.Series) -> pd.Series:
    text = period.astype("str")
    yearly = text.str.len() == 4
    month_start = pd.to_datetime(
        text.where(~yearly, text + "-12").str.cat(pd.Series("-01", index=text.index)),
        format="%Y-%m-%d",
    )
    return (month_start + pd.offsets.MonthEnd(0)).astype("datetime64[ns]")


def known_at(tables: Tables, as_of: pd.Timestamp) -> Tables:
    """The tables as they stood on ``as_of`` (inclusive); undated tables pass unchanged."""
    out = dict(tables)
    employees = tables["employees"]
    out["employees"] = employees[~(employees["hire_date"] > as_of)]
    if "competency_assessments" in tables:
        a = tables["competency_assessments"]
        out["competency_assessments"] = a[a["assessed_on"] <= as_of]
    if "appraisals" in tables:
        a = tables["appraisals"]
        ends = period_end(a["period"])
        out["appraisals"] = a[(ends <= as_of).to_numpy()].assign(period_end=ends[ends <= as_of])
    if "trainings" in tables:
        t = tables["trainings"]
        out["trainings"] = t[t["end_date"] <= as_of]
    return out
