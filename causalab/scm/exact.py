"""Exact inference on discrete models: factors, evidence and variable elimination.

A factor is ``(array, scope)`` with one array axis per variable in ``scope``.
Elimination order is greedy (smallest intermediate factor first); each step is one
``numpy.einsum`` over the factors that mention the variable, so the work is vectorised
over all joint states of a clique rather than looped over worlds.
"""

from __future__ import annotations

import string
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

Factor = tuple[np.ndarray, tuple[Hashable, ...]]
_LETTERS = string.ascii_letters


def _einsum(factors: Sequence[Factor], out: tuple) -> np.ndarray:
    if not factors:
        return np.ones(())
    symbols: dict = {}
    for _, scope in factors:
        for v in scope:
            symbols.setdefault(v, _LETTERS[len(symbols)])
    spec = ",".join("".join(symbols[v] for v in s) for _, s in factors) + "->" + "".join(symbols[v] for v in out)
    return np.einsum(spec, *[a for a, _ in factors], optimize=len(factors) > 2)


def reduce_evidence(factors: Sequence[Factor], evidence: Mapping) -> list[Factor]:
    """Slice every factor at the observed values (conditioning before elimination)."""
    out = []
    for arr, scope in factors:
        if any(v in evidence for v in scope):
            arr = arr[tuple(evidence[v] if v in evidence else slice(None) for v in scope)]
            scope = tuple(v for v in scope if v not in evidence)
        out.append((arr, scope))
    return out


def eliminate(factors: Sequence[Factor], keep: Sequence[Hashable]) -> np.ndarray:
    """Sum the product of ``factors`` over every variable not in ``keep``.

    Returns an array with one axis per variable of ``keep``, in that order.
    """
    factors = list(factors)
    keep = tuple(keep)
    card: dict = {}
    for arr, scope in factors:
        card.update(zip(scope, arr.shape))
    todo = set(card) - set(keep)
    while todo:
        best, best_size = None, None
        for v in todo:
            scope = set()
            for _, s in factors:
                if v in s:
                    scope.update(s)
            size = 1
            for x in scope:
                size *= card[x]
            if best_size is None or size < best_size:
                best, best_size = v, size
        involved = [f for f in factors if best in f[1]]
        factors = [f for f in factors if best not in f[1]]
        scope = tuple(dict.fromkeys(x for _, s in involved for x in s if x != best))
        factors.append((_einsum(involved, scope), scope))
        todo.discard(best)
    return _einsum(factors, keep)


def response_cells(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the uniform noise of a discrete mechanism into finitely many cells.

    ``table`` has shape ``(*parent_levels, n_levels)``. Returns ``(cell_probs, response)``
    where ``response[*parents, cell]`` is the value the mechanism takes for any ``U`` in
    that cell. Within a cell every parent configuration gives the same value, so the
    cells are exactly the unit "response types" of the structural equation.
    """
    cum = np.cumsum(table, axis=-1)[..., :-1]
    inner = np.unique(cum[(cum > 0) & (cum < 1)])
    bounds = np.concatenate([[0.0], inner, [1.0]])
    probs = np.diff(bounds)
    mids = (bounds[:-1] + bounds[1:]) / 2
    response = (mids[:, None] >= cum[..., None, :]).sum(-1)
    return probs, response


def one_hot(response: np.ndarray, n_levels: int) -> np.ndarray:
    return (response[..., None] == np.arange(n_levels)).astype(np.float64)
