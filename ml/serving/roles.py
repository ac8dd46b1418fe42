"""Who may do what. One table, read by the API and the pages alike.

- ``planner``: employees' profiles and recommendations, unit plans;
- ``committee`` (the merit committee): profiles with protected attributes, recommendations,
  fairness flags and their reviews — the only role that sees protected attributes or flags;
- ``data-scientist``: models, metrics and reloads; no personal data;
- ``admin``: the planners' reads and the models; not the fairness audit.
"""

from __future__ import annotations

from enum import StrEnum

from ml.store.keys import ROLES


class Permission(StrEnum):
    READ_EMPLOYEES = "read employees"
    READ_PROTECTED = "read protected attributes"
    PLAN_UNITS = "plan units"
    FAIRNESS = "read and review fairness flags"
    READ_MODELS = "read models"
    RELOAD_MODELS = "reload models"


GRANTS: dict[str, frozenset[Permission]] = {
    "planner": frozenset({Permission.READ_EMPLOYEES, Permission.PLAN_UNITS}),
    "committee": frozenset(
        {Permission.READ_EMPLOYEES, Permission.READ_PROTECTED, Permission.FAIRNESS}
    ),
    "data-scientist": frozenset({Permission.READ_MODELS, Permission.RELOAD_MODELS}),
    "admin": frozenset(
        {
            Permission.READ_EMPLOYEES,
            Permission.PLAN_UNITS,
            Permission.READ_MODELS,
            Permission.RELOAD_MODELS,
        }
    ),
}
assert set(GRANTS) == set(ROLES), "every role has its grants"


def allowed(role: str, permission: Permission) -> bool:
    return permission in GRANTS.get(role, frozenset())


def roles_with(permission: Permission) -> list[str]:
    return [role for role in ROLES if allowed(role, permission)]
