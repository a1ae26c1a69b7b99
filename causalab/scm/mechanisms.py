"""Mechanisms: how a variable's value follows from its parents and its own noise.

A mechanism is a small object with ``parents``, ``noise``, ``evaluate(parents, noise)``
and, where it exists, ``abduct(value, parents)`` returning the noise that produced the
value. Everything is vectorised over units: parents are a dict of 1-D float64 tensors.

Discrete mechanisms (binary and categorical) share one structural form:
``value = number of cumulative probabilities <= U`` with ``U ~ Uniform(0, 1)``, i.e. the
inverse CDF of the conditional distribution evaluated at one uniform per unit. The same
``U`` is used for every parent configuration, which fixes the counterfactual coupling
(units are comonotone across parent values) and makes counterfactuals exact: the
posterior of ``U`` given the value and the parents is uniform on one interval.
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch

from .._pickling import by_value
from ..exceptions import InvalidValueError, MechanismError, UnsupportedQueryError
from .noise import DTYPE, Noise, Normal, Uniform, as_noise

Tensor = torch.Tensor


def _parents_from_signature(f: Callable, parents: Sequence[str] | None, what: str) -> tuple[str, ...]:
    if parents is not None:
        if isinstance(parents, str):
            raise InvalidValueError(f"{what}: parents must be a list of names, got the string {parents!r}")
        return tuple(parents)
    if not callable(f):
        raise InvalidValueError(f"{what}: expected a callable, got {f!r}")
    params = inspect.signature(f).parameters.values()
    if any(p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params):
        raise InvalidValueError(f"{what}: cannot read parent names from *args/**kwargs; pass parents=[...]")
    return tuple(p.name for p in params)


def _call(f: Callable, names: tuple[str, ...], parents: Mapping[str, Tensor], n: int) -> Tensor:
    return as_values(f(**{p: parents[p] for p in names}), n)


def as_values(out, n: int) -> Tensor:
    """A user function's result as ``n`` float64 values: a scalar broadcasts, anything but
    shape ``(n,)`` is a MechanismError (a silent broadcast of (n, 1) would be wrong)."""
    try:
        out = torch.as_tensor(out, dtype=DTYPE)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise MechanismError(f"a mechanism function returned {type(out).__name__}, not numbers") from exc
    if out.dim() == 0:
        return out.expand(n)
    if tuple(out.shape) != (n,):
        raise MechanismError(f"a mechanism function returned shape {tuple(out.shape)}; it must return one value "
                             f"per unit, shape ({n},), or a scalar")
    return out


def _finite_number(value, what: str) -> float:
    """A real, finite number (not a bool or a string), or an InvalidValueError naming ``what``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidValueError(f"{what} must be a finite number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidValueError(f"{what} must be a finite number, got {value!r}")
    return out


def _coefficients(coefs, owner: str) -> dict[str, float]:
    if not isinstance(coefs, Mapping):
        raise InvalidValueError(f"{owner}: coefs must be a dict of parent -> coefficient, got {coefs!r}")
    return {str(k): _finite_number(v, f"{owner}: the coefficient of {k!r}") for k, v in coefs.items()}


@by_value
class Mechanism:
    """Base class. ``kind`` is ``"continuous"``, ``"binary"`` or ``"categorical"``;
    ``invertible`` says whether a unit's noise follows exactly from its value and its
    parents (exact abduction); discrete mechanisms give an interval of noise instead.
    ``exact_inverse`` says the inverse is causalab's own closed form (no user function), so
    ``evaluate(parents, abduct(value, parents))`` gives ``value`` back whenever the noise is
    finite, and counterfactuals need not recompute it to check."""

    kind = "continuous"
    n_levels: int | None = None
    invertible = False
    exact_inverse = False
    parents: tuple[str, ...] = ()
    noise: Noise

    def evaluate(self, parents: Mapping[str, Tensor], noise: Tensor) -> Tensor:
        raise NotImplementedError

    def rows(self, start: int, stop: int) -> "Mechanism":
        """The mechanism for units ``start:stop`` of a sample (per-unit interventions slice)."""
        return self

    def evaluate_into(self, parents: Mapping[str, Tensor], noise: Tensor, out: Tensor) -> Tensor:
        """:meth:`evaluate` written into ``out`` (sampling writes straight into the output)."""
        return out.copy_(self.evaluate(parents, noise))

    def abduct(self, value: Tensor, parents: Mapping[str, Tensor]) -> Tensor:
        raise UnsupportedQueryError(
            f"{type(self).__name__} has no inverse, so its noise cannot be recovered from data; "
            "pass the units' noise (sample_world) or give the mechanism an inverse"
        )

    @property
    def discrete(self) -> bool:
        return self.kind != "continuous"


class Root(Mechanism):
    """A variable without parents whose value is its noise."""

    invertible = True
    exact_inverse = True

    def __init__(self, noise: Noise):
        self.noise = as_noise(noise)

    def evaluate(self, parents, noise):
        return noise

    def abduct(self, value, parents):
        return value

    def __repr__(self):
        return f"{self.noise!r}"


class Linear(Mechanism):
    """``value = intercept + sum_p coefs[p] * p + noise``.

    Parameters
    ----------
    coefs : dict
        Parent name to coefficient.
    intercept : float
    noise : Noise, default Normal(0, 1)
    """

    invertible = True
    exact_inverse = True

    def __init__(self, coefs: Mapping[str, float], intercept: float = 0.0, noise: Noise | None = None):
        self.coefs = _coefficients(coefs, "Linear")
        self.intercept = _finite_number(intercept, "Linear: the intercept")
        self.noise = as_noise(noise if noise is not None else Normal(0, 1))
        self.parents = tuple(self.coefs)

    def mean_function(self, parents: Mapping[str, Tensor], n: int) -> Tensor:
        out = torch.full((n,), self.intercept, dtype=DTYPE)
        for p, c in self.coefs.items():
            out.add_(parents[p], alpha=c)
        return out

    def evaluate(self, parents, noise):
        return self.evaluate_into(parents, noise, torch.empty_like(noise))

    def evaluate_into(self, parents, noise, out):
        # one pass per parent, straight into the output: sampling is memory-bound
        items = list(self.coefs.items())
        if items:
            torch.add(noise, parents[items[0][0]], alpha=items[0][1], out=out)
            for p, c in items[1:]:
                out.add_(parents[p], alpha=c)
        else:
            out.copy_(noise)
        return out.add_(self.intercept) if self.intercept else out

    def abduct(self, value, parents):
        return value - self.mean_function(parents, value.shape[0])

    def __repr__(self):
        terms = [f"{self.intercept:g}"] if self.intercept else []
        terms += [f"{c:g}*{p}" for p, c in self.coefs.items()]
        return " + ".join(terms + [repr(self.noise)])


class Additive(Mechanism):
    """``value = f(parents) + noise`` for any vectorised torch function ``f``.

    ``f`` takes the parents as keyword arguments; their names are read from its
    signature unless ``parents`` is given.
    """

    invertible = True

    def __init__(self, f: Callable[..., Tensor], parents: Sequence[str] | None = None, noise: Noise | None = None):
        self.f = f
        self.parents = _parents_from_signature(f, parents, "Additive")
        self.noise = as_noise(noise if noise is not None else Normal(0, 1))

    def evaluate(self, parents, noise):
        return _call(self.f, self.parents, parents, noise.shape[0]) + noise

    def abduct(self, value, parents):
        return value - _call(self.f, self.parents, parents, value.shape[0])

    def __repr__(self):
        return f"f({', '.join(self.parents)}) + {self.noise!r}"


class LocationScale(Mechanism):
    """Heteroscedastic noise: ``value = loc(parents) + scale(parents) * noise``, ``scale > 0``."""

    invertible = True

    def __init__(self, loc: Callable[..., Tensor], scale: Callable[..., Tensor], parents: Sequence[str] | None = None,
                 noise: Noise | None = None):
        self.loc, self.scale = loc, scale
        self.parents = _parents_from_signature(loc, parents, "LocationScale")
        self.noise = as_noise(noise if noise is not None else Normal(0, 1))

    def evaluate(self, parents, noise):
        n = noise.shape[0]
        return _call(self.loc, self.parents, parents, n) + _call(self.scale, self.parents, parents, n) * noise

    def abduct(self, value, parents):
        n = value.shape[0]
        return (value - _call(self.loc, self.parents, parents, n)) / _call(self.scale, self.parents, parents, n)

    def __repr__(self):
        return f"loc({', '.join(self.parents)}) + scale({', '.join(self.parents)}) * {self.noise!r}"


class PostNonlinear(Mechanism):
    """``value = outer(inner(parents) + noise)`` with ``outer`` invertible.

    ``outer_inverse`` is required so that counterfactuals on observed data are exact.
    """

    invertible = True

    def __init__(self, inner: Callable[..., Tensor], outer: Callable[[Tensor], Tensor],
                 outer_inverse: Callable[[Tensor], Tensor], parents: Sequence[str] | None = None,
                 noise: Noise | None = None):
        if not callable(outer) or not callable(outer_inverse):
            raise InvalidValueError("PostNonlinear: outer and outer_inverse must be callables")
        self.inner, self.outer, self.outer_inverse = inner, outer, outer_inverse
        self.parents = _parents_from_signature(inner, parents, "PostNonlinear")
        self.noise = as_noise(noise if noise is not None else Normal(0, 1))

    def evaluate(self, parents, noise):
        return self.outer(_call(self.inner, self.parents, parents, noise.shape[0]) + noise)

    def abduct(self, value, parents):
        return self.outer_inverse(value) - _call(self.inner, self.parents, parents, value.shape[0])

    def __repr__(self):
        return f"g(f({', '.join(self.parents)}) + {self.noise!r})"


class Custom(Mechanism):
    """A general mechanism ``value = f(parents, noise)``.

    Parameters
    ----------
    f : callable
        ``f(parents, noise)`` with ``parents`` a dict of tensors; returns a tensor.
    parents : list of str
    noise : Noise
    inverse : callable, optional
        ``inverse(value, parents)`` returning the noise; without it, counterfactuals
        need the units' stored noise.
    """

    def __init__(self, f: Callable, parents: Sequence[str], noise: Noise, inverse: Callable | None = None):
        if not callable(f):
            raise InvalidValueError(f"Custom: f must be callable, got {f!r}")
        self.f, self.inverse = f, inverse
        self.parents = _parents_from_signature(f, parents, "Custom")
        self.noise = as_noise(noise)
        self.invertible = inverse is not None

    def evaluate(self, parents, noise):
        return as_values(self.f({p: parents[p] for p in self.parents}, noise), noise.shape[0])

    def abduct(self, value, parents):
        if self.inverse is None:
            return super().abduct(value, parents)
        return torch.as_tensor(self.inverse(value, {p: parents[p] for p in self.parents}), dtype=DTYPE)

    def __repr__(self):
        return f"f({', '.join(self.parents)}, {self.noise!r})"


class Discrete(Mechanism):
    """Base of binary and categorical mechanisms (see the module docstring).

    Subclasses implement :meth:`probs` returning the ``(n, n_levels)`` conditional
    distribution for each unit's parent values.
    """

    def __init__(self, n_levels: int):
        self.n_levels = int(n_levels)
        self.kind = "binary" if self.n_levels == 2 else "categorical"
        self.noise = Uniform(0.0, 1.0)
        self._tables: dict = {}

    def probs(self, parents: Mapping[str, Tensor], n: int) -> Tensor:
        raise NotImplementedError

    def evaluate(self, parents, noise):
        # the number of cumulative probabilities <= U, i.e. the inverse CDF at U
        if not self.parents and isinstance(self, Table):
            cum = self._torch[:-1].cumsum(-1)
            return torch.searchsorted(cum, noise, right=True).to(DTYPE)
        cum = self.probs(parents, noise.shape[0]).cumsum(-1)[:, :-1].contiguous()
        return torch.searchsorted(cum, noise.unsqueeze(-1), right=True).squeeze(-1).to(DTYPE)

    def interval(self, value: Tensor, parents: Mapping[str, Tensor]) -> tuple[Tensor, Tensor]:
        """The posterior of ``U`` given ``value``: uniform on ``[low, high)``."""
        p = self.probs(parents, value.shape[0])
        cum = torch.cat([torch.zeros_like(p[:, :1]), p.cumsum(-1)], dim=-1)
        idx = value.long().unsqueeze(-1)
        return cum.gather(-1, idx).squeeze(-1), cum.gather(-1, idx + 1).squeeze(-1)

    def table(self, parent_levels: Sequence[int]) -> np.ndarray:
        """``P(value | parents)`` as an array of shape ``(*parent_levels, n_levels)``."""
        key = tuple(parent_levels)
        if key not in self._tables:
            grid = np.array(list(itertools.product(*[range(k) for k in key])), dtype=np.float64)
            grid = grid.reshape(int(np.prod(key, dtype=np.int64)), len(key))
            parents = {p: torch.as_tensor(grid[:, i]) for i, p in enumerate(self.parents)}
            p = self.probs(parents, grid.shape[0]).numpy()
            self._tables[key] = p.reshape(*key, self.n_levels)
        return self._tables[key]


def _nested_to_array(probs, parents: tuple[str, ...]) -> np.ndarray:
    if isinstance(probs, Mapping):
        items = list(probs.items())
        if not items:
            raise InvalidValueError("Table: the probability dict is empty")
        keys = [k if isinstance(k, tuple) else (k,) for k, _ in items]
        for key, _ in items:
            for level in (key if isinstance(key, tuple) else (key,)):
                # exact levels only: -1 would index from the end and overwrite another row
                if isinstance(level, (bool, np.bool_)) or not isinstance(level, (int, np.integer)) or level < 0:
                    raise InvalidValueError(
                        f"Table: dict keys are parent levels, non-negative ints; got the key {key!r}")
        if any(len(k) != len(parents) for k in keys):
            raise InvalidValueError(
                f"Table: every key must give one value per parent {list(parents)}, got keys {[k for k, _ in items]}"
            )
        shape = tuple(max(k[i] for k in keys) + 1 for i in range(len(parents)))
        first = np.atleast_1d(np.asarray(items[0][1], dtype=float))
        arr = np.full(shape + first.shape, np.nan)
        for k, (_, v) in zip(keys, items):
            arr[k] = v
        if np.isnan(arr).any():
            raise InvalidValueError(f"Table: the dict misses some parent configurations of {list(parents)}")
        return arr if first.shape != (1,) or np.ndim(items[0][1]) else arr[..., 0]
    try:
        return np.asarray(probs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(f"Table: probabilities must be numbers in nested lists or a dict, got {probs!r}") from exc


class Table(Discrete):
    """A conditional probability table for a binary or categorical variable.

    Parameters
    ----------
    parents : list of str
        Discrete parents, in the order the table is indexed.
    probs : nested lists, array or dict
        Indexed by parent values (``probs[a][b]`` for parents ``[A, B]``). Each entry is
        either a number, ``P(value = 1)`` of a binary variable, or a list of level
        probabilities of a categorical variable. A dict maps parent-value tuples
        (or single values) to such entries.
    """

    def __init__(self, parents: Sequence[str], probs):
        if isinstance(parents, str) or not isinstance(parents, (list, tuple)):
            raise InvalidValueError(f"Table: parents must be a list of names, got {parents!r}")
        if probs is None:
            raise InvalidValueError("Table: probs is None; give P(value=1) per parent configuration, or level lists")
        self.parents = tuple(parents)
        arr = _nested_to_array(probs, self.parents)
        if arr.ndim == len(self.parents):
            arr = np.stack([1.0 - arr, arr], axis=-1)
        if arr.ndim == len(self.parents) + 1 and arr.shape[-1] == 1:
            raise InvalidValueError("Table: a variable needs at least two levels; a one-level table is a constant")
        if arr.ndim != len(self.parents) + 1 or arr.shape[-1] < 2:
            raise InvalidValueError(
                f"Table: expected {len(self.parents)} parent axes plus an optional level axis, got shape {arr.shape}"
            )
        if not np.isfinite(arr).all() or (arr < 0).any() or (arr > 1).any():
            raise InvalidValueError(f"Table: probabilities must lie in [0, 1], got {arr.tolist()}")
        sums = arr.sum(-1)
        if not np.allclose(sums, 1.0, atol=1e-9):
            raise InvalidValueError(f"Table: each distribution must sum to 1, got sums {sums.tolist()}")
        super().__init__(arr.shape[-1])
        self.array = arr / sums[..., None]
        self.parent_levels = arr.shape[:-1]
        self._torch = torch.as_tensor(self.array, dtype=DTYPE)

    def probs(self, parents, n):
        if not self.parents:
            return self._torch.expand(n, self.n_levels)
        idx = tuple(parents[p].long() for p in self.parents)
        return self._torch[idx]

    def __repr__(self):
        return f"Table({list(self.parents)}, shape={self.array.shape})"


class Threshold(Discrete):
    """A binary variable ``value = 1[intercept + sum_p coefs[p] * p + noise > 0]``.

    The noise is stored on the uniform scale, ``U = F(-noise)`` reversed so that
    ``value = 1[U >= P(value = 0 | parents)]``, like every discrete mechanism.
    """

    def __init__(self, coefs: Mapping[str, float], intercept: float = 0.0, noise: Noise | None = None):
        super().__init__(2)
        owner = type(self).__name__
        self.coefs = _coefficients(coefs, owner)
        self.intercept = _finite_number(intercept, f"{owner}: the intercept")
        self.latent = as_noise(noise if noise is not None else Normal(0, 1))
        self.parents = tuple(self.coefs)

    def _p1(self, lin: Tensor) -> Tensor:
        return 1.0 - self.latent.cdf(-lin)

    def probs(self, parents, n):
        lin = torch.full((n,), self.intercept, dtype=DTYPE)
        for p, c in self.coefs.items():
            lin = lin + c * parents[p]
        p1 = self._p1(lin)
        return torch.stack([1.0 - p1, p1], dim=-1)

    def __repr__(self):
        terms = [f"{self.intercept:g}"] + [f"{c:g}*{p}" for p, c in self.coefs.items()]
        return f"1[{' + '.join(terms)} + {self.latent!r} > 0]"


class Logistic(Threshold):
    """A binary variable with ``P(value = 1 | parents) = sigmoid(intercept + coefs . parents)``."""

    def __init__(self, coefs: Mapping[str, float], intercept: float = 0.0):
        super().__init__(coefs, intercept, Normal(0, 1))
        self.latent = None

    def _p1(self, lin):
        return torch.sigmoid(lin)

    def __repr__(self):
        terms = [f"{self.intercept:g}"] + [f"{c:g}*{p}" for p, c in self.coefs.items()]
        return f"Bernoulli(sigmoid({' + '.join(terms)}))"
