"""Learners trained side by side on an environment's observational data.

Every learner follows one contract (:class:`~causalab.learners.base.Learner`): scikit-learn's
estimator conventions plus ``predict`` (rung 1), ``predict_do`` and ``effect`` (rung 2) and
``predict_counterfactual`` (rung 3), with :class:`~causalab.learners.base.LearnerTags`
saying how each rung is answered. Names load on first use (torch and DoWhy are heavy).
"""

from __future__ import annotations

import importlib

_LAZY = {
    "Learner": "base", "LearnerTags": "base", "Effect": "base", "FAMILIES": "base",
    "support_policy": "base", "get_support_policy": "base", "SupportPolicy": "base", "Support": "base",
    "Overlap": "base", "overlap_diagnostics": "base",
    "LinearRegression": "correlational", "GradientBoosting": "correlational", "Sklearn": "correlational",
    "MLP": "mlp",
    "Backdoor": "dowhy_estimators", "FrontDoor": "dowhy_estimators", "IV": "dowhy_estimators",
    "GCM": "gcm",
    "NeuralSCM": "neural_scm",
    "TLearner": "effects", "SLearner": "effects", "TARNet": "effects", "DragonNet": "effects",
    "DRLearner": "meta", "XLearner": "meta",
    "CEVAE": "cevae",
    "Invariant": "invariant",
    "GraphDiscovery": "discovery",
    "EconML": "econml_adapter", "EconMLEstimator": "econml_adapter", "CausalML": "causalml_adapter",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'causalab.learners' has no attribute {name!r}")


def __dir__():
    return __all__
