"""The audit's coverage in the committee's words: every fixed reason the audit can record has
Bahasa words (a new English reason would otherwise leak onto the page), numbers in Indonesian
format, and the design sentence follows the data, not a fixed "one superior each"."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.fairness.coverage import coverage, design
from ml.serving.pages.coverage_text import (
    CHECK_WORDS,
    coverage_view,
    design_sentence,
    reason_words,
)
from tests.serving.pages.test_bahasa import english_in

FAMILIES = ("RATER", "DIFFERENTIAL", "GROUP", "SCORE", "PREDIKAT", "CURVE")
REASONS = [
    "no rater ids in the appraisals",
    "no rater has enough ratees (7 raters, all too few)",
    "gender missing or empty",
    "age_band missing or empty",
    "no rater rated enough ratees on both sides",
    "fewer than two groups large enough to compare",
    "too few raters on each side for a test",
    "no evidence of a person's own (KPI, feedback, 360°, assessments): a single score "
    "cannot be judged",
    "no appraisal carries both ekspektasi ratings",
    "no unit ids: the distribution curve is per unit",
    "no unit and period with 10 or more people",
]


@pytest.mark.parametrize("reason", REASONS)
def test_each_reason_the_audit_records_has_bahasa_words(reason: str) -> None:
    words = reason_words(reason, "id")
    assert words != reason
    assert english_in(words) == set(), words


def test_numbers_and_attributes_are_carried_into_the_words() -> None:
    assert "7 penilai" in reason_words("no rater has enough ratees (7 raters, all too few)", "id")
    gender = reason_words("gender missing or empty", "id")
    assert gender == "data jenis kelamin tidak ada atau kosong"
    assert reason_words("religion missing or empty", "en") == "religion is missing or empty"
    assert "10 pegawai" in reason_words("no unit and period with 10 or more people", "id")


def test_an_unknown_reason_is_shown_as_written_rather_than_dropped() -> None:
    assert reason_words("a reason added later", "id") == "a reason added later"


def test_every_family_has_words_in_both_languages() -> None:
    for lang in ("id", "en"):
        assert set(CHECK_WORDS[lang]) == set(FAMILIES)


def _appraisals(raters: bool) -> pd.DataFrame:
    rows = []
    for person in range(30):
        for period in ("2024", "2025"):
            for panel in range(2 if raters else 1):
                rows.append(
                    {
                        "employee_id": f"E{person:03d}",
                        "period": period,
                        "rater_id": f"R{(person + panel) % 6}" if raters else None,
                        "rater_role": "ATASAN",
                        "unit_id": "U1",
                        "gender": "P" if person % 2 else "L",
                    }
                )
    return pd.DataFrame(rows)


def test_the_design_sentence_follows_the_data() -> None:
    frame = _appraisals(raters=True)
    text = design_sentence(design(frame, frame, "ATASAN"), "id")
    assert "120 penilaian atas 30 pegawai dalam 2 periode" in text
    assert "median 2 dan paling banyak 2 penilai" in text
    assert "atasan langsung (120)" in text
    assert english_in(text) == set(), text
    bare = _appraisals(raters=False)
    without = design_sentence(design(bare, bare, "ATASAN"), "id")
    assert "Tidak ada penilaian yang mencantumkan penilainya" in without
    assert "dinilai oleh median" not in without


def test_one_rater_per_person_reads_as_one_rater_not_a_median_of_one() -> None:
    frame = _appraisals(raters=True)
    single = frame.drop_duplicates(["employee_id", "period"])  # the first panel member only
    text = design_sentence(design(single, single, "ATASAN"), "id")
    assert "tiap pegawai dinilai oleh satu penilai per periode" in text
    assert "median" not in text and "paling banyak" not in text
    english = design_sentence(design(single, single, "ATASAN"), "en")
    assert "one rater per period" in english


def test_a_file_without_rater_ids_reads_not_run_with_its_reason() -> None:
    frame = _appraisals(raters=False)
    empty_raters = pd.DataFrame(columns=["group", "kind", "flagged", "rater_id"]).astype(
        {"group": "str", "kind": "str", "flagged": "bool"}
    )
    empty_groups = pd.DataFrame(columns=["attribute", "q_value", "flagged"])
    table = coverage(
        frame, empty_raters, empty_groups, pd.DataFrame(), pd.DataFrame(), 0, ("gender",)
    )
    rows = {(r.family, r.attribute): r for r in coverage_view(table.to_dict("records"), "id")}
    rater = rows[("RATER", "")]
    assert not rater.ran and rater.tested == "—"
    assert "tidak mencantumkan penilai" in rater.reason
    assert not rows[("DIFFERENTIAL", "jenis kelamin")].ran


def test_counts_are_in_indonesian_format() -> None:
    row = {"family": "SCORE", "attribute": "", "ran": True, "tested": 12345, "flagged": 7,
           "reason": ""}  # fmt: skip
    shown = coverage_view([row], "id")[0]
    assert (shown.tested, shown.flagged, shown.reason) == ("12.345", "7", "")
    assert coverage_view([row], "en")[0].tested == "12,345"
