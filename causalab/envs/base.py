"""Environment: an SCM with a task (treatment, outcome, covariates, hidden variables),
named regimes, knobs, a story, and the truth only the model knows."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping

import pandas as pd

from ..exceptions import InvalidValueError, UnsupportedQueryError, did_you_mean
from ..scm import SCM, Intervention


class Environment:
    """Base class of causalab environments.

    Subclasses set the class attributes below and implement :meth:`build` returning the
    SCM for the knobs given to ``__init__``. Learners see ``sample`` (observed columns
    only); evaluators use ``sample_world``, ``do``, ``counterfactual`` and ``true_effects``.

    Attributes
    ----------
    story : str
        One line for the catalog.
    treatment, outcome : str
    covariates : tuple of str
        Observed pre-treatment variables a learner may adjust for.
    references : tuple of str
    expected : dict
        Estimator family -> ``(succeeds, reason)``: which estimators the environment's
        assumptions support and which should fail there.
    """

    id: str | None = None
    story: str = ""
    treatment: str = "T"
    outcome: str = "Y"
    covariates: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    expected: Mapping[str, tuple[bool, str]] = {}

    def __init__(self, **knobs):
        defaults = self.knob_defaults()
        for k in knobs:
            if k not in defaults:
                raise InvalidValueError(
                    f"{type(self).__name__} has no knob {k!r}; its knobs are {sorted(defaults)}."
                    f"{did_you_mean(k, defaults)}"
                )
        self.knobs = {**defaults, **knobs}
        self.scm: SCM = self.build(**self.knobs)

    @classmethod
    def knob_defaults(cls) -> dict:
        """The knobs (keyword arguments of :meth:`build`) and their defaults."""
        params = list(inspect.signature(cls.build).parameters.values())[1:]
        return {p.name: p.default for p in params}

    def build(self, **knobs) -> SCM:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ roles
    @property
    def hidden(self) -> list[str]:
        return self.scm.hidden

    @property
    def roles(self) -> dict[str, str]:
        out = {v: "covariate" for v in self.covariates}
        out[self.treatment] = "treatment"
        out[self.outcome] = "outcome"
        return out

    @property
    def regimes(self) -> dict[str, Intervention]:
        """Named interventions used by evaluators; by default ``do(T=0)`` and ``do(T=1)``."""
        return {f"do({self.treatment}=0)": Intervention({self.treatment: 0}),
                f"do({self.treatment}=1)": Intervention({self.treatment: 1})}

    # ------------------------------------------------------------------ data
    def sample(self, n_samples: int, seed=None) -> pd.DataFrame:
        """Observational data: observed columns only."""
        return self.scm.sample(n_samples, seed=seed)

    def sample_world(self, n_samples: int, seed=None) -> pd.DataFrame:
        """Every variable, hidden ones and each unit's noise included."""
        return self.scm.sample_world(n_samples, seed=seed)

    def do(self, intervention) -> "Environment":
        """A copy of the environment whose SCM is under ``intervention``."""
        new = copy.copy(self)
        new.scm = self.scm.do(intervention)
        return new

    def counterfactual(self, data: pd.DataFrame, do, seed=None) -> pd.DataFrame:
        """Unit-level counterfactuals of ``data`` under ``do`` (see :meth:`SCM.counterfactual`)."""
        return self.scm.counterfactual(data, do, seed=seed)

    # ------------------------------------------------------------------ truth
    def true_effects(self) -> dict[str, float]:
        """The environment's true effects; exact where the model allows.

        By default the ATE and the effect on the treated of ``treatment`` on ``outcome``.
        """
        return {"ate": self.scm.ate(self.treatment, self.outcome, seed=0),
                "ett": self.scm.ett(self.treatment, self.outcome, seed=0)}

    def true_cate(self, data: pd.DataFrame):
        raise UnsupportedQueryError(f"{type(self).__name__} does not define a CATE")

    def __repr__(self):
        knobs = ", ".join(f"{k}={v!r}" for k, v in self.knobs.items())
        return f"{self.id or type(self).__name__}({knobs})"
