"""The project's exceptions: what a user can fix, told apart from bugs.

Every error a user causes and can correct (a bad data directory, option, mapping or gate file; a
table a task needs; a model not yet trained) is a ``TalentaError``. The command line prints those
as one line (``error: …``) and exits non-zero; anything else is a bug and keeps its traceback.
The subclasses also derive from the built-in type such an error used to be (``ValueError``,
``RuntimeError``), so callers catching those keep working.
"""

from __future__ import annotations


class TalentaError(Exception):
    """An error the user can correct; its message says what and where."""


class InputError(TalentaError, ValueError):
    """Data, an option or a file that does not fit what the task needs."""


class NotReadyError(TalentaError, RuntimeError):
    """Something the task needs is not there yet (a model, a snapshot, a store)."""
