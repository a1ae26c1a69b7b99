"""Back-door confounding, M-bias, instruments and a nonlinear Simpson reversal."""

from __future__ import annotations



import numpy as np
import torch

from causalab.envs.base import Environment
from causalab.scm import SCM, Additive, Estimate, Intervention, Linear, Normal, shift


class Confounding(Environment):
    """A continuous confounder Z drives both treatment T and outcome Y.

    Structural equations (``s`` = ``strength``, ``b`` = ``effect``)::

        Z := N(0, 1)
        T := s * Z + N(0, 1)
        Y := b * T + s * g(Z) + N(0, noise**2)     g(z) = z (linear) or z + sin(2 z) (nonlinear)

    Truth: ATE = ``effect`` for every unit (additive effect; T is continuous, so the ATE is
    the estimand covered). The regression slope of
    Y on T is ``b + s**2 / (s**2 + 1)`` in the linear variant (``b + s * Cov(T, g(Z)) / Var T``
    in general): more data never removes that bias; adjusting for Z does.

    Expected: back-door adjustment for Z succeeds (linear adjustment only in the linear
    variant); the naive regression fails, except at ``strength = 0``, where Z moves neither
    T nor Y and the naive contrast is the effect.
    """

    story = "A confounder drives treatment and outcome; a confounding-strength knob sets the bias."
    treatment, outcome, covariates = "T", "Y", ("Z",)
    references = ("Pearl, Glymour, Jewell (2016), Primer, 3.3",)
    expected = {
        "backdoor": (True, "Z is observed and blocks the only back-door path T <- Z -> Y"),
        "naive": (False, "the regression of Y on T picks up the path through Z"),
    }

    def build(self, strength: float = 1.0, effect: float = 1.0, nonlinear: bool = False, noise: float = 1.0):
        if strength == 0:  # a knob sweep's unconfounded end: the naive contrast is unbiased there
            self.expected = {**type(self).expected,
                             "naive": (True, "with strength 0, Z moves neither T nor Y: nothing confounds them")}
        scm = SCM()
        scm.add("Z", Normal(0, 1))
        scm.add("T", Linear({"Z": strength}))
        if nonlinear:
            scm.add("Y", Additive(lambda T, Z: effect * T + strength * (Z + torch.sin(2 * Z)), noise=Normal(0, noise)))
        else:
            scm.add("Y", Linear({"T": effect, "Z": strength}, noise=Normal(0, noise)))
        return scm

    def true_effects(self):
        """ATE = effect: the effect is additive and the same for every unit (closed form; the
        common checks confirm it by simulation)."""
        return {"ate": Estimate(float(self.knobs["effect"]))}

    @property
    def regimes(self):
        """do(T=0), do(T=1), and a shift of the confounder, do(Z=Z+1) (covariate shift)."""
        return {**super().regimes, "do(Z=Z+1)": Intervention({"Z": shift(1.0)})}

    def true_cate(self, data):
        return np.full(len(data), float(self.knobs["effect"]))


class MBias(Environment):
    """M-bias: a pre-treatment collider M of two hidden causes U1 (of T) and U2 (of Y).

    Structural equations::

        U1 := N(0, 1)   (hidden)        U2 := N(0, 1)   (hidden)
        M  := U1 + U2 + N(0, 1)
        T  := a * U1 + N(0, 1)
        Y  := b * T + a * U2 + N(0, 1)

    Truth: ATE = ``effect``. The unadjusted regression of Y on T is unbiased; adding M opens
    T <- U1 -> M <- U2 -> Y and biases it (exact coefficient by Gaussian algebra).

    Expected: the naive contrast succeeds; adjusting for every pre-treatment variable (M) fails.
    """

    story = "Adjusting for a pre-treatment collider creates the bias it was meant to remove."
    treatment, outcome, covariates = "T", "Y", ("M",)
    references = ("Greenland, Pearl, Robins (1999), Epidemiology 10:37",
                  "Ding & Miratrix (2015), J. Causal Inference 3:41")
    expected = {
        "naive": (True, "there is no open back-door path from T to Y"),
        "backdoor": (False, "adjusting for the collider M opens T <- U1 -> M <- U2 -> Y"),
    }

    def build(self, strength: float = 1.0, effect: float = 1.0):
        scm = SCM()
        scm.add("U1", Normal(0, 1), hidden=True)
        scm.add("U2", Normal(0, 1), hidden=True)
        scm.add("M", Linear({"U1": 1.0, "U2": 1.0}))
        scm.add("T", Linear({"U1": strength}))
        scm.add("Y", Linear({"T": effect, "U2": strength}))
        return scm


class Instrument(Environment):
    """An instrument Z moves the treatment T; a hidden U confounds T and Y.

    Structural equations::

        Z := N(0, 1)                       U := N(0, 1)   (hidden)
        T := g * Z + c * U + N(0, 1)       g = ``instrument_strength``, c = ``confounding``
        Y := b * T + c * U + N(0, 1)

    Truth: ATE = ``effect``. The Wald / two-stage least squares estimand
    Cov(Z, Y) / Cov(Z, T) equals the ATE exactly; the first-stage correlation is
    ``g / sqrt(g**2 + c**2 + 1)``, so a small ``g`` makes the instrument weak and the
    finite-sample IV estimate erratic. OLS converges to ``b + c**2 / (g**2 + c**2 + 1)``.

    Expected: IV succeeds with a strong instrument (fails in finite samples when weak);
    back-door adjustment and the naive regression fail (U is hidden).
    """

    story = "An instrument and a hidden confounder; an instrument-strength knob makes it weak."
    treatment, outcome, covariates = "T", "Y", ()
    instruments = ("Z",)
    references = ("Angrist, Imbens, Rubin (1996), JASA 91:444", "Stock, Wright, Yogo (2002), JBES 20:518")
    expected = {
        "iv": (True, "Z moves T, has no other path to Y and shares no cause with Y (weak when strength is small)"),
        "backdoor": (False, "the confounder U is hidden"),
        "naive": (False, "U confounds T and Y"),
    }

    def build(self, instrument_strength: float = 1.0, confounding: float = 1.0, effect: float = 1.0):
        scm = SCM()
        scm.add("Z", Normal(0, 1))
        scm.add("U", Normal(0, 1), hidden=True)
        scm.add("T", Linear({"Z": instrument_strength, "U": confounding}))
        scm.add("Y", Linear({"T": effect, "U": confounding}))
        return scm


class NonlinearSimpson(Environment):
    """The regression slope and the causal effect have opposite signs.

    Structural equations::

        Z := N(0, 1)
        T := Z + N(0, 0.5**2)
        Y := -T + 2 Z + Z**3 / 3 + N(0, 1)

    Truth: ATE = -1 for every unit. But Cov(T, Y) = -Var T + 2 Var Z + E[Z**4] / 3
    = -1.25 + 2 + 1 = 1.75, so the slope of Y on T is 1.75 / 1.25 = +1.4: the data say
    "more T, more Y" at every sample size.

    Expected: back-door adjustment for Z succeeds (the nonlinear part of Z**3, Z**3 - 3 Z,
    is uncorrelated with T, so even a linear adjustment is unbiased here, though an outcome
    model linear in Z fits poorly); the naive slope has the wrong sign.
    """

    story = "Y falls as T rises for every unit, yet the data show a rising slope (nonlinear confounding)."
    treatment, outcome, covariates = "T", "Y", ("Z",)
    references = ("Simpson (1951), JRSS B 13:238; equations are causalab's own",)
    expected = {
        "backdoor": (True, "Z blocks the only back-door path T <- Z -> Y"),
        "naive": (False, "the slope of Y on T is +1.4 while the effect is -1"),
    }
    #: exact regression slope of Y on T (see the docstring)
    TRUE_SLOPE = 1.75 / 1.25

    def build(self):
        scm = SCM()
        scm.add("Z", Normal(0, 1))
        scm.add("T", Linear({"Z": 1.0}, noise=Normal(0, 0.5)))
        scm.add("Y", Additive(lambda T, Z: -T + 2 * Z + Z**3 / 3))
        return scm

    def true_effects(self):
        """ATE = -1 for every unit (closed form, confirmed by simulation in the common checks)."""
        return {"ate": Estimate(-1.0)}

    def true_cate(self, data):
        return np.full(len(data), -1.0)


__all__ = ["Confounding", "MBias", "Instrument", "NonlinearSimpson"]
