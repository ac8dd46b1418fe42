"""Exact path-dependent TreeSHAP for shallow trees, by decision patterns.

LightGBM's ``pred_contrib`` walks every tree for every row (Lundberg et al. 2020, Algorithm 2).
For a shallow tree the walk is wasted work: a row's contributions from one tree depend only on
which way the row goes at each of the tree's splits. With ``m`` splits there are ``2**m`` such
*patterns* (128 for the need model's trees of depth 3), so each tree's contributions are
tabulated once per pattern, and explaining a row is: the row's pattern (``m`` comparisons), then
one table lookup per feature the tree uses. On a national partition that was 40 times faster
than LightGBM's walk, with the same numbers (equal to ``pred_contrib`` to rounding, tested on
random models with missing values and categorical splits).

The table is the closed form of path-dependent TreeSHAP. For a leaf with value ``v`` whose path
tests the distinct features ``U``: ``o_u`` is 1 when the row goes the path's way at every split
on ``u``, and ``z_u`` the product of the path's cover fractions at those splits. The leaf adds to
feature ``i`` in ``U``::

    v · (o_i − z_i) · Σ_{S ⊆ U∖{i}} |S|! (|U| − |S| − 1)! / |U|! · Π_{j∈S} o_j · Π_{j∈U∖{i}∖S} z_j

and ``v · Π_u z_u`` to the expected value (``bias``). Cover is LightGBM's: the training rows that
reached a node (``internal_count``, ``leaf_count``).

A row goes left at a split as LightGBM's prediction decides it (``tree.h``): a numerical split
sends a missing value the default way when its missing type is NaN, treats it as 0 otherwise,
and sends a zero the default way when its missing type is Zero; a categorical split sends a
missing or negative value right and a category in the split's set left. Categorical columns of a
DataFrame are coded with the categories the model was trained with, as LightGBM codes them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import factorial
from typing import Any

import lightgbm
import numpy as np
import pandas as pd

# A tree with more splits is left to LightGBM's walk: its pattern table (2**splits rows per
# feature it uses) would cost more to build and hold than the walk saves.
MAX_SPLITS = 10
_ZERO = 1e-35  # LightGBM's kZeroThreshold: |x| at or below it is zero for a Zero missing type
_BLOCK = 16_384  # rows a block: its working columns stay in the CPU cache
_NONE, _ZERO_MISSING, _NAN_MISSING = 0, 1, 2
_MISSING = {"None": _NONE, "Zero": _ZERO_MISSING, "NaN": _NAN_MISSING}


@dataclass(frozen=True)
class _Split:
    feature: int
    threshold: float  # numerical splits
    categories: np.ndarray | None  # categorical splits: the categories sent left
    default_left: bool
    missing: int


@dataclass(frozen=True)
class _Tree:
    splits: tuple[_Split, ...]  # bit k of a pattern: the row went left at splits[k]
    features: np.ndarray  # the distinct features the tree splits on
    table: np.ndarray  # (len(features), 2**len(splits)): contribution per feature and pattern
    expected: float  # the tree's expected value (its share of the bias)
    leaf: np.ndarray  # (2**len(splits),): the value of the leaf each pattern reaches


class PatternTreeShap:
    """Exact TreeSHAP contributions of a LightGBM model whose trees are all shallow.

    Build with :meth:`of`, which returns ``None`` for a model this method does not cover (a
    multiclass, linear-tree or averaged (random forest) model, or a tree with more than
    :data:`MAX_SPLITS` splits);
    :func:`ml.training.explain.contributions` then uses LightGBM's own ``pred_contrib``.
    """

    def __init__(
        self, trees: list[_Tree], feature_names: list[str], categorical: list[list[Any]]
    ) -> None:
        self.trees = trees
        self.feature_names = feature_names
        self.pandas_categorical = categorical
        self.bias = float(sum(t.expected for t in trees))

    @classmethod
    def of(cls, booster: lightgbm.Booster) -> PatternTreeShap | None:
        model = booster.dump_model()
        if model.get("num_tree_per_iteration", 1) != 1 or model.get("average_output"):
            return None
        trees = []
        for info in model["tree_info"]:
            root = info["tree_structure"]
            if _has_linear_leaves(root):
                return None
            splits: list[_Split] = []
            leaves: list[tuple[float, list[tuple[int, bool, float]]]] = []
            _walk(root, [], splits, leaves)
            if len(splits) > MAX_SPLITS:
                return None
            trees.append(_tabulate(splits, leaves))
        return cls(trees, list(model["feature_names"]), list(model.get("pandas_categorical") or []))

    def matrix(self, X: pd.DataFrame) -> np.ndarray:
        """``X`` as the float64 columns LightGBM predicts from: category columns coded with the
        training categories (unknown or missing: NaN), in the model's column order."""
        if list(map(str, X.columns)) != self.feature_names:
            raise ValueError("the columns of X are not the model's, in its order")
        given = sum(isinstance(t, pd.CategoricalDtype) for t in X.dtypes)
        if given != len(self.pandas_categorical):  # as LightGBM refuses it
            raise ValueError(
                f"X has {given} category columns where the model was trained with "
                f"{len(self.pandas_categorical)}"
            )
        columns = []
        categorical = iter(self.pandas_categorical)
        for name in X.columns:
            values = X[name]
            if isinstance(values.dtype, pd.CategoricalDtype):
                trained = next(categorical)
                coded = values.cat.set_categories(trained).cat.codes.to_numpy(np.float64)
                columns.append(np.where(coded < 0, np.nan, coded))
            else:
                columns.append(values.to_numpy(np.float64, na_value=np.nan))
        return np.vstack(columns) if columns else np.empty((0, len(X)))

    def contributions(self, X: pd.DataFrame, *, threads: int = 2) -> np.ndarray:
        """Per-row contributions, shape (rows, features + 1): the features in the model's order,
        then the expected raw score; each row sums to the model's raw score.

        Rows are explained in blocks small enough for the CPU cache, ``threads`` blocks at a
        time (NumPy releases the GIL inside each operation)."""
        by_feature = self.matrix(X)  # one contiguous row per feature: the lookups read along it
        out = np.zeros((len(self.feature_names) + 1, by_feature.shape[1]))
        out[-1] = self.bias

        def explain(values: np.ndarray, sums: np.ndarray, tree: _Tree, pattern: np.ndarray) -> None:
            for row, feature in zip(tree.table, tree.features, strict=True):
                sums[feature] += row.take(pattern)

        self._by_blocks(by_feature, out, explain, threads)
        return out.T

    def raw_score(self, X: pd.DataFrame, *, threads: int = 2) -> np.ndarray:
        """The model's raw score of each row: each tree's leaf value added in tree order from
        0.0, as LightGBM's ``predict(raw_score=True)`` adds them, hence the same numbers to the
        last bit (tested)."""
        by_feature = self.matrix(X)
        out = np.zeros((1, by_feature.shape[1]))

        def predict(values: np.ndarray, sums: np.ndarray, tree: _Tree, pattern: np.ndarray) -> None:
            sums[0] += tree.leaf.take(pattern)

        self._by_blocks(by_feature, out, predict, threads)
        return out[0]

    def _by_blocks(
        self,
        by_feature: np.ndarray,
        out: np.ndarray,
        use: Callable[[np.ndarray, np.ndarray, _Tree, np.ndarray], None],
        threads: int,
    ) -> None:
        """``use(values, sums, tree, pattern)`` for each tree on each block of rows: blocks
        small enough for the CPU cache, ``threads`` at a time (NumPy releases the GIL inside
        each operation); ``sums`` is the block's part of ``out``."""
        n = by_feature.shape[1]
        blocks = [(start, min(start + _BLOCK, n)) for start in range(0, n, _BLOCK)]

        def block(bounds: tuple[int, int]) -> None:
            start, stop = bounds
            values, sums = by_feature[:, start:stop], out[:, start:stop]
            missing: dict[int, np.ndarray | None] = {}
            pattern = np.empty(stop - start, dtype=np.int32)
            for tree in self.trees:
                pattern[:] = 0
                for bit, split in enumerate(tree.splits):
                    if split.feature not in missing:
                        nan = np.isnan(values[split.feature])
                        missing[split.feature] = nan if nan.any() else None
                    left = _goes_left(split, values[split.feature], missing[split.feature])
                    pattern |= left.view(np.uint8).astype(np.int32) << bit
                use(values, sums, tree, pattern)

        if threads > 1 and len(blocks) > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(block, blocks))
        else:
            for bounds in blocks:
                block(bounds)


_CACHE: weakref.WeakKeyDictionary[lightgbm.Booster, PatternTreeShap | None] = (
    weakref.WeakKeyDictionary()
)


def pattern_explainer(booster: lightgbm.Booster) -> PatternTreeShap | None:
    """The pattern explainer of ``booster``, built once per model object (``None``: not covered)."""
    if booster not in _CACHE:
        _CACHE[booster] = PatternTreeShap.of(booster)
    return _CACHE[booster]


def _has_linear_leaves(node: dict[str, Any]) -> bool:
    if "leaf_value" in node:
        return "leaf_coeff" in node
    return _has_linear_leaves(node["left_child"]) or _has_linear_leaves(node["right_child"])


def _walk(
    node: dict[str, Any],
    path: list[tuple[int, bool, float]],
    splits: list[_Split],
    leaves: list[tuple[float, list[tuple[int, bool, float]]]],
) -> None:
    """Number the splits depth first and record each leaf's path: (split, went left, cover
    fraction of the child taken)."""
    if "leaf_value" in node:
        leaves.append((float(node["leaf_value"]), path))
        return
    index = len(splits)
    categorical = node["decision_type"] == "=="
    splits.append(
        _Split(
            feature=int(node["split_feature"]),
            threshold=np.nan if categorical else float(node["threshold"]),
            categories=(
                np.array([int(c) for c in str(node["threshold"]).split("||")], dtype=np.int64)
                if categorical
                else None
            ),
            default_left=bool(node["default_left"]),
            missing=_MISSING[node["missing_type"]],
        )
    )
    total = float(node["internal_count"])
    for child, left in ((node["left_child"], True), (node["right_child"], False)):
        count = float(child["leaf_count"] if "leaf_value" in child else child["internal_count"])
        _walk(child, [*path, (index, left, count / total)], splits, leaves)


def _tabulate(
    splits: list[_Split], leaves: list[tuple[float, list[tuple[int, bool, float]]]]
) -> _Tree:
    """The tree's contribution to each feature for every pattern of split decisions."""
    m = len(splits)
    patterns = np.arange(2**m)
    went_left = (patterns[:, None] >> np.arange(m)) & 1 == 1  # (patterns, splits)
    features = np.array(sorted({s.feature for s in splits}), dtype=np.int64)
    slot = {int(f): k for k, f in enumerate(features)}
    table = np.zeros((len(features), len(patterns)))
    expected = 0.0
    leaf = np.zeros(len(patterns))
    for value, path in leaves:
        reaches = np.ones(len(patterns), dtype=bool)
        for index, left, _ in path:
            reaches &= went_left[:, index] == left
        leaf[reaches] = value
        ones: dict[int, np.ndarray] = {}  # o_u per pattern
        zeros: dict[int, float] = {}  # z_u
        for index, left, fraction in path:
            u = splits[index].feature
            follows = went_left[:, index] == left
            ones[u] = ones[u] & follows if u in ones else follows
            zeros[u] = zeros.get(u, 1.0) * fraction
        expected += value * float(np.prod(list(zeros.values()))) if zeros else value
        used = list(ones)
        d = len(used)
        weight = [factorial(s) * factorial(d - s - 1) / factorial(d) for s in range(d)]
        for i in used:
            # Σ over subsets S of the other features, by size: the coefficients of
            # Π_j (z_j + o_j·t), built one feature at a time
            by_size = [np.ones(len(patterns))]
            for j in used:
                if j == i:
                    continue
                o, z = ones[j].astype(np.float64), zeros[j]
                grown = [by_size[0] * z]
                grown += [by_size[s] * z + by_size[s - 1] * o for s in range(1, len(by_size))]
                grown.append(by_size[-1] * o)
                by_size = grown
            subsets = sum(w * c for w, c in zip(weight, by_size, strict=True))
            table[slot[i]] += value * (ones[i].astype(np.float64) - zeros[i]) * subsets
    return _Tree(tuple(splits), features, table, expected, leaf)


def _goes_left(split: _Split, values: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    """Whether each value goes left at ``split``, as LightGBM's prediction decides; ``missing``:
    where ``values`` are NaN (``None``: nowhere)."""
    if split.categories is not None:
        with np.errstate(invalid="ignore"):
            known = values >= 0  # NaN compares false: missing goes right
        codes = np.where(known, values, 0).astype(np.int64)  # truncation, as a C++ int cast
        size = int(max(split.categories.max(), 0)) + 1
        members = np.zeros(size + 1, dtype=bool)  # the last slot: any code beyond the set
        members[split.categories] = True
        return known & members[np.minimum(codes, size)]
    with np.errstate(invalid="ignore"):
        left = values <= split.threshold  # NaN compares false
    if split.missing == _ZERO_MISSING:
        zero = np.abs(values) <= _ZERO
        if missing is not None:
            zero |= missing
        return np.where(zero, split.default_left, left)
    if missing is None:
        return left
    if split.missing == _NAN_MISSING:
        return left | missing if split.default_left else left
    # missing type None: LightGBM reads a missing value as 0
    return left | missing if split.threshold >= 0.0 else left
