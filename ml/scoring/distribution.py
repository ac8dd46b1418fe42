"""The distribution curve: how a unit's own rating bounds its employees' predikat.

Under PermenPAN-RB No. 6/2022 a unit's performance (*capaian kinerja organisasi*) is rated
ISTIMEWA … SANGAT_KURANG, and that rating bounds the share of its employees that may get each
predikat. A unit that breaks the curve is reported, never corrected: :func:`check_distribution`
returns the violations and changes nothing.

The table below is KemenPAN-RB's circular guidance as reported in the press; the instrument number
is not verified, so the curve is a configurable :class:`DistributionCurve`. How to round a share
for a small unit is specified nowhere, so it is an explicit :class:`Rounding` choice.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import numpy as np

from ml.scoring.codes import OrgRating, Predikat, Rating, coerce


class Bound(StrEnum):
    """Whether a constraint caps or floors a count."""

    AT_MOST = "AT_MOST"
    AT_LEAST = "AT_LEAST"


class Rounding(StrEnum):
    """How a share becomes an allowed count in a unit of n employees.

    STRICT holds the unit to the exact share: at most floor(share·n), at least ceil(share·n).
    LENIENT rounds in the unit's favour: at most ceil(share·n), at least floor(share·n).
    """

    STRICT = "STRICT"
    LENIENT = "LENIENT"


@dataclass(frozen=True)
class CurveConstraint:
    """A bound on how many employees of a unit get any of some predikat.

    Attributes
    ----------
    predikats : frozenset of Predikat
        The predikat counted together ("BUTUH_PERBAIKAN or KURANG").
    bound : Bound
        AT_MOST or AT_LEAST.
    share : float or None
        The bound as a share of the unit, 0–1; exactly one of ``share`` and ``count`` is set.
    count : int or None
        The bound as a head count ("at least one", "none").
    """

    predikats: frozenset[Predikat]
    bound: Bound
    share: float | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if not self.predikats:
            raise ValueError("a constraint needs at least one predikat")
        if (self.share is None) == (self.count is None):
            raise ValueError("set exactly one of share and count")
        if self.share is not None and not 0 <= self.share <= 1:
            raise ValueError(f"share must be within 0–1, got {self.share}")
        if self.count is not None and self.count < 0:
            raise ValueError(f"count must be >= 0, got {self.count}")

    @classmethod
    def at_most(
        cls, *predikats: Predikat, share: float | None = None, count: int | None = None
    ) -> CurveConstraint:
        """At most ``share`` of the unit (or ``count`` employees) get any of ``predikats``."""
        return cls(frozenset(predikats), Bound.AT_MOST, share, count)

    @classmethod
    def at_least(
        cls, *predikats: Predikat, share: float | None = None, count: int | None = None
    ) -> CurveConstraint:
        """At least ``share`` of the unit (or ``count`` employees) get any of ``predikats``."""
        return cls(frozenset(predikats), Bound.AT_LEAST, share, count)

    @property
    def subject(self) -> str:
        """The predikat codes joined by "or", in Predikat order."""
        return " or ".join(p.value for p in Predikat if p in self.predikats)

    def allowed(self, n: int, rounding: Rounding) -> int:
        """The bound as a head count for a unit of ``n`` employees."""
        if self.count is not None:
            return self.count
        # str() gives the decimal the curve was written with (0.7, not 0.69999…): in floats
        # 0.7 × 90 is 62.99999999999999, and floor would hold a unit of 90 to 62 instead of 63.
        exact = Fraction(str(self.share)) * n
        rounds_down = (self.bound is Bound.AT_MOST) == (rounding is Rounding.STRICT)
        return math.floor(exact) if rounds_down else math.ceil(exact)

    def describe(self) -> str:
        """The bound in words, e.g. ``"at most 70% allowed"``."""
        if self.bound is Bound.AT_MOST and not (self.share or self.count):
            return "none allowed"
        if self.count is not None:
            limit = str(self.count)
        else:
            limit = f"{float(Fraction(str(self.share)) * 100):g}%"
        if self.bound is Bound.AT_MOST:
            return f"at most {limit} allowed"
        return f"at least {limit} required"


@dataclass(frozen=True)
class DistributionCurve:
    """The constraints on employees' predikat for each unit rating, and their source."""

    name: str
    source: str
    constraints: Mapping[OrgRating, tuple[CurveConstraint, ...]] = field(repr=False)

    def __post_init__(self) -> None:
        if set(self.constraints) != set(OrgRating):
            raise ValueError(f"{self.name}: the curve needs one row per OrgRating")
        object.__setattr__(self, "constraints", MappingProxyType(dict(self.constraints)))


DISTRIBUTION_CURVE_2022 = DistributionCurve(
    name="Kurva distribusi 2022",
    source=(
        "KemenPAN-RB circular guidance on the distribution of predikat kinerja by organisation "
        "rating under PermenPAN-RB 6/2022, as reported in the press (instrument not verified)"
    ),
    constraints={
        OrgRating.ISTIMEWA: (CurveConstraint.at_most(Predikat.SANGAT_BAIK, share=0.7),),
        OrgRating.BAIK: (
            CurveConstraint.at_most(Predikat.BAIK, share=0.7),
            CurveConstraint.at_least(Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, count=1),
        ),
        OrgRating.BUTUH_PERBAIKAN: (
            CurveConstraint.at_least(Predikat.BUTUH_PERBAIKAN, share=0.6),
            CurveConstraint.at_most(Predikat.SANGAT_BAIK, share=0.1),
        ),
        OrgRating.KURANG: (
            CurveConstraint.at_least(Predikat.KURANG, share=0.6),
            CurveConstraint.at_least(Predikat.BUTUH_PERBAIKAN, share=0.1),
            CurveConstraint.at_most(Predikat.SANGAT_BAIK, share=0.1),
        ),
        OrgRating.SANGAT_KURANG: (
            CurveConstraint.at_least(Predikat.SANGAT_KURANG, share=0.6),
            CurveConstraint.at_least(Predikat.KURANG, Predikat.BUTUH_PERBAIKAN, share=0.1),
            CurveConstraint.at_most(Predikat.SANGAT_BAIK, count=0),
        ),
    },
)


@dataclass(frozen=True)
class CurveViolation:
    """One constraint of the curve that a unit breaks.

    Attributes
    ----------
    unit_rating : OrgRating
        The unit's rating, which selected the constraint.
    constraint : CurveConstraint
        The constraint broken.
    count : int
        How many employees of the unit have any of the constraint's predikat.
    n : int
        The unit's size.
    allowed : int
        The constraint as a head count for this unit, under the rounding used.
    """

    unit_rating: OrgRating
    constraint: CurveConstraint
    count: int
    n: int
    allowed: int

    @property
    def message(self) -> str:
        """The violation in words.

        For example "SANGAT_BAIK is 8 of 10 (80%), at most 70% allowed for an ISTIMEWA unit".
        """
        article = "an" if self.unit_rating.value[0] in "AEIOU" else "a"
        return (
            f"{self.constraint.subject} is {self.count} of {self.n} ({self.count / self.n:.0%}), "
            f"{self.constraint.describe()} for {article} {self.unit_rating.value} unit"
        )


def _counts(
    predikats: Iterable[Predikat | str] | Mapping[Predikat | str, int],
) -> Counter[Predikat]:
    raw: Mapping[Predikat | str, int] = (
        predikats if isinstance(predikats, Mapping) else Counter(predikats)
    )
    counts: Counter[Predikat] = Counter()
    for code, count in raw.items():
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise ValueError(f"count of {code!r} must be an int >= 0, got {count!r}")
        counts[coerce(Predikat, code, "predikats")] += int(count)
    return counts


def check_distribution(
    predikats: Iterable[Predikat | str] | Mapping[Predikat | str, int],
    unit_rating: OrgRating | str,
    *,
    curve: DistributionCurve = DISTRIBUTION_CURVE_2022,
    rounding: Rounding | str = Rounding.STRICT,
) -> list[CurveViolation]:
    """The constraints of the distribution curve that a unit's predikat break.

    Parameters
    ----------
    predikats : iterable of Predikat or str, or mapping of Predikat to int
        The unit's employees' predikat, one per employee, or their counts.
    unit_rating : OrgRating or str
        The unit's own rating, which selects the constraints.
    curve : DistributionCurve, default DISTRIBUTION_CURVE_2022
        The table of constraints.
    rounding : Rounding or str, default STRICT
        How a share becomes a head count in a small unit.

    Returns
    -------
    list of CurveViolation
        In the curve's order; empty when the unit follows the curve, or has no employees.

    Raises
    ------
    ValueError
        If a code is unknown (the message names the argument) or a count is not an int >= 0.
    """
    rating = coerce(OrgRating, unit_rating, "unit_rating")
    rule = coerce(Rounding, rounding, "rounding")
    counts = _counts(predikats)
    n = sum(counts.values())
    if n == 0:
        return []
    violations: list[CurveViolation] = []
    for constraint in curve.constraints[rating]:
        count = sum(counts[p] for p in constraint.predikats)
        allowed = constraint.allowed(n, rule)
        broken = count > allowed if constraint.bound is Bound.AT_MOST else count < allowed
        if broken:
            violations.append(CurveViolation(rating, constraint, count, n, allowed))
    return violations


@dataclass(frozen=True)
class HeadRatingRule:
    """How a unit's rating sets its head's rating hasil kerja, and where that comes from."""

    name: str
    source: str
    hasil_kerja: Mapping[OrgRating, Rating] = field(repr=False)

    def __post_init__(self) -> None:
        if set(self.hasil_kerja) != set(OrgRating):
            raise ValueError(f"{self.name}: the rule needs one entry per OrgRating")
        object.__setattr__(self, "hasil_kerja", MappingProxyType(dict(self.hasil_kerja)))


HEAD_RATING_INFERENCE = HeadRatingRule(
    name="Head follows unit (inference)",
    source=(
        "Inferred from PermenPAN-RB 6/2022: the head of a unit answers for the unit's results; "
        "the mapping is not printed in the regulation"
    ),
    hasil_kerja={
        OrgRating.ISTIMEWA: Rating.DI_ATAS,
        OrgRating.BAIK: Rating.SESUAI,
        OrgRating.BUTUH_PERBAIKAN: Rating.DI_BAWAH,
        OrgRating.KURANG: Rating.DI_BAWAH,
        OrgRating.SANGAT_KURANG: Rating.DI_BAWAH,
    },
)


def head_hasil_kerja(
    unit_rating: OrgRating | str, *, rule: HeadRatingRule = HEAD_RATING_INFERENCE
) -> Rating:
    """The rating hasil kerja of a unit's head, following the unit's rating.

    ISTIMEWA → DI_ATAS, BAIK → SESUAI, lower → DI_BAWAH by default. This is an inference, not a
    printed rule, hence the configurable ``rule``.

    Raises
    ------
    ValueError
        If ``unit_rating`` is not an OrgRating code.
    """
    return rule.hasil_kerja[coerce(OrgRating, unit_rating, "unit_rating")]
