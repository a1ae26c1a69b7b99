"""Exact moments of linear-Gaussian SCMs by path algebra.

With every mechanism ``X = c + B X + e`` (``e`` independent Gaussian), the variables
are ``X = (I - B)^{-1} (c + e)``: means ``A c`` and covariance ``A diag(v) A^T`` with
``A = (I - B)^{-1}``; entry ``A[y, t]`` is the sum over directed paths of the products
of edge coefficients, i.e. the total effect of ``t`` on ``y``.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import ZeroProbabilityError
from .intervention import Intervened, LinearPolicy, Scale, Shift
from .mechanisms import Linear, Root
from .noise import Normal


def _row(mech):
    """(coefficients, constant, noise variance) of one variable, or None if not linear-Gaussian."""
    if isinstance(mech, Root) and isinstance(mech.noise, Normal):
        return {}, mech.noise.loc, mech.noise.variance
    if isinstance(mech, Linear) and isinstance(mech.noise, Normal):
        return dict(mech.coefs), mech.intercept + mech.noise.loc, mech.noise.variance
    if isinstance(mech, Intervened):
        spec = mech.spec
        if isinstance(spec, Normal):
            return {}, spec.loc, spec.variance
        if isinstance(spec, (int, float)):
            return {}, float(spec), 0.0
        if isinstance(spec, LinearPolicy):
            return dict(spec.coefs), spec.intercept, 0.0
        base = _row(mech.original)
        if base is None:
            return None
        coefs, const, var = base
        if isinstance(spec, Shift):
            return coefs, const + spec.delta, var
        if isinstance(spec, Scale):
            f = spec.factor
            return {p: f * c for p, c in coefs.items()}, f * const, f * f * var
    return None


def linear_gaussian_form(scm, variables=None):
    """Return ``(names, A, c, v)`` when ``variables`` and their ancestors (all variables
    by default) are linear-Gaussian, or None.

    ``A = (I - B)^{-1}``, ``c`` the constants, ``v`` the noise variances.
    """
    relevant = scm._relevant(variables) if variables is not None else set(scm.variables)
    names = [n for n in scm.variables if n in relevant]
    index = {n: i for i, n in enumerate(names)}
    k = len(names)
    B, c, v = np.zeros((k, k)), np.zeros(k), np.zeros(k)
    for name in names:
        mech = scm._mechanisms[name]
        row = _row(mech)
        if row is None:
            return None
        coefs, const, var = row
        i = index[name]
        for p, coef in coefs.items():
            B[i, index[p]] = coef
        c[i], v[i] = const, var
    A = np.linalg.inv(np.eye(k) - B)
    return names, A, c, v


def moments(form, given: dict | None = None):
    """Mean vector and covariance matrix, conditioned on ``given`` (a dict name -> value)."""
    names, A, c, v = form
    mean = A @ c
    cov = (A * v) @ A.T
    if not given:
        return mean, cov
    index = {n: i for i, n in enumerate(names)}
    g = [index[n] for n in given]
    values = np.array([float(x) for x in given.values()])
    S_gg = cov[np.ix_(g, g)]
    K = cov[:, g] @ np.linalg.pinv(S_gg, rcond=1e-12)
    resid = values - mean[g]
    # a value off the support of a degenerate (e.g. intervened) given variable
    proj = S_gg @ np.linalg.pinv(S_gg, rcond=1e-12) @ resid
    if not np.allclose(proj, resid, atol=1e-9 * (1 + np.abs(resid).max())):
        raise ZeroProbabilityError(f"the event {given} has zero density under the model")
    return mean + K @ resid, cov - K @ cov[g, :]


def total_effect(form, treatment: str, outcome: str) -> float:
    """The path-algebra total effect of ``treatment`` on ``outcome`` (``A[outcome, treatment]``)."""
    names, A, _, _ = form
    return float(A[names.index(outcome), names.index(treatment)])

