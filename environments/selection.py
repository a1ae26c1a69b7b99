"""Collider (Berkson) and selection bias."""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalab.envs.base import Environment
from causalab.scm import SCM, Table


class Collider(Environment):
    """Berkson's paradox: two independent causes of a common effect become dependent
    among the units selected on that effect.

    Structural equations::

        T := Bernoulli(0.5)           talent
        Y := Bernoulli(0.5)           looks, independent of T
        S := Bernoulli(p[T, Y])       celebrity, p = [[0.05, 0.5], [0.5, 0.95]]

    Truth: ATE of T on Y = 0 exactly and P(Y=1 | T) = 0.5; yet among celebrities (S=1)
    P(Y=1 | T=1, S=1) = 0.655 < P(Y=1 | T=0, S=1) = 0.909 (exact), a negative association.

    Expected: the naive contrast succeeds on the whole population; conditioning on S
    (adjusting for the collider) fails.
    """

    story = "Talent and looks are independent, but among celebrities they look negatively related."
    treatment, outcome, covariates = "T", "Y", ("S",)
    references = ("Berkson (1946), Biometrics Bulletin 2:47", "Pearl, Glymour, Jewell (2016), Primer, 2.3")
    expected = {
        "naive": (True, "T and Y share no cause"),
        "backdoor": (False, "adjusting for the collider S creates an association"),
    }

    def build(self, selection: float = 0.45):
        scm = SCM()
        scm.add("T", Table([], 0.5))
        scm.add("Y", Table([], 0.5))
        low, high = 0.5 - selection, 0.5 + selection
        scm.add("S", Table(["T", "Y"], [[low, 0.5], [0.5, high]]))
        return scm


class SelectionBias(Environment):
    """Units enter the data only when a selection variable S is 1, and S depends on the
    outcome: the observed sample under-represents poor outcomes.

    Structural equations::

        X := Bernoulli(0.5)                   a covariate
        T := Bernoulli(0.3 + 0.4 X)
        Y := Bernoulli(0.2 + 0.3 T + 0.3 X)
        S := Bernoulli(q[T, Y]), q = [[0.2, 0.8], [0.6, 0.9]]   (selection)

    ``sample`` returns only units with S = 1 (rejection sampling); ``sample_world`` and
    interventions describe the whole population. Truth: ATE = 0.3 exactly in the
    population; the adjusted contrast among the selected is biased (exact value in
    ``selected_contrast``).

    Expected: back-door adjustment for X fails on the selected sample (selection depends on
    Y); the naive contrast fails too.
    """

    story = "Units are observed only when selected, and selection depends on the outcome."
    treatment, outcome, covariates = "T", "Y", ("X",)
    references = ("Hernan, Hernandez-Diaz, Robins (2004), Epidemiology 15:615",
                  "Bareinboim & Pearl (2012), AISTATS")
    expected = {
        "backdoor": (False, "adjusting for X cannot undo selection that depends on Y"),
        "naive": (False, "confounded by X and selected on Y"),
    }

    def build(self, selection: float = 1.0):
        scm = SCM()
        scm.add("X", Table([], 0.5))
        scm.add("T", Table(["X"], [0.3, 0.7]))
        scm.add("Y", Table(["T", "X"], [[0.2, 0.5], [0.5, 0.8]]))
        q = np.array([[0.2, 0.8], [0.6, 0.9]])
        scm.add("S", Table(["T", "Y"], 0.5 + selection * (q - 0.5)))
        return scm

    @property
    def observed(self):
        return [v for v in self.scm.observed if v != "S"]

    def sample(self, n_samples: int, seed=None) -> pd.DataFrame:
        """``n_samples`` selected units (S = 1), observed columns without S."""
        from causalab._random import seed_sequence
        from causalab.scm.core import _check_n

        n = _check_n(n_samples)
        root = seed_sequence(seed)
        p_selected = float(self.scm.prob({"S": 1}))
        parts, have = [], 0
        while have < n:
            draw = self.scm.sample(int((n - have) / p_selected * 1.2) + 100, seed=root.spawn(1)[0])
            kept = draw[draw["S"] == 1]
            parts.append(kept)
            have += len(kept)
        out = pd.concat(parts, ignore_index=True).iloc[:n]
        return out[self.observed].reset_index(drop=True)

    def selected_contrast(self) -> float:
        """Exact X-adjusted contrast among selected units (what adjustment estimates here)."""
        scm = self.scm
        total = 0.0
        for x in (0, 1):
            px = scm.prob({"X": x}, given={"S": 1})
            total += px * (scm.prob({"Y": 1}, given={"T": 1, "X": x, "S": 1})
                           - scm.prob({"Y": 1}, given={"T": 0, "X": x, "S": 1}))
        return float(total)
