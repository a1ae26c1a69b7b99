"""causalab: a sandbox where the gap between correlation and causation can be run,
measured and shown.

Names are loaded on first use so that ``import causalab`` stays quick: torch is
imported only when a model is built, DoWhy only when a graph question needs it.
"""

from __future__ import annotations

import importlib

from .exceptions import (
    CausalabError,
    CyclicGraphError,
    DuplicateVariableError,
    InvalidInterventionError,
    InvalidValueError,
    MechanismError,
    MissingParentError,
    NotFittedError,
    NotIdentifiedError,
    RegistrationError,
    UnknownEnvironmentError,
    UnknownVariableError,
    UnsupportedQueryError,
    ZeroProbabilityError,
)

__version__ = "0.1.0"

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

__all__ = sorted([
    "__version__", "CausalabError", "CyclicGraphError", "DuplicateVariableError", "InvalidInterventionError",
    "InvalidValueError", "MechanismError", "MissingParentError", "NotFittedError", "NotIdentifiedError", "RegistrationError", "UnknownEnvironmentError",
    "UnknownVariableError", "UnsupportedQueryError", "ZeroProbabilityError", *_LAZY,
])


def __getattr__(name: str):
    if name in ("learners", "evaluation", "runner", "testing"):
        return importlib.import_module(f"causalab.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'causalab' has no attribute {name!r}")


def __dir__():
    return __all__
