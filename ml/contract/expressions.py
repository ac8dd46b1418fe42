"""A small, safe expression language over DataFrame columns, for ingest mappings.

Arithmetic (``+ - * / // %``), comparisons, ``and``/``or``/``not`` and the functions
``notna(x)`` and ``isna(x)`` over column names and literals, evaluated column-wise. Nothing else
of Python is reachable: a mapping file is data, not code.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ml.errors import InputError

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_FUNCTIONS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "notna": lambda s: s.notna(),
    "isna": lambda s: s.isna(),
}


class ExpressionError(InputError):
    """An expression that is malformed, uses something not allowed, or names an unknown column."""


def evaluate(expression: str, frame: pd.DataFrame) -> pd.Series:
    """Evaluate ``expression`` over the columns of ``frame``; numeric text becomes numbers.

    A whole-number result becomes a nullable integer column, so ``2018 - age`` reads ``1983``.
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"cannot parse {expression!r}: {e.msg}") from None
    try:
        result = _eval(tree.body, frame, expression)
    except (TypeError, ValueError, ArithmeticError) as e:
        hint = _non_numeric(frame, tree)
        raise ExpressionError(f"{expression!r} cannot be computed: {hint or e}") from None
    if not isinstance(result, pd.Series):
        result = pd.Series(result, index=frame.index)
    if pd.api.types.is_float_dtype(result):
        result = result.where(np.isfinite(result))  # x / 0 is no value, not infinity
        whole = result.dropna()
        if (whole == whole.round()).all():
            return result.round().astype("Int64")
    return result


def _non_numeric(frame: pd.DataFrame, tree: ast.Expression) -> str | None:
    """Name the first column used in ``tree`` that holds text where numbers were meant."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in frame.columns:
            values = frame[node.id]
            bad = values.notna() & pd.to_numeric(values, errors="coerce").isna()
            if bad.any():
                first = bad.to_numpy().nonzero()[0][0]
                row = values.index[first] + 2
                return f"column {node.id!r} holds {values.iloc[first]!r} (source row {row})"
    return None


def _column(frame: pd.DataFrame, name: str, expression: str) -> pd.Series:
    if name not in frame.columns:
        raise ExpressionError(
            f"{expression!r} names unknown column {name!r} (columns: {', '.join(frame.columns)})"
        )
    values = frame[name]
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.notna().sum() == values.notna().sum() else values


def _eval(node: ast.AST, frame: pd.DataFrame, expression: str) -> Any:
    match node:
        case ast.Constant(value=value) if isinstance(value, int | float | str):
            return value
        case ast.Name(id=name):
            return _column(frame, name, expression)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            return _BINARY[type(op)](
                _eval(left, frame, expression), _eval(right, frame, expression)
            )
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, frame, expression)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return ~_eval(operand, frame, expression).astype(bool)
        case ast.BoolOp(op=op, values=values):
            parts = [_eval(v, frame, expression).astype(bool) for v in values]
            out = parts[0]
            for part in parts[1:]:
                out = (out & part) if isinstance(op, ast.And) else (out | part)
            return out
        case ast.Compare(left=left, ops=[op], comparators=[right]) if type(op) in _COMPARE:
            return _COMPARE[type(op)](
                _eval(left, frame, expression), _eval(right, frame, expression)
            )
        case ast.Call(func=ast.Name(id=fn), args=[arg], keywords=[]) if fn in _FUNCTIONS:
            return _FUNCTIONS[fn](_eval(arg, frame, expression))
    raise ExpressionError(
        f"{expression!r}: {ast.unparse(node)!r} is not allowed (use columns, numbers, quoted text, "
        "+ - * / // %, comparisons, and/or/not, notna(), isna())"
    )
