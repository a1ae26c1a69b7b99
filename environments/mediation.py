"""Mediation: natural direct and indirect effects."""

from __future__ import annotations

from causalab.envs.base import Environment
from causalab.scm import SCM, Linear, Normal, Table


class Mediation(Environment):
    """A treatment acts on the outcome directly and through a mediator M.

    Continuous variant (``binary=False``; ``d`` = ``direct``, ``a``, ``m`` = ``mediated``)::

        X := N(0, 1)                          a pre-treatment covariate
        T := 0.5 X + N(0, 1)
        M := a T + 0.5 X + N(0, 1)
        Y := d T + m M + X + N(0, 1)

    Truth: NDE = d, NIE = a m, ATE = d + a m (path algebra; no interaction, so NIE = TNIE).

    Binary variant (``binary=True``): X, T, M, Y binary with the tables in :meth:`build`;
    NDE and NIE follow from the mediation formula, computed exactly by the engine on
    nested counterfactual worlds: NDE = 0.244, NIE = 0.12, TNIE = 0.176, ATE = 0.42
    (T and M interact in Y's table, so NIE != TNIE).

    Definitions (Pearl 2001; Primer 4.5): NDE = E[Y(1, M(0)) - Y(0, M(0))],
    NIE = E[Y(0, M(1)) - Y(0, M(0))]; the total indirect effect
    TNIE = E[Y(1, M(1)) - Y(1, M(0))]. NDE + TNIE = ATE, and ATE = NDE - NIE of the
    reverse transition (1 -> 0); NDE + NIE = ATE only without interaction.

    Expected: adjusting for X gives the total effect; regressing Y on T and M gives the
    direct effect only in the linear variant; the naive contrast fails (X confounds).
    """

    story = "A treatment acts directly and through a mediator: natural direct and indirect effects."
    treatment, outcome, covariates = "T", "Y", ("X",)
    mediators = ("M",)
    references = ("Pearl (2001), Direct and indirect effects, UAI", "Imai, Keele, Tingley (2010), Psych. Methods 15:309")
    expected = {
        "backdoor": (True, "X blocks every back-door path from T to Y (total effect)"),
        "mediation": (True, "no hidden confounding of T-M, T-Y or M-Y given X: NDE and NIE are identified"),
        "naive": (False, "X confounds T and Y"),
    }

    def build(self, binary: bool = False, direct: float = 1.0, a: float = 1.0, mediated: float = 2.0):
        scm = SCM()
        if binary:
            scm.add("X", Table([], 0.4))
            scm.add("T", Table(["X"], [0.3, 0.6]))
            scm.add("M", Table(["T", "X"], [[0.2, 0.4], [0.6, 0.8]]))
            scm.add("Y", Table(["T", "M", "X"], [[[0.1, 0.2], [0.4, 0.5]], [[0.3, 0.4], [0.7, 0.9]]]))
        else:
            scm.add("X", Normal(0, 1))
            scm.add("T", Linear({"X": 0.5}))
            scm.add("M", Linear({"T": a, "X": 0.5}))
            scm.add("Y", Linear({"T": direct, "M": mediated, "X": 1.0}))
        return scm

    def true_effects(self):
        out = super().true_effects()
        out["nde"] = self.scm.nde("T", "Y", "M", seed=0)
        out["nie"] = self.scm.nie("T", "Y", "M", seed=0)
        out["tnie"] = self.scm.tnie("T", "Y", "M", seed=0)
        return out
