"""Rupiah as planners write them: ``Rp 50.000.000``, ``50.000.000``, ``50 juta``, ``1,5 miliar``.

One parser for the plan form and the API. Indonesian conventions: ``.`` separates thousands
(always in groups of three), ``,`` is the decimal comma, and the words ``ribu``, ``juta``,
``miliar`` (also ``milyar``) and ``triliun`` — or their short forms ``rb``, ``jt``, ``M``, ``T`` —
multiply. A dot that does not separate groups of three (``1.5 juta``) is refused rather than
guessed: read as a thousands separator it would mean 15 juta, read as a decimal 1,5 juta.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ml.errors import InputError

MULTIPLIERS = {
    "ribu": 10**3,
    "rb": 10**3,
    "k": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
    "t": 10**12,
}
_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
# ASCII digits only: "\d" alone would also take other scripts' digits
_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?$", re.ASCII)


class RupiahError(InputError):
    """Text that is not an amount of rupiah; ``code`` names the problem for a translation."""

    def __init__(self, text: str, code: str, message: str) -> None:
        super().__init__(f"{message}: {text!r}")
        self.text, self.code = text, code


def parse_rupiah(text: str) -> int:
    """Whole rupiah written in ``text``.

    Parameters
    ----------
    text : str
        ``Rp 50.000.000``, ``50.000.000``, ``50000000``, ``50 juta``, ``1,5 miliar``,
        ``Rp 2,5 jt``; surrounding spaces and case do not matter.

    Returns
    -------
    int
        The amount, rounded to the rupiah (``1,2345 ribu`` is Rp 1.235).

    Raises
    ------
    RupiahError
        With ``code`` ``"empty"``, ``"negative"``, ``"dot"`` (a dot not separating groups of
        three), ``"decimals"`` (more than two decimals on plain rupiah), ``"unit"`` (an unknown
        word after the number) or ``"format"`` (anything else).
    """
    raw = text
    text = " ".join(text.split())
    if not text:
        raise RupiahError(raw, "empty", "no amount given")
    if text.startswith("-"):
        raise RupiahError(raw, "negative", "an amount of rupiah cannot be negative")
    text = _PREFIX.sub("", text)
    number, _, word = text.partition(" ")
    if not word:  # "50juta", "2,5M": the multiplier may follow the digits without a space
        match = re.match(r"^([\d.,]+)([a-zA-Z]+)$", number, re.ASCII)
        if match:
            number, word = match.groups()
    if number.startswith("-"):
        raise RupiahError(raw, "negative", "an amount of rupiah cannot be negative")
    match = _NUMBER.match(number)
    if match is None:
        if re.fullmatch(r"[\d.]+", number, re.ASCII) and "." in number:
            raise RupiahError(
                raw, "dot", "a dot separates thousands in groups of three; decimals take a comma"
            )
        raise RupiahError(raw, "format", "not an amount of rupiah")
    multiplier = 1
    if word:
        unit = word.lower().rstrip(".")
        if unit not in MULTIPLIERS:
            raise RupiahError(raw, "unit", "unknown unit (ribu, juta, miliar, triliun)")
        multiplier = MULTIPLIERS[unit]
    whole, fraction = match.group("int").replace(".", ""), match.group("frac") or ""
    if multiplier == 1 and len(fraction) > 2:
        raise RupiahError(raw, "decimals", "at most two decimals (sen) on an amount of rupiah")
    amount = Decimal(f"{whole}.{fraction or '0'}") * multiplier
    return int(amount.to_integral_value(rounding="ROUND_HALF_UP"))
