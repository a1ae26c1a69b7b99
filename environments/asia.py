"""Asia: the classic discrete network of Lauritzen and Spiegelhalter (1988)."""

from __future__ import annotations

from causalab.envs.base import Environment
from causalab.scm import SCM, Table


class Asia(Environment):
    """The "chest clinic" network with its published tables (1 = yes)::

        asia   := Bernoulli(0.01)                     visit to Asia
        smoke  := Bernoulli(0.5)
        tub    := Bernoulli(0.05 if asia else 0.01)   tuberculosis
        lung   := Bernoulli(0.1 if smoke else 0.01)   lung cancer
        bronc  := Bernoulli(0.6 if smoke else 0.3)    bronchitis
        either := tub or lung                         (deterministic)
        xray   := Bernoulli(0.98 if either else 0.05)
        dysp   := Bernoulli(0.9 | 0.7 | 0.8 | 0.1)    for (either, bronc) = (1,1), (1,0), (0,1), (0,0)

    Task: the effect of smoking on dyspnoea. Truth (exact): P(dysp=1 | do(smoke=1)) =
    0.5528, P(dysp=1 | do(smoke=0)) = 0.3191, ATE = 0.2337 (computed by enumeration; the
    tests check them against pgmpy's copy of the network).

    Expected: the naive contrast succeeds (smoke has no parents); so does back-door adjustment.
    """

    story = "The chest-clinic network (Lauritzen & Spiegelhalter 1988) with its published tables."
    treatment, outcome, covariates = "smoke", "dysp", ("asia",)
    references = ("Lauritzen & Spiegelhalter (1988), JRSS B 50:157",)
    expected = {
        "naive": (True, "smoke is a root: no back-door path to dysp"),
        "backdoor": (True, "the empty set (or asia) is a valid adjustment set"),
    }

    def build(self):
        scm = SCM()
        scm.add("asia", Table([], 0.01))
        scm.add("smoke", Table([], 0.5))
        scm.add("tub", Table(["asia"], [0.01, 0.05]))
        scm.add("lung", Table(["smoke"], [0.01, 0.1]))
        scm.add("bronc", Table(["smoke"], [0.3, 0.6]))
        scm.add("either", Table(["tub", "lung"], [[0.0, 1.0], [1.0, 1.0]]))
        scm.add("xray", Table(["either"], [0.05, 0.98]))
        scm.add("dysp", Table(["either", "bronc"], [[0.1, 0.8], [0.7, 0.9]]))
        return scm
