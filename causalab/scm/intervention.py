"""Interventions: hard (a value), stochastic (a distribution), soft (a function of the
pre-intervention value and the parents), on one or several variables at once.

An :class:`Intervention` is an immutable mapping from variable names to such
assignments; it prints as ``do(T=1, M~Normal(0, 1), X=X+1)`` so it can label results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
import torch

from .._pickling import by_value
from ..exceptions import InvalidInterventionError
from .mechanisms import Discrete, Mechanism
from .noise import DTYPE, Noise, as_noise


@by_value
class Soft:
    """A soft intervention ``new_value = fn(value, parents)``, vectorised over units.

    ``fn`` receives the value the variable would take without the intervention and a
    dict of its parents' values. Use :func:`shift` and :func:`scale` for the common cases.
    """

    def __init__(self, fn: Callable[[torch.Tensor, Mapping[str, torch.Tensor]], torch.Tensor], label: str = "f({})"):
        if not callable(fn):
            raise InvalidInterventionError(f"a soft intervention needs a callable, got {fn!r}")
        self.fn, self.label = fn, label

    def format(self, name: str) -> str:
        return "=" + self.label.format(name)


class Shift(Soft):
    """``value + delta``."""

    def __init__(self, delta: float):
        self.delta = _finite(delta, "shift")
        super().__init__(lambda v, pa: v + self.delta, "{}" + f"{self.delta:+g}")


class Scale(Soft):
    """``value * factor``."""

    def __init__(self, factor: float):
        self.factor = _finite(factor, "scale")
        super().__init__(lambda v, pa: v * self.factor, "{}" + f"*{self.factor:g}")


class LinearPolicy(Soft):
    """``value = intercept + sum_p coefs[p] * parent_p``: a policy that sets the variable from
    its parents (the natural value is ignored). Its linear form is known, so exact
    linear-Gaussian queries keep their closed form under it."""

    def __init__(self, coefs: Mapping[str, float], intercept: float = 0.0):
        if not isinstance(coefs, Mapping):
            raise InvalidInterventionError(f"policy coefs must be a dict of parent -> coefficient, got {coefs!r}")
        self.coefs = {str(k): _finite(v, f"policy coefficient of {k!r}") for k, v in coefs.items()}
        self.intercept = _finite(intercept, "policy intercept")
        terms = [f"{self.intercept:g}"] + [f"{c:g}*{p}" for p, c in self.coefs.items()]

        def fn(value, parents):
            out = torch.full_like(value, self.intercept)
            for p, c in self.coefs.items():
                if p not in parents:
                    raise InvalidInterventionError(
                        f"the policy reads {p!r}, which is not a parent of the variable (parents: {sorted(parents)})")
                out = out + c * parents[p]
            return out

        super().__init__(fn, " + ".join(terms))


def policy(coefs: Mapping[str, float], intercept: float = 0.0) -> LinearPolicy:
    """Soft intervention setting the variable to ``intercept + coefs . parents``."""
    return LinearPolicy(coefs, intercept)


def shift(delta: float) -> Shift:
    """Soft intervention adding ``delta`` to the variable's natural value."""
    return Shift(delta)


def scale(factor: float) -> Scale:
    """Soft intervention multiplying the variable's natural value by ``factor``."""
    return Scale(factor)


def _finite(value, what: str) -> float:
    if isinstance(value, (bool, str, bytes)):
        raise InvalidInterventionError(f"{what} needs a number, got {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInterventionError(f"{what} needs a number, got {value!r}") from exc
    if not math.isfinite(out):
        raise InvalidInterventionError(f"{what} needs a finite number, got {value!r}")
    return out


def _normalise(name: str, spec):
    """Return a hard value (float or 1-D tensor of per-unit values), a Noise or a Soft."""
    if isinstance(spec, Soft):
        return spec
    if isinstance(spec, (Noise, torch.distributions.Distribution)):
        return as_noise(spec)
    if isinstance(spec, (bool, int, float, np.integer, np.floating, np.bool_)):
        value = float(spec)
        if not math.isfinite(value):
            raise InvalidInterventionError(f"do({name}=...) needs a finite value, got {spec!r}")
        return value
    if isinstance(spec, (np.ndarray, torch.Tensor)):
        values = torch.as_tensor(np.array(spec, dtype=np.float64), dtype=DTYPE)
        if values.dim() == 0:
            return _normalise(name, float(values))
        if values.dim() != 1 or not torch.isfinite(values).all():
            raise InvalidInterventionError(f"do({name}=...) with per-unit values needs a finite 1-D array")
        return values
    if callable(spec):
        return Soft(spec)
    raise InvalidInterventionError(
        f"do({name}={spec!r}): an intervention is a number (hard), a noise or torch distribution "
        "(stochastic), or a function of the natural value and the parents (soft: shift, scale)"
    )


@by_value
class Intervention(Mapping):
    """An immutable set of assignments ``{variable: value | distribution | Soft}``."""

    def __init__(self, assignments: Mapping | None = None):
        if isinstance(assignments, Intervention):
            self._items = dict(assignments._items)
            return
        if assignments is None:
            assignments = {}
        if not isinstance(assignments, Mapping):
            raise InvalidInterventionError(
                f"an intervention is a dict such as {{'T': 1}}, got {assignments!r}"
            )
        self._items = {str(k): _normalise(str(k), v) for k, v in assignments.items()}

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __str__(self):
        parts = []
        for name, spec in self._items.items():
            if isinstance(spec, Soft):
                parts.append(name + spec.format(name))
            elif isinstance(spec, Noise):
                parts.append(f"{name}~{spec!r}")
            elif isinstance(spec, torch.Tensor):
                parts.append(f"{name}=<{spec.shape[0]} values>")
            else:
                parts.append(f"{name}={spec:g}")
        return f"do({', '.join(parts)})"

    __repr__ = __str__

    def is_hard(self, name: str) -> bool:
        return not isinstance(self._items[name], (Soft, Noise))


class Intervened(Mechanism):
    """The mechanism of a variable under an intervention (built by ``SCM.do``)."""

    def __init__(self, original: Mechanism, spec, name: str = "_"):
        self.original, self.spec, self.name = original, spec, name
        self.kind, self.n_levels = original.kind, original.n_levels
        if isinstance(spec, Soft):
            self.parents, self.noise = original.parents, original.noise
        elif isinstance(spec, Noise):
            self.parents, self.noise = (), spec
        else:
            self.parents, self.noise = (), original.noise

    @property
    def stochastic(self) -> bool:
        return isinstance(self.spec, Noise)

    def apply_soft(self, value: torch.Tensor, parents) -> torch.Tensor:
        """The soft intervention's new value; for a discrete variable it must be a level."""
        out = torch.as_tensor(self.spec.fn(value, parents), dtype=DTYPE).expand(value.shape[0])
        if self.n_levels is not None:
            bad = out[(out != out.round()) | (out < 0) | (out >= self.n_levels)]
            if bad.numel():
                raise InvalidInterventionError(
                    f"{self!r} gave {float(bad[0]):g}, which is not a level of the {self.kind} variable "
                    f"{self.name!r} (levels {list(range(self.n_levels))})"
                )
        return out

    def evaluate(self, parents, noise):
        spec = self.spec
        if isinstance(spec, Soft):
            return self.apply_soft(self.original.evaluate(parents, noise), parents)
        if isinstance(spec, Noise):
            return noise
        if isinstance(spec, torch.Tensor):
            return spec
        return torch.full((noise.shape[0],), spec, dtype=DTYPE)

    def rows(self, start: int, stop: int):
        if not isinstance(self.spec, torch.Tensor):
            return self
        import copy

        part = copy.copy(self)
        part.spec = self.spec[start:stop]
        return part

    def evaluate_hard(self, n: int) -> torch.Tensor:
        spec = self.spec
        return spec if isinstance(spec, torch.Tensor) else torch.full((n,), spec, dtype=DTYPE)

    def table(self, parent_levels):
        """``P(value | parents)`` under the intervention, as ``Discrete.table`` gives it."""
        if isinstance(self.spec, Soft):
            # push each parent configuration's distribution through the soft function
            import itertools

            base = self.original.table(parent_levels)
            grid = np.array(list(itertools.product(*[range(k) for k in parent_levels])), dtype=np.float64)
            grid = grid.reshape(-1, len(parent_levels))
            n_conf, k = grid.shape[0], self.n_levels
            rows = np.repeat(np.arange(n_conf), k)
            parents = {p: torch.as_tensor(grid[rows, i]) for i, p in enumerate(self.parents)}
            levels = torch.as_tensor(np.tile(np.arange(k, dtype=np.float64), n_conf))
            new = self.apply_soft(levels, parents).long().numpy()
            out = np.zeros((n_conf, k))
            np.add.at(out, (rows, new), base.reshape(n_conf, k).reshape(-1))
            return out.reshape(*parent_levels, k)
        out = np.zeros(self.n_levels)
        if isinstance(self.spec, Noise):
            levels = torch.arange(self.n_levels, dtype=DTYPE)
            dist = self.spec.to_torch()
            out[:] = dist.log_prob(levels.to(dist.mean.dtype)).exp().double().numpy()
        else:
            out[int(self.spec)] = 1.0
        return out

    def __repr__(self):
        return f"{Intervention({self.name: self.spec})}"


def check_discrete_spec(name: str, mech: Discrete, spec) -> None:
    """Hard values on a discrete variable must be levels (soft ones are checked as they run)."""
    levels = list(range(mech.n_levels))
    if isinstance(spec, Soft):
        return
    if isinstance(spec, Noise):
        support = spec.to_torch().support
        if not isinstance(support, (torch.distributions.constraints._IntegerInterval,
                                    torch.distributions.constraints._Boolean,
                                    torch.distributions.constraints._IntegerGreaterThan)):
            raise InvalidInterventionError(
                f"do({name}~{spec!r}): {name!r} is {mech.kind} with levels {levels}; a stochastic intervention "
                "needs a discrete distribution (torch Bernoulli or Categorical)"
            )
        # the support must lie inside the levels: a 3-level Categorical on a binary variable
        # would otherwise be renormalised by exact queries and crash sampling
        if isinstance(support, torch.distributions.constraints._Boolean):
            low, high = 0, 1
        elif isinstance(support, torch.distributions.constraints._IntegerInterval):
            low = int(torch.as_tensor(support.lower_bound).min())
            high = int(torch.as_tensor(support.upper_bound).max())
        else:
            low, high = 0, None
        if low < 0 or high is None or high > mech.n_levels - 1:
            shown = "unbounded" if high is None else f"{low}..{high}"
            raise InvalidInterventionError(
                f"do({name}~{spec!r}): the distribution's support ({shown}) exceeds {name!r}'s levels {levels}"
            )
        return
    if isinstance(spec, torch.Tensor):
        bad = spec[(spec != spec.round()) | (spec < 0) | (spec >= mech.n_levels)]
        bad = float(bad[0]) if bad.numel() else None
    else:
        bad = spec if spec != round(spec) or not 0 <= spec < mech.n_levels else None
    if bad is not None:
        raise InvalidInterventionError(f"do({name}={bad:g}): {name!r} is {mech.kind} with levels {levels}")
