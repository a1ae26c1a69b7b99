"""Kidney stones: Simpson's paradox from the published counts (Charig et al. 1986)."""

from __future__ import annotations

from causalab.envs.base import Environment
from causalab.scm import SCM, Table

#: (successes, patients) by treatment and stone size, Charig et al. (1986), table II.
COUNTS = {
    ("A", "small"): (81, 87),
    ("A", "large"): (192, 263),
    ("B", "small"): (234, 270),
    ("B", "large"): (55, 80),
}


class KidneyStones(Environment):
    """Simpson's paradox in a trial of two treatments for kidney stones.

    Treatment A (open surgery) succeeds more often than B (percutaneous nephrolithotomy)
    for small stones and for large stones, yet less often overall, because doctors gave
    A mostly to the harder large stones. Stone size confounds treatment and recovery;
    adjusting for it (the back-door formula) recovers the effect.

    Structural equations (every table estimated from the published counts)::

        S := 1[U_S >= P(S = 0)]                      stone size, 1 = large, P(S=1) = 343/700
        T := 1[U_T >= P(T = 0 | S)]                  1 = treatment A, P(T=1 | S=0) = 87/357
        R := 1[U_R >= P(R = 0 | T, S)]               recovery, e.g. P(R=1 | T=1, S=0) = 81/87

    Truth (exact): P(R=1 | do(T=1)) = 0.8325, P(R=1 | do(T=0)) = 0.7789, ATE = +0.0537,
    while the crude contrast P(R=1 | T=1) - P(R=1 | T=0) = 0.78 - 0.8257 = -0.0457.

    Expected: back-door adjustment for S succeeds; the naive contrast fails (wrong sign).

    References
    ----------
    Charig, Webb, Payne, Wickham (1986). Comparison of treatment of renal calculi by open
    surgery, PCNL, and ESWL. BMJ 292:879-882.
    Pearl, Glymour, Jewell (2016). Causal Inference in Statistics: A Primer, section 1.2.
    """

    story = "Simpson's paradox in the kidney-stone trial: A looks worse overall yet is better for every stone size."
    treatment, outcome, covariates = "T", "R", ("S",)
    labels = {"S": "large stone", "T": "treatment A", "R": "recovered"}
    references = ("Charig et al. (1986), BMJ 292:879", "Pearl, Glymour, Jewell (2016), Primer, 1.2")
    expected = {
        "backdoor": (True, "stone size S is observed and blocks the only back-door path T <- S -> R"),
        "naive": (False, "S confounds T and R; the crude contrast even has the wrong sign"),
    }

    def build(self) -> SCM:
        (a_small, n_a_small), (a_large, n_a_large) = COUNTS[("A", "small")], COUNTS[("A", "large")]
        (b_small, n_b_small), (b_large, n_b_large) = COUNTS[("B", "small")], COUNTS[("B", "large")]
        n_small, n_large = n_a_small + n_b_small, n_a_large + n_b_large
        scm = SCM()
        scm.add("S", Table([], n_large / (n_small + n_large)))
        scm.add("T", Table(["S"], [n_a_small / n_small, n_a_large / n_large]))
        # indexed [T][S]: T=0 is B, T=1 is A; S=0 small, S=1 large
        scm.add("R", Table(["T", "S"], [[b_small / n_b_small, b_large / n_b_large],
                                        [a_small / n_a_small, a_large / n_a_large]]))
        return scm
