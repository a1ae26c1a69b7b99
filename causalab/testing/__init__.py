"""Public common checks, like scikit-learn's ``check_estimator`` and Gymnasium's ``check_env``.

:func:`check_environment` runs the battery every environment must pass and
:func:`check_learner` the one every learner must pass; ``CHECKS`` and ``LEARNER_CHECKS``
list them so a test suite can parametrise over them. :class:`Oracle` answers every rung
exactly from an environment's true model: the yardstick of the excess metrics.
"""

from .environments import CHECKS, check_environment, environment_checks
from .learners import LEARNER_CHECKS, RandomisedTrial, SupportTrial, check_learner
from .oracle import Oracle

__all__ = ["CHECKS", "LEARNER_CHECKS", "Oracle", "RandomisedTrial", "SupportTrial", "check_environment",
           "check_learner", "environment_checks"]
