"""Issue 14's targets on a generated workforce no threshold was chosen on (seed 44; tuning used
21, 31–33 and 34–36, the bench reports the held-out 37–39): raters biased by exactly half a
step, per kind over the injected raters with ≥ 15 ratees. Binding: what is met is asserted;
what is not yet met is a strict xfail, so that the day it passes the test says so (and the
README must be updated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.fairness.audit import AuditResult
from ml.fairness.evaluation import KindDetection, detection, detection_by_kind
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce

SEED = 44
EMPLOYEES = 6000


def _audited(out: Path, biased: float, employees: int = EMPLOYEES) -> tuple[Path, AuditResult]:
    config = SynthConfig(
        employees=employees, seed=SEED, biased_raters=biased, bias_magnitude=0.5, bias_spread=0.0
    )
    write_workforce(generate_workforce(config), out)
    return out, run_audit(out)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KindDetection]:
    data, result = _audited(tmp_path_factory.mktemp("half_step"), 0.3)
    return detection_by_kind(result.rater_flags, result.frame, data)


@pytest.mark.slow
def test_half_step_raters_are_found_per_kind(kinds: dict[str, KindDetection]) -> None:
    for kind, found in kinds.items():
        assert found.injected >= 10, (
            kind
        )  # enough injected raters for the figures to mean something
        assert found.median_abs_error <= 0.1, found
        # Recall over the raters the audit can judge: for a differential one, ≥ 5 ratees on
        # each side of the group (README, "eligibility").
        assert found.recall_both_sides >= 0.95, found
    for kind in ("LENIENT", "SEVERE"):
        assert kinds[kind].precision >= 0.95, kinds[kind]
        assert kinds[kind].recall >= 0.95, kinds[kind]
    for kind in ("LENIENT", "SEVERE", "DIFFERENTIAL"):
        assert kinds[kind].coverage >= 0.9, kinds[kind]
    assert kinds["DIFFERENTIAL"].precision >= 0.95, kinds["DIFFERENTIAL"]


@pytest.mark.slow
def test_what_is_lost_is_lost_to_too_few_ratees_in_the_group(
    kinds: dict[str, KindDetection],
) -> None:
    # A differential rater with ≥ 15 ratees but fewer than five on one side of the group is
    # never judged for it (INSUFFICIENT_DATA, its MDE says how large a bias could have hidden);
    # its low average is UNRESOLVED where its ratings outside the group read as no effect, not
    # SEVERE (before that rule: three SEVERE flags of this kind on this seed). No other miss,
    # and a wrong lenient or severe flag could only be of this kind.
    assert all("INSUFFICIENT_DATA" in miss for miss in kinds["DIFFERENTIAL"].misses)
    assert all("injected DIFFERENTIAL" in wrong for wrong in kinds["SEVERE"].wrong_flags)
    assert all("injected DIFFERENTIAL" in wrong for wrong in kinds["LENIENT"].wrong_flags)
    wrong = len(kinds["SEVERE"].wrong_flags)
    assert kinds["SEVERE"].true_flags / (kinds["SEVERE"].flagged - wrong) >= 0.95


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="not yet met: differential recall over the raters with ≥ 15 ratees (0.87 on this "
    "seed): those with fewer than five ratees on one side of their group are never judged "
    "(README, 'Fairness audit', eligibility)",
)
def test_every_target_is_met(kinds: dict[str, KindDetection]) -> None:
    for found in kinds.values():
        assert found.precision >= 0.95, found
        assert found.recall >= 0.95, found
        assert found.coverage >= 0.9, found


@pytest.mark.slow
def test_a_clean_workforce_has_at_most_two_percent_of_raters_flagged(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Smaller (a share of raters, not a count, is asserted): the whole module stays near a minute.
    data, result = _audited(tmp_path_factory.mktemp("clean"), 0.0, employees=3000)
    found = detection(result.rater_flags, result.frame, data)
    assert found.raters >= 100
    assert found.false_flag_rate <= 0.02, found
