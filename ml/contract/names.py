"""People's names, titles and NIPs as Indonesian records write them (design §3, "Names").

A name is personal data: shown to the roles that read employees, never a model input and never a
protected attribute. A civil servant is written with the front titles (gelar depan: ``Dr.``,
``dr.``, ``Ir.``, ``H.``) before the name and the back titles (gelar belakang: ``S.E.``,
``M.Si.``) after a comma: ``Dr. Budi Santoso, S.E., M.Si.``. The NIP is written in four groups:
birth date, appointment month, gender, sequence (``19850312 201001 1 002``).
"""

from __future__ import annotations

import re

# The employees columns that name a person: never model inputs (ml.training.design refuses them).
NAME_COLUMNS: frozenset[str] = frozenset({"name", "front_title", "back_title"})

# Titles written before the name (Permendikbud 154/2014 lists the academic ones; H./Hj. are
# religious, dr./drg. professional). Matched as whole tokens, case as written.
FRONT_TITLES: frozenset[str] = frozenset(
    {"Prof.", "Dr.", "dr.", "drg.", "Ir.", "Drs.", "Dra.", "H.", "Hj.", "Ns.", "apt.", "drh."}
)

NIP_GROUPS = (8, 6, 1, 3)


def full_name(
    name: str | None, front_title: str | None = None, back_title: str | None = None
) -> str | None:
    """``front name, back`` as an official letter writes it; None when there is no name."""
    if not name or not str(name).strip():
        return None
    text = str(name).strip()
    if front_title and str(front_title).strip():
        text = f"{str(front_title).strip()} {text}"
    if back_title and str(back_title).strip():
        text = f"{text}, {str(back_title).strip()}"
    return text


def split_full_name(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(front_title, name, back_title) of a name written with its titles in one field."""
    if text is None or not str(text).strip():
        return None, None, None
    head, _, back = str(text).strip().partition(",")
    tokens = head.split()
    front = []
    while len(tokens) > 1 and tokens[0] in FRONT_TITLES:
        front.append(tokens.pop(0))
    back = ", ".join(p.strip() for p in back.split(",") if p.strip())
    return (" ".join(front) or None, " ".join(tokens) or None, back or None)


def format_nip(nip: str) -> str:
    """The official spaced form of an 18-digit NIP; anything else unchanged."""
    if len(nip) != sum(NIP_GROUPS) or not nip.isdigit():
        return nip
    parts, start = [], 0
    for size in NIP_GROUPS:
        parts.append(nip[start : start + size])
        start += size
    return " ".join(parts)


_SEPARATORS = re.compile(r"[\s.\-]+")


def nip_query(text: str) -> str | None:
    """The digits of a (partial) NIP typed with or without spaces, dots or dashes; None when
    the text is not a NIP at all."""
    digits = _SEPARATORS.sub("", text)
    return digits if digits.isdigit() else None
