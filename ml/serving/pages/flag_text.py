"""One plain paragraph per flag, written from the flag's own numbers: what was found, on how
many appraisals, how sure, what the evidence is and what it cannot rule out (the audit's
identifiability caveat, design §4); and, where a rater was not flagged, the smallest bias the
data could have shown (the minimum detectable effect).

Bahasa Indonesia is the committee's language (numbers ``0,62``, q-values "sangat kecil
(< 0,001)", groups in words: "perempuan", "usia 50 tahun ke atas"); English stays for the
language switch. Pure functions: a flag's fields in, a string out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol, TypeGuard

from ml.serving.pages.i18n import Translator

TOP_PREDIKAT = {"id": "Sangat Baik", "en": "Sangat Baik (outstanding)"}
AGE_WORDS = {
    "id": {"<30": "usia di bawah 30 tahun", "30-39": "usia 30–39 tahun",
           "40-49": "usia 40–49 tahun", "50+": "usia 50 tahun ke atas"},
    "en": {"<30": "aged under 30", "30-39": "aged 30–39", "40-49": "aged 40–49",
           "50+": "aged 50 and over"},
}  # fmt: skip
GENDER_WORDS = {
    "id": {"P": "perempuan", "L": "laki-laki"},
    "en": {"P": "women", "L": "men"},
}
ATTRIBUTE_WORDS = {
    "id": {"gender": "jenis kelamin", "age_band": "kelompok usia", "religion": "agama",
           "disability": "status disabilitas", "region_of_origin": "daerah asal"},
    "en": {"gender": "gender", "age_band": "age band", "religion": "religion",
           "disability": "disability status", "region_of_origin": "region of origin"},
}  # fmt: skip
SCOPE_WORDS = {
    "id": {"ALL": "seluruh pegawai", "agency_id": "instansi", "region": "wilayah"},
    "en": {"ALL": "the whole workforce", "agency_id": "agency", "region": "region"},
}


class FlagLike(Protocol):
    """The fields of a flag a paragraph is written from (``ml.store.records.FlagView``)."""

    @property
    def family(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def group_label(self) -> str | None: ...
    @property
    def n(self) -> int | None: ...
    @property
    def effect(self) -> float | None: ...
    @property
    def ci_low(self) -> float | None: ...
    @property
    def ci_high(self) -> float | None: ...
    @property
    def q_value(self) -> float | None: ...
    @property
    def evidence(self) -> Mapping[str, Any]: ...


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number(value: float | None, lang: str, digits: int = 2) -> str:
    """``0,62`` (Bahasa) or ``0.62``; a missing or infinite number is a dash."""
    return Translator(lang).number(float(value), digits) if _finite(value) else "—"


def q_words(q: float | None, lang: str = "id") -> str:
    """A q-value a committee can read: "sangat kecil (< 0,001)" rather than ``2.8e-225``."""
    if not _finite(q):
        return "tidak dihitung" if lang == "id" else "not computed"
    assert q is not None
    if q < 0.001:
        return "sangat kecil (< 0,001)" if lang == "id" else "very small (< 0.001)"
    return number(q, lang, 3)


def group_words(label: str | None, lang: str = "id") -> str:
    """``gender=P`` → "perempuan", ``age_band=50+`` → "usia 50 tahun ke atas"; another
    attribute → "agama: Islam" (its own value, which the agency's data names)."""
    if not label:
        return ""
    attribute, _, value = label.partition("=")
    if not value:
        return label
    if attribute == "gender" and value in GENDER_WORDS[lang]:
        return GENDER_WORDS[lang][value]
    if attribute == "age_band" and value in AGE_WORDS[lang]:
        return AGE_WORDS[lang][value]
    return f"{ATTRIBUTE_WORDS[lang].get(attribute, attribute.replace('_', ' '))}: {value}"


def _unit(evidence: Mapping[str, Any], lang: str) -> str:
    if evidence.get("target") == "score":
        return "poin skor" if lang == "id" else "score points"
    return "langkah" if lang == "id" else "rating steps"


def _interval(flag: FlagLike, lang: str, unit: str) -> str:
    if not (_finite(flag.ci_low) and _finite(flag.ci_high)):
        return ""
    low, high = number(flag.ci_low, lang), number(flag.ci_high, lang)
    if lang == "id":
        return f" (interval kepercayaan 95%: {low} sampai {high} {unit})"
    return f" (95% interval: {low} to {high} {unit})"


def _count(n: int | None, lang: str) -> str:
    return Translator(lang).number(n) if isinstance(n, int) and n >= 0 else "—"


CAVEAT = {
    "id": "Yang diharapkan dihitung hanya dari bukti yang tidak dibuat oleh penilai sendiri "
    "(capaian KPI, hasil asesmen kompetensi, umpan balik pengguna layanan). Yang tidak dapat "
    "disingkirkan oleh audit: bila pegawai yang dinilai memang bekerja lebih baik atau lebih "
    "buruk daripada yang tercermin dalam bukti itu, selisih ini bukan bias penilai. Periksa "
    "penilaian di bawah sebelum memutuskan.",
    "en": "The expectation comes only from evidence the rater does not produce (KPI "
    "attainment, competency assessments, service users' feedback). What the audit cannot rule "
    "out: if the people rated truly performed better or worse than that evidence shows, the "
    "difference is not the rater's bias. Check the ratings below before deciding.",
}


def _significance(q: float | None, lang: str) -> str:
    if lang == "id":
        return (
            " Nilai q (peluang temuan ini keliru setelah koreksi uji berganda) "
            + f"{q_words(q, lang)}."
        )
    return (
        " The q-value (the chance this finding is false, after multiple testing) is "
        + f"{q_words(q, lang)}."
    )


UNRESOLVED_TEXT = {
    "id": " Belum dapat dipastikan apakah kecenderungan ini berlaku bagi semua pegawai yang "
    "dinilainya atau hanya bagi satu kelompok: satu sisi kelompok itu terlalu sedikit untuk "
    "dibandingkan, dan penilaiannya di luar kelompok itu tidak menunjukkan selisih.",
    "en": " Whether this lean applies to everyone the rater rates or to one group only cannot "
    "be told: one side of that group is too small to compare, and the rater's ratings outside "
    "it show no difference.",
}


def _unresolved(flag: FlagLike, lang: str) -> str:
    """An ``UNRESOLVED`` rater flag (ml/fairness/raters.py): the lean is real, its target is not
    identifiable from these data, and the paragraph must not claim "towards everyone"."""
    return UNRESOLVED_TEXT[lang] if flag.kind == "UNRESOLVED" else ""


def paragraph(flag: FlagLike, lang: str = "id", name: str | None = None) -> str:
    """The flag in plain words, in ``lang`` (``id`` or ``en``); ``name``: whom the flag is
    about (a rater, a rated employee, or a unit for a curve flag), shown before the NIP or unit
    code where the directory knows them."""
    lang = lang if lang in ("id", "en") else "id"
    who = f"{name} ({flag.subject})" if name else flag.subject
    evidence = flag.evidence or {}
    unit = _unit(evidence, lang)
    size = number(abs(flag.effect), lang) if _finite(flag.effect) else "—"
    up = _finite(flag.effect) and (flag.effect or 0.0) > 0
    n = _count(flag.n, lang)
    if flag.family == "RATER":
        ratees = evidence.get("ratees")
        people = _count(int(ratees), lang) if _finite(ratees) else n
        if lang == "id":
            way = "di atas" if up else "di bawah"
            text = (
                f"Penilai {who} memberi rating rata-rata {size} {unit} {way} yang "
                f"didukung bukti, pada {n} penilaian atas {people} pegawai yang "
                f"dinilainya{_interval(flag, lang, unit)}."
            )
        else:
            way = "above" if up else "below"
            text = (
                f"Rater {who} rates on average {size} {unit} {way} what the evidence "
                f"supports, over {n} appraisals of {people} employees"
                f"{_interval(flag, lang, unit)}."
            )
        return (
            text + _unresolved(flag, lang) + _significance(flag.q_value, lang) + " " + CAVEAT[lang]
        )
    if flag.family == "DIFFERENTIAL":
        group = group_words(flag.group_label, lang) or (
            "kelompok ini" if lang == "id" else "this group"
        )
        if lang == "id":
            way = "lebih tinggi" if up else "lebih rendah"
            text = (
                f"Penilai {who} menilai pegawai {group} rata-rata {size} {unit} {way} "
                f"daripada pegawai lain yang dinilainya dengan bukti kinerja yang setara, pada "
                f"{n} penilaian{_interval(flag, lang, unit)}."
            )
        else:
            way = "higher" if up else "lower"
            text = (
                f"Rater {who} rates {group} on average {size} {unit} {way} than the "
                f"other people the rater rates with the same evidence, over {n} appraisals"
                f"{_interval(flag, lang, unit)}."
            )
        return text + _significance(flag.q_value, lang) + " " + CAVEAT[lang]
    if flag.family == "GROUP":
        return _group(flag, lang, unit, size, up, n)
    if flag.family == "SCORE":
        return _score(flag, lang, unit, size, up, name)
    if flag.family == "PREDIKAT":
        return _predikat(flag, lang)
    if flag.family == "DISTRIBUTION":
        return _curve(flag, lang, n, name)
    return flag.subject


def _group(flag: FlagLike, lang: str, unit: str, size: str, up: bool, n: str) -> str:
    evidence = flag.evidence or {}
    scope, _, value = flag.subject.partition("=")
    group = group_words(flag.group_label, lang) or flag.subject
    where = SCOPE_WORDS[lang].get(scope, scope)
    place = where if scope == "ALL" or not value or value == "ALL" else f"{where} {value}"
    rate = evidence.get("top_rate")
    if lang == "id":
        way = "lebih tinggi" if up else "lebih rendah"
        text = (
            f"Di {place}, pegawai {group} dinilai rata-rata {size} {unit} {way} daripada "
            f"pegawai lain dengan bukti kinerja yang setara, pada {n} pegawai"
            f"{_interval(flag, lang, unit)}."
        )
        if _finite(rate):
            text += (
                f" Predikat teratas ({TOP_PREDIKAT[lang]}) diterima "
                f"{Translator(lang).percent(float(rate), 1)} dari mereka."
            )
        caveat = (
            " Bukti yang dipakai tidak berasal dari penilaian yang diaudit. Selisih ini "
            "belum tentu diskriminasi: bukti bisa tidak lengkap untuk sebagian pekerjaan."
        )
    else:
        way = "higher" if up else "lower"
        text = (
            f"In {place}, {group} are rated on average {size} {unit} {way} than others with "
            f"the same evidence, over {n} employees{_interval(flag, lang, unit)}."
        )
        if _finite(rate):
            text += (
                f" The top predikat ({TOP_PREDIKAT[lang]}) went to "
                f"{Translator(lang).percent(float(rate), 1)} of them."
            )
        caveat = (
            " The evidence used does not come from the ratings audited. The gap is not "
            "necessarily discrimination: the evidence may miss part of the work."
        )
    return text + _significance(flag.q_value, lang) + caveat


def _person(subject: str) -> tuple[str, str]:
    employee, _, period = subject.partition("/")
    return employee, period or "—"


def _score(
    flag: FlagLike, lang: str, unit: str, size: str, up: bool, name: str | None = None
) -> str:
    employee, period = _person(flag.subject)
    employee = f"{name} ({employee})" if name else employee
    evidence = flag.evidence or {}
    given, expected = evidence.get("given"), evidence.get("expected")
    if lang == "id":
        way = "lebih tinggi" if up else "lebih rendah"
        text = (
            f"Penilaian pegawai {employee} periode {period} {size} {unit} {way} daripada yang "
            f"didukung bukti"
        )
        if _finite(given) and _finite(expected):
            text += f" (diberikan {number(given, lang)}, diharapkan {number(expected, lang)})"
        return (
            text
            + "."
            + _significance(flag.q_value, lang)
            + (" Satu penilaian yang menyimpang bisa punya alasan sah; lihat catatan penilai.")
        )
    way = "higher" if up else "lower"
    text = (
        f"The rating of {employee} for {period} is {size} {unit} {way} than the evidence supports"
    )
    if _finite(given) and _finite(expected):
        text += f" (given {number(given, lang)}, expected {number(expected, lang)})"
    return (
        text
        + "."
        + _significance(flag.q_value, lang)
        + (" One rating far from the evidence can have a good reason; see the rater's notes.")
    )


def _predikat(flag: FlagLike, lang: str) -> str:
    employee, period = _person(flag.subject)
    evidence = flag.evidence or {}
    t = Translator(lang)
    stored, rule = t.code(evidence.get("predikat")), t.code(evidence.get("predikat_by_rule"))
    if lang == "id":
        return (
            f"Predikat yang tercatat untuk pegawai {employee} periode {period} ({stored}) tidak "
            f"sesuai dengan matriks PermenPAN-RB Nomor 6 Tahun 2022 untuk kedua ratingnya, yang "
            f"menghasilkan {rule}. Ini kesalahan pencatatan, bukan temuan statistik."
        )
    return (
        f"The predikat recorded for {employee} in {period} ({stored}) does not follow the "
        f"PermenPAN-RB 6/2022 matrix for its two ratings, which gives {rule}. This is a "
        f"recording error, not a statistical finding."
    )


def _curve(flag: FlagLike, lang: str, n: str, name: str | None = None) -> str:
    unit, _, period = flag.subject.partition("/")
    unit = f"{name} ({unit})" if name else unit
    evidence = flag.evidence or {}
    count, allowed = _count(evidence.get("count"), lang), _count(evidence.get("allowed"), lang)
    if lang == "id":
        return (
            f"Sebaran predikat unit {unit} periode {period or '—'} ({n} pegawai) tidak sesuai "
            f"kurva distribusi: pada kelompok predikat yang paling menyimpang ada {count} "
            f"pegawai, sedangkan kurva membolehkan {allowed}. Ini temuan kepatuhan kurva, "
            f"terpisah dari tanda keadilan penilai."
        )
    return (
        f"The predikat of unit {unit} in {period or '—'} ({n} employees) break the distribution "
        f"curve: the furthest band holds {count} people where the curve allows {allowed}. "
        f"This is curve compliance, apart from the fairness flags."
    )


def no_flag(rater: str, ratees: int | None, mde: float | None, lang: str = "id", *,
            unit: str | None = None) -> str:  # fmt: skip
    """For a rater without a flag: the smallest bias its data could have shown."""
    lang = lang if lang in ("id", "en") else "id"
    unit = unit or _unit({}, lang)
    people = _count(ratees, lang)
    if not _finite(mde):
        if lang == "id":
            return (
                f"Penilai {rater} tidak ditandai, tetapi dengan {people} pegawai yang dinilai "
                f"datanya terlalu sedikit untuk menilai bias apa pun."
            )
        return (
            f"Rater {rater} is not flagged, but with {people} ratees the data are too few to "
            "judge any bias."
        )
    size = number(mde, lang)
    if lang == "id":
        return (
            f"Penilai {rater} tidak ditandai. Dengan {people} pegawai yang dinilai, bias di "
            f"bawah {size} {unit} tidak mungkin terlihat; tidak ditandai berarti tidak ada bias "
            f"sebesar itu atau lebih, bukan tidak ada bias sama sekali."
        )
    return (
        f"Rater {rater} is not flagged. With {people} ratees a bias under {size} {unit} could "
        f"not have been seen; no flag means no bias that large, not no bias at all."
    )
