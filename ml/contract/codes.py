"""Code lists of the data contract (design §3): every code is an upper-case string.

The appraisal codes (rating ekspektasi and predikat) belong to the regulation and live in
``ml.scoring``; the lists here are the contract's own vocabulary.
"""

from __future__ import annotations

import re
from enum import StrEnum


class PositionType(StrEnum):
    """Jenis jabatan: JPT (senior executives), administrator, pengawas, pelaksana, fungsional."""

    JPT_UTAMA = "JPT_UTAMA"
    JPT_MADYA = "JPT_MADYA"
    JPT_PRATAMA = "JPT_PRATAMA"
    ADMINISTRATOR = "ADMINISTRATOR"
    PENGAWAS = "PENGAWAS"
    PELAKSANA = "PELAKSANA"
    FUNGSIONAL = "FUNGSIONAL"


class Jenjang(StrEnum):
    """Jenjang jabatan fungsional: keahlian (Ahli …) and keterampilan levels (PermenPAN-RB
    1/2023)."""

    PEMULA = "PEMULA"
    TERAMPIL = "TERAMPIL"
    MAHIR = "MAHIR"
    PENYELIA = "PENYELIA"
    AHLI_PERTAMA = "AHLI_PERTAMA"
    AHLI_MUDA = "AHLI_MUDA"
    AHLI_MADYA = "AHLI_MADYA"
    AHLI_UTAMA = "AHLI_UTAMA"


class Education(StrEnum):
    SD = "SD"
    SMP = "SMP"
    SMA = "SMA"
    D1 = "D1"
    D2 = "D2"
    D3 = "D3"
    D4 = "D4"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"


class EmploymentType(StrEnum):
    """PNS (career civil servant) or PPPK (government employee on contract)."""

    PNS = "PNS"
    PPPK = "PPPK"


class Gender(StrEnum):
    L = "L"
    P = "P"


class RaterRole(StrEnum):
    """ATASAN is the direct superior, the official rater; the others are 360° input."""

    ATASAN = "ATASAN"
    REKAN = "REKAN"
    BAWAHAN = "BAWAHAN"


class CompetencyGroup(StrEnum):
    MANAJERIAL = "MANAJERIAL"
    SOSIAL_KULTURAL = "SOSIAL_KULTURAL"
    TEKNIS = "TEKNIS"


class AssessmentMethod(StrEnum):
    ASSESSMENT_CENTER = "ASSESSMENT_CENTER"
    UJI_KOMPETENSI = "UJI_KOMPETENSI"
    PENILAIAN_360 = "PENILAIAN_360"
    LAINNYA = "LAINNYA"


class TrainingStatus(StrEnum):
    COMPLETED = "COMPLETED"
    DROPPED = "DROPPED"
    ENROLLED = "ENROLLED"


class ProviderType(StrEnum):
    BKN = "BKN"
    LAN = "LAN"
    UNIVERSITAS = "UNIVERSITAS"
    INTERNAL = "INTERNAL"
    LAINNYA = "LAINNYA"


class TrainingMode(StrEnum):
    KLASIKAL = "KLASIKAL"
    E_LEARNING = "E_LEARNING"
    BLENDED = "BLENDED"


# Golongan ruang of PNS (I/a … IV/e; I and II have a–d, III a–d, IV a–e) and the
# seventeen PPPK grades (I … XVII).
PNS_GRADES: tuple[str, ...] = tuple(
    f"{g}/{r}"
    for g, ranks in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for r in ranks
)
PPPK_GRADES: tuple[str, ...] = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip

# Managerial M1–M8, socio-cultural SK1, and agency technical codes such as T-KEU.
COMPETENCY_CODE = re.compile(r"^(M[1-9][0-9]*|SK[1-9][0-9]*|T-[A-Z0-9]+(-[A-Z0-9]+)*)$")
NIP = re.compile(r"^[0-9]{18}$")
PERIOD = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$")


def competency_group_of(code: str) -> CompetencyGroup:
    """The group a competency code belongs to, from its prefix (M…, SK…, T-…)."""
    if code.startswith("SK"):
        return CompetencyGroup.SOSIAL_KULTURAL
    if code.startswith("T-"):
        return CompetencyGroup.TEKNIS
    return CompetencyGroup.MANAJERIAL
