"""LaLonde: the NSW job-training experiment with CPS controls (real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from causalab.envs.base import RealDataEnvironment
from causalab.scm import Estimate

COLUMNS = ("treat", "age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "re78")


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    out = df[list(COLUMNS)].copy()
    for c in COLUMNS:
        out[c] = out[c].astype(np.float64 if c.startswith("re") else np.int64)
    return out.reset_index(drop=True)


class LaLonde(RealDataEnvironment):
    """The National Supported Work demonstration (Dehejia-Wahba sample): 185 treated men
    and, as the observational comparison group, 15,992 controls from the Current
    Population Survey. Outcome: 1978 earnings (``re78``); treatment: job training (``treat``).

    No structural model: the truth is the experiment. Among the NSW's applicants training
    was randomised, so the difference in mean 1978 earnings between the NSW treated and the
    NSW experimental controls (``experimental_data()``), $1,794.34 with standard error
    $671 (unpooled), estimates the effect of training on the men who took it. With CPS controls in
    place of the experimental ones (``data()``, what learners see) that is the **average
    effect on the treated (ATT)**: the same 185 men, their earnings against what they would
    have earned untrained. So LaLonde-v0 scores each learner's ``effect(estimand="att")``
    (the mean of its unit-level contrasts over the 185 treated units) against $1,794.34,
    with the experiment's standard error; its ATE over the CPS population is not known and
    not scored. The naive contrast in ``data()`` is -$8,497.52.

    Learners are trained on the data as they are (all 16,177 rows; no resampling): seeds
    change the learners' own randomness only, so a deterministic learner gets the same score
    under every seed.

    Types: ``age`` and ``educ`` (years) are counts, declared continuous; ``treat``, ``black``,
    ``hisp``, ``marr`` and ``nodegree`` are binary; earnings continuous.

    Data: the ``causaldata`` package (nsw_mixtape, cps_mixtape), shipped offline.

    Expected: naive contrast fails badly; adjustment for pre-treatment earnings and
    demographics (re74, re75, ...) recovers much of the effect (Dehejia & Wahba 1999),
    with poor overlap.
    """

    story = "NSW job training: real treated men vs CPS controls, scored on the ATT; the experiment says +$1,794."
    treatment, outcome = "treat", "re78"
    covariates = ("age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75")
    references = ("LaLonde (1986), AER 76:604", "Dehejia & Wahba (1999), JASA 94:1053")
    expected = {
        "backdoor": (True, "the covariates are close to sufficient, but overlap with CPS controls is poor"),
        "naive": (False, "CPS controls earn far more than the programme's applicants"),
    }
    variable_types = {"age": "continuous", "educ": "continuous"}
    estimands = ("att",)
    #: the experimental estimate (NSW treated minus NSW controls): the ATT of the treated men
    EXPERIMENTAL_ATT = 1794.34
    EXPERIMENTAL_ATE = EXPERIMENTAL_ATT  # the experiment's ATE over its own sample: the same number
    NAIVE_CONTRAST = -8497.52

    def build(self):
        from causaldata import cps_mixtape, nsw_mixtape

        nsw = nsw_mixtape.load_pandas().data
        cps = cps_mixtape.load_pandas().data
        self._experimental = _clean(nsw)
        self._observational = _clean(pd.concat([nsw[nsw["treat"] == 1], cps], ignore_index=True))
        return None

    def data(self) -> pd.DataFrame:
        """NSW treated units and CPS controls: the observational data learners see."""
        return self._observational.copy()

    def experimental_data(self) -> pd.DataFrame:
        """The randomised NSW sample (treated and experimental controls)."""
        return self._experimental.copy()

    def true_effects(self):
        """``{"att": the experimental estimate}`` with its standard error (Welch's, unpooled)."""
        e = self._experimental
        treated = e.loc[e["treat"] == 1, "re78"]
        control = e.loc[e["treat"] == 0, "re78"]
        att = treated.mean() - control.mean()
        se = np.sqrt(treated.var() / len(treated) + control.var() / len(control))
        return {"att": Estimate(float(att), se=float(se), method="randomised experiment", n_samples=len(e))}
