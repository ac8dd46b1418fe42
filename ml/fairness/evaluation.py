"""How well the rater audit finds the biases injected into a generated workforce (its
``ground_truth/rater_biases.csv``): precision over every flagged rater, recall over the injected
effects large enough to matter on raters with enough ratees."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

RATER_BIASES = Path("ground_truth") / "rater_biases.csv"


@dataclass(frozen=True)
class Detection:
    raters: int  # raters with official appraisals
    eligible: int  # … with at least ``min_ratees`` distinct ratees
    injected: int  # injected effects of at least ``min_magnitude`` on eligible raters
    flagged: int  # raters flagged in any family
    true_flags: int  # flagged raters that carry an injected effect
    found: int  # injected effects found with the right kind (and group, for DIFFERENTIAL)
    judgeable: int  # injected effects the audit could judge (not INSUFFICIENT_DATA)

    @property
    def precision(self) -> float:
        return self.true_flags / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.injected if self.injected else 1.0

    @property
    def recall_judgeable(self) -> float:
        """Recall over the injected effects the audit could judge: a differential bias against
        a group the rater rated two or three members of is beyond any test."""
        return self.found / self.judgeable if self.judgeable else 1.0

    @property
    def false_flag_rate(self) -> float:
        """Flagged raters without any injected effect, as a share of all raters."""
        return (self.flagged - self.true_flags) / self.raters if self.raters else 0.0


def detection(
    rater_flags: pd.DataFrame,
    frame: pd.DataFrame,
    data_dir: Path,
    min_ratees: int = 15,
    min_magnitude: float = 0.5,
) -> Detection:
    truth = pd.read_csv(data_dir / RATER_BIASES, dtype={"rater_id": "str"})
    ratees = frame[frame["rater_id"].notna()].groupby("rater_id")["employee_id"].nunique()
    eligible = ratees[ratees >= min_ratees].index
    strong = truth[(truth["magnitude"] >= min_magnitude) & truth["rater_id"].isin(eligible)]
    flags = rater_flags[rater_flags["flagged"]]
    flagged = set(flags["rater_id"])
    found_pairs = set(zip(flags["rater_id"], flags["kind"], flags["group"], strict=True))
    found = sum(
        (r.rater_id, r.kind, r.target_group if r.kind == "DIFFERENTIAL" else "") in found_pairs
        for r in strong.itertuples()
    )
    judged = rater_flags[rater_flags["kind"] != "INSUFFICIENT_DATA"]
    judged_pairs = set(zip(judged["rater_id"], judged["group"], strict=True))
    judgeable = sum(
        (r.rater_id, r.target_group if r.kind == "DIFFERENTIAL" else "") in judged_pairs
        for r in strong.itertuples()
    )
    return Detection(
        raters=len(ratees),
        eligible=len(eligible),
        injected=len(strong),
        flagged=len(flagged),
        true_flags=len(flagged & set(truth["rater_id"])),
        found=int(found),
        judgeable=int(judgeable),
    )


APPRAISAL_TRUTH = Path("ground_truth") / "appraisal_truth.parquet"
KINDS = ("LENIENT", "SEVERE", "DIFFERENTIAL")


@dataclass(frozen=True)
class KindDetection:
    """The audit against the injected biases of one kind.

    ``injected`` counts the injected effects on raters with at least ``min_ratees`` ratees;
    precision is over every flag of the kind (a flag on an injected rater of another kind, or
    for another group, is a false one); the errors and the coverage compare the reported effect
    with the injected one twice: as drawn on the latent scale (``magnitude``, signed), and as it
    moved this rater's observed ratings (``rater_shift`` of the ground truth: each rating
    against the same draw without the rater's bias; for DIFFERENTIAL the group's mean shift
    minus the others'), which is what a mean residual measures: near the ends of a three-level
    scale a latent shift moves fewer ratings."""

    kind: str
    injected: int
    found: int
    flagged: int
    true_flags: int
    median_abs_error: float  # against the latent magnitude
    coverage: float  # share of 95% intervals holding the latent magnitude
    median_abs_error_observed: float  # against the shift of the observed ratings
    coverage_observed: float
    # Differential raters with at least ``min_group_ratees`` ratees on *each side* of their
    # group as well (the audit judges nothing with fewer; for the other kinds: ``injected``).
    injected_both_sides: int = 0
    found_both_sides: int = 0
    # What went wrong, one line each, never hidden: injected raters not found (with what the
    # audit said of them) and flags of this kind on raters without this injected bias.
    misses: tuple[str, ...] = ()
    wrong_flags: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.true_flags / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.injected if self.injected else 1.0

    @property
    def recall_both_sides(self) -> float:
        return self.found_both_sides / self.injected_both_sides if self.injected_both_sides else 1.0


def detection_by_kind(
    rater_flags: pd.DataFrame,
    frame: pd.DataFrame,
    data_dir: Path,
    min_ratees: int = 15,
    min_group_ratees: int = 5,
) -> dict[str, KindDetection]:
    truth = pd.read_csv(data_dir / RATER_BIASES, dtype={"rater_id": "str"})
    truth["group"] = truth["target_group"].fillna("").where(truth["kind"] == "DIFFERENTIAL", "")
    sign = truth["kind"].map({"LENIENT": 1.0, "SEVERE": -1.0, "DIFFERENTIAL": -1.0})
    truth["latent"] = sign * truth["magnitude"]
    truth["observed"] = _observed_shift(truth, frame, data_dir)
    truth["sides"] = group_sides(truth, frame)
    ratees = frame[frame["rater_id"].notna()].groupby("rater_id")["employee_id"].nunique()
    eligible = truth[truth["rater_id"].map(ratees).fillna(0).to_numpy() >= min_ratees]
    flags = rater_flags.assign(rater_id=rater_flags["rater_id"].astype("str"))
    out = {}
    for kind in KINDS:
        injected = eligible[eligible["kind"] == kind]
        rows = injected.merge(flags, on=["rater_id", "group"], how="left", suffixes=("_t", ""))
        mine = flags[flags["flagged"] & (flags["kind"] == kind)]
        true = mine.merge(truth[truth["kind"] == kind][["rater_id", "group"]])
        inside = {
            name: (rows["ci_low"] <= rows[name]) & (rows[name] <= rows["ci_high"])
            for name in ("latent", "observed")
        }
        hit = (rows["kind"] == kind).to_numpy()
        sides = (rows["sides"] >= min_group_ratees).to_numpy()
        wrong = mine.merge(
            truth[["rater_id", "kind", "group"]].rename(columns={"group": "injected_group"}),
            on="rater_id", how="left", suffixes=("", "_injected"),
        )  # fmt: skip
        wrong = wrong[
            (wrong["kind_injected"] != kind) | (wrong["injected_group"] != wrong["group"])
        ]
        out[kind] = KindDetection(
            kind=kind,
            injected=len(injected),
            found=int(hit.sum()),
            injected_both_sides=int(sides.sum()),
            found_both_sides=int((hit & sides).sum()),
            misses=tuple(
                f"{r.rater_id!s} {r.group or 'main'!s}: {r.kind!s} (ratees {r.n_ratees}, "
                f"least side {r.sides}, effect {r.effect:+.2f}, q {r.q_value:.3g})"
                for r in rows[~hit].itertuples()
            ),
            wrong_flags=tuple(
                f"{r.rater_id!s} {r.group or 'main'!s}: injected "
                f"{r.kind_injected if isinstance(r.kind_injected, str) else 'nothing'} "
                f"{r.injected_group if isinstance(r.injected_group, str) else ''}".rstrip()
                for r in wrong.itertuples()
            ),
            flagged=len(mine),
            true_flags=len(true),
            median_abs_error=float((rows["effect"] - rows["latent"]).abs().median()),
            coverage=float(inside["latent"].mean()),
            median_abs_error_observed=float((rows["effect"] - rows["observed"]).abs().median()),
            coverage_observed=float(inside["observed"].mean()),
        )
    return out


def group_sides(truth: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """Per injected rater, the fewer of its distinct ratees inside and outside its group (for a
    lenient or severe rater: its number of ratees)."""
    rated = frame[frame["rater_id"].notna()].astype({"rater_id": "str"})

    def sides(mine: pd.DataFrame, inside: pd.Series | None) -> float:
        ratees = mine["employee_id"]
        if inside is None:
            return float(ratees.nunique())
        return float(min(ratees[inside].nunique(), ratees[~inside].nunique()))

    return _per_injected(truth, rated, sides).astype("int64")


def _observed_shift(truth: pd.DataFrame, frame: pd.DataFrame, data_dir: Path) -> pd.Series:
    """Per injected rater, how far the bias moved the rater's observed ratings (see
    :class:`KindDetection`); NaN where the ground truth predates ``rater_shift``."""
    shifts = pd.read_parquet(data_dir / APPRAISAL_TRUTH)
    if "rater_shift" not in shifts:
        return pd.Series(float("nan"), index=truth.index)
    keys = ["employee_id", "period", "rater_id"]
    rows = frame[[*keys, "gender", "age_band"]].astype({k: "str" for k in keys})
    rows = rows.merge(shifts.astype({k: "str" for k in keys})[[*keys, "rater_shift"]], on=keys)

    def shift(mine: pd.DataFrame, inside: pd.Series | None) -> float:
        moved = mine["rater_shift"]
        if inside is None:
            return float(moved.mean())
        return float(moved[inside].mean() - moved[~inside].mean())

    return _per_injected(truth, rows, shift)


def _per_injected(
    truth: pd.DataFrame,
    rows: pd.DataFrame,
    measure: Callable[[pd.DataFrame, pd.Series | None], float],
) -> pd.Series:
    """``measure`` of each injected rater's rows (``rows`` with a string ``rater_id``), given
    which of them are inside its group for a DIFFERENTIAL rater (None for the other kinds)."""
    values = []
    for r in truth.itertuples():
        mine = rows[rows["rater_id"] == r.rater_id]
        inside = None
        if r.kind == "DIFFERENTIAL":
            attribute, level = str(r.group).split("=", 1)
            inside = mine[attribute].astype("str") == level
        values.append(measure(mine, inside))
    return pd.Series(values, index=truth.index, dtype="float64")
