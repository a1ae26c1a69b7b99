"""Reference answers: the best possible answer to each rung given the features a learner was fed.

A learner's error against the units' noisy outcomes mixes two things: the noise no answer
can remove, and the learner's own (causal) error. The *reference* separates them: for
each unit, the conditional expectation of the target given exactly what the learner saw,

rung 1
    ``E[Y | F = f]``, F the features (observational world);
rung 2
    ``E[Y_regime | F \\ V = f, V_regime = v]``: V the regime's variables, whose factual
    values the learner does not see (they are overwritten by the intervention), and whose
    per-unit values under the regime it is told;
rung 3
    ``E[Y_regime | F = f, V_regime = v]`` with F the unit's factual row (outcome included).

The regime world shares every unit's noise with the factual one (the twin network), so
rungs 2 and 3 are conditional expectations in the joint distribution of both worlds. A
learner whose answers equal the reference unit by unit has zero excess; the mean squared
error of any answer splits exactly into the reference's error (noise) and the excess.

Methods, tried in this order (the first that applies answers):

``parents``
    exact: every parent of the outcome is known in the target world (a feature that the
    regime does not move, or a variable the regime sets) and the outcome's noise is
    independent of what was seen (rungs 1-2; for linear, additive and discrete
    mechanisms), or is recovered exactly from the factual row (rung 3, invertible or
    discrete mechanisms).
``linear-gaussian``
    exact: Gaussian conditioning in the twin network of a linear-Gaussian model.
``enumeration``
    exact: variable elimination in the twin network of a discrete model, once per
    distinct row of seen values; or, in a mixed model whose unseen variables are discrete
    (e.g. a hidden binary confounder seen through continuous proxies), a sum over their
    joint states weighted by the density of the seen values, the outcome's own noise
    averaged in closed form.
``monte carlo``
    likelihood weighting: ``n_particles`` draws of the unseen variables and noise per
    unit, weighted by the density of the seen values, pushed through both worlds; each
    unit's reference has a standard error. The draws are seeded by the question itself,
    so the same question always gets the same answer.

Where none applies the reference is refused with :class:`~causalab.UnsupportedQueryError`
saying why (e.g. a seen variable whose mechanism has no density).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import torch

from .._random import seed_sequence, torch_generator
from ..exceptions import InvalidValueError, UnsupportedQueryError
from ..scm.intervention import Intervention, LinearPolicy, Scale, Shift, Soft
from ..scm.linear_gaussian import _row
from ..scm.mechanisms import Additive, Discrete, Linear, Root
from ..scm.noise import Normal

#: Monte Carlo draws per unit when no exact method applies
N_PARTICLES = 128

METHODS = ("parents", "linear-gaussian", "enumeration", "monte carlo")


@dataclass(frozen=True)
class Reference:
    """Per-unit reference answers.

    Attributes
    ----------
    values : numpy.ndarray
        The conditional expectation for each unit.
    se : numpy.ndarray
        Each value's Monte Carlo standard error (zeros when exact).
    method : str
        One of :data:`METHODS`.
    """

    values: np.ndarray
    se: np.ndarray
    method: str

    @property
    def exact(self) -> bool:
        return self.method != "monte carlo"


def conditional_expectation(scm, outcome: str, given: Mapping, regime: Mapping | None = None,
                            regime_values: Mapping | None = None, n_units: int | None = None, seed=None,
                            n_particles: int = N_PARTICLES) -> Reference:
    """Each unit's expected ``outcome`` given the values seen, in the factual world or under ``regime``.

    Parameters
    ----------
    scm : SCM
        The true model (the factual world).
    outcome : str
    given : dict
        Variable -> per-unit factual values seen (all arrays of one length ``n``).
    regime : Intervention or dict, optional
        None: the target is the factual ``outcome`` (rung 1). Otherwise the target is the
        outcome in the regime world, which shares each unit's noise with the factual one.
    regime_values : dict, optional
        Each regime variable's per-unit value in the regime world (what the learner was
        told); defaults to the regime's hard values.
    n_units : int, optional
        The number of units, needed only when nothing per unit is seen or told.
    seed : int, optional
        Seeds the Monte Carlo method (the exact ones draw nothing). Default: a seed drawn
        from the question itself (the seen values, the regime and its values), so that the
        same question always gets the same answer, whoever asks it.
    n_particles : int
        Monte Carlo draws per unit.

    Returns
    -------
    Reference

    Raises
    ------
    UnsupportedQueryError
        When no method applies (the message gives each method's reason).
    """
    from ..scm.core import _single_torch_thread

    # small tensors: torch's intra-op threads only cost here (20-50x slower on a busy machine)
    with _single_torch_thread():
        return _conditional_expectation(scm, outcome, given, regime, regime_values, n_units, seed, n_particles)


def _conditional_expectation(scm, outcome, given, regime, regime_values, n_units, seed, n_particles):
    scm._check_names([outcome, *given])
    given = {v: np.asarray(x, dtype=np.float64).reshape(-1) for v, x in given.items()}
    regime = Intervention(regime) if regime is not None else None
    n = _length(given, regime_values, n_units)
    if regime is not None:
        scm._check_names(regime)
        if outcome in regime:
            raise InvalidValueError(f"the regime sets the outcome {outcome!r} itself")
        values = {}
        for v in regime:
            if regime_values is not None and v in regime_values:
                values[v] = np.broadcast_to(np.asarray(regime_values[v], dtype=np.float64), (n,)).copy()
            elif regime.is_hard(v) and np.ndim(regime[v]) == 0:
                values[v] = np.full(n, float(regime[v]))
            else:
                raise InvalidValueError(f"the regime's value of {v!r} is per unit; pass it in regime_values")
        regime_values = values
        # a shift or scale of V reveals V's factual value (when nothing else in the regime moves it)
        for v in regime:
            spec = regime[v]
            if v not in given and isinstance(spec, (Shift, Scale)) and not _ancestors_in(scm, v, regime):
                if isinstance(spec, Shift):
                    given[v] = regime_values[v] - spec.delta
                elif spec.factor != 0:
                    given[v] = regime_values[v] / spec.factor
    reasons = []
    for method in (_by_parents, _linear_gaussian, _enumeration):
        out = method(scm, outcome, given, regime, regime_values, n)
        if isinstance(out, Reference):
            return out
        reasons.append(out)
    for enumerate_hidden in (True, False):
        out = _particles(scm, outcome, given, regime, regime_values, n, seed, n_particles, enumerate_hidden)
        if isinstance(out, Reference):
            return out
        reasons.append(out)
    raise UnsupportedQueryError("no exact or Monte Carlo reference: " + "; ".join(r for r in reasons if r))


def _length(given, regime_values, n_units) -> int:
    lengths = {len(x) for x in given.values()}
    if n_units is not None:
        lengths.add(int(n_units))
    for x in (regime_values or {}).values():
        if np.ndim(x):
            lengths.add(len(x))
    if len(lengths) > 1:
        raise InvalidValueError(f"the seen values have different lengths {sorted(lengths)}")
    if not lengths:
        raise InvalidValueError("nothing seen and no per-unit regime values: pass n_units")
    return lengths.pop()


def _ancestors_in(scm, v, regime) -> bool:
    return bool(nx.ancestors(scm.graph, v) & set(regime))


def _descendants(scm, variables) -> set:
    out = set()
    for v in variables:
        out |= nx.descendants(scm.graph, v)
    return out


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.array(x, dtype=np.float64))


def _determined(scm, regime, given, regime_values) -> bool:
    """Every soft regime value is a function of what was seen (so conditioning on it adds nothing)."""
    for v in regime or ():
        spec = regime[v]
        if isinstance(spec, (Shift, Scale)):
            if v not in given:
                return False
        elif isinstance(spec, Soft):
            parents = scm.parents(v)
            if not set(parents) <= set(given):
                return False
            if v in given:
                continue
            # a policy of the parents alone (it ignores the natural value): try every level, or two values
            n = len(regime_values[v])
            mech = scm._mechanisms[v]
            trials = ([float(k) for k in range(mech.n_levels)] if mech.discrete else [0.0, 1.2345])
            pa = {p: _t(given[p]) for p in parents}
            outs = [torch.as_tensor(spec.fn(torch.full((n,), x, dtype=torch.float64), pa),
                                    dtype=torch.float64).expand(n) for x in trials]
            if not all(torch.equal(outs[0], o) for o in outs[1:]):
                return False
    return True


# ---------------------------------------------------------------------- exact: the outcome's parents
def _by_parents(scm, outcome, given, regime, regime_values, n):
    mech = scm._mechanisms[outcome]
    regime_vars = set(regime or ())
    moved = _descendants(scm, regime_vars) | regime_vars
    below = nx.descendants(scm.graph, outcome)
    if regime_vars & (below | {outcome}):
        return "a regime variable is the outcome's descendant"
    if regime is not None and not _determined(scm, regime, given, regime_values):
        return "a soft regime value carries information beyond the seen values"
    pa = {}
    for p in mech.parents:
        if p in regime_vars:
            pa[p] = _t(regime_values[p])
        elif p in moved:
            return f"the outcome's parent {p!r} moves under the regime"
        elif p in given:
            pa[p] = _t(given[p])
        else:
            return f"the outcome's parent {p!r} is not seen"
    if outcome not in given:
        if set(given) & below:
            return "a seen variable is a descendant of the outcome"
        if isinstance(mech, Discrete):
            probs = mech.probs(pa, n)
            values = probs @ torch.arange(probs.shape[-1], dtype=probs.dtype)
        elif isinstance(mech, (Linear, Additive)) and math.isfinite(mech.noise.mean):
            values = mech.evaluate(pa, torch.full((n,), float(mech.noise.mean), dtype=torch.float64))
        else:
            return f"the outcome's mechanism {type(mech).__name__} has no closed-form noise mean"
        return Reference(values.numpy().astype(np.float64), np.zeros(n), "parents")
    # rung 3: the outcome's noise from its factual row
    if not set(mech.parents) <= set(given):
        return "the outcome's factual parents are not all seen"
    factual_pa = {p: _t(given[p]) for p in mech.parents}
    y = _t(given[outcome])
    if isinstance(mech, Discrete):
        if set(given) & below:
            return "a seen variable is a descendant of the discrete outcome"
        lo, hi = mech.interval(y, factual_pa)
        probs = mech.probs(pa, n)
        cum = torch.cat([torch.zeros_like(probs[:, :1]), probs.cumsum(-1)], dim=-1)
        cum[:, -1] = 1.0
        overlap = (torch.minimum(hi[:, None], cum[:, 1:]) - torch.maximum(lo[:, None], cum[:, :-1])).clamp(min=0)
        p = overlap / (hi - lo)[:, None]
        values = p @ torch.arange(p.shape[-1], dtype=p.dtype)
        return Reference(values.numpy().astype(np.float64), np.zeros(n), "parents")
    try:
        u = mech.abduct(y, factual_pa)
    except UnsupportedQueryError as exc:
        return f"the outcome's mechanism cannot be inverted ({exc})"
    if not torch.allclose(mech.evaluate(factual_pa, u), y, rtol=1e-7, atol=1e-9):
        return "the outcome's mechanism inverse does not invert"
    return Reference(mech.evaluate(pa, u).numpy().astype(np.float64), np.zeros(n), "parents")


# ---------------------------------------------------------------------- exact: linear-Gaussian twin network
def _linear_gaussian(scm, outcome, given, regime, regime_values, n):
    regime_vars = list(regime or ())
    relevant = scm._relevant(set(given) | {outcome} | set(regime_vars))
    names = [v for v in scm.variables if v in relevant]
    k = len(names)
    idx = {v: i for i, v in enumerate(names)}
    rows = {}
    for v in names:
        row = _row(scm._mechanisms[v])
        if row is None:
            return f"{v!r} is not linear-Gaussian"
        rows[v] = row
    worlds = 1 if regime is None else 2
    size = worlds * k
    B, c = np.zeros((size, size)), np.zeros(size)
    loads, variances = [], []  # noise columns: loading vector over the variables, variance

    def noise(loading, var):
        if var > 0:
            loads.append(loading)
            variances.append(var)

    for v in names:
        coefs, const, var = rows[v]
        i = idx[v]
        for p, a in coefs.items():
            B[i, idx[p]] = a
        c[i] = const
        loading = np.zeros(size)
        loading[i] = 1.0
        if regime is not None:
            j = k + i
            spec = regime[v] if v in regime else None
            if spec is None or isinstance(spec, (Shift, Scale)):
                f = spec.factor if isinstance(spec, Scale) else 1.0
                for p, a in coefs.items():
                    B[j, k + idx[p]] = f * a
                c[j] = f * const + (spec.delta if isinstance(spec, Shift) else 0.0)
                loading[j] = f
            elif isinstance(spec, LinearPolicy):
                for p, a in spec.coefs.items():
                    B[j, k + idx[p]] = a
                c[j] = spec.intercept
            elif isinstance(spec, Normal):
                c[j] = spec.loc
                fresh = np.zeros(size)
                fresh[j] = 1.0
                noise(fresh, spec.variance)
            elif isinstance(spec, (int, float)):
                c[j] = float(spec)
            else:
                return f"the regime's value of {v!r} ({spec!r}) is not linear-Gaussian"
        noise(loading, var)
    A = np.linalg.inv(np.eye(size) - B)
    mean = A @ c
    L = np.array(loads).T if loads else np.zeros((size, 0))
    cov = (A @ L) * np.array(variances) @ (A @ L).T
    evidence = [idx[v] for v in given]
    values = [given[v] for v in given]
    for v in regime_vars:
        if not (regime.is_hard(v) and np.ndim(regime[v]) == 0):
            evidence.append(k + idx[v])
            values.append(regime_values[v])
    target = idx[outcome] + (0 if regime is None else k)
    if not evidence:
        return Reference(np.full(n, mean[target]), np.zeros(n), "linear-gaussian")
    E = np.stack(values, axis=1) - mean[evidence]
    gain = cov[target, evidence] @ np.linalg.pinv(cov[np.ix_(evidence, evidence)], rcond=1e-12)
    return Reference(mean[target] + E @ gain, np.zeros(n), "linear-gaussian")


# ---------------------------------------------------------------------- exact: discrete twin network
def _enumeration(scm, outcome, given, regime, regime_values, n):
    regime_vars = list(regime or ())
    relevant = scm._relevant(set(given) | {outcome} | set(regime_vars))
    continuous = [v for v in scm.variables if v in relevant and not scm._mechanisms[v].discrete]
    if continuous:
        return f"{continuous} are continuous (no enumeration)"
    soft = [v for v in regime_vars if isinstance(regime[v], Soft)]
    if soft:
        return f"the regime is soft on {soft} (no exact enumeration)"
    names = list(given) + regime_vars
    if names:
        table = np.stack([given[v] for v in given] + [regime_values[v] for v in regime_vars], axis=1)
        distinct, inverse = np.unique(table.astype(np.int64), axis=0, return_inverse=True)
    else:  # nothing seen, a hard regime: one answer for every unit
        distinct, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(n, dtype=np.int64)
    expectation = np.empty(len(distinct))
    for r, row in enumerate(distinct):
        seen = {v: int(x) for v, x in zip(names, row)}
        evidence = {v: seen[v] for v in given}
        if regime is None:
            worlds, target = [{}], (0, outcome)
        else:
            # a stochastic regime's value is fresh noise: telling it is setting it, unit by unit
            worlds, target = [{}, {v: seen[v] for v in regime_vars}], (1, outcome)
        dist = scm._world_joint(worlds, [target], evidence)
        expectation[r] = float(np.dot(np.arange(len(dist)), dist))
    return Reference(expectation[inverse.reshape(-1)], np.zeros(n), "enumeration")


# ---------------------------------------------------------------------- particles: hidden enumeration, Monte Carlo
#: the most joint states of unseen discrete variables that exact hybrid enumeration sums over
MAX_ENUMERATION = 1024


def _log_density(mech, value, parents):
    """log p(value | parents) of a continuous mechanism with additive or root noise, or None."""
    if isinstance(mech, Root):
        u = value
    elif isinstance(mech, (Linear, Additive)):
        u = mech.abduct(value, parents)
    else:
        return None
    noise = mech.noise
    if isinstance(noise, Normal):
        if noise.scale <= 0:
            return None
        z = (u - noise.loc) / noise.scale
        return -0.5 * z * z - math.log(noise.scale) - 0.5 * math.log(2 * math.pi)
    try:
        dist = noise.to_torch()
        dist._validate_args = False  # this instance only: values off the support get -inf, not an error
        return dist.log_prob(u.to(dist.mean.dtype)).double()
    except (ValueError, NotImplementedError):
        return None


def _expected_value(mech, parents, n):
    """E[mech(parents, U)] over the mechanism's own noise, or None when not closed-form."""
    if isinstance(mech, Discrete):
        probs = mech.probs(parents, n)
        return probs @ torch.arange(probs.shape[-1], dtype=probs.dtype)
    if isinstance(mech, (Linear, Additive)) and math.isfinite(mech.noise.mean):
        return mech.evaluate(parents, torch.full((n,), float(mech.noise.mean), dtype=torch.float64))
    return None


def _content_seed(outcome, given, regime, regime_values) -> np.random.SeedSequence:
    """A seed drawn from the question itself: the same question gets the same Monte Carlo answer."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{outcome}|{regime}".encode())
    for name, values in sorted({**given, **{f"do:{k}": v for k, v in (regime_values or {}).items()}}.items()):
        h.update(name.encode())
        h.update(np.ascontiguousarray(values, dtype=np.float64).tobytes())
    return np.random.SeedSequence(int.from_bytes(h.digest(), "little"))


def _particles(scm, outcome, given, regime, regime_values, n, seed, n_particles, enumerate_hidden):
    """Weighted particles per unit pushed through both worlds. ``enumerate_hidden``: every
    joint state of the unseen (discrete, unmoved) variables, weighted exactly, and the
    outcome's noise averaged in closed form; otherwise likelihood weighting."""
    regime_vars = list(regime or ())
    relevant = scm._relevant(set(given) | {outcome} | set(regime_vars))
    order = [v for v in scm.variables if v in relevant]
    moved = _descendants(scm, regime_vars) if regime is not None else set()
    do_scm = scm.do(regime) if regime is not None else None
    outcome_unseen = outcome not in given
    grid = None
    if enumerate_hidden:
        unseen = [v for v in order if v not in given and v != outcome]
        bad = [v for v in unseen if not scm._mechanisms[v].discrete or v in moved]
        if bad:
            return f"unseen {bad} are continuous or move under the regime (no exact enumeration)"
        if outcome_unseen and set(given) & nx.descendants(scm.graph, outcome):
            return "a seen variable is a descendant of the unseen outcome"
        if set(regime_vars) & nx.descendants(scm.graph, outcome):
            return "a regime variable is the outcome's descendant"
        sizes = [scm._mechanisms[v].n_levels for v in unseen]
        if math.prod(sizes) > MAX_ENUMERATION:
            return f"the unseen variables have {math.prod(sizes):,} joint states (limit {MAX_ENUMERATION})"
        states = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1))
        grid = {v: torch.as_tensor(col, dtype=torch.float64) for v, col in zip(unseen, states)}
        n_particles = math.prod(sizes)
    rows = n * n_particles
    unit = torch.as_tensor(np.repeat(np.arange(n), n_particles))
    state = torch.as_tensor(np.tile(np.arange(n_particles), n))
    root = seed_sequence(seed) if seed is not None else _content_seed(outcome, given, regime, regime_values)
    logw = torch.zeros(rows, dtype=torch.float64)
    fact, noise = {}, {}
    for v in order:
        mech = scm._mechanisms[v]
        if grid is not None and v == outcome and outcome_unseen:
            continue  # averaged in closed form at the end
        pv = {p: fact[p] for p in mech.parents}
        if v not in given:
            if grid is not None:
                level = grid[v][state]
                probs = mech.probs(pv, rows)
                logw += torch.log(probs.gather(1, level.long()[:, None]).reshape(-1))
                fact[v] = level
                continue
            u = mech.noise.sample(rows, torch_generator(root, v, "reference"))
            fact[v], noise[v] = mech.evaluate(pv, u), u
            continue
        value = _t(given[v])[unit]
        fact[v] = value
        pinned = all(p in given for p in mech.parents)  # the density is the same for every particle
        if isinstance(mech, Discrete):
            lo, hi = mech.interval(value, pv)
            if not pinned:
                logw += torch.log(hi - lo)
            # the noise's exact posterior: uniform on the cell that gives the seen value
            spec = regime[v] if regime is not None and v in regime_vars else None
            if v in moved or (isinstance(spec, Soft) and not isinstance(spec, (Shift, Scale))):
                if grid is not None:
                    return f"the seen discrete {v!r} moves under the regime (its noise is uncertain)"
                uniform = torch.rand(rows, generator=torch_generator(root, v, "cell"), dtype=torch.float64)
                noise[v] = lo + (hi - lo) * uniform
            continue
        if not pinned:
            density = _log_density(mech, value, pv)
            if density is None:
                return f"the seen variable {v!r} ({type(mech).__name__}) has no density to weight by"
            logw += density
        if v in moved or v == outcome:
            try:
                noise[v] = mech.abduct(value, pv)
            except UnsupportedQueryError as exc:
                return f"the noise of {v!r} cannot be recovered ({exc})"

    def closed_form(world):
        mech = scm._mechanisms[outcome]
        out = _expected_value(mech, {p: world[p] for p in mech.parents}, rows)
        if out is None:
            return f"the outcome's mechanism {type(mech).__name__} has no closed-form noise mean"
        return out

    if regime is None:
        target = closed_form(fact) if outcome not in fact else fact[outcome]
    else:
        world = {}
        for v in order:
            if v in regime_vars:
                told = _t(regime_values[v])[unit]
                spec = regime[v]
                if isinstance(spec, Soft) and not isinstance(spec, (Shift, Scale)):
                    mech = do_scm._mechanisms[v]
                    if v not in noise and v in given:
                        return f"the noise of the seen {v!r} is not available for its soft regime"
                    natural = mech.evaluate({p: world[p] for p in mech.parents}, noise[v]) if v in noise else None
                    if natural is None:
                        return f"the noise of {v!r} is not available for its soft regime"
                    if mech.discrete:
                        logw = logw + torch.where(natural == told, 0.0, -math.inf).double()
                    elif not torch.allclose(natural, told):
                        return f"the soft regime value of continuous {v!r} is not determined by the seen values"
                world[v] = told
            elif v not in moved:
                world[v] = fact.get(v)
            elif v == outcome and grid is not None and outcome_unseen:
                continue
            else:
                mech = scm._mechanisms[v]
                if v not in noise:
                    return f"the noise of {v!r} is not available"
                world[v] = mech.evaluate({p: world[p] for p in mech.parents}, noise[v])
        target = world[outcome] if world.get(outcome) is not None else closed_form(world)
    if isinstance(target, str):
        return target
    logw = logw.reshape(n, n_particles)
    y = target.reshape(n, n_particles)
    top = logw.max(dim=1, keepdim=True).values
    if not torch.isfinite(top).all():
        bad = int(torch.nonzero(~torch.isfinite(top.reshape(-1)))[0])
        return f"no particle of unit {bad} agrees with what it was told ({n_particles} particles)"
    w = torch.exp(logw - top)
    w = w / w.sum(dim=1, keepdim=True)
    mean = (w * y).sum(dim=1)
    if grid is not None:
        return Reference(mean.numpy().astype(np.float64), np.zeros(n), "enumeration")
    se = torch.sqrt((w**2 * (y - mean[:, None]) ** 2).sum(dim=1))
    return Reference(mean.numpy().astype(np.float64), se.numpy().astype(np.float64), "monte carlo")


__all__ = ["METHODS", "N_PARTICLES", "Reference", "conditional_expectation"]
