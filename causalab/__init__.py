"""causalab: a sandbox where the gap between correlation and causation can be run,
measured and shown.

Start here
----------
>>> import causalab as cl
>>> env = cl.make("Confounding-v0")            # an environment: an SCM with a task
>>> data = env.sample(1000, seed=0)            # rung 1, observational
>>> env.true_effects()["ate"]                   # the truth only the environment knows

Main names
----------
make, list_environments, register
    The catalog of environments (``causalab.environments``) and how to add one.
Environment
    An SCM plus a task: treatment, outcome, covariates, hidden variables, regimes.
SCM and its mechanisms (Root, Linear, Additive, LocationScale, PostNonlinear, Custom,
Discrete, Table, Threshold, Logistic) and noise (Normal, Uniform, Laplace, Exponential,
Distribution)
    Build a model; ``sample``, ``do``, ``counterfactual``, ``abduct``, ``prob``, ``ate``,
    ``nde``, ``nie``, ``to_pyro``.
Intervention, Soft, LinearPolicy, policy, shift, scale
    Hard, soft and per-unit interventions for ``do``.
Estimate
    A float that says whether it is exact or Monte Carlo, with its standard error.
run, evaluate, verdicts, report
    Train learners side by side, score them on the three rungs against the truth, show it.
causalab.learners, causalab.testing
    The learners and the public common checks (``check_environment``, ``check_learner``).
Task.from_data, parse_graph, DataEnvironment, read_table
    Your own DataFrame and causal graph (edge list, DOT, GML, networkx) as a task and an
    environment that ``evaluate``, ``run`` and ``report`` accept.
semi_synthetic, SemiSynthetic
    An environment fitted to real data, with exact truth by construction.

Errors
------
Every error on bad input derives from :class:`CausalabError` and the matching built-in
(``except ValueError`` keeps working). The specific classes are importable from here and
listed with one line each in ``help(causalab.exceptions)``: UnknownVariableError,
DuplicateVariableError, MissingParentError, CyclicGraphError, InvalidValueError,
InvalidInterventionError, ZeroProbabilityError, UnsupportedQueryError, NotIdentifiedError,
UnknownEnvironmentError, RegistrationError, NotFittedError, MechanismError, OutOfSupportError,
DegenerateFitError, LearnerError, MissingDependencyError.

Warnings
--------
Every warning causalab raises derives from :class:`CausalabWarning` (a ``UserWarning``):
SupportWarning (a query outside the training support answered on request), OverlapWarning
(poor propensity overlap for a back-door learner). The evaluator records them on the rows
they concern.

Names are loaded on first use so that ``import causalab`` stays quick: torch is
imported only when a model is built, DoWhy only when a graph question needs it.
"""

from __future__ import annotations

import importlib

from . import exceptions as _exceptions

from .exceptions import (
    CausalabError,
    CausalabWarning,
    CyclicGraphError,
    DegenerateFitError,
    DuplicateVariableError,
    InvalidInterventionError,
    InvalidValueError,
    LearnerError,
    MechanismError,
    MissingDependencyError,
    MissingParentError,
    NotFittedError,
    NotIdentifiedError,
    OutOfSupportError,
    OverlapWarning,
    RegistrationError,
    SupportWarning,
    UnknownEnvironmentError,
    UnknownVariableError,
    UnsupportedQueryError,
    ZeroProbabilityError,
)

__version__ = "0.3.0"

_LAZY = {
    **{name: "causalab.scm" for name in (
        "SCM", "Estimate", "Intervention", "Soft", "LinearPolicy", "policy", "shift", "scale", "noise_column",
        "Mechanism", "Root", "Linear", "Additive", "LocationScale", "PostNonlinear", "Custom",
        "Discrete", "Table", "Threshold", "Logistic",
        "Noise", "Normal", "Uniform", "Laplace", "Exponential", "Distribution",
    )},
    "Environment": "causalab.envs.base",
    **{name: "causalab.envs.registry" for name in ("make", "register", "list_environments")},
    "evaluate": "causalab.evaluation", "verdicts": "causalab.evaluation",
    "run": "causalab.runner",
    "report": "causalab.reporting",
}

# Your own data, graph and estimators in (issue 17): public names, kept out of __all__ so
# help(causalab) stays a map (each class would add its whole page); listed in the docstring
_DOORS = {
    "Task": "causalab.envs.task", "VariableType": "causalab.envs.task",
    **{name: "causalab.envs.data" for name in ("DataEnvironment", "parse_graph", "read_table")},
    "semi_synthetic": "causalab.envs.semi_synthetic", "SemiSynthetic": "causalab.envs.semi_synthetic",
}

# The specific error and warning classes (CausalabWarning included) are public attributes but
# stay out of __all__: each would add some 75 lines of inherited exception methods to
# help(causalab); they are documented in causalab.exceptions.
_ERRORS = [name for name in _exceptions.__all__ if name not in ("CausalabError", "did_you_mean")]
__all__ = sorted(["__version__", "CausalabError", *_LAZY])


def __getattr__(name: str):
    if name in ("learners", "evaluation", "runner", "testing"):
        return importlib.import_module(f"causalab.{name}")
    if name in _LAZY or name in _DOORS:
        value = getattr(importlib.import_module(_LAZY.get(name) or _DOORS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'causalab' has no attribute {name!r}")


def __dir__():
    return sorted([*__all__, *_ERRORS, *_DOORS])
