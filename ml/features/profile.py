"""An employee's profile on a date: the deterministic core alone (design §2), no model.

Predikat history (official ratings, predikat by the rule), each required competency's level and
gap, Job-Person Match (JPM) with its category, the 9-box placement, and development hours (JP,
jam pelajaran: the 20-hour yearly minimum) this year and last. Pure functions over the tables and
a :class:`~ml.features.pipeline.FeatureSet`; each profile is a JSON-ready ``dict``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from ml.contract.names import format_nip, full_name
from ml.features.pipeline import MINIMUM_JP, STALE_MONTHS, FeatureSet
from ml.features.point_in_time import Tables, known_rows
from ml.scoring import (
    development_hours_by_employee,
    follow_up,
    is_talent_pool,
    performance_axis,
    potential_axis,
    predikat_kinerja_many,
    talent_box,
)

EMPLOYEE_FIELDS = (
    "employee_id", "agency_id", "unit_id", "region", "position_id", "position_type", "grade",
    "education", "employment_type",
)  # fmt: skip
COMPETENCY_FIELDS = (
    "employee_id", "competency_code", "competency_group", "required_level", "last_level",
    "last_assessed_on", "gap",
)  # fmt: skip
# Names (personal data, for the roles that read employees; never model inputs). A source without
# them leaves these empty and the pages show the codes.
NAME_FIELDS = ("name", "front_title", "back_title")
JPM_FIELDS = ("jpm_known_percent", "jpm_known_category", "n_gaps_known", "n_competencies")


def employee_profiles(
    tables: Tables, features: FeatureSet, as_of: pd.Timestamp
) -> Iterator[dict[str, Any]]:
    """One profile per employee of ``features``, in its order."""
    as_of = pd.Timestamp(as_of)
    history = predikat_history(tables.get("appraisals"), as_of)
    names = _competency_names(tables.get("competencies"))
    lookup = {
        "unit_name": _names_of(tables.get("units"), "unit_id"),
        "position_name": _names_of(tables.get("positions"), "position_id"),
    }
    competencies: dict[str, list[dict[str, Any]]] = {}
    for row in features.competencies[list(COMPETENCY_FIELDS)].itertuples(index=False):
        competencies.setdefault(str(row.employee_id), []).append(_competency(row, names))
    trainings = tables.get("trainings")
    years = (as_of.year - 1, as_of.year)
    jp = {year: _jp_taken(trainings, as_of, year) for year in years}
    employees = tables["employees"]
    fields = [f for f in (*EMPLOYEE_FIELDS, *NAME_FIELDS) if f in employees.columns]
    roster = {
        str(row[0]): _named({f: json_value(v) for f, v in zip(fields, row, strict=True)}, lookup)
        for row in employees[fields].itertuples(index=False)
    }
    wide = features.employees[["employee_id", *JPM_FIELDS]].itertuples(index=False)
    for employee_id, *jpm_values in wide:
        periods = history.get(employee_id, [])
        jpm = _jpm(dict(zip(JPM_FIELDS, jpm_values, strict=True)))
        yield {
            **{f: None for f in (*EMPLOYEE_FIELDS, *NAME_FIELDS, *DISPLAY_FIELDS)},
            **roster[employee_id],
            "as_of": as_of.date().isoformat(),
            "predikat_history": periods,
            "competencies": competencies.get(employee_id, []),
            "jpm": jpm,
            "talent": _talent(periods, jpm["percent"]),
            "development": {
                "minimum_jp": MINIMUM_JP,
                "years": [
                    {
                        "year": year,
                        "jp_taken": jp[year].get(employee_id, 0),
                        "shortfall": max(0, MINIMUM_JP - jp[year].get(employee_id, 0)),
                        "complete": year < as_of.year,
                    }
                    for year in years
                ],
            },
        }


DISPLAY_FIELDS = ("full_name", "nip", "unit_name", "position_name")


def _named(person: dict[str, Any], lookup: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The person with the names a page shows: the full name with titles, the spaced NIP and
    the names of the unit and position (None where the source has none)."""
    return {
        **person,
        "full_name": full_name(
            person.get("name"), person.get("front_title"), person.get("back_title")
        ),
        "nip": format_nip(str(person["employee_id"])),
        "unit_name": lookup["unit_name"].get(str(person.get("unit_id"))),
        "position_name": lookup["position_name"].get(str(person.get("position_id"))),
    }


def _names_of(table: pd.DataFrame | None, key: str) -> dict[str, str]:
    if table is None or "name" not in table.columns:
        return {}
    known = table[table["name"].notna().to_numpy()]
    return dict(zip(known[key].astype("str"), known["name"].astype("str"), strict=True))


def predikat_history(
    appraisals: pd.DataFrame | None, as_of: pd.Timestamp
) -> dict[str, list[dict[str, Any]]]:
    """Per employee, the official (ATASAN) ratings of each period ended by ``as_of``, oldest
    first, with the predikat given by the rule (PermenPAN-RB 6/2022), not the stored one."""
    if appraisals is None or appraisals.empty:
        return {}
    known = appraisals[known_rows("appraisals", appraisals, as_of)]
    official = known[(known["rater_role"].astype("str") == "ATASAN").to_numpy()]
    official = official.sort_values(["employee_id", "period"], kind="stable")
    predikat = predikat_kinerja_many(official["hasil_kerja_rating"], official["perilaku_rating"])
    out: dict[str, list[dict[str, Any]]] = {}
    columns = official[["employee_id", "period", "hasil_kerja_rating", "perilaku_rating"]]
    for (employee_id, period, hasil, perilaku), p in zip(
        columns.itertuples(index=False), predikat, strict=True
    ):
        out.setdefault(str(employee_id), []).append(
            {
                "period": str(period),
                "hasil_kerja_rating": str(hasil),
                "perilaku_rating": str(perilaku),
                "predikat": str(p),
            }
        )
    return out


def _competency(row: Any, names: dict[str, str]) -> dict[str, Any]:
    gap = json_value(row.gap)
    return {
        "competency_code": row.competency_code,
        "name": names.get(row.competency_code, row.competency_code),
        "group": row.competency_group,
        "required_level": json_value(row.required_level),
        "last_level": json_value(row.last_level),
        "last_assessed_on": json_value(row.last_assessed_on),
        "gap": gap,
        # unknown: never assessed, or assessed more than STALE_MONTHS ago (design §2.3)
        "gap_known": gap is not None,
    }


def _jpm(wide: dict[str, Any]) -> dict[str, Any]:
    return {
        "percent": json_value(wide["jpm_known_percent"]),
        "category": json_value(wide["jpm_known_category"]),
        "competencies_known": json_value(wide["n_gaps_known"]),
        "competencies_required": json_value(wide["n_competencies"]),
        "stale_after_months": STALE_MONTHS,
    }


def _talent(periods: list[dict[str, Any]], jpm_percent: float | None) -> dict[str, Any]:
    """The 9-box (PermenPAN-RB 3/2020) from the last two years' predikat and the JPM; ``box`` is
    None, with the reason, when either axis has no evidence."""
    yearly: dict[str, str] = {}
    for p in periods:  # the last period of each year stands for the year
        yearly[p["period"][:4]] = p["predikat"]
    missing = []
    if not yearly:
        missing.append("no official appraisal")
    if jpm_percent is None:
        missing.append(f"no competency assessed in the last {STALE_MONTHS} months")
    if missing or jpm_percent is None:
        return {"box": None, "why_unknown": "; ".join(missing)}
    performance = performance_axis([yearly[y] for y in sorted(yearly)])
    potential = potential_axis(jpm_percent)
    box = talent_box(performance, potential)
    return {
        "box": box,
        "performance": performance.value,
        "potential": potential.value,
        "talent_pool": is_talent_pool(box),
        "follow_up": follow_up(box),
    }


def _jp_taken(trainings: pd.DataFrame | None, as_of: pd.Timestamp, year: int) -> dict[str, int]:
    if trainings is None or trainings.empty:
        return {}
    known = trainings[(trainings["end_date"] < as_of).fillna(False).to_numpy()]
    taken = development_hours_by_employee(known, year)["jp_taken"]
    return {str(k): int(v) for k, v in taken.items()}


def _competency_names(competencies: pd.DataFrame | None) -> dict[str, str]:
    if competencies is None:
        return {}
    return dict(
        zip(
            competencies["competency_code"].astype("str"),
            competencies["name"].astype("str"),
            strict=True,
        )
    )


def json_value(value: Any, digits: int | None = 6) -> Any:
    """A JSON value: None for missing, ISO dates, Python numbers; for display (``digits``
    given) whole floats as ints and the rest rounded, otherwise the float as it is (a float32
    becomes the float64 of the same value, exactly)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and digits is not None:
        return int(value) if value.is_integer() else round(value, digits)
    if isinstance(value, int | bool | str | float):
        return value
    return str(value)
