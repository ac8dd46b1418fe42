"""Agency scope: a key bound to agencies (``talenta keys create --agency BKN``) sees only the
employees, units and plans of those agencies. Everything else answers as if it did not exist
(404), so that a bound key cannot even learn which ids another agency uses.

Pure predicates over the key; the service and the routes apply them where they read.
"""

from __future__ import annotations

from ml.store.keys import KeyInfo


def agencies(key: KeyInfo | None) -> frozenset[str] | None:
    """The agencies ``key`` is bound to; None: every agency (an unbound key, or no key)."""
    if key is None or key.agencies is None:
        return None
    return frozenset(key.agencies)


def sees(key: KeyInfo | None, agency_id: object) -> bool:
    """Whether ``key`` may see what belongs to ``agency_id`` (a record without an agency is
    seen by unbound keys alone)."""
    bound = agencies(key)
    return bound is None or (agency_id is not None and str(agency_id) in bound)
