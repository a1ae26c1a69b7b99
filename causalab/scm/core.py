"""The structural causal model: a DAG of variables, one mechanism each.

Sampling, interventions and counterfactuals live here; exact queries are in
``queries.py`` and graph questions in ``graph.py`` (both mixed into :class:`SCM`).
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import torch

from .._pickling import by_value
from .._random import seed_sequence, stream_seeds, torch_generator
from ..exceptions import (
    CausalabError,
    CyclicGraphError,
    DuplicateVariableError,
    InvalidInterventionError,
    InvalidValueError,
    MechanismError,
    MissingParentError,
    UnsupportedQueryError,
    ZeroProbabilityError,
    did_you_mean,
    unknown_variable,
)
from .graph import GraphQueries
from .intervention import Intervened, Intervention, LinearPolicy, Soft, check_discrete_spec
from .mechanisms import Discrete, Mechanism, Root
from .noise import DTYPE, Noise
from .queries import ExactQueries

#: Rows simulated per chunk. Chunk ``c`` of variable ``v`` draws its noise from its own
#: stream (seed word ``c`` of the stream keyed by ``(seed, v)``), so chunks can run in
#: parallel threads and the same seed gives the same frame however they are scheduled.
#: Bounds working memory too.
CHUNK_ROWS = 131072
#: Threads that simulate chunks (torch releases the GIL in its kernels).
SAMPLING_THREADS = 2
_POOL: ThreadPoolExecutor | None = None


def noise_column(name: str) -> str:
    """The column that holds the noise of variable ``name`` in a world frame."""
    return f"U[{name}]"


@by_value
class SCM(GraphQueries, ExactQueries):
    """A structural causal model.

    Each variable has a mechanism ``value = f(parents, noise)`` with its own
    independent noise; the parent relation must be acyclic. Build one with
    :meth:`add` (parents first) or pass all mechanisms at once.

    Parameters
    ----------
    mechanisms : dict, optional
        Variable name to mechanism (or noise, for a root), in any order.
    hidden : list of str, optional
        Variables that exist in the model but are not observed.

    Examples
    --------
    >>> scm = SCM()
    >>> scm.add("Z", Normal(0, 1)).add("X", Linear({"Z": 0.8}))   # doctest: +SKIP
    """

    def __init__(self, mechanisms: Mapping[str, Mechanism | Noise] | None = None, hidden: Sequence[str] = ()):
        self._mechanisms: dict[str, Mechanism] = {}
        self._hidden: set[str] = set()
        self._interventions: tuple[Intervention, ...] = ()
        self._cut_edges: frozenset = frozenset()
        self._graph: nx.DiGraph | None = None
        if mechanisms:
            if not isinstance(mechanisms, Mapping):
                raise InvalidValueError(f"SCM(mechanisms) must be a dict of name -> mechanism, got {mechanisms!r}")
            self._add_many(mechanisms, hidden)
        elif hidden:
            raise unknown_variable(list(hidden)[0], [])

    # ------------------------------------------------------------------ building
    def add(self, name: str, mechanism: Mechanism | Noise, hidden: bool = False) -> "SCM":
        """Add a variable whose parents are already in the model; returns ``self``."""
        self._add_many({name: mechanism}, [name] if hidden else [])
        return self

    def _add_many(self, mechanisms: Mapping, hidden: Sequence[str]) -> None:
        new = {}
        for name, mech in mechanisms.items():
            if not isinstance(name, str) or not name or "[" in name or "]" in name:
                raise InvalidValueError(f"a variable name must be a non-empty string without brackets, got {name!r}")
            if name in self._mechanisms or name in new:
                raise DuplicateVariableError(f"variable {name!r} is already in the model")
            if isinstance(mech, (Noise, torch.distributions.Distribution)):
                mech = Root(mech)
            if not isinstance(mech, Mechanism):
                raise InvalidValueError(
                    f"the mechanism of {name!r} must be a causalab mechanism (Linear, Additive, Table, ...) "
                    f"or a noise for a root, got {mech!r}"
                )
            new[name] = mech
        known = set(self._mechanisms) | set(new)
        for name, mech in new.items():
            for p in mech.parents:
                if p not in known:
                    raise MissingParentError(
                        f"the mechanism of {name!r} names parent {p!r}, which is not in the model "
                        f"(variables: {sorted(known)}).{did_you_mean(p, known)}"
                    )
        for h in hidden:
            if h not in known:
                raise unknown_variable(h, known)
        graph = self.graph.copy()
        for name, mech in new.items():
            graph.add_node(name)
            graph.add_edges_from((p, name) for p in mech.parents)
        if not nx.is_directed_acyclic_graph(graph):
            cycle = nx.find_cycle(graph)
            raise CyclicGraphError(f"the parents form a cycle: {' -> '.join(u for u, _ in cycle)} -> {cycle[0][0]}")
        all_mechs = {**self._mechanisms, **new}
        for name, mech in new.items():
            if isinstance(mech, Discrete):
                self._check_discrete_parents(name, mech, all_mechs)
        # topological order, ties broken by insertion order
        index = {n: i for i, n in enumerate(all_mechs)}
        order = list(nx.lexicographical_topological_sort(graph, key=index.__getitem__))
        self._mechanisms = {n: all_mechs[n] for n in order}
        self._hidden |= set(hidden)
        self._graph = graph

    @staticmethod
    def _check_discrete_parents(name, mech: Discrete, mechs) -> None:
        levels = getattr(mech, "parent_levels", None)
        for i, p in enumerate(mech.parents):
            pm = mechs[p]
            if levels is not None and not pm.discrete:
                raise InvalidValueError(
                    f"the table of {name!r} is indexed by {p!r}, which is continuous; table parents must be discrete"
                )
            if levels is not None and levels[i] != pm.n_levels:
                raise InvalidValueError(
                    f"the table of {name!r} has {levels[i]} entries along parent {p!r}, which has "
                    f"{pm.n_levels} levels {list(range(pm.n_levels))}"
                )

    # ------------------------------------------------------------------ structure
    @property
    def variables(self) -> list[str]:
        """All variable names in topological order."""
        return list(self._mechanisms)

    @property
    def observed(self) -> list[str]:
        """Observed variable names in topological order."""
        return [v for v in self._mechanisms if v not in self._hidden]

    @property
    def hidden(self) -> list[str]:
        """Hidden variable names in topological order."""
        return [v for v in self._mechanisms if v in self._hidden]

    @property
    def graph(self) -> nx.DiGraph:
        """The causal DAG (a copy-safe networkx DiGraph; intervened edges are cut)."""
        if self._graph is None:
            g = nx.DiGraph()
            for name, mech in self._mechanisms.items():
                g.add_node(name)
                g.add_edges_from((p, name) for p in mech.parents)
            self._graph = g
        return self._graph

    @property
    def interventions(self) -> tuple[Intervention, ...]:
        """The interventions applied so far, oldest first."""
        return self._interventions

    def mechanism(self, name: str) -> Mechanism:
        """The mechanism of ``name``."""
        self._check_names([name])
        return self._mechanisms[name]

    def kind(self, name: str) -> str:
        """``"continuous"``, ``"binary"`` or ``"categorical"``."""
        return self.mechanism(name).kind

    def parents(self, name: str) -> list[str]:
        return list(self.mechanism(name).parents)

    def _check_names(self, names) -> None:
        for n in names:
            if n not in self._mechanisms:
                raise unknown_variable(n, self._mechanisms)

    def __repr__(self):
        lines = [f"SCM({len(self._mechanisms)} variables{', ' + ' '.join(map(str, self._interventions)) if self._interventions else ''})"]
        for name, mech in self._mechanisms.items():
            tag = " (hidden)" if name in self._hidden else ""
            lines.append(f"  {name}{tag} := {mech!r}")
        return "\n".join(lines)

    @property
    def is_discrete(self) -> bool:
        """True when every variable is binary or categorical."""
        return all(m.discrete for m in self._mechanisms.values())

    # ------------------------------------------------------------------ interventions
    def do(self, intervention: Mapping | Intervention) -> "SCM":
        """Return a new SCM under ``intervention``; this one is left untouched.

        Hard and stochastic interventions cut the variable's incoming edges; soft ones
        keep them. Chaining ``scm.do(a).do(b)`` applies ``b`` on top of ``a``.
        """
        intervention = Intervention(intervention)
        if not len(intervention):
            raise InvalidInterventionError("do() needs at least one variable, e.g. do({'T': 1})")
        self._check_names(intervention)
        for name, spec in intervention.items():
            mech = self._mechanisms[name]
            if mech.discrete:
                check_discrete_spec(name, mech, spec)
            if isinstance(spec, LinearPolicy) and set(spec.coefs) - set(mech.parents):
                raise InvalidInterventionError(
                    f"the policy for {name!r} reads {sorted(set(spec.coefs) - set(mech.parents))}, which are not "
                    f"parents of {name!r} (parents: {list(mech.parents)})")
        new = copy.copy(self)
        new._mechanisms = dict(self._mechanisms)
        cut = set(self._cut_edges)
        for name, spec in intervention.items():
            new._mechanisms[name] = Intervened(self._mechanisms[name], spec, name)
            if not isinstance(spec, Soft):
                cut |= {(p, name) for p in self._mechanisms[name].parents}
        new._cut_edges = frozenset(cut)
        new._interventions = self._interventions + (intervention,)
        new._graph = None
        return new

    # ------------------------------------------------------------------ sampling
    def sample(self, n_samples: int, seed=None, hidden: bool = False, noise: bool = False) -> pd.DataFrame:
        """Draw ``n_samples`` units.

        Vectorised over units in topological order, in chunks of rows simulated in
        parallel threads and written straight into the output, so memory stays close to
        the size of the output. The same ``seed`` gives bit-identical frames, and each
        variable's noise comes from its own stream, so models that differ only by an
        intervention share the noise of every variable (``sample`` on ``scm`` and on
        ``scm.do(...)`` with one seed describe the same units).

        Parameters
        ----------
        n_samples : int
        seed : int, numpy Generator or None
        hidden : bool
            Include hidden variables.
        noise : bool
            Include each unit's noise, in columns ``U[name]``.

        Returns
        -------
        pandas.DataFrame
            Continuous columns are float64, binary and categorical ones int64.
        """
        n = _check_n(n_samples)
        root = seed_sequence(seed)
        names = self.variables if hidden else self.observed
        columns = list(names) + ([noise_column(v) for v in self.variables] if noise else [])
        slot = {c: i for i, c in enumerate(columns)}
        out = np.empty((len(columns), n), dtype=np.float64)
        mechs = list(self._mechanisms.items())
        for name, mech in mechs:
            spec = getattr(mech, "spec", None)
            if isinstance(spec, torch.Tensor) and spec.shape[0] != n:
                raise InvalidInterventionError(
                    f"do({name}=<{spec.shape[0]} values>) gives per-unit values for {spec.shape[0]} units, "
                    f"but {n} are sampled")
        n_chunks = -(-n // CHUNK_ROWS)
        # one seed per (variable, chunk); a stochastic intervention draws from a stream of its own
        seeds = [stream_seeds(root, n_chunks, name, "do" if getattr(m, "stochastic", False) else "")
                 for name, m in mechs]

        def simulate(chunk: int) -> None:
            start, stop = chunk * CHUNK_ROWS, min(n, (chunk + 1) * CHUNK_ROWS)
            values = {}
            noise_buffer = torch.empty(stop - start, dtype=torch.float64)  # reused by every variable
            for (name, mech), variable_seeds in zip(mechs, seeds):
                mech = mech.rows(start, stop)
                generator = torch.Generator().manual_seed(variable_seeds[chunk])
                u = mech.noise.sample(stop - start, generator, out=noise_buffer)
                target = torch.from_numpy(out[slot[name], start:stop]) if name in slot else torch.empty_like(u)
                values[name] = _guarded(name, mech, mech.evaluate_into, values, u, target)
                if noise:
                    torch.from_numpy(out[slot[noise_column(name)], start:stop]).copy_(u)

        if n_chunks > 1 and all(m.noise.thread_safe for _, m in mechs):
            # chunks run side by side; torch's own intra-op threads would only oversubscribe the cores
            with _single_torch_thread():
                list(_pool().map(simulate, range(n_chunks)))
        else:
            for chunk in range(n_chunks):
                simulate(chunk)
        return self._frame(out, columns, pd.RangeIndex(n))

    def sample_world(self, n_samples: int, seed=None) -> pd.DataFrame:
        """Every variable, hidden ones included, and each unit's noise (``U[name]``)."""
        return self.sample(n_samples, seed=seed, hidden=True, noise=True)

    def _frame(self, block: np.ndarray, columns: list[str], index) -> pd.DataFrame:
        # The float block becomes the frame's storage without a copy (block.T is a view).
        df = pd.DataFrame(block.T, columns=columns, index=index, copy=False)
        ints = [c for c in columns if c in self._mechanisms and self._mechanisms[c].discrete]
        if ints:
            df = df.astype({c: np.int64 for c in ints})
        return df

    # ------------------------------------------------------------------ counterfactuals
    def counterfactual(self, data: pd.DataFrame, do: Mapping | Intervention, seed=None) -> pd.DataFrame:
        """Unit-level counterfactuals: abduction, action, prediction.

        * If ``data`` holds every unit's noise (from :meth:`sample_world`), the result is
          exact for every mechanism.
        * Otherwise the noise is recovered from the observed values: exactly for
          invertible mechanisms (linear, additive, location-scale, post-nonlinear, roots,
          custom with an inverse); for binary and categorical variables the exact posterior
          of the noise is used and the result holds each unit's counterfactual *expectation*
          (see :meth:`counterfactual_distribution` for the full distribution). A model with
          hidden variables and no stored noise is answered by exact enumeration when it is
          fully discrete.

        Returns
        -------
        pandas.DataFrame
            Same index as ``data``; the variables of ``data`` (and hidden ones when the
            noise was given) under the intervention.
        """
        p = self._counterfactual_particles(data, do, seed)
        columns = {}
        for v in p.names:
            if v not in p.changed and v in data.columns and len(p.unit) == p.n:
                columns[v] = data[v]  # unchanged: shared with the input, copy-on-write
                continue
            values = p.values[v].numpy()
            if len(p.unit) != p.n:  # several weighted particles per unit: their expectation
                values = np.bincount(p.unit, weights=p.weight * values, minlength=p.n)
            # discrete columns stay integers where every unit's counterfactual is certain
            if self._mechanisms[v].discrete and np.all(values == np.round(values)):
                values = values.astype(np.int64)
            columns[v] = values
        return pd.DataFrame(columns, index=p.index, copy=False)

    def abduct(self, data: pd.DataFrame) -> pd.DataFrame:
        """Abduction, the first step of a counterfactual, made visible: each unit's noise as
        its observed row determines it.

        For a continuous variable with an invertible mechanism the noise is exact, column
        ``U[name]``. For a binary or categorical variable the row only pins the uniform noise
        to an interval: columns ``U[name].lo`` and ``U[name].hi`` (the unit's noise is
        uniform on ``[lo, hi)``, its exact posterior). Needs every variable observed (with
        hidden variables, abduction is enumeration over them; see :meth:`counterfactual`).

        Raises
        ------
        UnsupportedQueryError
            For a continuous mechanism without an inverse, or a model with hidden variables.
        """
        if not isinstance(data, pd.DataFrame):
            raise InvalidValueError(f"abduct needs a pandas DataFrame, got {type(data).__name__}")
        if self.hidden:
            raise UnsupportedQueryError(
                f"abduct needs every variable observed; {self.hidden} are hidden (their noise has no point value)")
        missing = [v for v in self.variables if v not in data.columns]
        if missing:
            raise InvalidValueError(f"abduct: the data lack the column(s) {missing}")
        factual = {v: self._column(data, v) for v in self.variables}
        columns = {}
        for name, mech in self._mechanisms.items():
            parents = {p: factual[p] for p in mech.parents}
            if isinstance(mech, Discrete):
                lo, hi = mech.interval(factual[name], parents)
                columns[f"{noise_column(name)}.lo"] = lo.numpy()
                columns[f"{noise_column(name)}.hi"] = hi.numpy()
            else:
                columns[noise_column(name)] = _guarded(name, mech, mech.abduct, factual[name], parents).numpy()
        return pd.DataFrame(columns, index=data.index)

    def counterfactual_distribution(self, data: pd.DataFrame, do: Mapping | Intervention, variable: str,
                                    seed=None) -> pd.DataFrame:
        """Each unit's counterfactual distribution of a discrete ``variable``.

        Returns a frame with one column per level holding ``P(variable_do = level | unit)``.
        """
        self._check_names([variable])
        mech = self._mechanisms[variable]
        if not mech.discrete:
            raise InvalidValueError(f"{variable!r} is continuous; counterfactual_distribution needs a discrete variable")
        p = self._counterfactual_particles(data, do, seed)
        level = p.values[variable].numpy().astype(np.int64)
        probs = np.zeros((p.n, mech.n_levels))
        np.add.at(probs, (p.unit, level), p.weight)
        return pd.DataFrame(probs, index=p.index, columns=list(range(mech.n_levels)))

    def _counterfactual_particles(self, data, do, seed):
        """Units as weighted particles: one per unit unless a discrete node's noise is uncertain."""
        if not isinstance(data, pd.DataFrame):
            raise InvalidValueError(f"counterfactual data must be a pandas DataFrame, got {type(data).__name__}")
        cf = self.do(do)
        intervention = cf._interventions[-1]
        n = len(data)
        if n == 0:
            raise InvalidValueError("counterfactual data has no rows")
        noise_present = [v for v in self.variables if noise_column(v) in data.columns]
        has_noise = len(noise_present) == len(self.variables)
        if noise_present and not has_noise:
            # a partial world would silently switch from exact stored-noise counterfactuals to
            # abduction; make the caller choose
            lacking = [noise_column(v) for v in self.variables if v not in noise_present]
            raise InvalidValueError(
                f"counterfactual data has some noise columns but lacks {lacking}: pass the whole frame from "
                "sample_world for exact unit counterfactuals, or only the observed columns for abduction")
        names = [v for v in self.variables if v in data.columns]
        missing = [v for v in (self.variables if has_noise else self.observed) if v not in data.columns]
        if missing:
            raise InvalidValueError(
                f"counterfactual data lacks column(s) {missing}; it needs every observed variable "
                f"{self.observed} (and the noise columns U[...] for exact counterfactuals of sampled units)"
            )
        if not has_noise and self.hidden:
            if self.is_discrete:
                return self._counterfactual_by_enumeration(data, intervention)
            raise UnsupportedQueryError(
                f"hidden variable(s) {self.hidden} have no stored noise; pass units from sample_world "
                "(with U[...] columns) or use a fully discrete model for exact enumeration"
            )
        factual = {v: self._column(data, v) for v in self.variables if v in data.columns}
        descendants = set(intervention)
        for v in intervention:
            descendants |= nx.descendants(self.graph, v)
        noise = {}  # the noise columns read by the check, read once
        scratch = torch.empty(n, dtype=DTYPE)  # work space of every round-trip check of this call
        if has_noise:
            self._check_world(data, factual, cf, descendants, noise, scratch)
        root = seed_sequence(seed)
        unit = np.arange(n)
        weight = np.ones(n)
        vals: dict[str, torch.Tensor] = {}
        for name, mech in cf._mechanisms.items():
            pv = {p: vals[p] for p in mech.parents}
            if name not in descendants:
                if name not in factual:  # a hidden variable left out of a world frame
                    factual[name] = _guarded(name, mech, mech.evaluate, pv, self._column(data, noise_column(name)))
                vals[name] = factual[name][unit] if len(unit) != n else factual[name]
                continue
            if isinstance(mech, Intervened) and not isinstance(mech.spec, Soft):
                if mech.stochastic:
                    vals[name] = mech.noise.sample(n, torch_generator(root, name, "do"))[unit]
                else:
                    vals[name] = mech.evaluate_hard(n)[unit] if isinstance(mech.spec, torch.Tensor) else mech.evaluate_hard(len(unit))
                continue
            base = self._mechanisms[name]
            if has_noise:
                u = noise[name] if name in noise else self._column(data, noise_column(name))
                u = u[unit] if len(unit) != n else u  # one particle per unit: unit is 0..n-1
                vals[name] = _guarded(name, mech, mech.evaluate, pv, u)
            elif isinstance(base, Discrete):
                unit, weight, vals = self._split(name, base, mech, factual, unit, weight, vals, pv, data.index)
            else:
                fpa = {p: factual[p] for p in base.parents}
                u_all = _guarded(name, base, base.abduct, factual[name], fpa)
                # a closed-form inverse without user code (Root, Linear) round-trips whenever the
                # noise it gives is finite; only a non-finite sum needs the full check
                if not (getattr(base, "exact_inverse", False) and bool(torch.isfinite(u_all.sum()))):
                    _check_round_trip(name, base, fpa, u_all, factual[name], data.index, "its inverse", scratch)
                u = u_all[unit] if len(unit) != n else u_all
                vals[name] = _guarded(name, mech, mech.evaluate, pv, u)
        return _Particles(unit, weight, vals, n, names, data.index, descendants)

    def _split(self, name, base: Discrete, mech, factual, unit, weight, vals, pv, index):
        """Exact posterior of a discrete node's U, pushed through its counterfactual parents."""
        lo, hi = base.interval(factual[name], {p: factual[p] for p in base.parents})
        width = hi - lo
        if (width <= 0).any():
            bad = int(torch.nonzero(width <= 0)[0])
            raise ZeroProbabilityError(
                f"unit {index[bad]!r} has {name}={int(factual[name][bad])}, which has probability 0 under the model"
            )
        lo, hi = lo[unit], hi[unit]
        probs = mech.original.probs(pv, len(unit)) if isinstance(mech, Intervened) else mech.probs(pv, len(unit))
        cum = torch.cat([torch.zeros_like(probs[:, :1]), probs.cumsum(-1)], dim=-1)
        cum[:, -1] = 1.0
        overlap = (torch.minimum(hi[:, None], cum[:, 1:]) - torch.maximum(lo[:, None], cum[:, :-1])).clamp(min=0)
        p = (overlap / (hi - lo)[:, None]).numpy()
        rows, levels = np.nonzero(p > 1e-15)
        keep = torch.as_tensor(rows)
        new_vals = {k: v[keep] for k, v in vals.items()}
        new_vals[name] = torch.as_tensor(levels, dtype=DTYPE)
        if isinstance(mech, Intervened) and isinstance(mech.spec, Soft):
            new_vals[name] = mech.apply_soft(new_vals[name], {p: new_vals[p] for p in mech.parents})
        return unit[rows], weight[rows] * p[rows, levels], new_vals

    def _check_world(self, data, factual, cf=None, descendants=None, noise=None, scratch=None) -> None:
        """A world frame must be a world: each unit's values follow from its parents and its
        noise. Edited values (or noise) would otherwise give silently wrong counterfactuals.

        Only what the counterfactual reads is checked: the noise of each variable recomputed
        under the intervention (the intervened variables' descendants, and a soft-intervened
        variable itself), against its factual value and factual parents. Every other column
        is carried over as given, and an edited value that feeds a recomputed variable shows
        up in that variable's check. ``descendants=None`` checks every variable; the noise
        columns read are left in ``noise`` (a dict) for the counterfactual to reuse."""
        for name, mech in self._mechanisms.items():
            if descendants is not None and name not in descendants:
                continue
            acted = cf._mechanisms[name] if cf is not None else None
            if isinstance(acted, Intervened) and acted is not mech and not isinstance(acted.spec, Soft):
                continue  # set (or drawn afresh) by the intervention: its noise is never read
            if name not in factual or any(p not in factual for p in mech.parents):
                continue
            u = self._column(data, noise_column(name))
            if noise is not None:
                noise[name] = u
            parents = {p: factual[p] for p in mech.parents}
            _check_round_trip(name, mech, parents, u, factual[name], data.index, "its noise column", scratch)

    def _counterfactual_by_enumeration(self, data, intervention):
        """Fully discrete models with hidden variables: exact twin-network enumeration per distinct row."""
        observed = self.observed
        for v in observed:
            self._column(data, v)
        rows = data[observed].astype(np.int64)
        distinct, inverse = np.unique(rows.to_numpy(), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        n = len(data)
        expectations = {v: np.empty(len(distinct)) for v in observed}
        for i, row in enumerate(distinct):
            given = dict(zip(observed, map(int, row)))
            for v in observed:
                dist = self._counterfactual_marginal(v, intervention, given)
                expectations[v][i] = float(np.dot(np.arange(len(dist)), dist))
        values = {v: torch.from_numpy(expectations[v][inverse]) for v in observed}
        return _Particles(np.arange(n), np.ones(n), values, n, observed, data.index, set(observed))

    def _column(self, data: pd.DataFrame, name: str) -> torch.Tensor:
        values = data[name].to_numpy(dtype=np.float64, na_value=np.nan)
        # a NaN makes the sum NaN: one pass without a temporary decides the common clean case
        if np.isnan(np.add.reduce(values)) and np.isnan(values).any():
            raise InvalidValueError(f"column {name!r} contains NaN at row {data.index[np.isnan(values)][0]!r}")
        mech = self._mechanisms.get(name)
        if mech is not None and mech.discrete:
            bad = (values != np.round(values)) | (values < 0) | (values >= mech.n_levels)
            if bad.any():
                raise InvalidValueError(
                    f"column {name!r} has value {values[bad][0]:g}; {name!r} is {mech.kind} with levels "
                    f"{list(range(mech.n_levels))}"
                )
        if not values.flags.writeable:
            # a read-only view into the caller's frame: share it (causalab never writes into
            # its inputs) instead of copying every column
            with warnings.catch_warnings():
                # only torch's 'not writable' warning can arise here; simplefilter compiles no
                # regex, which matters when a counterfactual reads a hundred columns
                warnings.simplefilter("ignore", UserWarning)
                return torch.from_numpy(values)
        return torch.from_numpy(values)


@dataclass
class _Particles:
    """Counterfactual units as weighted particles (several per unit only where the noise
    of a discrete variable is uncertain given the data)."""

    unit: np.ndarray  # the unit of each particle
    weight: np.ndarray
    values: dict  # variable -> tensor of particle values
    n: int
    names: list  # the variables to return, in order
    index: pd.Index
    changed: set  # variables whose values may differ from the input


#: the tolerance of a round trip through a mechanism (``torch.isclose``'s rtol and atol)
RTOL, ATOL = 1e-7, 1e-9


def _check_round_trip(name, mech, parents, noise, value, index, source: str, scratch=None) -> None:
    """``mechanism(parents, noise)`` must give back ``value`` for every unit (``torch.isclose``
    with :data:`RTOL` and :data:`ATOL`; a NaN never passes). ``scratch``, a float64 tensor
    shaped like ``value``, is work space reused across calls (fresh memory costs page faults)."""
    if _round_trips(name, mech, parents, noise, value, scratch):
        return
    again = _guarded(name, mech, mech.evaluate, parents, noise)
    bad = ~torch.isclose(again, value, rtol=RTOL, atol=ATOL)
    if bad.any():
        i = int(torch.nonzero(bad)[0])
        raise InvalidValueError(
            f"unit {index[i]!r}: {name} = {float(value[i]):.6g}, but its parents and {source} give "
            f"{float(again[i]):.6g} ({int(bad.sum())} unit(s) disagree); the data is not a world of this model "
            "(edited values, the wrong model, or a mechanism inverse that does not invert)")


def _round_trips(name, mech, parents, noise, value, scratch=None) -> bool:
    """The fast path of :func:`_check_round_trip`: True when every unit passes. A mechanism that
    writes in place (Linear) evaluates into a buffer that becomes the difference; then one
    pass finds the difference's smallest and largest entries, and every difference within +-ATOL passes
    all units at once (the usual case). Only otherwise is the elementwise bound computed.
    False (a NaN, a mismatch, an odd shape) sends the caller to the exact test and the report."""
    if value.dtype != DTYPE or value.dim() != 1:
        return False
    if scratch is None or scratch.shape != value.shape:
        scratch = torch.empty_like(value)
    if type(mech).evaluate_into is not Mechanism.evaluate_into and noise.shape == value.shape and \
            _guarded(name, mech, mech.evaluate_into, parents, noise, scratch).data_ptr() == scratch.data_ptr():
        diff = scratch.sub_(value)
    else:
        # into the scratch, never in place: a mechanism may hand back its input (a root its noise)
        again = _guarded(name, mech, mech.evaluate, parents, noise)
        if again.shape != value.shape or again.dtype != value.dtype:
            return False
        diff = torch.sub(again, value, out=scratch)
    low, high = torch.aminmax(diff)
    if bool((high <= ATOL) & (low >= -ATOL)):
        return True
    return bool(diff.abs_().sub_(value.abs().mul_(RTOL)).max() <= ATOL)


def _guarded(name: str, mech, fn, *args):
    """Run a mechanism's method; a failure inside a user's function becomes a MechanismError
    naming the variable and the mechanism, the original error chained."""
    try:
        return fn(*args)
    except MechanismError as exc:
        raise MechanismError(f"variable {name!r} ({mech!r}): {exc}") from exc
    except CausalabError:
        raise
    except Exception as exc:  # noqa: BLE001 - user code: re-raised as ours, never swallowed
        raise MechanismError(f"the mechanism of {name!r} ({mech!r}) raised {type(exc).__name__}: {exc}") from exc


_THREADS_LOCK = threading.Lock()
_THREADS_USERS = 0
_THREADS_SAVED = 1


@contextmanager
def _single_torch_thread():
    """torch's intra-op threads set to 1 while any sampling runs; the first caller saves the
    setting and the last one restores it, so concurrent callers cannot leave it at 1."""
    global _THREADS_USERS, _THREADS_SAVED
    with _THREADS_LOCK:
        if _THREADS_USERS == 0:
            _THREADS_SAVED = torch.get_num_threads()
            torch.set_num_threads(1)
        _THREADS_USERS += 1
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _THREADS_USERS -= 1
            if _THREADS_USERS == 0:
                torch.set_num_threads(_THREADS_SAVED)


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=SAMPLING_THREADS, thread_name_prefix="causalab-sample")
    return _POOL


#: the most rows one sample call draws (about 8 GiB of float64 for 10 variables)
MAX_ROWS = 10**8


def _check_n(n_samples) -> int:
    if isinstance(n_samples, (bool, np.bool_)) or not isinstance(n_samples, (int, np.integer)) or n_samples <= 0:
        raise InvalidValueError(f"n_samples must be a positive int, got {n_samples!r}")
    if n_samples > MAX_ROWS:
        raise InvalidValueError(f"n_samples={n_samples:,} is over the limit of {MAX_ROWS:,} rows per call "
                                "(causalab.scm.core.MAX_ROWS); draw in batches with different seeds")
    return int(n_samples)
