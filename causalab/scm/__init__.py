"""The SCM engine: variables, mechanisms, noise, sampling, interventions,
counterfactuals and exact queries."""

from .core import SCM, noise_column
from .estimate import Estimate
from .intervention import Intervention, LinearPolicy, Soft, policy, scale, shift
from .mechanisms import (
    Additive,
    Custom,
    Discrete,
    Linear,
    LocationScale,
    Logistic,
    Mechanism,
    PostNonlinear,
    Root,
    Table,
    Threshold,
)
from .noise import Distribution, Exponential, Laplace, Noise, Normal, Uniform

__all__ = [
    "SCM", "noise_column", "Estimate", "Intervention", "Soft", "LinearPolicy", "policy", "shift", "scale",
    "Mechanism", "Root", "Linear", "Additive", "LocationScale", "PostNonlinear", "Custom",
    "Discrete", "Table", "Threshold", "Logistic",
    "Noise", "Normal", "Uniform", "Laplace", "Exponential", "Distribution",
]
