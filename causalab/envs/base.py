"""Environment: an SCM with a task (treatment, outcome, covariates, hidden variables),
named regimes, knobs, a story, and the truth only the model knows."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd

from .._random import seed_sequence
from ..exceptions import InvalidValueError, UnsupportedQueryError, did_you_mean
from ..scm import SCM, Estimate, Intervention
from ..scm.core import _check_n


class Environment:
    """Base class of causalab environments.

    Subclasses set the class attributes below and implement :meth:`build`, whose keyword
    arguments (with defaults) are the environment's knobs, returning the SCM. Learners see
    :meth:`sample` (observed columns only); evaluators use :meth:`sample_world`,
    :meth:`do`, :meth:`counterfactual` and :meth:`true_effects`.

    Attributes
    ----------
    story : str
        One line for the catalog.
    treatment, outcome : str
    covariates : tuple of str
        Observed pre-treatment variables a learner may adjust for.
    references : tuple of str
    expected : dict
        Estimator family -> ``(succeeds, reason)``: identification, whether the family's
        estimand equals the effect under the environment's assumptions.
    specification : dict
        Model class -> ``(holds, reason)``: specification, apart from identification, e.g.
        ``{"linear outcome model": (False, "the surface is exponential")}`` where back-door
        identifies the effect but a linear outcome model estimates it with bias.
    estimands : tuple of str
        The effects the environment's truth covers: among ``"ate"``, ``"att"``, ``"atc"``
        (the keys of :meth:`true_effects`, see :data:`causalab.learners.base.ESTIMANDS`) and
        ``"cate"`` (:meth:`true_cate` is defined, so PEHE can be scored). By default ATE,
        ATT and ATC for a discrete treatment, the ATE alone for a continuous one, plus
        ``"cate"`` where the class defines ``true_cate``.
    variable_types : dict
        Declared types of observed variables, overriding what the model (or, for real data,
        the values) say; ``types=`` at construction overrides both (see
        :func:`causalab.envs.task.resolve_types` for the rule).
    """

    id: str | None = None
    story: str = ""
    treatment: str = "T"
    outcome: str = "Y"
    covariates: tuple[str, ...] = ()
    #: observed variables on the causal path from treatment to outcome (drawn as mediators)
    mediators: tuple[str, ...] = ()
    #: observed instruments (drawn as instruments; not covariates to adjust for)
    instruments: tuple[str, ...] = ()
    #: readable names for the picture, e.g. {"S": "stone size"}
    labels: Mapping[str, str] = {}
    references: tuple[str, ...] = ()
    expected: Mapping[str, tuple[bool, str]] = {}
    specification: Mapping[str, tuple[bool, str]] = {}
    #: what the environment can answer: "scm" (do, counterfactuals, worlds) for simulated ones
    capabilities: frozenset = frozenset({"scm"})
    variable_types: Mapping[str, str] = {}

    def __init__(self, types: Mapping | None = None, **knobs):
        defaults = self.knob_defaults()
        for k in knobs:
            if k not in defaults:
                raise InvalidValueError(
                    f"{type(self).__name__} has no knob {k!r}; its knobs are {sorted(defaults)}."
                    f"{did_you_mean(k, defaults)}"
                )
        knobs = {k: _coerce_knob(type(self).__name__, k, v, defaults[k]) for k, v in knobs.items()}
        self.knobs = {**defaults, **knobs}
        self.types = dict(types) if types is not None else None
        self.scm: SCM | None = self.build(**self.knobs)
        if types is not None:
            self.task  # noqa: B018 - validates the declared types now, naming any bad one

    @property
    def estimands(self) -> tuple[str, ...]:
        """The effects the truth covers (see the class docstring)."""
        out = ("ate", "att", "atc") if self.scm.mechanism(self.treatment).discrete else ("ate",)
        return out + (("cate",) if type(self).true_cate is not Environment.true_cate else ())

    @classmethod
    def knob_defaults(cls) -> dict:
        """The knobs (keyword arguments of :meth:`build`) and their defaults."""
        params = list(inspect.signature(cls.build).parameters.values())[1:]
        return {p.name: p.default for p in params}

    def build(self, **knobs) -> SCM:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ roles
    @property
    def observed(self) -> list[str]:
        """The columns learners see."""
        return self.scm.observed

    @property
    def hidden(self) -> list[str]:
        return self.scm.hidden

    @property
    def graph(self) -> nx.DiGraph:
        return self.scm.graph

    @property
    def roles(self) -> dict[str, str]:
        out = {v: "covariate" for v in self.covariates}
        out.update({v: "mediator" for v in self.mediators})
        out.update({v: "instrument" for v in self.instruments})
        out[self.treatment] = "treatment"
        out[self.outcome] = "outcome"
        return out

    def draw(self, ax=None, layout: str = "layers"):
        """The DAG with roles coloured, hidden variables dashed and readable labels."""
        return self.scm.draw(ax=ax, roles=self.roles, title=self.id or type(self).__name__, labels=self.labels,
                             layout=layout)

    @property
    def task(self):
        """What a learner may know (:class:`~causalab.envs.task.Task`): roles, observed
        variables with their types, and the graph over them with hidden confounding as
        latent common causes. Never mechanisms, noise or hidden values."""
        from .task import Task, VariableType, latent_projection, resolve_types

        variables = {}
        for v in self.observed:
            mech = self.scm.mechanism(v)
            levels = tuple(range(mech.n_levels)) if mech.discrete else None
            variables[v] = VariableType(mech.kind, levels)
        variables = resolve_types(variables, self._declared_types())
        graph = latent_projection(self.scm.graph, self.observed)
        return Task(self.treatment, self.outcome, tuple(self.covariates), variables, graph, self.id)

    def _declared_types(self) -> dict:
        return {**self.variable_types, **(getattr(self, "types", None) or {})}

    def type_sources(self) -> dict[str, str]:
        """Where each observed variable's type comes from: ``"types="`` (set at construction),
        ``"declared"`` (the class's ``variable_types``), else the model or the data."""
        given, declared = getattr(self, "types", None) or {}, self.variable_types
        default = "the model" if "scm" in self.capabilities else "inferred from the data"
        return {v: "types=" if v in given else "declared" if v in declared else default for v in self.observed}

    @property
    def regimes(self) -> dict[str, Intervention]:
        """Named interventions used by evaluators; by default ``do(T=0)`` and ``do(T=1)``."""
        return {str(i): i for i in (Intervention({self.treatment: 0}), Intervention({self.treatment: 1}))}

    # ------------------------------------------------------------------ data
    def sample(self, n_samples: int, seed=None) -> pd.DataFrame:
        """Observational data: observed columns only."""
        return self.scm.sample(n_samples, seed=seed)

    def sample_world(self, n_samples: int, seed=None) -> pd.DataFrame:
        """Every variable, hidden ones and each unit's noise included."""
        return self.scm.sample_world(n_samples, seed=seed)

    def do(self, intervention) -> "Environment":
        """A copy of the environment whose SCM is under ``intervention`` (a dict or a regime name)."""
        if isinstance(intervention, str):
            regimes = self.regimes
            if intervention not in regimes:
                raise InvalidValueError(
                    f"unknown regime {intervention!r}; {self.id or type(self).__name__} has {sorted(regimes)}."
                    f"{did_you_mean(intervention, regimes)}"
                )
            intervention = regimes[intervention]
        new = copy.copy(self)
        new.scm = self.scm.do(intervention)
        return new

    def counterfactual(self, data: pd.DataFrame, do, seed=None) -> pd.DataFrame:
        """Unit-level counterfactuals of ``data`` under ``do`` (see :meth:`SCM.counterfactual`)."""
        return self.scm.counterfactual(data, do, seed=seed)

    # ------------------------------------------------------------------ truth
    def true_effects(self) -> dict[str, float]:
        """The environment's true effects (``Estimate`` values, exact where the model allows).

        By default the ATE of ``treatment`` on ``outcome`` (do(T=1) against do(T=0)) and,
        for a discrete treatment, ``att`` = E[Y_1 - Y_0 | T=1] (the effect on the treated,
        also called ETT; ``scm.ett``) and ``atc`` = E[Y_1 - Y_0 | T=0] (on the controls).
        :attr:`estimands` names the effects covered.
        """
        t, y = self.treatment, self.outcome
        out = {"ate": self.scm.ate(t, y, seed=0)}
        if self.scm.mechanism(t).discrete:
            out["att"] = self.scm.ett(t, y, seed=0)
            reverse = self.scm.ett(t, y, treated=0, control=1, seed=0)  # E[Y_0 - Y_1 | T=0]
            out["atc"] = Estimate(-float(reverse), reverse.se, reverse.method, reverse.n_samples)
        return out

    def true_cate(self, data: pd.DataFrame):
        """``E[Y_1 - Y_0 | covariates]`` for the rows of ``data``, where the environment defines it."""
        raise UnsupportedQueryError(f"{type(self).__name__} does not define a CATE")

    def describe(self) -> str:
        """Story, equations (the class docstring), knobs, truth and expected estimators."""
        lines = [f"{self.id or type(self).__name__}: {self.story}", "", inspect.cleandoc(type(self).__doc__ or "")]
        lines += ["", "Knobs: " + (", ".join(f"{k}={v!r}" for k, v in self.knobs.items()) or "(none)")]
        task, sources = self.task, self.type_sources()
        width = max(map(len, task.observed), default=0)
        lines += ["", "Variables (type, from where):"]
        for v in task.observed:
            vt = task.type(v)
            levels = "" if vt.levels is None else f" {{{', '.join(map(str, vt.levels[:8]))}{', ...' if len(vt.levels) > 8 else ''}}}"
            lines.append(f"  {v:{width}s}  {vt.kind}{levels}  ({sources[v]})")
        lines += ["", "True effects (the estimands covered: " + ", ".join(self.estimands) + "):"]
        lines += [f"  {k} = {v!r}" for k, v in self.true_effects().items()]
        lines += ["", "Expected (identification):"] + [f"  {name:10s} {'succeeds' if ok else 'fails   '}  {why}"
                                                         for name, (ok, why) in self.expected.items()]
        if self.specification:
            lines += ["", "Specification:"] + [f"  {name}: {'holds' if ok else 'fails'}  {why}"
                                               for name, (ok, why) in self.specification.items()]
        return "\n".join(lines)

    def __repr__(self):
        knobs = ", ".join(f"{k}={v!r}" for k, v in self.knobs.items())
        return f"{self.id or type(self).__name__}({knobs})"

    def __reduce__(self):
        # pickle what is there (the SCM as it is now, edits and interventions included), never
        # a rebuild from the knobs; mechanisms hold lambdas, which cloudpickle serialises
        import cloudpickle

        return _unpickle, (type(self), cloudpickle.dumps(self.__dict__))


_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _coerce_knob(owner: str, name: str, value, default):
    """A knob's value in the type of its default: bools from True/False, 1/0 and the strings
    true/false/1/0; finite numbers for float knobs; whole numbers for int knobs. Anything
    else is an InvalidValueError naming the knob and its type."""
    import math

    def bad(kind):
        return InvalidValueError(f"{owner} knob {name!r} takes {kind}, got {value!r}")

    if default is None:
        return value
    if isinstance(default, bool):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise bad("a bool (True/False, 1/0, 'true'/'false')")
    if isinstance(value, (bool, np.bool_)):
        raise bad(f"{'an int' if isinstance(default, int) else 'a number'}, not a bool")
    if isinstance(default, int):
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
            return int(value)
        raise bad("an int")
    if isinstance(default, float):
        if isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(float(value)):
            return float(value)
        raise bad("a finite number")
    if isinstance(default, str):
        if isinstance(value, str):
            return value
        raise bad("a string")
    if isinstance(default, tuple):
        if isinstance(value, (list, tuple)):
            return tuple(value)
        raise bad("a tuple")
    return value


def _unpickle(cls, state: bytes):
    import pickle

    env = cls.__new__(cls)
    env.__dict__.update(pickle.loads(state))
    return env


class RealDataEnvironment(Environment):
    """An environment built on measured data: no structural model, so no ``do``,
    counterfactuals or worlds. It declares the truth it has (``true_effects``); asking for
    anything else raises :class:`UnsupportedQueryError`.

    :meth:`data` returns the data as they are, which is what the evaluator trains learners on
    (no resampling: seeds vary the learners only). ``sample(n, seed)`` draws ``n`` rows with
    replacement (a bootstrap resample) for quick looks and the common checks; the evaluator
    never uses it.
    Types: inferred from the values (:func:`~causalab.envs.task.variable_type_from_data`)
    unless declared in ``variable_types`` or given as ``types=``.
    """

    capabilities = frozenset()
    graph_edges: tuple[tuple[str, str], ...] = ()
    #: declared by each real-data environment (its truth is what was measured)
    estimands: tuple[str, ...] = ()

    def build(self):
        return None

    def data(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def observed(self) -> list[str]:
        return list(self.data().columns)

    @property
    def hidden(self) -> list[str]:
        return []

    @property
    def graph(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(self.observed)
        g.add_edges_from(self.graph_edges)
        return g

    @property
    def task(self):
        """The task over the data's columns, types inferred from the data. Without stated
        ``graph_edges`` the graph is the environment's assumption: every covariate causes
        treatment and outcome, and the treatment causes the outcome."""
        from .task import Task, resolve_types, variable_type_from_data

        data = self.data()
        variables = resolve_types({c: variable_type_from_data(data[c]) for c in data.columns},
                                  self._declared_types(), data)
        graph = self.graph
        if not self.graph_edges:
            graph.add_edges_from((c, r) for c in self.covariates for r in (self.treatment, self.outcome))
            graph.add_edge(self.treatment, self.outcome)
        return Task(self.treatment, self.outcome, tuple(self.covariates), variables, graph, self.id)

    def draw(self, ax=None, layout: str = "layers"):
        """The task's graph (stated ``graph_edges``, or the environment's adjustment assumption)
        with roles coloured: real data has no structural model to draw."""
        from ..exceptions import InvalidValueError
        from ..scm.draw import LAYOUTS, draw_graph

        if layout not in LAYOUTS:
            raise InvalidValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
        task = self.task
        roles = {v: r for v, r in self.roles.items() if v in task.graph}
        return draw_graph(task.graph, ax=ax, roles=roles, title=f"{self.id or type(self).__name__} (the task's graph)",
                          layout=layout)

    def sample(self, n_samples: int, seed=None) -> pd.DataFrame:
        """``n_samples`` rows drawn with replacement by ``seed`` (not what the evaluator trains on:
        that is :meth:`data`, as it is)."""
        n = _check_n(n_samples)
        data = self.data()
        rows = np.random.default_rng(seed_sequence(seed)).integers(0, len(data), size=n)
        return data.iloc[rows].reset_index(drop=True)

    def _unsupported(self, what: str):
        raise UnsupportedQueryError(
            f"{self.id or type(self).__name__} is real data without a structural model, so it has no {what}; "
            f"its truth is {sorted(self.true_effects())}"
        )

    def sample_world(self, n_samples: int, seed=None):
        self._unsupported("hidden variables or noise (sample_world)")

    def do(self, intervention):
        self._unsupported("interventional model (do)")

    def counterfactual(self, data, do, seed=None):
        self._unsupported("unit-level counterfactuals")

    @property
    def regimes(self) -> dict:
        return {}
