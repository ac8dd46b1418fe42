"""The audit's coverage statement in the committee's words: which checks ran, which could not
and why, and the design the audit actually saw (raters per person, roles).

The audit records its coverage in English (``ml.fairness.coverage``: a row per check with a
fixed reason); this module puts those rows into Bahasa Indonesia (or English for the switch)
so that "no flagged rater" is never read where raters were not judged at all. Pure functions:
the run's recorded rows in, words out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ml.serving.pages.flag_text import ATTRIBUTE_WORDS
from ml.serving.pages.i18n import Translator

# What each check looks for, in a committee member's words.
CHECK_WORDS = {
    "id": {
        "RATER": "Penilai yang terlalu murah atau terlalu ketat",
        "DIFFERENTIAL": "Penilai yang memperlakukan satu kelompok berbeda",
        "GROUP": "Kesenjangan antarkelompok yang tidak dijelaskan bukti",
        "SCORE": "Nilai perorangan yang jauh dari bukti",
        "PREDIKAT": "Predikat yang tidak sesuai matriks SKP",
        "CURVE": "Sebaran predikat unit terhadap kurva",
    },
    "en": {
        "RATER": "Raters too lenient or too severe",
        "DIFFERENTIAL": "Raters treating one group differently",
        "GROUP": "Group gaps the evidence does not explain",
        "SCORE": "Single scores far from the evidence",
        "PREDIKAT": "Predikat against the SKP matrix",
        "CURVE": "Units' predikat against the distribution curve",
    },
}

ROLE_WORDS = {
    "id": {"ATASAN": "atasan langsung", "REKAN": "rekan kerja", "BAWAHAN": "bawahan"},
    "en": {"ATASAN": "direct superior", "REKAN": "peer", "BAWAHAN": "subordinate"},
}

# The audit's fixed reasons (ml.fairness.coverage) and their words; {attribute} and numbers
# are taken from the English text.
REASONS: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (re.compile(r"^no rater ids in the appraisals$"),
     {"id": "data penilaian tidak mencantumkan penilai (tidak ada ID penilai)",
      "en": "the appraisals carry no rater ids"}),
    (re.compile(r"^no rater has enough ratees \((?P<n>\d+) raters, all too few\)$"),
     {"id": "tidak ada penilai dengan cukup pegawai yang dinilai ({n} penilai, semuanya terlalu "
            "sedikit)",
      "en": "no rater rated enough people ({n} raters, all too few)"}),
    (re.compile(r"^(?P<attribute>\w+) missing or empty$"),
     {"id": "data {attribute} tidak ada atau kosong",
      "en": "{attribute} is missing or empty"}),
    (re.compile(r"^no rater rated enough ratees on both sides$"),
     {"id": "tidak ada penilai yang menilai cukup banyak pegawai di kedua kelompok",
      "en": "no rater rated enough people on both sides"}),
    (re.compile(r"^fewer than two groups large enough to compare$"),
     {"id": "kurang dari dua kelompok yang cukup besar untuk dibandingkan",
      "en": "fewer than two groups large enough to compare"}),
    (re.compile(r"^too few raters on each side for a test$"),
     {"id": "terlalu sedikit penilai di tiap kelompok untuk diuji",
      "en": "too few raters on each side for a test"}),
    (re.compile(r"^no evidence of a person's own"),
     {"id": "tidak ada bukti kinerja perorangan (capaian KPI, umpan balik, penilaian 360°, "
            "asesmen), sehingga nilai perorangan tidak dapat dinilai",
      "en": "no evidence of a person's own (KPI, feedback, 360°, assessments): a single score "
            "cannot be judged"}),
    (re.compile(r"^no appraisal carries both ekspektasi ratings$"),
     {"id": "tidak ada penilaian yang memuat kedua rating (hasil kerja dan perilaku kerja)",
      "en": "no appraisal carries both ratings (work results and work behaviour)"}),
    (re.compile(r"^no unit ids"),
     {"id": "data tidak mencantumkan unit kerja, padahal kurva diperiksa per unit",
      "en": "no unit ids: the curve is checked per unit"}),
    (re.compile(r"^no unit and period with (?P<n>\d+) or more people$"),
     {"id": "tidak ada unit dan periode dengan {n} pegawai atau lebih",
      "en": "no unit and period with {n} or more people"}),
]  # fmt: skip


@dataclass(frozen=True)
class CoverageRow:
    """One check as the page shows it."""

    family: str
    check: str  # what it looks for, in words
    attribute: str  # the protected attribute in words, "" where none
    ran: bool
    tested: str  # formatted count, "—" where it did not run
    flagged: str
    reason: str  # why it did not run, in words ("" where it ran)


def attribute_words(attribute: str, lang: str) -> str:
    return ATTRIBUTE_WORDS[lang].get(attribute, attribute.replace("_", " "))


def role_words(role: str, lang: str) -> str:
    return ROLE_WORDS[lang].get(role, role)


def reason_words(reason: str, lang: str) -> str:
    """The audit's English reason in the page's language; an unknown reason stays as written
    (better an English sentence than a silent blank)."""
    for pattern, words in REASONS:
        found = pattern.search(reason.strip())
        if found is None:
            continue
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        if "attribute" in values:
            values["attribute"] = attribute_words(values["attribute"], lang)
        return words[lang].format(**values)
    return reason


def design_sentence(design: Mapping[str, Any], lang: str) -> str:
    """The design the audit saw, in one or two sentences (not a fixed "one superior each")."""
    t = Translator(lang)
    if not design:
        return ""
    n = {k: t.number(int(design.get(k) or 0)) for k in
         ("appraisals", "ratees", "periods", "raters", "appraisals_with_rater")}  # fmt: skip
    median = float(design.get("raters_per_ratee_period_median") or 0.0)
    largest = int(design.get("raters_per_ratee_period_max") or 0)
    roles = ", ".join(
        f"{role_words(str(role), lang)} ({t.number(int(count))})"
        for role, count in (design.get("roles") or {}).items()
    )
    audited = role_words(str(design.get("role_audited") or ""), lang)
    if lang == "id":
        text = (
            f"Audit memeriksa {n['appraisals']} penilaian atas {n['ratees']} pegawai dalam "
            f"{n['periods']} periode (peran penilai yang diaudit: {audited or '—'}). "
        )
        if int(design.get("raters") or 0):
            text += (
                f"{n['appraisals_with_rater']} penilaian mencantumkan penilainya "
                f"({n['raters']} penilai); "
            )
            text += (
                "tiap pegawai dinilai oleh satu penilai per periode."
                if largest <= 1
                else f"tiap pegawai per periode dinilai oleh median "
                f"{t.number(median, 0 if median.is_integer() else 1)} dan paling banyak "
                f"{t.number(largest)} penilai."
            )
        else:
            text += "Tidak ada penilaian yang mencantumkan penilainya."
        if roles:
            text += f" Peran penilai dalam data: {roles}."
        return text
    text = (
        f"The audit examined {n['appraisals']} appraisals of {n['ratees']} people over "
        f"{n['periods']} period(s) (rater role audited: {audited or '—'}). "
    )
    if int(design.get("raters") or 0):
        text += f"{n['appraisals_with_rater']} appraisals name their rater ({n['raters']} raters); "
        text += (
            "each person had one rater per period."
            if largest <= 1
            else f"each person and period had a median of "
            f"{t.number(median, 0 if median.is_integer() else 1)} and at most "
            f"{t.number(largest)} raters."
        )
    else:
        text += "No appraisal names its rater."
    if roles:
        text += f" Rater roles in the data: {roles}."
    return text


def coverage_view(rows: Sequence[Mapping[str, Any]], lang: str) -> list[CoverageRow]:
    """The recorded coverage rows, in words."""
    t = Translator(lang)
    shown = []
    for r in rows:
        family = str(r.get("family") or "")
        ran = bool(r.get("ran"))
        shown.append(
            CoverageRow(
                family=family,
                check=CHECK_WORDS[lang].get(family, family),
                attribute=attribute_words(str(r["attribute"]), lang) if r.get("attribute") else "",
                ran=ran,
                tested=t.number(int(r.get("tested") or 0)) if ran else "—",
                flagged=t.number(int(r.get("flagged") or 0)) if ran else "—",
                reason="" if ran else reason_words(str(r.get("reason") or ""), lang),
            )
        )
    return shown
