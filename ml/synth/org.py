"""The organisation: agencies, units, the supervisor hierarchy and who rates whom each year.

Each agency is a tree: a head (JPT), JPT heads of dinas/direktorat, administrators heading
divisions, and pengawas heading units of 10–40 staff (pelaksana and fungsional). Unit heads rotate
between units of their agency now and then, so a rater meets several units over the years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.contract.codes import PNS_GRADES, PPPK_GRADES
from ml.contract.codes import PositionType as PT
from ml.synth.config import SynthConfig
from ml.synth.reference import AGENCIES, GENERAL_CODES, SERVICE_SPECIALISATIONS, Agency

UNITS_PER_DIVISION = 4
DIVISIONS_PER_DINAS = 4
MEAN_UNIT_STAFF = 25


@dataclass
class Organisation:
    """Column arrays of length ``n`` (employees) plus the per-year rater assignment."""

    n: int
    agency: np.ndarray  # agency index into AGENCIES
    position_type: np.ndarray  # str codes
    jenjang: np.ndarray  # fungsional level ("" for others)
    spec: np.ndarray  # primary technical competency code
    spec2: np.ndarray  # secondary technical competency code
    unit: np.ndarray  # unit index (current)
    region: np.ndarray
    gender: np.ndarray
    birth_year: np.ndarray
    hire_date: np.ndarray  # datetime64[D]
    education: np.ndarray
    employment_type: np.ndarray
    grade: np.ndarray
    position_id: np.ndarray
    raters: np.ndarray  # shape (periods, n): the official rater (ATASAN) each year, −1 for none
    unit_of_year: np.ndarray  # shape (periods, n): the unit each employee belongs to each year
    unit_ids: np.ndarray  # unit index → unit_id
    unit_service: np.ndarray  # unit index → faces the public
    unit_agency: np.ndarray  # unit index → agency index
    unit_parent: np.ndarray  # unit index → the unit above it (−1 for an agency's head office)
    unit_kind: np.ndarray  # unit index → UNIT, DIVISION, DINAS or OFFICE
    unit_spec: np.ndarray  # unit index → its technical specialisation


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _pick(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    keys = np.array(list(options))
    p = np.array(list(options.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


@dataclass
class _AgencyTree:
    """Employee positions in one agency, as offsets into the agency's block of employees."""

    ptype: np.ndarray
    unit: np.ndarray  # local unit index of each employee (heads of higher levels: their own)
    parent: np.ndarray  # local index of the supervisor (−1 for the head)
    unit_heads: np.ndarray  # local indices of the unit heads, by unit
    unit_parent: np.ndarray  # local index of the division head above each unit
    unit_region: np.ndarray
    unit_spec: np.ndarray
    unit_service: np.ndarray
    n_units: int  # all units: staff units, divisions, dinas, the head's office
    unit_parent_unit: np.ndarray  # local unit index of the unit above (−1 for the office)
    unit_kind: np.ndarray


def _agency_tree(agency: Agency, n: int, rng: np.random.Generator) -> _AgencyTree:
    overhead = 1 + 1 / UNITS_PER_DIVISION + 1 / (UNITS_PER_DIVISION * DIVISIONS_PER_DINAS)
    units = max(1, round((n - 1) / (MEAN_UNIT_STAFF + overhead)))
    while True:
        divisions = -(-units // UNITS_PER_DIVISION)
        dinas = -(-divisions // DIVISIONS_PER_DINAS)
        staff = n - 1 - dinas - divisions - units
        if staff >= units or units == 1:
            break
        units -= 1
    sizes = largest_remainder(rng.uniform(10, 40, units), staff)
    sizes = np.maximum(sizes, 0)

    regions = np.sort(_pick(rng, agency.regions, units))  # divisions stay within one region
    specs = _pick(rng, agency.technical, units)
    service = np.isin(specs, list(SERVICE_SPECIALISATIONS)) | (
        rng.random(units) < agency.service_share
    )

    head, first_dinas = 0, 1
    first_div = first_dinas + dinas
    first_unit_head = first_div + divisions
    first_staff = first_unit_head + units
    div_of_unit = np.arange(units) // UNITS_PER_DIVISION
    dinas_of_div = np.arange(divisions) // DIVISIONS_PER_DINAS

    staff_unit = np.repeat(np.arange(units), sizes)
    n_local = first_staff + len(staff_unit)
    ptype = np.empty(n_local, dtype=object)
    ptype[head] = agency.head.value
    ptype[first_dinas:first_div] = (
        PT.JPT_MADYA.value if agency.head is PT.JPT_UTAMA else PT.JPT_PRATAMA.value
    )
    ptype[first_div:first_unit_head] = PT.ADMINISTRATOR.value
    ptype[first_unit_head:first_staff] = PT.PENGAWAS.value
    fungsional_p = np.where(
        np.isin(specs[staff_unit], list(SERVICE_SPECIALISATIONS)), 0.85, agency.fungsional_share
    )
    ptype[first_staff:] = np.where(
        rng.random(len(staff_unit)) < fungsional_p, PT.FUNGSIONAL.value, PT.PELAKSANA.value
    )

    # Unit numbering: staff units 0..units−1, then divisions, dinas, and the head's office.
    div_unit = units + np.arange(divisions)
    dinas_unit = units + divisions + np.arange(dinas)
    office_unit = units + divisions + dinas
    unit = np.empty(n_local, dtype=np.int64)
    unit[head] = office_unit
    unit[first_dinas:first_div] = dinas_unit
    unit[first_div:first_unit_head] = div_unit
    unit[first_unit_head:first_staff] = np.arange(units)
    unit[first_staff:] = staff_unit

    parent = np.empty(n_local, dtype=np.int64)
    parent[head] = -1
    parent[first_dinas:first_div] = head
    parent[first_div:first_unit_head] = first_dinas + dinas_of_div
    unit_parent = first_div + div_of_unit
    parent[first_unit_head:first_staff] = unit_parent
    parent[first_staff:] = first_unit_head + staff_unit

    first_unit_of_div = np.arange(divisions) * UNITS_PER_DIVISION
    first_div_of_dinas = np.arange(dinas) * DIVISIONS_PER_DINAS
    main_spec = max(agency.technical, key=agency.technical.__getitem__)
    unit_region = np.concatenate(
        [
            regions,
            regions[first_unit_of_div],
            regions[first_unit_of_div[first_div_of_dinas]],
            [next(iter(agency.regions))],
        ]
    )
    unit_spec = np.concatenate([specs, np.full(divisions + dinas + 1, main_spec)])
    unit_service = np.concatenate([service, np.zeros(divisions + dinas + 1, dtype=bool)])
    # The unit tree (no random draws: the same seed keeps every other table unchanged).
    unit_parent_unit = np.concatenate(
        [div_unit[div_of_unit], dinas_unit[dinas_of_div], np.full(dinas, office_unit), [-1]]
    )
    unit_kind = np.array(
        ["UNIT"] * units + ["DIVISION"] * divisions + ["DINAS"] * dinas + ["OFFICE"], dtype=object
    )
    return _AgencyTree(
        ptype, unit, parent, first_unit_head + np.arange(units), unit_parent,
        unit_region, unit_spec, unit_service, office_unit + 1, unit_parent_unit, unit_kind,
    )  # fmt: skip


def agency_sizes(employees: int) -> np.ndarray:
    """Employees per agency (in ``AGENCIES`` order): the national mix at any size."""
    return largest_remainder(np.array([a.weight for a in AGENCIES]), employees)


def build_organisation(
    config: SynthConfig,
    rng: np.random.Generator,
    per_agency: np.ndarray | None = None,
    block: int | None = None,
) -> Organisation:
    """Draw the whole organisation for ``config.employees`` people.

    ``per_agency`` (a shard of a sharded run) overrides the national mix, agencies with no one
    left out; ``block`` numbers the shard's units apart from other blocks of the same agency.
    """
    per_agency = agency_sizes(config.employees) if per_agency is None else per_agency
    periods = config.periods

    blocks: dict[str, list[np.ndarray]] = {k: [] for k in ("agency", "ptype", "unit")}
    unit_region, unit_spec, unit_service, unit_agency, unit_ids = [], [], [], [], []
    unit_parent, unit_kind = [], []
    raters_blocks, unit_year_blocks = [], []
    offset = unit_offset = 0
    for a_idx, (agency, n_a) in enumerate(zip(AGENCIES, per_agency, strict=True)):
        if n_a == 0:  # only in a shard: the national mix staffs every agency
            continue
        tree = _agency_tree(agency, int(n_a), rng)
        n_local = len(tree.ptype)
        blocks["agency"].append(np.full(n_local, a_idx))
        blocks["ptype"].append(tree.ptype)
        unit_region.append(tree.unit_region)
        unit_spec.append(tree.unit_spec)
        unit_service.append(tree.unit_service)
        unit_agency.append(np.full(tree.n_units, a_idx))
        unit_parent.append(
            np.where(tree.unit_parent_unit >= 0, tree.unit_parent_unit + unit_offset, -1)
        )
        unit_kind.append(tree.unit_kind)
        prefix = agency.agency_id if block is None else f"{agency.agency_id}-W{block:02d}"
        unit_ids.append(np.array([f"{prefix}-U{u + 1:04d}" for u in range(tree.n_units)]))

        # Unit heads rotate: each year a share of units swap heads among themselves.
        heads = tree.unit_heads.copy()
        raters = np.empty((periods, n_local), dtype=np.int64)
        units_year = np.empty((periods, n_local), dtype=np.int64)
        for y in range(periods):
            if y > 0 and len(heads) > 1:
                moving = np.flatnonzero(rng.random(len(heads)) < config.rotation_rate)
                if len(moving) > 1:
                    heads[moving] = heads[rng.permutation(moving)]
            parent = tree.parent.copy()
            unit = tree.unit.copy()
            unit[heads] = np.arange(len(heads))
            parent[heads] = tree.unit_parent
            is_staff = np.isin(tree.ptype, [PT.PELAKSANA.value, PT.FUNGSIONAL.value])
            parent[is_staff] = heads[tree.unit[is_staff]]
            raters[y] = np.where(parent >= 0, parent + offset, -1)
            units_year[y] = unit + unit_offset
        raters_blocks.append(raters)
        unit_year_blocks.append(units_year)
        blocks["unit"].append(units_year[-1])
        offset += n_local
        unit_offset += tree.n_units

    agency_arr = np.concatenate(blocks["agency"])
    ptype = np.concatenate(blocks["ptype"]).astype(str)
    unit = np.concatenate(blocks["unit"])
    u_region = np.concatenate(unit_region)
    u_spec = np.concatenate(unit_spec)
    n = len(ptype)
    spec = u_spec[unit]
    # The second technical competency: the agency's main one, or its runner-up for specialists
    # in the main one.
    main = np.array([next(iter(a.technical)) for a in AGENCIES])[agency_arr]
    runner_up = np.array([list(a.technical)[1] for a in AGENCIES])[agency_arr]
    people = _people(config, rng, agency_arr, ptype, spec)
    org = Organisation(
        n=n,
        agency=agency_arr,
        position_type=ptype,
        jenjang=people["jenjang"],
        spec=spec,
        spec2=np.where(spec != main, main, runner_up),
        unit=unit,
        region=u_region[unit],
        gender=people["gender"],
        birth_year=people["birth_year"],
        hire_date=people["hire_date"],
        education=people["education"],
        employment_type=people["employment_type"],
        grade=people["grade"],
        position_id=np.empty(n, dtype=object),
        raters=np.concatenate(raters_blocks, axis=1),
        unit_of_year=np.concatenate(unit_year_blocks, axis=1),
        unit_ids=np.concatenate(unit_ids),
        unit_service=np.concatenate(unit_service),
        unit_agency=np.concatenate(unit_agency),
        unit_parent=np.concatenate(unit_parent),
        unit_kind=np.concatenate(unit_kind),
        unit_spec=u_spec,
    )
    org.position_id = position_ids(org)
    return org


_EDUCATION = {
    PT.PELAKSANA: {"SMP": 0.03, "SMA": 0.35, "D3": 0.2, "S1": 0.4, "S2": 0.02},
    PT.FUNGSIONAL: {"D3": 0.2, "D4": 0.05, "S1": 0.55, "S2": 0.18, "S3": 0.02},
    PT.PENGAWAS: {"D3": 0.05, "S1": 0.6, "S2": 0.35},
    PT.ADMINISTRATOR: {"S1": 0.35, "S2": 0.6, "S3": 0.05},
    PT.JPT_PRATAMA: {"S2": 0.75, "S3": 0.25},
    PT.JPT_MADYA: {"S2": 0.65, "S3": 0.35},
    PT.JPT_UTAMA: {"S2": 0.5, "S3": 0.5},
}
# Age at the end of the last period: (minimum, span, beta a, beta b); ASN skews older.
_AGE = {
    PT.PELAKSANA: (21, 37, 2.2, 1.6),
    PT.FUNGSIONAL: (23, 35, 2.0, 1.6),
    PT.PENGAWAS: (32, 24, 2.0, 1.4),
    PT.ADMINISTRATOR: (38, 19, 2.0, 1.3),
    PT.JPT_PRATAMA: (43, 15, 2.0, 1.2),
    PT.JPT_MADYA: (46, 13, 2.0, 1.2),
    PT.JPT_UTAMA: (48, 12, 2.0, 1.2),
}
_SHARE_WOMEN = {
    PT.PELAKSANA: 0.45, PT.FUNGSIONAL: 0.55, PT.PENGAWAS: 0.42, PT.ADMINISTRATOR: 0.32,
    PT.JPT_PRATAMA: 0.2, PT.JPT_MADYA: 0.15, PT.JPT_UTAMA: 0.15,
}  # fmt: skip
# PNS golongan index (0 = I/a) at entry, by education; promotion roughly every four years.
_ENTRY_GRADE = {"SD": 0, "SMP": 2, "SMA": 4, "D1": 5, "D2": 5, "D3": 6, "D4": 8, "S1": 8,
                "S2": 9, "S3": 10}  # fmt: skip
_GRADE_RANGE = {
    PT.PELAKSANA: (4, 11), PT.PENGAWAS: (9, 11), PT.ADMINISTRATOR: (10, 13),
    PT.JPT_PRATAMA: (12, 14), PT.JPT_MADYA: (14, 15), PT.JPT_UTAMA: (15, 16),
}  # fmt: skip
PPPK_FROM = 2019  # first PPPK appointments (UU 5/2014, PP 49/2018)
_SKILLED = frozenset({"D4", "S1", "S2", "S3"})  # may hold a keahlian (Ahli …) position


def _people(
    config: SynthConfig,
    rng: np.random.Generator,
    agency: np.ndarray,
    ptype: np.ndarray,
    spec: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(ptype)
    education = np.empty(n, dtype=object)
    age = np.empty(n)
    women = np.empty(n)
    for pt in PT:
        idx = np.flatnonzero(ptype == pt.value)
        education[idx] = _pick(rng, _EDUCATION[pt], len(idx))
        lo, span, a, b = _AGE[pt]
        age[idx] = lo + span * rng.beta(a, b, len(idx))
        women[idx] = _SHARE_WOMEN[pt]
    women = np.where(np.isin(spec, ["T-KES", "T-PEND"]) & (ptype == PT.FUNGSIONAL), 0.68, women)
    gender = np.where(rng.random(n) < women, "P", "L")
    age = np.floor(age).astype(np.int64)
    birth_year = config.end_year - age

    staff = np.isin(ptype, [PT.PELAKSANA.value, PT.FUNGSIONAL.value])
    pppk_share = np.array([AGENCIES[a].pppk_share for a in agency])
    # PPPK recruitment began in 2019, mostly of experienced teachers and health workers.
    pppk = staff & (rng.random(n) < pppk_share) & (config.end_year >= PPPK_FROM)
    hire_age = np.where(
        np.isin(education, ["SMP", "SMA", "D3"]), rng.uniform(19, 29, n), rng.uniform(22, 33, n)
    )
    hire_year = np.minimum(birth_year + np.floor(hire_age).astype(np.int64), config.end_year)
    pppk_year = rng.integers(
        max(PPPK_FROM, config.start_year - 2), max(PPPK_FROM, config.end_year) + 1, n
    )
    hire_year = np.where(pppk, np.maximum(pppk_year, birth_year + 22), hire_year)
    # Supervisors and executives rate from the first period on: they served before it.
    hire_year = np.where(staff, hire_year, np.minimum(hire_year, config.start_year - 2))
    hire_year = np.minimum(hire_year, config.end_year)
    hire_date = hire_year.astype(str).astype("datetime64[Y]").astype(
        "datetime64[D]"
    ) + rng.integers(0, 365, n).astype("timedelta64[D]")
    tenure = config.end_year - hire_year

    entry = np.array([_ENTRY_GRADE[e] for e in education])
    raw = entry + tenure // 4
    grade_idx = raw.copy()
    for pt, (lo, hi) in _GRADE_RANGE.items():
        sel = ptype == pt.value
        grade_idx[sel] = np.clip(raw[sel], lo, hi)
    skilled = np.isin(education, list(_SKILLED))
    fung = ptype == PT.FUNGSIONAL.value
    grade_idx[fung] = np.where(skilled[fung], np.clip(raw[fung], 8, 16), np.clip(raw[fung], 4, 11))
    pppk_idx = np.clip(entry + tenure // 5, 4, 12)
    grade = np.where(pppk, np.array(PPPK_GRADES)[pppk_idx], np.array(PNS_GRADES)[grade_idx])

    # Functional level (jenjang) from grade: PNS golongan, or the PPPK grade equivalent.
    level = np.where(pppk, pppk_idx, grade_idx)
    ahli = np.select(
        [level <= 9, level <= 11, level <= 14], ["AHLI_PERTAMA", "AHLI_MUDA", "AHLI_MADYA"],
        "AHLI_UTAMA",
    )  # fmt: skip
    terampil = np.select([level <= 7, level <= 9], ["TERAMPIL", "MAHIR"], "PENYELIA")
    jenjang = np.where(fung, np.where(skilled, ahli, terampil), "")
    return {
        "education": education.astype(str),
        "birth_year": birth_year,
        "gender": gender,
        "hire_date": hire_date,
        "employment_type": np.where(pppk, "PPPK", "PNS"),
        "grade": grade,
        "jenjang": jenjang,
    }


def position_ids(org: Organisation) -> np.ndarray:
    """``AGENCY-TYPE[-JENJANG]-SPEC``: a position is a type at a level with a specialisation."""
    agency_ids = np.array([a.agency_id for a in AGENCIES])[org.agency]
    parts = pd.Series(agency_ids) + "-" + pd.Series(org.position_type)
    jenjang = pd.Series(org.jenjang)
    parts = parts.where(jenjang == "", parts + "-" + jenjang)
    return (parts + "-" + pd.Series(org.spec).str.removeprefix("T-")).to_numpy(dtype=object)


# Required level of (managerial and socio-cultural, primary technical, secondary technical) by
# position type or functional level: the common pattern of competencies.md (configurable there).
REQUIRED_LEVELS = {
    "JPT_UTAMA": (5, 4, 3), "JPT_MADYA": (5, 4, 3), "JPT_PRATAMA": (4, 4, 3),
    "ADMINISTRATOR": (3, 3, 3), "PENGAWAS": (3, 3, 2), "PELAKSANA": (2, 2, 1),
    "TERAMPIL": (1, 2, 1), "MAHIR": (2, 2, 1), "PENYELIA": (2, 3, 2),
    "AHLI_PERTAMA": (2, 3, 2), "AHLI_MUDA": (3, 3, 2), "AHLI_MADYA": (3, 4, 3),
    "AHLI_UTAMA": (4, 5, 3),
}  # fmt: skip


def position_requirements(
    org: Organisation,
    rng: np.random.Generator,
    jitter: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> pd.DataFrame:
    """One row per (position, competency): the managerial set, SK1 and two technical codes.

    Within a position some managerial levels sit one above or below the pattern, as agency
    standards do. ``jitter(position_ids, n_codes)`` draws those steps instead of ``rng`` (a
    sharded run draws them per position, so that every shard agrees on a shared position).
    """
    first = pd.DataFrame(
        {
            "position_id": org.position_id,
            "level_key": np.where(org.jenjang != "", org.jenjang, org.position_type),
            "spec": org.spec,
            "spec2": org.spec2,
        }
    ).drop_duplicates("position_id")
    first = first.sort_values("position_id", kind="stable").reset_index(drop=True)
    base = np.array([REQUIRED_LEVELS[k] for k in first["level_key"]])
    n_pos, n_gen = len(first), len(GENERAL_CODES)
    steps = (
        rng.choice([-1, 0, 0, 0, 0, 1], size=(n_pos, n_gen))
        if jitter is None
        else jitter(first["position_id"].to_numpy(), n_gen)
    )
    general = base[:, [0]] + steps
    general = np.clip(general, 1, 5)
    frame = pd.DataFrame(
        {
            "position_id": np.repeat(first["position_id"].to_numpy(), n_gen + 2),
            "competency_code": np.column_stack(
                [np.tile(GENERAL_CODES, (n_pos, 1)), first["spec"], first["spec2"]]
            ).ravel(),
            "required_level": np.column_stack([general, base[:, 1], base[:, 2]]).ravel(),
        }
    )
    return frame.astype({"required_level": "int64"})
