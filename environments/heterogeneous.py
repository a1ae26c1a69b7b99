"""Heterogeneous effects: the CATE varies with covariates, with overlap and imbalance knobs."""

from __future__ import annotations

import numpy as np
from scipy import integrate, special, stats

from causalab.envs.base import Environment
from causalab.scm import SCM, Additive, Intervention, Logistic, Normal, Soft, shift


class HeterogeneousEffects(Environment):
    """The treatment effect varies from unit to unit with the covariates.

    Structural equations (``o`` = ``overlap``, ``c`` = ``imbalance``)::

        X1, X2, X3 := N(0, 1)
        T  := Bernoulli(sigmoid(c + o X1))
        Y  := mu0(X) + T tau(X) + N(0, noise**2)
        mu0(X) = X1 + 0.5 X2**2 + sin(X3)
        tau(X) = 1 + 2 X1 + sin(2 X2)             (the CATE)

    Truth: ATE = E[tau(X)] = 1 exactly; ATT (the effect on the treated, ETT) =
    1 + 2 E[X1 | T=1] and ATC = 1 + 2 E[X1 | T=0], computed by quadrature (X1 is the only
    covariate that moves T, and E[sin(2 X2)] = 0); the CATE is ``tau``, so PEHE can be scored.
    ``overlap`` near 0 gives a randomised trial; large values give units whose
    propensity is near 0 or 1 (poor overlap). ``imbalance`` shifts the share treated.

    Expected: back-door adjustment with a flexible outcome model succeeds (X1..X3 are all
    the confounders), degrading as overlap shrinks; the naive contrast fails when
    ``overlap`` is not 0.
    """

    story = "The effect varies with covariates (CATE, PEHE); overlap and imbalance are knobs."
    treatment, outcome, covariates = "T", "Y", ("X1", "X2", "X3")
    references = ("Hill (2011), JCGS 20:217", "Kunzel et al. (2019), PNAS 116:4156")
    expected = {
        "backdoor": (True, "X1, X2, X3 are observed and are the only confounders; needs overlap"),
        "naive": (False, "X1 moves both T and Y (unless overlap = 0)"),
    }

    def build(self, overlap: float = 1.0, imbalance: float = 0.0, noise: float = 1.0):
        scm = SCM()
        for x in ("X1", "X2", "X3"):
            scm.add(x, Normal(0, 1))
        scm.add("T", Logistic({"X1": overlap}, intercept=imbalance))
        scm.add("Y", Additive(lambda T, X1, X2, X3: X1 + 0.5 * X2**2 + X3.sin()
                              + T * (1 + 2 * X1 + (2 * X2).sin()), noise=Normal(0, noise)))
        return scm

    @property
    def regimes(self):
        """do(T=0), do(T=1), the policy "treat when the CATE is positive" (T := 1[X1 > -1/2],
        ignoring X2's small term), and a covariate shift do(X1=X1+1)."""
        policy = Soft(lambda t, pa: (pa["X1"] > -0.5).to(t.dtype), label="1[X1>-0.5]")
        return {**super().regimes, "policy": Intervention({"T": policy}),
                "do(X1=X1+1)": Intervention({"X1": shift(1.0)})}

    @staticmethod
    def tau(x1, x2):
        return 1 + 2 * np.asarray(x1) + np.sin(2 * np.asarray(x2))

    def true_cate(self, data):
        return self.tau(data["X1"].to_numpy(), data["X2"].to_numpy())

    def true_effects(self):
        from causalab.scm import Estimate

        o, c = self.knobs["overlap"], self.knobs["imbalance"]
        out = {"ate": Estimate(1.0)}
        for name, arm in (("att", 1), ("atc", 0)):  # the density of X1 among the units with T = arm
            weight = lambda x, arm=arm: stats.norm.pdf(x) * (special.expit(c + o * x) if arm else  # noqa: E731
                                                             special.expit(-(c + o * x)))
            mass = integrate.quad(weight, -np.inf, np.inf)[0]
            mean_x1 = integrate.quad(lambda x: x * weight(x), -np.inf, np.inf)[0] / mass
            out[name] = Estimate(1 + 2 * mean_x1)
        return out
