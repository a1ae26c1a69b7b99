"""Causal queries answered from the model itself (mixed into :class:`SCM`).

* Fully discrete models: exact, by variable elimination over the model's tables; for
  counterfactuals, over a multi-world network whose worlds share each unit's noise
  (the noise of a discrete mechanism is split into its finitely many response cells).
* Linear-Gaussian models: exact means, variances and covariances by path algebra.
* Anything else: Monte Carlo on shared noise, with the standard error beside the value.
"""

from __future__ import annotations

import math

from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd
import torch

from ..exceptions import InvalidValueError, UnsupportedQueryError, ZeroProbabilityError
from . import exact
from .estimate import Estimate
from .intervention import Intervened, Intervention, Soft
from .linear_gaussian import linear_gaussian_form, moments, total_effect

#: Default number of units for Monte Carlo answers.
N_MONTE_CARLO = 200_000


class _Ref:
    """A world's variable set to the value the same unit takes in another world."""

    def __init__(self, world: int, variable: str):
        self.world, self.variable = world, variable


class ExactQueries:
    """Mixin: ``prob``, ``distribution``, ``expectation``, ``ate``, ``ett``, ``nde``, ``nie``, ``tnie``,
    ``counterfactual_prob``, ``probability_of_necessity``/``sufficiency``, ``covariance``."""

    # ------------------------------------------------------------------ validation
    def _check_event(self, event: Mapping | None, what: str) -> dict:
        if event is None:
            return {}
        if not isinstance(event, Mapping):
            raise InvalidValueError(f"{what} must be a dict such as {{'Y': 1}}, got {event!r}")
        self._check_names(event)
        out = {}
        for name, value in event.items():
            mech = self._mechanisms[name]
            try:
                x = float(value)
            except (TypeError, ValueError) as exc:
                raise InvalidValueError(f"{what}: {name}={value!r} is not a number") from exc
            if not np.isfinite(x):
                raise InvalidValueError(f"{what}: {name}={value!r} is not finite")
            if mech.discrete:
                if x != round(x) or not 0 <= x < mech.n_levels:
                    raise InvalidValueError(
                        f"{what}: {name}={value!r} is not a level of {name!r} ({mech.kind}, levels "
                        f"{list(range(mech.n_levels))})"
                    )
                x = int(x)
            out[name] = x
        return out

    def _relevant(self, variables, cut=()) -> set[str]:
        """``variables`` and their ancestors (walked through the mechanisms' parents),
        not walking past the variables in ``cut`` (hard interventions cut their parents)."""
        out, stack = set(), list(variables)
        while stack:
            v = stack.pop()
            if v not in out:
                out.add(v)
                if v not in cut:
                    stack.extend(self._mechanisms[v].parents)
        return out

    def _hard_levels(self, do) -> dict | None:
        """``do`` as {variable: level} when it only sets discrete variables to valid levels
        (answered by slicing the tables, without building the intervened model); else None."""
        if not isinstance(do, Mapping):
            return None
        out = {}
        for v, x in do.items():
            mech = self._mechanisms.get(v)
            if (mech is None or not mech.discrete or isinstance(x, (bool, np.bool_))
                    or not isinstance(x, (int, np.integer)) or not 0 <= x < mech.n_levels):
                return None
            out[v] = int(x)
        return out

    def _discrete_over(self, variables) -> bool:
        """True when ``variables`` and all their ancestors are discrete."""
        return all(self._mechanisms[v].discrete for v in self._relevant(variables))

    def _require_discrete(self, query: str, variables=None, cut=()) -> set[str]:
        """Raise unless ``variables`` and their ancestors are discrete; return that set."""
        relevant = self._relevant(variables, cut) if variables is not None else set(self._mechanisms)
        continuous = [v for v, m in self._mechanisms.items() if v in relevant and not m.discrete]
        if continuous:
            raise UnsupportedQueryError(
                f"{query} is exact only for fully discrete models; {continuous} are continuous"
            )
        return relevant

    # ------------------------------------------------------------------ factors
    def _check_tables(self, variables) -> None:
        """Refuse up front when some table a query needs exceeds the exact-inference budget
        (before building any of them)."""
        for name in variables:
            mech = self._mechanisms[name]
            if getattr(mech, "_factor_cache", None) is None:
                levels = math.prod(self._mechanisms[p].n_levels for p in mech.parents)
                exact.check_budget(levels * mech.n_levels, f"the table of {name!r}")

    def _factor(self, name: str):
        """The table of ``name`` as a factor ``(array, (*parents, name))``, cached on the
        mechanism (mechanisms are immutable and their parents' levels are fixed). Callers
        check the budget first, for all the tables a query needs (:meth:`_check_tables`)."""
        mech = self._mechanisms[name]
        cached = getattr(mech, "_factor_cache", None)
        if cached is None:
            levels = tuple(self._mechanisms[p].n_levels for p in mech.parents)
            table = mech.table(levels)
            cached = mech._factor_cache = (table, tuple(mech.parents) + (name,))
        return cached

    def _joint(self, variables: list[str], given: dict, relevant: set[str], fixed=None) -> np.ndarray:
        """Unnormalised joint of ``variables`` with ``given`` observed and ``fixed`` set by
        hard interventions; ``relevant`` holds them and all their ancestors (the other
        variables sum out to one)."""
        evidence = dict(given)
        factors = []
        self._check_tables(v for v in relevant if not (fixed and v in fixed))
        for v, x in (fixed or {}).items():
            if evidence.setdefault(v, x) != x:  # observed at another level than it was set to
                return np.zeros([self._mechanisms[u].n_levels for u in variables])
        for v in self._mechanisms:  # topological order keeps sums in a fixed order: same numbers every run
            if v not in relevant or (fixed and v in fixed):
                continue
            mech = self._mechanisms[v]
            if (isinstance(mech, Intervened) and mech.parents == () and not mech.stochastic
                    and not isinstance(mech.spec, torch.Tensor) and v not in variables):
                # a hard intervention is a point mass: slice at its value instead of multiplying
                if evidence.setdefault(v, int(mech.spec)) != int(mech.spec):
                    return np.zeros([self._mechanisms[x].n_levels for x in variables])
                continue
            factors.append(self._factor(v))
        return exact.eliminate(exact.reduce_evidence(factors, evidence), variables)

    # ------------------------------------------------------------------ observational / interventional
    def distribution(self, variables, given: Mapping | None = None, do: Mapping | None = None) -> pd.Series:
        """Exact joint distribution of discrete ``variables`` given ``given`` under ``do``.

        Returns a Series indexed by the variables' levels (a MultiIndex for several).
        """
        variables = [variables] if isinstance(variables, str) else list(variables)
        fixed = self._hard_levels(do) if do else {}
        model = self if fixed is not None else self.do(do)
        fixed = fixed or {}
        model._check_names(variables)
        given = model._check_event(given, "given")
        relevant = model._require_discrete("distribution()", set(variables) | set(given), cut=fixed)
        pinned = {**fixed, **given}
        free = [v for v in variables if v not in pinned]
        joint = model._joint(free, given, relevant, fixed)
        total = joint.sum()
        if total <= 0:
            raise ZeroProbabilityError(f"the conditioning event {given} has probability 0 under the model")
        joint = joint / total
        levels = [range(model._mechanisms[v].n_levels) for v in variables]
        if len(free) == len(variables):
            full = joint
        else:  # variables that are given or set put all their mass on that level
            full = np.zeros([len(lv) for lv in levels])
            full[tuple(pinned[v] if v in pinned else slice(None) for v in variables)] = joint
        if len(variables) == 1:
            index = pd.RangeIndex(len(levels[0]), name=variables[0])
        else:
            index = pd.MultiIndex.from_product(levels, names=variables)
        return pd.Series(full.reshape(-1), index=index, name="probability")

    def prob(self, event: Mapping, given: Mapping | None = None, do: Mapping | None = None) -> Estimate:
        """``P(event | given)`` in the model under ``do`` (exact; discrete models).

        Examples
        --------
        >>> scm.prob({"R": 1}, do={"T": 1})   # doctest: +SKIP
        """
        fixed = self._hard_levels(do) if do else {}
        model = self if fixed is not None else self.do(do)
        fixed = fixed or {}
        event = model._check_event(event, "event")
        given = model._check_event(given, "given")
        if not event:
            raise InvalidValueError("prob() needs an event such as {'Y': 1}")
        relevant = model._require_discrete("prob()", set(event) | set(given), cut=fixed)
        pinned = {**fixed, **given}
        free = [v for v in event if v not in pinned]
        joint = model._joint(free, given, relevant, fixed)
        total = joint.sum()
        if total <= 0:
            raise ZeroProbabilityError(f"the conditioning event {given} has probability 0 under the model")
        if any(pinned[v] != x for v, x in event.items() if v in pinned):
            return Estimate(0.0)
        return Estimate(float(joint[tuple(event[v] for v in free)] / total) if free else 1.0)

    def expectation(self, variable: str, given: Mapping | None = None, do: Mapping | None = None, seed=None,
                    n_samples: int = N_MONTE_CARLO) -> Estimate:
        """``E[variable | given]`` under ``do``.

        Exact for discrete and linear-Gaussian models; otherwise a Monte Carlo estimate
        (``seed``, ``n_samples``) with its standard error, conditioning on discrete
        ``given`` values by keeping the units that match.
        """
        model = self.do(do) if do else self
        model._check_names([variable])
        given = model._check_event(given, "given")
        if model._discrete_over({variable, *given}):
            dist = model.distribution(variable, given=given)
            return Estimate(float(np.dot(dist.index.to_numpy(dtype=float), dist.to_numpy())))
        form = linear_gaussian_form(model, {variable, *given})
        if form is not None:
            mean, _ = moments(form, given)
            return Estimate(float(mean[form[0].index(variable)]))
        values = model._mc_values(variable, given, seed, n_samples)
        return _mc_estimate(values)

    def _mc_values(self, variable, given, seed, n_samples):
        cont = [v for v in given if not self._mechanisms[v].discrete]
        if cont:
            raise UnsupportedQueryError(
                f"conditioning on continuous {cont} by Monte Carlo has probability zero; "
                "condition on discrete variables or use a linear-Gaussian model"
            )
        world = self.sample(n_samples, seed=seed, hidden=True)
        mask = np.ones(len(world), dtype=bool)
        for v, x in given.items():
            mask &= world[v].to_numpy() == x
        if not mask.any():
            raise ZeroProbabilityError(f"no sampled unit satisfies {given} (n_samples={n_samples})")
        return world[variable].to_numpy(dtype=float)[mask]

    def variance(self, variable: str, do: Mapping | None = None, given: Mapping | None = None) -> Estimate:
        """Exact ``Var[variable | given]`` under ``do`` for a linear-Gaussian model."""
        return self.covariance(variable, variable, do=do, given=given)

    def covariance(self, a: str, b: str, do: Mapping | None = None, given: Mapping | None = None) -> Estimate:
        """Exact ``Cov[a, b | given]`` under ``do`` for a linear-Gaussian model (path algebra)."""
        model = self.do(do) if do else self
        model._check_names([a, b])
        given = model._check_event(given, "given")
        form = linear_gaussian_form(model, {a, b, *given})
        if form is None:
            raise UnsupportedQueryError(
                "covariance() is exact only for linear-Gaussian models (Linear mechanisms, Normal noise); "
                "estimate it from scm.sample(...) instead"
            )
        _, cov = moments(form, given)
        names = form[0]
        return Estimate(float(cov[names.index(a), names.index(b)]))

    # ------------------------------------------------------------------ effects
    def ate(self, treatment: str, outcome: str, treated=1, control=0, seed=None,
            n_samples: int = N_MONTE_CARLO) -> Estimate:
        """Average treatment effect ``E[Y | do(T=treated)] - E[Y | do(T=control)]``.

        Exact for discrete and linear-Gaussian models; otherwise Monte Carlo on shared
        noise (each unit under both treatments, whatever the seed: an int, a Generator or
        None), with the standard error of the paired differences.
        """
        from .._random import seed_sequence

        self._check_names([treatment, outcome])
        if treatment == outcome:
            raise InvalidValueError(f"the treatment and the outcome must differ, got {treatment!r} twice")
        seed = seed_sequence(seed)  # validated on every path; one root so both arms share every unit's noise
        if self._discrete_over({outcome}) or linear_gaussian_form(self, {outcome}) is not None:
            hi = self.expectation(outcome, do={treatment: treated})
            lo = self.expectation(outcome, do={treatment: control})
            return Estimate(float(hi) - float(lo))
        y1 = self.do({treatment: treated}).sample(n_samples, seed=seed, hidden=True)[outcome]
        y0 = self.do({treatment: control}).sample(n_samples, seed=seed, hidden=True)[outcome]
        return _mc_estimate((y1 - y0).to_numpy(dtype=float))

    def ett(self, treatment: str, outcome: str, treated=1, control=0, seed=None,
            n_samples: int = N_MONTE_CARLO) -> Estimate:
        """Effect on the treated ``E[Y_treated - Y_control | T = treated]``.

        Exact for discrete models (twin network) and linear-Gaussian ones (where every
        unit's effect is the same); otherwise Monte Carlo on shared noise.
        """
        self._check_names([treatment, outcome])
        if self._discrete_over({treatment, outcome}):
            given = self._check_event({treatment: treated}, "treated")
            worlds = [{}, {treatment: control}]
            y1 = self._world_expectation(worlds, 0, outcome, given)
            y0 = self._world_expectation(worlds, 1, outcome, given)
            return Estimate(y1 - y0)
        form = linear_gaussian_form(self, {treatment, outcome})
        if form is not None:
            return Estimate(total_effect(form, treatment, outcome) * (float(treated) - float(control)))
        if not self._mechanisms[treatment].discrete:
            raise UnsupportedQueryError(
                f"ett() conditions on {treatment}={treated}, which has probability zero for a continuous treatment"
            )
        world = self.sample_world(n_samples, seed=seed)
        world = world[world[treatment] == treated]
        if world.empty:
            raise ZeroProbabilityError(f"no sampled unit has {treatment}={treated}")
        y0 = self.counterfactual(world, {treatment: control}, seed=seed)[outcome]
        return _mc_estimate((world[outcome] - y0).to_numpy(dtype=float))

    def nde(self, treatment: str, outcome: str, mediators, treated=1, control=0, seed=None,
            n_samples: int = N_MONTE_CARLO) -> Estimate:
        """Natural direct effect (Pearl 2001; Primer 4.5; the "pure" NDE):
        ``NDE = E[Y_{treated, M_control}] - E[Y_{control}]``.

        The mediators keep, unit by unit, the value they would take under control while
        the treatment switches. Decompositions that hold (Pearl 2001):
        ``ATE = NDE - NIE_reverse`` (the NIE of the transition treated -> control) and
        ``ATE = NDE + TNIE`` (:meth:`tnie`); ``NDE + NIE == ATE`` only without
        treatment-mediator interaction.
        """
        y = self._mediation(treatment, outcome, mediators, treated, control, seed, n_samples)
        return _difference(y["direct"], y["control"])

    def nie(self, treatment: str, outcome: str, mediators, treated=1, control=0, seed=None,
            n_samples: int = N_MONTE_CARLO) -> Estimate:
        """Natural indirect effect (Pearl 2001; Primer 4.5; DoWhy's NIE; the "pure" NIE):
        ``NIE = E[Y_{control, M_treated}] - E[Y_{control}]``.

        The change in the outcome of units held at control when their mediators move to the
        values they would take under treatment. The other indirect effect in the literature,
        ``E[Y_{treated} - Y_{treated, M_control}]`` (the total NIE), is :meth:`tnie`; the two
        differ whenever treatment and mediator interact.
        """
        y = self._mediation(treatment, outcome, mediators, treated, control, seed, n_samples)
        return _difference(y["indirect"], y["control"])

    def tnie(self, treatment: str, outcome: str, mediators, treated=1, control=0, seed=None,
             n_samples: int = N_MONTE_CARLO) -> Estimate:
        """Total natural indirect effect (Robins & Greenland 1992; VanderWeele 2015):
        ``TNIE = E[Y_{treated}] - E[Y_{treated, M_control}]``, so that ``NDE + TNIE == ATE``
        exactly. Not Pearl's NIE (:meth:`nie`) when treatment and mediator interact."""
        y = self._mediation(treatment, outcome, mediators, treated, control, seed, n_samples)
        return _difference(y["treated"], y["direct"])

    def _mediation(self, treatment, outcome, mediators, treated, control, seed, n_samples) -> dict:
        """E[Y] (or per-unit Y for Monte Carlo) in four worlds: ``control`` Y_c, ``treated``
        Y_t, ``direct`` Y_{t, M_c} and ``indirect`` Y_{c, M_t}."""
        mediators = [mediators] if isinstance(mediators, str) else list(mediators)
        self._check_names([treatment, outcome, *mediators])
        if not mediators:
            raise InvalidValueError("nde()/nie()/tnie() need at least one mediator")
        if treatment == outcome:
            raise InvalidValueError(f"the treatment and the outcome must differ, got {treatment!r} twice")
        clash = [m for m in mediators if m in (treatment, outcome)]
        if clash:
            raise InvalidValueError(f"a mediator cannot be the treatment or the outcome, got {clash}")
        control_world = {treatment: control}
        treated_world = {treatment: treated}
        names = ("control", "direct", "treated", "indirect")
        if self._discrete_over({treatment, outcome, *mediators}):
            worlds = [{}, control_world, {treatment: treated, **{m: _Ref(1, m) for m in mediators}},
                      treated_world, {treatment: control, **{m: _Ref(3, m) for m in mediators}}]
            return {name: Estimate(self._world_expectation(worlds, w, outcome, {}))
                    for name, w in zip(names, (1, 2, 3, 4))}
        form = linear_gaussian_form(self, {treatment, outcome, *mediators})
        if form is not None:
            # Y is linear in its mediators, so E[Y_{t, M_c}] = E[Y | do(T=t, M=E[M_c])].
            m_control = {m: float(self.expectation(m, do=control_world)) for m in mediators}
            m_treated = {m: float(self.expectation(m, do=treated_world)) for m in mediators}
            return {"control": self.expectation(outcome, do=control_world),
                    "direct": self.expectation(outcome, do={treatment: treated, **m_control}),
                    "treated": self.expectation(outcome, do=treated_world),
                    "indirect": self.expectation(outcome, do={treatment: control, **m_treated})}
        world = self.sample_world(n_samples, seed=seed)
        cf_control = self.counterfactual(world, control_world, seed=seed)
        cf_treated = self.counterfactual(world, treated_world, seed=seed)
        at_control = {m: cf_control[m].to_numpy(dtype=float) for m in mediators}
        at_treated = {m: cf_treated[m].to_numpy(dtype=float) for m in mediators}
        cf_direct = self.counterfactual(world, {treatment: treated, **at_control}, seed=seed)
        cf_indirect = self.counterfactual(world, {treatment: control, **at_treated}, seed=seed)
        return {name: x[outcome].to_numpy(dtype=float)
                for name, x in zip(names, (cf_control, cf_direct, cf_treated, cf_indirect))}

    # ------------------------------------------------------------------ counterfactual probabilities
    def counterfactual_prob(self, event: Mapping, do: Mapping, given: Mapping | None = None) -> Estimate:
        """``P(event_do | given)``: the probability that ``event`` holds had ``do`` been set,
        among units for which ``given`` was observed (exact; discrete models).

        Example: ``P(Y_{T=0} = 1 | T = 1, Y = 1)`` is
        ``counterfactual_prob({"Y": 1}, do={"T": 0}, given={"T": 1, "Y": 1})``.
        """
        event = self._check_event(event, "event")
        given = self._check_event(given, "given")
        intervention = Intervention(do)
        self.do(intervention)  # validates names and levels
        self._require_discrete("counterfactual_prob()", set(event) | set(given) | set(intervention))
        if not event:
            raise InvalidValueError("counterfactual_prob() needs an event such as {'Y': 1}")
        worlds = [{}, dict(intervention)]
        names = list(event)
        joint = self._world_joint(worlds, [(1, v) for v in names], given)
        return Estimate(float(joint[tuple(event[v] for v in names)]))

    def probability_of_necessity(self, treatment: str, outcome: str, treated=1, control=0,
                                 outcome_value=1) -> Estimate:
        """PN ``= P(Y_{control} != y | T = treated, Y = y)`` (Pearl 2000, ch. 9), binary outcome."""
        self._binary_outcome(outcome)
        return self.counterfactual_prob({outcome: 1 - outcome_value}, do={treatment: control},
                                        given={treatment: treated, outcome: outcome_value})

    def probability_of_sufficiency(self, treatment: str, outcome: str, treated=1, control=0,
                                   outcome_value=1) -> Estimate:
        """PS ``= P(Y_{treated} = y | T = control, Y != y)`` (Pearl 2000, ch. 9), binary outcome."""
        self._binary_outcome(outcome)
        return self.counterfactual_prob({outcome: outcome_value}, do={treatment: treated},
                                        given={treatment: control, outcome: 1 - outcome_value})

    def _binary_outcome(self, outcome):
        self._check_names([outcome])
        if self._mechanisms[outcome].kind != "binary":
            raise InvalidValueError(f"{outcome!r} is {self._mechanisms[outcome].kind}; PN and PS need a binary outcome")

    def _counterfactual_marginal(self, variable: str, intervention, given: dict) -> np.ndarray:
        return self._world_joint([{}, dict(intervention)], [(1, variable)], given)

    def _world_expectation(self, worlds, w, variable, given) -> float:
        dist = self._world_joint(worlds, [(w, variable)], given)
        return float(np.dot(np.arange(len(dist)), dist))

    def _world_joint(self, worlds: list[dict], targets: list[tuple[int, str]], given: dict) -> np.ndarray:
        """Exact joint of ``targets`` (world, variable) given factual evidence ``given``.

        World 0 is the model as it is; world ``w`` applies ``worlds[w]`` (values, or
        :class:`_Ref` to a variable of another world). Worlds share every unit's noise.
        A variable that no intervention of world ``w`` reaches is the factual one.
        """
        soft = [v for spec in worlds for v, x in spec.items() if isinstance(x, Soft)]
        soft += [v for v, m in self._mechanisms.items() if isinstance(m, Intervened) and isinstance(m.spec, Soft)]
        if soft:
            raise UnsupportedQueryError(
                f"exact counterfactuals with a soft intervention on {soft[0]!r} are not supported; "
                "use scm.counterfactual on sampled units"
            )
        graph = self.graph
        affected = []
        for spec in worlds:
            reach = set(spec)
            for v in spec:
                reach |= nx.descendants(graph, v)
            affected.append(reach)

        def alias(w, v):
            return (w, v) if v in affected[w] else (0, v)

        sources = {x.variable for spec in worlds for x in spec.values() if isinstance(x, _Ref)}
        relevant = self._relevant({v for _, v in targets} | set(given) | sources)
        self._check_tables(relevant)
        defining: dict = {}  # variable of the network -> (factor list, inputs)
        for name, mech in self._mechanisms.items():
            if name not in relevant:
                continue
            copies = [w for w in range(1, len(worlds)) if name in affected[w]]
            table, scope = self._factor(name)
            parents = scope[:-1]
            if not copies:
                defining[(0, name)] = ([(table, tuple((0, v) for v in scope))], [(0, p) for p in parents])
                continue
            probs, response = exact.response_cells(table)
            cells = exact.one_hot(response, table.shape[-1])
            u = ("U", name)
            defining[u] = ([(probs, (u,))], [])
            defining[(0, name)] = ([(cells, tuple((0, p) for p in parents) + (u, (0, name)))], [(0, p) for p in parents] + [u])
            for w in copies:
                spec = worlds[w].get(name)
                target = (w, name)
                if spec is None:
                    scope_w = tuple(alias(w, p) for p in parents) + (u, target)
                    defining[target] = ([(cells, scope_w)], list(scope_w[:-1]))
                elif isinstance(spec, _Ref):
                    src = alias(spec.world, spec.variable)
                    k = table.shape[-1]
                    defining[target] = ([(np.eye(k), (src, target))], [src])
                else:
                    vec = Intervened(mech, spec).table(())
                    defining[target] = ([(vec, (target,))], [])
        # keep only what the targets and the evidence depend on
        stack = [alias(w, v) for w, v in targets] + [(0, v) for v in given]
        needed = set()
        while stack:
            x = stack.pop()
            if x in needed:
                continue
            needed.add(x)
            stack.extend(defining[x][1])
        factors = [f for x in needed for f in defining[x][0]]
        evidence = {(0, v): x for v, x in given.items()}
        keep = [alias(w, v) for w, v in targets]
        fixed = {}
        for t in keep:
            if t in evidence:
                fixed[t] = evidence[t]
        free = list(dict.fromkeys(t for t in keep if t not in evidence))
        joint = exact.eliminate(exact.reduce_evidence(factors, evidence), free)
        total = joint.sum()
        if total <= 0:
            raise ZeroProbabilityError(f"the evidence {given} has probability 0 under the model")
        joint = joint / total
        # expand back to one axis per target (targets fixed by evidence or repeated)
        shape = [self._mechanisms[v].n_levels for _, v in targets]
        out = np.zeros(shape)
        for idx in np.ndindex(*shape):
            assign = {}
            ok = True
            for t, i in zip(keep, idx):
                if t in fixed and fixed[t] != i or assign.setdefault(t, i) != i:
                    ok = False
            if ok:
                out[idx] = joint[tuple(assign[t] for t in free)] if free else 1.0
        return out


def _mc_estimate(values: np.ndarray) -> Estimate:
    n = len(values)
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
    return Estimate(float(values.mean()), se=se, method="monte carlo", n_samples=n)


def _difference(a, b) -> Estimate:
    if isinstance(a, np.ndarray):
        return _mc_estimate(a - b)
    return Estimate(float(a) - float(b))

