"""The one error hierarchy of causalab.

Every error causalab raises on bad input derives from :class:`CausalabError` and
also from the matching built-in exception, so ``except ValueError`` keeps working.
Messages name the bad value, what is allowed and, for names, a close match.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CausalabError",
    "UnknownVariableError",
    "DuplicateVariableError",
    "MissingParentError",
    "CyclicGraphError",
    "InvalidValueError",
    "InvalidInterventionError",
    "ZeroProbabilityError",
    "UnsupportedQueryError",
    "UnknownEnvironmentError",
    "RegistrationError",
    "NotFittedError",
    "MechanismError",
    "NotIdentifiedError",
    "OutOfSupportError",
    "DegenerateFitError",
    "CausalabWarning",
    "SupportWarning",
    "OverlapWarning",
    "LearnerError",
    "MissingDependencyError",
    "did_you_mean",
]


class CausalabError(Exception):
    """Base class of every error raised by causalab."""


class UnknownVariableError(CausalabError, ValueError):
    """A variable name that the model does not have."""


class DuplicateVariableError(CausalabError, ValueError):
    """A variable name added twice to one model."""


class MissingParentError(CausalabError, ValueError):
    """A mechanism names a parent that the model does not have."""


class CyclicGraphError(CausalabError, ValueError):
    """The parent relation contains a cycle; an SCM must be a DAG."""


class InvalidValueError(CausalabError, ValueError):
    """A value of the wrong type, outside the allowed levels, NaN, or a bad size."""


class InvalidInterventionError(CausalabError, ValueError):
    """An intervention that cannot be applied (bad value, unknown form)."""


class ZeroProbabilityError(CausalabError, ValueError):
    """Conditioning on an event that has probability zero under the model."""


class UnsupportedQueryError(CausalabError, NotImplementedError):
    """A query the model's mechanisms cannot answer (e.g. abduction without an inverse)."""


class UnknownEnvironmentError(CausalabError, ValueError):
    """An environment id that is not registered."""


class RegistrationError(CausalabError, ValueError):
    """Registering an environment id that already exists, or a malformed id."""


class MechanismError(CausalabError, RuntimeError):
    """A user's mechanism function failed or returned the wrong shape; the message names the
    variable and the mechanism, and the original error is chained."""


class NotFittedError(CausalabError, ValueError, AttributeError):
    """A learner queried before ``fit`` (the same bases as scikit-learn's NotFittedError)."""


class NotIdentifiedError(UnsupportedQueryError):
    """The causal effect a learner targets is not identified from the task's graph and data
    (e.g. back-door adjustment with a hidden confounder, IV without an instrument)."""


class OutOfSupportError(UnsupportedQueryError, ValueError):
    """The training data do not support the query: a constant treatment at fit, a discrete
    treatment value with fewer training units than the floor, or a continuous one outside
    the training range (see :func:`causalab.learners.support_policy`). A refusal, so the
    evaluator records it with status ``unsupported``."""


class DegenerateFitError(UnsupportedQueryError, ValueError):
    """The training data cannot determine the model: fewer rows than parameters (no residual
    degrees of freedom) or a design column collinear with others. The message names the
    cause and the column. A refusal, recorded by the evaluator as ``unsupported``."""


class CausalabWarning(UserWarning):
    """Base class of every warning causalab raises: an answer given, but one to read with care.
    The evaluator records each on the result row it concerns (its ``message``)."""


class SupportWarning(CausalabWarning):
    """A query outside the training data's support answered anyway, because the support
    policy says ``on_violation="warn"`` (see :func:`causalab.learners.support_policy`)."""


class OverlapWarning(CausalabWarning):
    """Poor overlap for a back-door learner: many estimated propensities outside the clipping
    bounds, or a small effective sample size of the inverse-propensity weights."""


class LearnerError(CausalabError, RuntimeError):
    """A learner, or the library it wraps (scikit-learn, DoWhy, torch), failed on input that
    passed causalab's checks, or answered NaN or infinity; the message names the learner and
    the cause, and the original error is chained."""


class MissingDependencyError(CausalabError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it
    (``pip install "causalab[econml]"``)."""


def did_you_mean(name: object, allowed: Iterable[object]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest allowed name, or ``""``."""
    choices = [str(a) for a in allowed]
    same_case = [c for c in choices if c.lower() == str(name).lower()]
    close = same_case or difflib.get_close_matches(str(name), choices, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


def unknown_variable(name: object, allowed: Iterable[object], what: str = "variable") -> UnknownVariableError:
    """Build the standard error for an unknown variable name."""
    allowed = list(allowed)
    return UnknownVariableError(
        f"unknown {what} {name!r}; the model has {sorted(map(str, allowed))}.{did_you_mean(name, allowed)}"
    )
