"""A model's reason (a feature, its value and its TreeSHAP contribution) as a sentence a planner
reads: "Kesenjangan 2 level pada kompetensi ini menaikkan kebutuhan." The contribution's sign
chooses the verb, its size the adverb; the numbers are in the page's format."""

from __future__ import annotations

from typing import Any

from ml.serving.pages.i18n import Translator

# |contribution| in log-odds from which a reason "strongly" raises or lowers the need
STRONG = 1.0

# feature → sentence; {value} the feature's value, {verb} what it does to the need
_ID: dict[str, str] = {
    "gap": "Kesenjangan {value} level pada kompetensi ini {verb} kebutuhan.",
    "gap.none": "Level pegawai ini belum diketahui kesenjangannya; ini {verb} kebutuhan.",
    "last_level": "Level penilaian terakhir {value} {verb} kebutuhan.",
    "last_level.none": "Kompetensi ini belum pernah dinilai; ini {verb} kebutuhan.",
    "required_level": "Jabatannya mensyaratkan level {value}; ini {verb} kebutuhan.",
    "assessment_age_months": "Penilaian terakhir dilakukan {value} bulan lalu; ini {verb} "
    "kebutuhan.",
    "assessment_age_months.none": "Belum ada penilaian untuk kompetensi ini; ini {verb} kebutuhan.",
    "jp_12m": "Pelatihan untuk kompetensi ini {value} JP dalam 12 bulan terakhir; ini {verb} "
    "kebutuhan.",
    "jp_24m": "Pelatihan untuk kompetensi ini {value} JP dalam 24 bulan terakhir; ini {verb} "
    "kebutuhan.",
    "jp_36m": "Pelatihan untuk kompetensi ini {value} JP dalam 36 bulan terakhir; ini {verb} "
    "kebutuhan.",
    "months_since_training": "Pelatihan terakhir untuk kompetensi ini {value} bulan lalu; ini "
    "{verb} kebutuhan.",
    "months_since_training.none": "Belum pernah ada pelatihan untuk kompetensi ini; ini {verb} "
    "kebutuhan.",
    "programs_completed": "{value} program untuk kompetensi ini sudah diselesaikan; ini {verb} "
    "kebutuhan.",
    "level_trend_per_year": "Level kompetensi ini berubah {value} per tahun; ini {verb} kebutuhan.",
    "level_estimate": "Perkiraan level dari semua penilaian adalah {value}; ini {verb} kebutuhan.",
    "jp_shortfall": "Kekurangan {value} JP dari minimal tahunan {verb} kebutuhan.",
    "tenure_years": "Masa kerja {value} tahun {verb} kebutuhan.",
    "ability_estimate.below": "Pada semua kompetensinya, levelnya rata-rata {value} level di "
    "bawah persyaratan jabatan; ini {verb} kebutuhan.",
    "ability_estimate.above": "Pada semua kompetensinya, levelnya rata-rata {value} level di "
    "atas persyaratan jabatan; ini {verb} kebutuhan.",
    "generic": "{label}: {value}; ini {verb} kebutuhan.",
    "generic.none": "{label} belum diketahui; ini {verb} kebutuhan.",
    "up": "menaikkan",
    "down": "menurunkan",
    "up.strong": "sangat menaikkan",
    "down.strong": "sangat menurunkan",
}
_EN: dict[str, str] = {
    "gap": "A {value}-level gap in this competency {verb} the need.",
    "gap.none": "This employee's gap is not known; this {verb} the need.",
    "last_level": "The last assessed level, {value}, {verb} the need.",
    "last_level.none": "This competency was never assessed; this {verb} the need.",
    "required_level": "The position requires level {value}; this {verb} the need.",
    "assessment_age_months": "The last assessment was {value} months ago; this {verb} the need.",
    "assessment_age_months.none": "No assessment of this competency yet; this {verb} the need.",
    "jp_12m": "{value} JP of training in this competency in the last 12 months {verb} the need.",
    "jp_24m": "{value} JP of training in this competency in the last 24 months {verb} the need.",
    "jp_36m": "{value} JP of training in this competency in the last 36 months {verb} the need.",
    "months_since_training": "The last training in this competency was {value} months ago; "
    "this {verb} the need.",
    "months_since_training.none": "No training in this competency yet; this {verb} the need.",
    "programs_completed": "{value} programmes completed for this competency {verb} the need.",
    "level_trend_per_year": "The level changes by {value} a year; this {verb} the need.",
    "level_estimate": "The level estimated from every assessment, {value}, {verb} the need.",
    "jp_shortfall": "Being {value} JP short of the yearly minimum {verb} the need.",
    "tenure_years": "{value} years of service {verb} the need.",
    "ability_estimate.below": "Across all competencies, this employee is on average {value} "
    "levels below the position's requirement; this {verb} the need.",
    "ability_estimate.above": "Across all competencies, this employee is on average {value} "
    "levels above the position's requirement; this {verb} the need.",
    "generic": "{label}: {value}; this {verb} the need.",
    "generic.none": "{label} is not known; this {verb} the need.",
    "up": "raises",
    "down": "lowers",
    "up.strong": "strongly raises",
    "down.strong": "strongly lowers",
}


def sentence(reason: dict[str, Any], t: Translator) -> str:
    """The reason (``feature``, ``label``, ``value``, ``contribution``) as one sentence."""
    texts = _ID if t.lang == "id" else _EN
    feature = str(reason["feature"])
    contribution = float(reason["contribution"])
    direction = "up" if contribution > 0 else "down"
    verb = texts[f"{direction}.strong" if abs(contribution) >= STRONG else direction]
    value = reason.get("value")
    missing = value is None or value == "" or value == "None"
    key = feature if feature in texts else "generic"
    if missing:
        key = f"{key}.none" if f"{key}.none" in texts else "generic.none"
    label = t.feature(feature, str(reason.get("label") or feature))
    if f"{feature}.below" in texts and not missing and isinstance(value, int | float):
        # a signed distance from the requirement reads as "1,3 below", never "above … -1,3"
        side = "below" if float(value) < 0 else "above"
        return texts[f"{feature}.{side}"].format(value=_value(abs(value), t), verb=verb)
    return texts[key].format(value=_value(value, t), verb=verb, label=label)


def _value(value: Any, t: Translator) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer():
            return t.number(number)
        # a share such as KPI attainment 0,85 keeps its second digit; 24,5 JP needs one
        return t.number(number, 2 if abs(number) < 1 else 1)
    return t.code(value)
