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

    No structural model: the truth is the experiment. The NSW randomised controls give an
    experimental ATE of $1,794.34 (``experimental_data()``), the number observational
    estimators on the NSW-treated vs CPS-controls data (``data()``) are scored against;
    the naive contrast there is -$8,497.52.

    Data: the ``causaldata`` package (nsw_mixtape, cps_mixtape), shipped offline.

    Expected: naive contrast fails badly; adjustment for pre-treatment earnings and
    demographics (re74, re75, ...) recovers much of the effect (Dehejia & Wahba 1999),
    with poor overlap.
    """

    story = "NSW job training: real treated men vs CPS controls; the experiment says +$1,794."
    treatment, outcome = "treat", "re78"
    covariates = ("age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75")
    references = ("LaLonde (1986), AER 76:604", "Dehejia & Wahba (1999), JASA 94:1053")
    expected = {
        "backdoor": (True, "the covariates are close to sufficient, but overlap with CPS controls is poor"),
        "naive": (False, "CPS controls earn far more than the programme's applicants"),
    }
    EXPERIMENTAL_ATE = 1794.34
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
        e = self._experimental
        treated = e.loc[e["treat"] == 1, "re78"]
        control = e.loc[e["treat"] == 0, "re78"]
        ate = treated.mean() - control.mean()
        se = np.sqrt(treated.var() / len(treated) + control.var() / len(control))
        return {"ate": Estimate(float(ate), se=float(se), method="randomised experiment", n_samples=len(e))}
