"""How the workforce evolves over the periods: latent competencies, training, assessments, ratings.

The latent level of employee e in competency k (a real number on the 1–5 scale, kept within
0.6–5.4 so that it rounds to a level 1–5) starts near the
position's requirement, drifts with experience, and rises when a training programme that targets k
is completed (less so near the programme's ``max_level``). Assessments observe it sparsely with
method-dependent noise; KPI attainment and service users' feedback depend on it; the official
rater turns the resulting performance into two ekspektasi ratings, adding the rater's bias where the
ground truth says so. Years are simulated in turn; within a year every step is vectorised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.contract.codes import PositionType as PT
from ml.contract.protected import age_band
from ml.scoring import predikat_kinerja_many
from ml.synth.config import SynthConfig
from ml.synth.org import Organisation
from ml.synth.reference import AGENCIES, ALL_CODES, CATALOG, GENERAL_CODES

DAYS = 365
RATING_CUTS = (0.5, 1.5)  # latent rating score below 0.5 is DI_BAWAH, from 1.5 DI_ATAS


def _steps(latent: np.ndarray) -> np.ndarray:
    """The ekspektasi rating cut from a latent score, as 0 (DI_BAWAH), 1 or 2 (DI_ATAS)."""
    return np.searchsorted(RATING_CUTS, latent, side="right").astype(np.float64)


RATINGS = np.array(["DI_BAWAH", "SESUAI", "DI_ATAS"])
NOISE = {"ASSESSMENT_CENTER": 0.35, "UJI_KOMPETENSI": 0.4, "PENILAIAN_360": 0.6, "LAINNYA": 0.7}
DURATION_JP_PER_DAY = {"KLASIKAL": 8.0, "BLENDED": 5.0, "E_LEARNING": 1.5}
CODE_INDEX = {c: i for i, c in enumerate(ALL_CODES)}
LATSAR = "LAN-LATSAR"
COMPETENCE_SD = 0.75  # spread of a person's mean level around the requirements, in levels


@dataclass
class Competencies:
    """Each employee's competency slots: 9 general codes, then primary and secondary technical."""

    code: np.ndarray  # (n, K) global code index
    required: np.ndarray  # (n, K) required level
    is_general: np.ndarray  # (K,) bool


def competency_slots(org: Organisation, requirements: pd.DataFrame) -> Competencies:
    n, k_gen = org.n, len(GENERAL_CODES)
    codes = np.empty((n, k_gen + 2), dtype=np.int64)
    codes[:, :k_gen] = np.arange(k_gen)
    codes[:, k_gen] = [CODE_INDEX[c] for c in org.spec]
    codes[:, k_gen + 1] = [CODE_INDEX[c] for c in org.spec2]
    lookup = requirements.assign(code=requirements["competency_code"].map(CODE_INDEX))
    key = pd.MultiIndex.from_frame(lookup[["position_id", "code"]])
    levels = pd.Series(lookup["required_level"].to_numpy(), index=key)
    wanted = pd.MultiIndex.from_arrays([np.repeat(org.position_id, k_gen + 2), codes.ravel()])
    required = levels.reindex(wanted).to_numpy().reshape(n, k_gen + 2).astype(np.int64)
    return Competencies(codes, required, np.arange(k_gen + 2) < k_gen)


@dataclass
class Program:
    """The catalog as arrays: which codes each programme covers and its true effect on each."""

    ids: np.ndarray
    covers: np.ndarray  # (P, C) bool
    effect: np.ndarray  # (P, C) true gain per completion in levels, 0 where not covered
    max_level: np.ndarray
    jp: np.ndarray
    mode: np.ndarray


def program_arrays(config: SynthConfig, rng: np.random.Generator) -> Program:
    n_p, n_c = len(CATALOG), len(ALL_CODES)
    covers = np.zeros((n_p, n_c), dtype=bool)
    effect = np.zeros((n_p, n_c))
    for p, prog in enumerate(CATALOG):
        idx = [CODE_INDEX[c] for c in prog.codes]
        covers[p, idx] = True
        effect[p, idx] = rng.uniform(*prog.effect, len(idx)) * config.training_effect
    return Program(
        ids=np.array([p.program_id for p in CATALOG]),
        covers=covers,
        effect=effect,
        max_level=np.array([p.max_level for p in CATALOG]),
        jp=np.array([p.jp for p in CATALOG]),
        mode=np.array([p.mode for p in CATALOG]),
    )


def _candidates(programs: Program) -> dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]:
    """For a position type and a competency: the programmes one would pick and how likely each."""
    cheapness = 1.0 / (1.0 + np.array([p.cost_idr for p in CATALOG]) / 5e6)
    out = {}
    for pt in PT:
        open_to = np.array(
            [p.program_id != LATSAR and (p.audience is None or pt in p.audience) for p in CATALOG]
        )
        for c in range(len(ALL_CODES)):
            cand = np.flatnonzero(open_to & programs.covers[:, c])
            w = cheapness[cand] * np.where(programs.mode[cand] == "E_LEARNING", 1.5, 1.0)
            out[(pt.value, c)] = (cand, w / w.sum())
    return out


@dataclass
class History:
    assessments: pd.DataFrame
    trainings: pd.DataFrame
    appraisals: pd.DataFrame
    latent_levels: pd.DataFrame
    assessment_truth: pd.DataFrame
    appraisal_truth: pd.DataFrame
    rater_biases: pd.DataFrame
    program_effects: pd.DataFrame


class Simulation:
    """Runs the years in turn; ``run`` returns every generated table and its ground truth."""

    def __init__(
        self,
        config: SynthConfig,
        org: Organisation,
        comps: Competencies,
        programs: Program,
        nip: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        self.config, self.org, self.comps, self.programs = config, org, comps, programs
        self.nip, self.rng = nip, rng
        self.t0 = np.datetime64(f"{config.start_year}-01-01", "D")
        self.hire_day = (org.hire_date - self.t0).astype(np.int64)  # days since t0
        n, k = comps.code.shape
        # Competencies of one person are strongly correlated (the general factor that dominates
        # assessment-centre ratings): a common ability with a smaller competency-specific part.
        ability = rng.normal(0, 0.7, n)
        agency_eff = rng.normal(0, 0.15, len(AGENCIES))[org.agency]
        _, region_idx = np.unique(org.region, return_inverse=True)
        region_eff = rng.normal(0, 0.1, region_idx.max() + 1)[region_idx]
        base = (
            comps.required
            - 0.1
            + (ability + agency_eff + region_eff)[:, None]
            + rng.normal(0, 0.3, (n, k))
        )
        # Skills erode and standards rise without development; training is what lifts levels.
        self.drift = rng.normal(-0.03, 0.06, (n, k))
        self.propensity = rng.gamma(2.0, 0.5, n)
        self.level_start = [np.clip(base, 0.6, 5.4)]  # latent at 1 January of each year
        self.gain_by_year = np.zeros((config.periods + 1, n, k))
        self.events: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (slot, end day, gain)
        self.candidates = _candidates(programs)

    def year_start(self, y: int) -> int:
        return int(
            (np.datetime64(f"{self.config.start_year + y}-01-01", "D") - self.t0).astype(int)
        )

    def run(self, progress: Callable[[str], None] | None = None) -> History:
        trainings, assessments, truths = [], [], []
        for y in range(self.config.periods):
            if progress:
                progress(f"year {self.config.start_year + y}")
            trainings.append(self._trainings(y))
            a, t = self._assessments(y)
            assessments.append(a)
            truths.append(t)
            active = self.hire_day < self.year_start(y + 1)
            nxt = self.level_start[y] + self.drift * active[:, None] + self.gain_by_year[y]
            self.level_start.append(np.clip(nxt, 0.6, 5.4))
        if progress:
            progress("appraisals")
        appraisals, appraisal_truth, biases = self._appraisals()
        return History(
            assessments=pd.concat(assessments, ignore_index=True),
            trainings=pd.concat(trainings, ignore_index=True),
            appraisals=appraisals,
            latent_levels=self._latent_levels(),
            assessment_truth=pd.concat(truths, ignore_index=True),
            appraisal_truth=appraisal_truth,
            rater_biases=biases,
            program_effects=self._program_effects(),
        )

    # -- training -------------------------------------------------------------------------
    def _trainings(self, y: int) -> pd.DataFrame:
        rng, org, comps, progs = self.rng, self.org, self.comps, self.programs
        start, end_of_year = self.year_start(y), self.year_start(y + 1)
        active = self.hire_day < end_of_year
        count = rng.poisson(1.5 * self.propensity) * active
        emp = np.repeat(np.arange(org.n), count)
        # Planners aim at visible gaps, imperfectly: a noisy arg-max over the employee's slots.
        perceived = comps.required[emp] - self.level_start[y][emp]
        slot = np.argmax(perceived + rng.gumbel(0, 0.6, perceived.shape), axis=1)
        code = comps.code[emp, slot]
        program = np.empty(len(emp), dtype=np.int64)
        ptype = org.position_type[emp]
        for (pt, c), (cand, w) in self.candidates.items():
            sel = np.flatnonzero((ptype == pt) & (code == c))
            if len(sel):
                program[sel] = cand[rng.choice(len(cand), size=len(sel), p=w)]
        # New civil servants (CPNS) take Latsar in their first year.
        latsar = np.flatnonzero(
            (self.hire_day >= start)
            & (self.hire_day < end_of_year)
            & (org.employment_type == "PNS")
            & np.isin(org.position_type, [PT.PELAKSANA.value, PT.FUNGSIONAL.value])
        )
        emp = np.concatenate([emp, latsar])
        program = np.concatenate(
            [program, np.full(len(latsar), np.flatnonzero(progs.ids == LATSAR)[0])]
        )

        day = np.maximum(start + rng.integers(0, DAYS, len(emp)), self.hire_day[emp])
        keep = day < end_of_year
        emp, program, day = emp[keep], program[keep], day[keep]
        jp = progs.jp[program]
        per_day = np.array([DURATION_JP_PER_DAY[m] for m in progs.mode[program]])
        duration = np.ceil(jp / per_day).astype(np.int64)
        end = day + duration - 1
        last_day = self.year_start(self.config.periods) - 1
        drop_p = 0.05 + 0.05 * (jp > 100)
        dropped = rng.random(len(emp)) < drop_p
        enrolled = ~dropped & (end > last_day)
        completed = ~dropped & ~enrolled
        drop_day = np.minimum(day + np.floor(rng.random(len(emp)) * duration).astype(int), last_day)
        end = np.where(dropped, drop_day, end)

        # Gains per competency slot, capped by how far the programme can take a participant.
        covered = progs.covers[program[:, None], comps.code[emp]]  # (m, K)
        level = self.level_start[y][emp]
        headroom = np.clip(progs.max_level[program][:, None] - level, 0, 1)
        gain = progs.effect[program[:, None], comps.code[emp]] * headroom * covered
        gain *= completed[:, None]
        end_year_idx = np.minimum(
            np.searchsorted(self._year_starts(), end, side="right") - 1, self.config.periods
        )
        rows, slots = np.nonzero(gain > 0)
        np.add.at(self.gain_by_year, (end_year_idx[rows], emp[rows], slots), gain[rows, slots])
        self.events.append((emp[rows] * comps.code.shape[1] + slots, end[rows], gain[rows, slots]))

        gap = np.where(covered, level - comps.required[emp], np.nan)
        readiness = np.nan_to_num(np.nanmean(np.where(covered, gap, np.nan), axis=1))
        score = 62 + 9 * readiness + 12 * gain.sum(axis=1) + rng.normal(0, 7, len(emp))
        frame = pd.DataFrame(
            {
                "employee_id": self.nip[emp],
                "program_id": progs.ids[program],
                "start_date": self.t0 + day.astype("timedelta64[D]"),
                "end_date": self.t0 + end.astype("timedelta64[D]"),
                "jp": jp,
                "status": np.select([completed, dropped], ["COMPLETED", "DROPPED"], "ENROLLED"),
                "post_score": np.where(completed, np.round(np.clip(score, 0, 100), 1), np.nan),
            }
        )
        return frame.drop_duplicates(["employee_id", "program_id", "start_date"])

    def _year_starts(self) -> np.ndarray:
        return np.array([self.year_start(y) for y in range(self.config.periods + 1)])

    # -- assessments ----------------------------------------------------------------------
    def _latent_at(self, y: int, emp: np.ndarray, slot: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Latent level at an absolute day within year ``y`` (point-in-time, training included)."""
        k = self.comps.code.shape[1]
        start = self.year_start(y)
        level = self.level_start[y][emp, slot] + self.drift[emp, slot] * (day - start) / DAYS
        if any(len(e[0]) for e in self.events):
            ek = np.concatenate([e[0] for e in self.events])
            ed = np.concatenate([e[1] for e in self.events])
            eg = np.concatenate([e[2] for e in self.events])
            in_year = (ed >= start) & (ed < self.year_start(y + 1))
            ek, ed, eg = ek[in_year], ed[in_year], eg[in_year]
            span = np.int64(DAYS * (self.config.periods + 2))
            key = ek.astype(np.int64) * span + ed
            order = np.argsort(key, kind="stable")
            key, ek, cum = key[order], ek[order], np.cumsum(eg[order])
            query = (emp * k + slot).astype(np.int64) * span + day
            pos = np.searchsorted(key, query, side="left") - 1  # events ending before the day
            first = np.searchsorted(key, (emp * k + slot).astype(np.int64) * span, side="left") - 1
            valid = pos >= 0
            before = np.where(valid, cum[np.maximum(pos, 0)], 0.0)
            base = np.where(first >= 0, cum[np.maximum(first, 0)], 0.0)
            level = level + np.where(valid & (pos > first), before - base, 0.0)
        return np.clip(level, 0.6, 5.4)

    def _assessments(self, y: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng, org, comps, rate = self.rng, self.org, self.comps, self.config.assessment_rate
        start, stop = self.year_start(y), self.year_start(y + 1)
        n, k = comps.code.shape
        structural = ~np.isin(org.position_type, [PT.PELAKSANA.value, PT.FUNGSIONAL.value])
        peer = np.array([AGENCIES[a].peer_review for a in org.agency])
        fung = org.position_type == PT.FUNGSIONAL.value
        general = np.flatnonzero(comps.is_general)
        technical = np.flatnonzero(~comps.is_general)
        events = [
            ("ASSESSMENT_CENTER", np.where(structural, 0.4, 0.15), general),
            ("PENILAIAN_360", np.where(peer, 0.3, 0.0), general),
            ("UJI_KOMPETENSI", np.where(fung, 0.35, 0.15), technical),
            ("LAINNYA", np.full(n, 0.1), None),
        ]
        frames, truths = [], []
        for method, p, slots in events:
            who = np.flatnonzero(rng.random(n) < np.clip(p * rate, 0, 1))
            day = np.maximum(start + rng.integers(0, DAYS, len(who)), self.hire_day[who])
            who, day = who[day < stop], day[day < stop]
            if slots is None:
                emp, slot, when = who, rng.integers(0, k, len(who)), day
            else:
                emp = np.repeat(who, len(slots))
                slot = np.tile(slots, len(who))
                when = np.repeat(day, len(slots))
            latent = self._latent_at(y, emp, slot, when)
            observed = np.clip(np.rint(latent + rng.normal(0, NOISE[method], len(emp))), 1, 5)
            codes = np.array(ALL_CODES)[comps.code[emp, slot]]
            dates = self.t0 + when.astype("timedelta64[D]")
            frames.append(
                pd.DataFrame(
                    {
                        "employee_id": self.nip[emp],
                        "competency_code": codes,
                        "assessed_on": dates,
                        "level": observed.astype(np.int64),
                        "method": method,
                    }
                )
            )
            truths.append(
                pd.DataFrame(
                    {
                        "employee_id": self.nip[emp],
                        "competency_code": codes,
                        "assessed_on": dates,
                        "latent_level": np.round(latent, 3),
                    }
                )
            )
        key = ["employee_id", "competency_code", "assessed_on"]
        frame = pd.concat(frames, ignore_index=True)
        keep = ~frame.duplicated(key)
        truth = pd.concat(truths, ignore_index=True)[keep.to_numpy()]
        return frame[keep].reset_index(drop=True), truth.reset_index(drop=True)

    # -- appraisals -----------------------------------------------------------------------
    def _rater_biases(self, ratee: np.ndarray, rater: np.ndarray) -> pd.DataFrame:
        """Draw the biased raters among those who rate as ATASAN, with their kind and size."""
        rng, cfg = self.rng, self.config
        raters = np.unique(rater)
        pairs = pd.DataFrame({"rater": rater, "ratee": ratee}).drop_duplicates()
        n_ratees = pairs.groupby("rater").size().reindex(raters).to_numpy()
        n_biased = round(cfg.biased_raters * len(raters))
        chosen = np.sort(rng.choice(len(raters), size=n_biased, replace=False))
        kind = rng.choice(["LENIENT", "SEVERE", "DIFFERENTIAL"], size=n_biased, p=[0.4, 0.3, 0.3])
        target = np.where(
            kind == "DIFFERENTIAL",
            rng.choice(["gender=P", "age_band=50+"], size=n_biased, p=[0.6, 0.4]),
            "",
        )
        spread = cfg.bias_spread
        magnitude = cfg.bias_magnitude * rng.uniform(1 - spread, 1 + spread, n_biased)
        return pd.DataFrame(
            {
                "rater": raters[chosen],
                "rater_id": self.nip[raters[chosen]],
                "kind": kind,
                "target_group": target,
                "magnitude": np.round(magnitude, 3),
                "n_ratees": n_ratees[chosen],
            }
        )

    def _panel_rater(
        self, official: np.ndarray, ratee: np.ndarray, agency: np.ndarray
    ) -> np.ndarray:
        """Another ATASAN-role rater for each ratee: a random official rater of the same agency
        this year (the official one again where the agency has no other, or the draw is the
        ratee: a duplicate the appraisals drop)."""
        out = official.copy()
        for a in np.unique(agency):
            mine = np.flatnonzero(agency == a)
            pool = np.unique(official[mine])
            pick = pool[self.rng.integers(0, len(pool), len(mine))]
            again = (pick == official[mine]) & (len(pool) > 1)
            # The next rater in the pool instead of the official one: still uniform over others.
            nxt = pool[(np.searchsorted(pool, pick) + 1) % len(pool)]
            out[mine] = np.where(again, nxt, pick)
        return np.where(out == ratee, official, out)

    def _appraisals(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        rng, org, comps, cfg = self.rng, self.org, self.comps, self.config
        n_units = len(org.unit_ids)
        rows = []
        for y in range(cfg.periods):
            # Appraised for the year when hired before October; the head of an agency answers
            # to a minister or regional head, outside the civil-service data.
            ratee = np.flatnonzero(
                (self.hire_day < self.year_start(y) + 273) & (org.raters[y] >= 0)
            )
            official = org.raters[y][ratee]
            panel = [official] + [
                self._panel_rater(official, ratee, org.agency[ratee])
                for _ in range(cfg.official_raters - 1)
            ]
            rows.append((y, ratee, panel))
        all_ratee = np.concatenate([r[1] for r in rows for _ in r[2]])
        all_rater = np.concatenate([x for r in rows for x in r[2]])
        biases = self._rater_biases(all_ratee, all_rater)
        bias_of = biases.set_index("rater")

        frames, truths = [], []
        unit_perf = rng.normal(0, 0.3, (cfg.periods, n_units))
        unit_feedback = np.clip(
            3.7 + 0.35 * unit_perf + rng.normal(0, 0.2, (cfg.periods, n_units)), 1, 5
        )
        general = comps.is_general
        for y, ratee, panel in rows:
            mid = (self.level_start[y] + self.level_start[y + 1]) / 2
            gap = (mid - comps.required)[ratee]
            comp_gap = gap.mean(axis=1)
            managerial = gap[:, general].mean(axis=1)
            unit = org.unit_of_year[y][ratee]
            kpi = (
                1.0 + 0.07 * comp_gap + 0.06 * unit_perf[y, unit] + rng.normal(0, 0.09, len(ratee))
            )
            kpi = np.round(np.clip(kpi, 0.0, 2.0), 3)
            perf = 0.55 * (kpi - 1.0) / 0.12 + 0.45 * comp_gap / COMPETENCE_SD
            feedback = np.where(org.unit_service[unit], np.round(unit_feedback[y, unit], 2), np.nan)

            year = cfg.start_year + y
            is_p = org.gender[ratee] == "P"
            band = age_band(year - org.birth_year[ratee])
            for rater in panel:
                group_effect = -cfg.group_bias * is_p
                effect = group_effect.copy()
                known = np.isin(rater, bias_of.index)
                if known.any():
                    b = bias_of.loc[rater[known]]
                    kind, mag, target = (
                        b[c].to_numpy() for c in ("kind", "magnitude", "target_group")
                    )
                    in_group = np.where(target == "gender=P", is_p[known], band[known] == "50+")
                    effect[known] += np.select(
                        [kind == "LENIENT", kind == "SEVERE", kind == "DIFFERENTIAL"],
                        [mag, -mag, -mag * in_group],
                    )
                base_h = 1.1 + 0.4 * perf + rng.normal(0, 0.3, len(ratee))
                base_p = (
                    1.3
                    + 0.2 * perf
                    + 0.2 * managerial / COMPETENCE_SD
                    + rng.normal(0, 0.3, len(ratee))
                )
                hasil, perilaku = base_h + effect, base_p + effect
                frames.append(
                    self._appraisal_frame(
                        year, ratee, rater, "ATASAN", hasil, perilaku, kpi, feedback
                    )
                )
                # What the rater's own bias did to this rating, in observed rating steps: the
                # rating against the same draw without it (the workforce-wide penalty kept).
                steps = _steps(hasil) + _steps(perilaku)
                without = _steps(base_h + group_effect) + _steps(base_p + group_effect)
                truths.append(
                    pd.DataFrame(
                        {
                            "employee_id": self.nip[ratee], "period": str(year),
                            "rater_id": self.nip[rater], "performance": np.round(perf, 3),
                            "rater_effect": np.round(effect, 3),
                            "rater_shift": (steps - without) / 2,
                        }
                    )
                )  # fmt: skip
            peers = self._peer_reviews(y, ratee, perf, kpi, feedback)
            if peers is not None:
                frames.append(peers)
        appraisals = pd.concat(frames, ignore_index=True)
        appraisals = appraisals.drop_duplicates(["employee_id", "period", "rater_id"])
        return (
            appraisals.reset_index(drop=True),
            pd.concat(truths, ignore_index=True),
            biases.drop(columns="rater"),
        )

    def _peer_reviews(
        self, y: int, ratee: np.ndarray, perf: np.ndarray, kpi: np.ndarray, feedback: np.ndarray
    ) -> pd.DataFrame | None:
        """360° input where the agency collects it: two colleagues of the same unit per ratee.

        A colleague is REKAN (peer), or BAWAHAN when the ratee is the colleague's official rater.
        Positions below index into ``ratee`` (this year's appraised employees).
        """
        rng, org = self.rng, self.org
        unit = org.unit_of_year[y][ratee]
        sel = np.flatnonzero(np.array([AGENCIES[a].peer_review for a in org.agency])[ratee])
        order = sel[np.argsort(unit[sel], kind="stable")]
        u = unit[order]
        first = np.searchsorted(u, u, side="left")
        size = np.searchsorted(u, u, side="right") - first
        rank = np.arange(len(order)) - first
        ok = np.flatnonzero(size >= 3)
        if not len(ok):
            return None
        first, size, rank, who = first[ok], size[ok], rank[ok], order[ok]
        # Two distinct colleagues other than oneself: offsets a ≠ b in 1 … size − 1.
        a = rng.integers(1, size)
        b = 1 + (a - 1 + rng.integers(1, size - 1)) % (size - 1)
        frames = []
        for offset in (a, b):
            colleague = order[first + (rank + offset) % size]
            subordinate = org.raters[y][ratee[colleague]] == ratee[who]
            frames.append(
                self._appraisal_frame(
                    self.config.start_year + y,
                    ratee[who],
                    ratee[colleague],
                    np.where(subordinate, "BAWAHAN", "REKAN"),
                    1.15 + 0.35 * perf[who] + rng.normal(0, 0.5, len(who)),
                    1.15 + 0.3 * perf[who] + rng.normal(0, 0.5, len(who)),
                    kpi[who],
                    feedback[who],
                )
            )
        return pd.concat(frames, ignore_index=True)

    def _appraisal_frame(
        self,
        year: int,
        ratee: np.ndarray,
        rater: np.ndarray,
        role: str | np.ndarray,
        hasil: np.ndarray,
        perilaku: np.ndarray,
        kpi: np.ndarray,
        feedback: np.ndarray,
    ) -> pd.DataFrame:
        h = RATINGS[np.searchsorted(RATING_CUTS, hasil, side="right")]
        p = RATINGS[np.searchsorted(RATING_CUTS, perilaku, side="right")]
        return pd.DataFrame(
            {
                "employee_id": self.nip[ratee],
                "period": str(year),
                "rater_id": self.nip[rater],
                "rater_role": role,
                "hasil_kerja_rating": h,
                "perilaku_rating": p,
                "predikat": predikat_kinerja_many(h, p),
                "kpi_attainment": kpi,
                "community_feedback": feedback,
                "score": np.nan,
            }
        )

    # -- ground truth ---------------------------------------------------------------------
    def _latent_levels(self) -> pd.DataFrame:
        _n, k = self.comps.code.shape
        frames = []
        for y, level in enumerate(self.level_start):
            as_of = self.t0 + np.timedelta64(self.year_start(y), "D")
            emp = np.flatnonzero(self.hire_day < self.year_start(y))
            if not len(emp):
                continue
            lv = level[emp]
            true_level = np.clip(np.rint(lv), 1, 5).astype(np.int64)
            required = self.comps.required[emp]
            frames.append(
                pd.DataFrame(
                    {
                        "employee_id": np.repeat(self.nip[emp], k),
                        "competency_code": np.array(ALL_CODES)[self.comps.code[emp]].ravel(),
                        "as_of": as_of,
                        "latent_level": np.round(lv, 3).ravel(),
                        "true_level": true_level.ravel(),
                        "required_level": required.ravel(),
                        "need": (true_level < required).ravel(),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def _program_effects(self) -> pd.DataFrame:
        p, c = np.nonzero(self.programs.covers)
        return pd.DataFrame(
            {
                "program_id": self.programs.ids[p],
                "competency_code": np.array(ALL_CODES)[c],
                "effect": np.round(self.programs.effect[p, c], 3),
                "max_level": self.programs.max_level[p],
            }
        )
