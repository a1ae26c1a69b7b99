"""Exact inference on discrete models: factors, evidence and variable elimination.

A factor is ``(array, scope)`` with one array axis per variable in ``scope``.
Elimination order is greedy (smallest intermediate factor first); each step is one
``numpy.einsum`` over the factors that mention the variable, so the work is vectorised
over all joint states of a clique rather than looped over worlds.
"""

from __future__ import annotations

import functools
import math
import string
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from ..exceptions import UnsupportedQueryError

Factor = tuple[np.ndarray, tuple[Hashable, ...]]
#: Below this many joint states, all factors are multiplied in one einsum.
SMALL_JOINT = 2**10
#: The largest table exact inference builds: 2**22 joint states (32 MiB of float64). A
#: query whose elimination needs a larger clique raises UnsupportedQueryError instead of
#: running for minutes or exhausting memory.
EXACT_BUDGET = 2**22
#: At most this many factors go into one einsum call (numpy caps operands and letters).
MAX_OPERANDS = 16
_LETTERS = string.ascii_letters


def check_budget(states: int, what: str) -> None:
    """Raise UnsupportedQueryError when a table of ``states`` joint states exceeds the budget."""
    if states > EXACT_BUDGET:
        raise UnsupportedQueryError(
            f"exact inference would need {what} of {states:,} joint states (about 2^{math.log2(states):.0f}; "
            f"the budget is 2^{math.log2(EXACT_BUDGET):.0f}, causalab.scm.exact.EXACT_BUDGET). Estimate it by "
            "Monte Carlo instead: sample the model (scm.sample / scm.do(...).sample with a seed) and count.")


@functools.lru_cache(maxsize=4096)
def _spec(scopes: tuple, out: tuple) -> str:
    """The einsum subscripts for factors with these scopes (cached: queries repeat shapes)."""
    symbols: dict = {}
    for scope in scopes:
        for v in scope:
            symbols.setdefault(v, _LETTERS[len(symbols)])
    return ",".join("".join(symbols[v] for v in s) for s in scopes) + "->" + "".join(symbols[v] for v in out)


def _einsum(factors: Sequence[Factor], out: tuple) -> np.ndarray:
    if not factors:
        return np.ones(())
    single = {v for arr, scope in factors for v, k in zip(scope, arr.shape) if k == 1}
    if single:
        # a variable with one state (e.g. the noise cell of a deterministic mechanism) only
        # scales its factors: drop its axes so it takes no einsum letter, and restore it after
        squeezed = [(arr.reshape(tuple(k for v, k in zip(scope, arr.shape) if v not in single)),
                     tuple(v for v in scope if v not in single)) for arr, scope in factors]
        result = _einsum(squeezed, tuple(v for v in out if v not in single))
        return result.reshape(tuple(1 if v in single else d for v, d in
                                    zip(out, _out_shape(factors, out))))
    n_symbols = len({v for _, s in factors for v in s} | set(out))
    if len(factors) <= MAX_OPERANDS and n_symbols <= len(_LETTERS):
        # no path optimisation: each call multiplies the few factors of one clique
        return np.einsum(_spec(tuple(s for _, s in factors), tuple(out)), *[a for a, _ in factors])
    # many factors (e.g. 63 observed children of one variable): contract two at a time, always
    # taking the factor that keeps the running product smallest, and summing out each variable
    # as soon as no remaining factor mentions it
    remaining = list(factors)
    acc = remaining.pop(0)
    while remaining:
        choice = None
        for i, (_, scope_i) in enumerate(remaining):
            later = set(out).union(*(s for j, (_, s) in enumerate(remaining) if j != i))
            scope = tuple(dict.fromkeys(v for v in acc[1] + scope_i if v in later))
            if choice is None or len(scope) < len(choice[1]):
                choice = (i, scope)
        i, scope = choice
        factor = remaining.pop(i)
        dims = {v: k for arr, sc in (acc, factor) for v, k in zip(sc, arr.shape)}
        # the product spans the union of both scopes; over the budget, refuse rather than recurse
        check_budget(math.prod(dims.values()), "an intermediate product")
        acc = (_einsum([acc, factor], scope), scope)
    return _einsum([acc], out)


def _out_shape(factors, out) -> tuple:
    card = {v: k for arr, scope in factors for v, k in zip(scope, arr.shape)}
    return tuple(card[v] for v in out)


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

    Greedy order: always eliminate the variable whose clique (the variable and its
    current neighbours in the interaction graph) has the fewest joint states; the
    neighbour sets are updated incrementally, as elimination connects a variable's
    neighbours. Returns an array with one axis per variable of ``keep``, in that order.
    """
    keep = tuple(keep)
    card = {v: k for arr, scope in factors for v, k in zip(scope, arr.shape)}
    check_budget(math.prod(card[v] for v in keep), "an answer table")
    if math.prod(card.values()) <= SMALL_JOINT:
        return _einsum(factors, keep)  # one vectorised product beats an elimination loop
    factors = dict(enumerate(factors))
    holders: dict = {}  # variable -> ids of the factors that mention it
    neighbours: dict = {}
    for i, (_, scope) in factors.items():
        for v in scope:
            holders.setdefault(v, set()).add(i)
            neighbours.setdefault(v, set()).update(scope)

    def cost(v):
        size = 1
        for x in neighbours[v]:
            size *= card[x]
        return size

    todo = {v: cost(v) for v in card if v not in keep}
    next_id = len(factors)
    while todo:
        best = min(todo, key=todo.__getitem__)
        check_budget(todo.pop(best), f"a clique around {best!r}")
        involved = [factors.pop(i) for i in holders.pop(best)]
        scope = tuple(dict.fromkeys(x for _, s in involved for x in s if x != best))
        factors[next_id] = (_einsum(involved, scope), scope)
        for x in scope:
            holders[x] = {i for i in holders[x] if i in factors} | {next_id}
            neighbours[x] = (neighbours[x] | set(scope)) - {best}
        next_id += 1
        for x in scope:
            if x in todo:
                todo[x] = cost(x)
    return _einsum(list(factors.values()), keep)


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
