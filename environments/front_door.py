"""Front door: smoking, tar and cancer with a hidden genotype (Pearl, Glymour, Jewell 2016, 3.4)."""

from __future__ import annotations

from causalab.envs.base import Environment
from causalab.scm import SCM, Linear, Normal, Table


class FrontDoor(Environment):
    """Smoking (X) causes tar deposits (Z) which cause cancer (Y); a hidden genotype (U)
    causes both smoking and cancer. No back-door adjustment exists, but tar satisfies
    the front-door criterion.

    Structural equations (the smallest SCM reproducing the Primer's table, in which the
    genotype determines smoking)::

        U := Bernoulli(0.5)                               hidden genotype
        X := U                                            smoker
        Z := Bernoulli(0.95 if X else 0.05)               tar
        Y := Bernoulli(p[Z, U]),  p[1,1] = 0.15, p[1,0] = 0.95, p[0,1] = 0.10, p[0,0] = 0.90

    Truth (exact): P(Y=1 | do(X=1)) = 0.5475, P(Y=1 | do(X=0)) = 0.5025 (ATE +0.045), while
    the observational rates are 0.1475 (smokers) and 0.9025 (non-smokers).

    Continuous variant (``continuous=True``; ``a`` = ``tar_per_smoking``, ``b`` = ``cancer_per_tar``)::

        U := N(0, 1)  (hidden),   X := U + N(0, 1),   Z := a X + N(0, 1),   Y := b Z + U + N(0, 1)

    Truth: ATE = a b (path algebra); the slope of Y on X is a b + 1/2.

    Expected: the front-door formula succeeds; back-door adjustment and the naive contrast fail.

    References
    ----------
    Pearl, Glymour, Jewell (2016). Causal Inference in Statistics: A Primer, section 3.4.
    """

    story = "Smoking, tar and cancer with a hidden genotype: back-door is impossible, the front door works."
    treatment, outcome, covariates = "X", "Y", ()
    mediators = ("Z",)
    labels = {"U": "genotype", "X": "smoker", "Z": "tar", "Y": "cancer"}
    references = ("Pearl, Glymour, Jewell (2016), Primer, 3.4",)
    expected = {
        "frontdoor": (True, "Z intercepts X -> Y, X blocks Z <- X <- U -> Y, and nothing confounds X and Z"),
        "backdoor": (False, "the confounder U is hidden, so no observed set blocks X <- U -> Y"),
        "naive": (False, "U confounds X and Y; the crude contrast has the wrong sign"),
    }

    def build(self, continuous: bool = False, tar_per_smoking: float = 1.0, cancer_per_tar: float = 0.5) -> SCM:
        scm = SCM()
        if continuous:
            scm.add("U", Normal(0, 1), hidden=True)
            scm.add("X", Linear({"U": 1.0}))
            scm.add("Z", Linear({"X": tar_per_smoking}))
            scm.add("Y", Linear({"Z": cancer_per_tar, "U": 1.0}))
            return scm
        scm.add("U", Table([], 0.5), hidden=True)
        scm.add("X", Table(["U"], [0.0, 1.0]))
        scm.add("Z", Table(["X"], [0.05, 0.95]))
        scm.add("Y", Table(["Z", "U"], [[0.90, 0.10], [0.95, 0.15]]))
        return scm
