"""A flag's paragraph: written from its numbers, in Bahasa Indonesia by default, well-formed for
any numbers an audit may produce."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ml.serving.pages.flag_text import group_words, no_flag, paragraph, q_words
from tests.serving.pages.test_bahasa import english_in


@dataclass
class Flag:
    family: str
    kind: str
    subject: str
    group_label: str | None = None
    n: int | None = None
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    q_value: float | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


def test_a_lenient_rater_in_plain_bahasa() -> None:
    flag = Flag(
        "RATER", "SEVERE", "R042", n=41, effect=-0.6, ci_low=-0.8, ci_high=-0.4, q_value=2.8e-225,
        evidence={"ratees": 41, "target": "ratings"},
    )  # fmt: skip
    text = paragraph(flag)
    assert text.startswith(
        "Penilai R042 memberi rating rata-rata 0,60 langkah di bawah yang didukung bukti, pada "
        "41 penilaian atas 41 pegawai"
    )
    assert "interval kepercayaan 95%: -0,80 sampai -0,40 langkah" in text
    assert "sangat kecil (< 0,001)" in text and "e-225" not in text
    assert "tidak dapat disingkirkan" in text  # the identifiability caveat
    assert english_in(f"<p>{text}</p>") == set()
    named = paragraph(flag, "id", "Ani Wijaya, S.E.")
    assert named.startswith("Penilai Ani Wijaya, S.E. (R042) memberi rating rata-rata 0,60")
    assert paragraph(flag, "en", "Ani Wijaya").startswith("Rater Ani Wijaya (R042) rates")


def test_groups_are_named_in_words() -> None:
    assert group_words("gender=P") == "perempuan"
    assert group_words("age_band=50+") == "usia 50 tahun ke atas"
    assert group_words("age_band=50+", "en") == "aged 50 and over"
    assert group_words("religion=Hindu") == "agama: Hindu"
    text = paragraph(
        Flag("DIFFERENTIAL", "DIFFERENTIAL", "R7", "gender=P", 30, -0.5, -0.7, -0.3, 0.004)
    )
    assert "pegawai perempuan" in text and "gender=P" not in text and "0,004" in text
    group = paragraph(
        Flag("GROUP", "DISPARITY", "agency_id=A01", "age_band=50+", 900, -0.3, -0.4, -0.2, 0.01,
             {"top_rate": 0.12})
    )  # fmt: skip
    assert "Di instansi A01, pegawai usia 50 tahun ke atas" in group
    assert "Predikat teratas (Sangat Baik) diterima 12,0%" in group


def test_q_values_read_as_words() -> None:
    assert q_words(1e-12) == "sangat kecil (< 0,001)"
    assert q_words(0.0123) == "0,012"
    assert q_words(0.0123, "en") == "0.012"
    assert q_words(None) == "tidak dihitung"


def test_no_flag_states_the_minimum_detectable_effect() -> None:
    text = no_flag("R9", 12, 0.6)
    assert text == (
        "Penilai R9 tidak ditandai. Dengan 12 pegawai yang dinilai, bias di bawah 0,60 langkah "
        "tidak mungkin terlihat; tidak ditandai berarti tidak ada bias sebesar itu atau lebih, "
        "bukan tidak ada bias sama sekali."
    )
    assert "too few" in no_flag("R9", 2, None, "en")


numbers = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(-5, 5))
families = st.sampled_from(
    [("RATER", "LENIENT"), ("RATER", "SEVERE"), ("RATER", "UNRESOLVED"),
     ("DIFFERENTIAL", "DIFFERENTIAL"),
     ("GROUP", "DISPARITY"), ("SCORE", "OUTLIER"), ("PREDIKAT", "MISMATCH"),
     ("DISTRIBUTION", "CURVE")]
)  # fmt: skip
labels = st.one_of(
    st.none(),
    st.sampled_from(["gender=P", "gender=L", "age_band=<30", "age_band=50+", "religion=Islam"]),
)
subjects = st.from_regex(r"[0-9]{1,18}(/20[0-9]{2})?", fullmatch=True)
evidence = st.fixed_dictionaries(
    {},
    optional={
        "ratees": numbers, "target": st.sampled_from(["ratings", "score"]),
        "top_rate": numbers, "given": numbers, "expected": numbers,
        "count": st.integers(0, 10_000), "allowed": st.integers(0, 10_000),
        "predikat": st.sampled_from(["BAIK", "SANGAT_BAIK"]),
        "predikat_by_rule": st.sampled_from(["BAIK", "KURANG"]),
    },
)  # fmt: skip
BROKEN = re.compile(r"\bnan\b|\binf|None|\{|\}|e-\d|e\+\d|  |\.\.|=")


@given(
    kind=families, subject=subjects, label=labels, n=st.one_of(st.none(), st.integers(0, 10**6)),
    effect=numbers, low=numbers, high=numbers, q=numbers, evidence=evidence,
    lang=st.sampled_from(["id", "en"]),
)  # fmt: skip
def test_every_paragraph_is_well_formed(
    kind: tuple[str, str], subject: str, label: str | None, n: int | None, effect: float | None,
    low: float | None, high: float | None, q: float | None, evidence: dict[str, Any], lang: str,
) -> None:  # fmt: skip
    family, code = kind
    text = paragraph(Flag(family, code, subject, label, n, effect, low, high, q, evidence), lang)
    assert text and text[0].isupper() and text.endswith("."), text
    assert not BROKEN.search(text), text
    if lang == "id":
        # Bahasa numbers: a decimal comma, never a decimal point between digits
        assert not re.search(r"\d\.\d{1,2}\b(?!\.)", text), text
        assert english_in(f"<p>{text}</p>") == set(), text


@given(ratees=st.one_of(st.none(), st.integers(0, 10**6)), mde=numbers)
def test_every_no_flag_sentence_is_well_formed(ratees: int | None, mde: float | None) -> None:
    text = no_flag("R1", ratees, mde)
    assert text.startswith("Penilai R1 tidak ditandai") and text.endswith(".")
    assert not BROKEN.search(text), text


def test_an_unresolved_lean_does_not_claim_towards_whom() -> None:
    """A rater whose lean may be one group's (ml/fairness/raters.py UNRESOLVED) is described
    as a lean whose target the data cannot tell, in both languages."""
    fields = {"n": 16, "effect": -0.5, "ci_low": -0.8, "ci_high": -0.2, "q_value": 0.01}
    unresolved = Flag("RATER", "UNRESOLVED", "R7", **fields)  # type: ignore[arg-type]
    severe = Flag("RATER", "SEVERE", "R7", **fields)  # type: ignore[arg-type]
    assert "Belum dapat dipastikan" in paragraph(unresolved)
    assert "Belum dapat dipastikan" not in paragraph(severe)
    assert "cannot be told" in paragraph(unresolved, "en")
    assert english_in(f"<p>{paragraph(unresolved)}</p>") == set()


def test_a_curve_flag_names_its_unit() -> None:
    flag = Flag("DISTRIBUTION", "CURVE", "KUPANG-U17/2025", n=12,
                evidence={"count": 9, "allowed": 4})  # fmt: skip
    named = paragraph(flag, "id", "Bidang Mutasi dan Promosi")
    assert named.startswith(
        "Sebaran predikat unit Bidang Mutasi dan Promosi (KUPANG-U17) periode 2025 (12 pegawai)"
    )
    assert paragraph(flag).startswith("Sebaran predikat unit KUPANG-U17 periode 2025")
