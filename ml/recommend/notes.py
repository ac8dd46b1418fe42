"""Sentences of the unit plan as data: a code, the numbers in it, and the English text.

The optimiser explains itself (why the plan costs what it costs, who stays short of the JP
minimum and why). Pages show that in Bahasa Indonesia or English, so each sentence carries a
``code`` and its ``values`` (raw numbers: rupiah under names ending in ``_idr``, JP under
``_jp``) for a translation to fill in, beside the English ``text`` the API and the command line
print. A translation never parses the English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """One sentence of a plan's explanation, or one employee's reason."""

    code: str
    text: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "values": dict(self.values)}
