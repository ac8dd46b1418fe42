"""The deterministic scoring core: the civil-service rules as pure functions (design §2).

Each rule is read from a versioned regulation object (a frozen dataclass with its table, a
``name`` and a ``source``) passed as a keyword argument whose default is the regulation in force,
so that a later regulation can be added beside it without rewriting history. Functions accept an
enum member or its upper-case code. Nothing here imports the rest of :mod:`ml`.
"""

from ml.scoring.angka_kredit import PERMENPANRB_1_2023, AngkaKreditRegulation, angka_kredit
from ml.scoring.codes import (
    JenjangFungsional,
    JpmCategory,
    OrgRating,
    Potential,
    Predikat,
    Rating,
    UjiKompetensiCategory,
)
from ml.scoring.competency import (
    BRIN_3_2023,
    UJI_KOMPETENSI,
    JobPersonMatch,
    JpmScale,
    competency_gaps,
    job_person_match,
)
from ml.scoring.development import (
    PP_17_2020,
    DevelopmentHours,
    DevelopmentRegulation,
    development_hours,
    development_hours_by_employee,
)
from ml.scoring.distribution import (
    DISTRIBUTION_CURVE_2022,
    HEAD_RATING_INFERENCE,
    Bound,
    CurveConstraint,
    CurveViolation,
    DistributionCurve,
    HeadRatingRule,
    Rounding,
    check_distribution,
    head_hasil_kerja,
)
from ml.scoring.predikat import (
    PERMENPANRB_6_2022,
    PredikatRegulation,
    predikat_kinerja,
    predikat_kinerja_many,
)
from ml.scoring.talent import (
    DEFAULT_PREDIKAT_TO_RATING,
    PERMENPANRB_3_2020,
    TalentRegulation,
    follow_up,
    is_talent_pool,
    performance_axis,
    potential_axis,
    talent_box,
)

__all__ = [
    "BRIN_3_2023",
    "DEFAULT_PREDIKAT_TO_RATING",
    "DISTRIBUTION_CURVE_2022",
    "HEAD_RATING_INFERENCE",
    "PERMENPANRB_1_2023",
    "PERMENPANRB_3_2020",
    "PERMENPANRB_6_2022",
    "PP_17_2020",
    "UJI_KOMPETENSI",
    "AngkaKreditRegulation",
    "Bound",
    "CurveConstraint",
    "CurveViolation",
    "DevelopmentHours",
    "DevelopmentRegulation",
    "DistributionCurve",
    "HeadRatingRule",
    "JenjangFungsional",
    "JobPersonMatch",
    "JpmCategory",
    "JpmScale",
    "OrgRating",
    "Potential",
    "Predikat",
    "PredikatRegulation",
    "Rating",
    "Rounding",
    "TalentRegulation",
    "UjiKompetensiCategory",
    "angka_kredit",
    "check_distribution",
    "competency_gaps",
    "development_hours",
    "development_hours_by_employee",
    "follow_up",
    "head_hasil_kerja",
    "is_talent_pool",
    "job_person_match",
    "performance_axis",
    "potential_axis",
    "predikat_kinerja",
    "predikat_kinerja_many",
    "talent_box",
]
