"""How well the rater audit finds the biases injected into a generated workforce (its
``ground_truth/rater_biases.csv``): precision over every flagged rater, recall over the injected
effects large enough to matter on raters with enough ratees."""

from __future__ import annotations

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
