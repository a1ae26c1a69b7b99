"""IHDP: real covariates, Hill's response surface B re-simulated by an SCM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from causalab.envs.base import Environment
from causalab.exceptions import InvalidValueError
from causalab.scm import SCM, Additive, Custom, Estimate, Normal, Table, Uniform

DATA = Path(__file__).parent / "data" / "ihdp"
#: covariate names in file order (the npci IHDP example; see data/ihdp/README.md)
COVARIATES = ("bw", "b_head", "preterm", "birth_o", "nnhealth", "momage", "sex", "twin", "b_marr", "mom_lths",
              "mom_hs", "mom_scoll", "cig", "first", "booze", "drugs", "work_dur", "prenatal", "ark", "ein", "har",
              "mia", "pen", "tex", "was")
N_CONTINUOUS = 6


def read_replication(i: int) -> pd.DataFrame:
    """Replication ``i`` (1..10) of the CEVAE release, with named columns (x14 recoded to 0/1)."""
    if not isinstance(i, (int, np.integer)) or not 1 <= i <= 10:
        raise InvalidValueError(f"IHDP replications are numbered 1..10, got {i!r}")
    raw = pd.read_csv(DATA / f"ihdp_npci_{i}.csv", header=None)
    df = pd.DataFrame({"T": raw[0].astype(np.int64), "y_factual": raw[1], "y_cfactual": raw[2],
                       "mu0": raw[3], "mu1": raw[4]})
    for j, name in enumerate(COVARIATES):
        col = raw[5 + j]
        df[name] = col - 1 if name == "first" else col  # x14 is coded {1, 2}
    return df


class IHDP(Environment):
    """The Infant Health and Development Program covariates (747 children, 25 real
    covariates, the real, non-random treatment) with Hill's (2011) response surface B
    re-simulated by the SCM, so interventions and counterfactuals are exact.

    Structural equations::

        R  := uniform over the 747 rows          (hidden: which child)
        x_j := covariate j of child R            (real values; 6 continuous, 19 binary)
        T  := treatment of child R               (real)
        Y  := T mu1(x) + (1 - T) mu0(x) + N(0, 1)
        mu0(x) = exp((x + 0.5) . beta),  mu1(x) = x . beta - omega

    ``beta`` has entries in {0, .1, .2, .3, .4} with probabilities {.6, .1, .1, .1, .1},
    drawn from ``surface_seed``; ``omega`` is set so that the effect on the treated is 4
    exactly, as in Hill's setting B. Truth (exact, by enumerating the 747 rows): ATT (the
    effect on the treated, ETT) = 4, ATE = mean(mu1 - mu0), ATC = mean(mu1 - mu0) over the
    608 controls, CATE = mu1(x) - mu0(x).

    :meth:`replication` gives the ten published replications (CEVAE release) with their
    mu0 and mu1, a fixed benchmark: the effect on the treated is 4.0 in each. Published
    sqrt(PEHE) within-sample over 1000 replications (Shalit et al. 2017): OLS-2 2.4, BART
    2.1, TARNet 0.88, CFR-Wass 0.71; CEVAE 2.7 (Louizos et al. 2017).

    Expected: back-door adjustment with a flexible outcome model succeeds (all confounders
    are observed); linear adjustment is biased (mu0 is exponential); the naive contrast fails.
    """

    story = "Real IHDP covariates and treatment with Hill's response surface B, re-simulated exactly."
    treatment, outcome, covariates = "T", "Y", COVARIATES
    references = ("Hill (2011), JCGS 20:217", "Shalit, Johansson, Sontag (2017), ICML",
                  "Louizos et al. (2017), NeurIPS (CEVAE)")
    expected = {
        "backdoor": (True, "treatment depends only on observed covariates: the back-door criterion holds"),
        "naive": (False, "treated children differ from controls (non-white mothers were removed)"),
    }
    specification = {
        "linear outcome model": (False, "the control surface is exponential in the covariates: "
                                        "a linear back-door estimate is biased though the effect is identified"),
    }

    def build(self, surface_seed: int = 0):
        data = read_replication(1)
        x = data[list(COVARIATES)].to_numpy(dtype=np.float64)
        t = data["T"].to_numpy()
        rng = np.random.default_rng(surface_seed)
        beta = rng.choice([0.0, 0.1, 0.2, 0.3, 0.4], size=len(COVARIATES), p=[0.6, 0.1, 0.1, 0.1, 0.1])
        mu0 = np.exp((x + 0.5) @ beta)
        omega = float(np.mean((x @ beta - mu0)[t == 1]) - 4.0)
        self._x, self._t, self._beta, self._omega = x, t, beta, omega
        n = len(x)
        scm = SCM()
        scm.add("R", Table([], np.full(n, 1.0 / n)), hidden=True)
        for j, name in enumerate(COVARIATES):
            values = torch.as_tensor(x[:, j])
            if j >= N_CONTINUOUS:  # binary covariate: a table over the rows
                col = x[:, j].astype(np.int64)
                scm.add(name, Table(["R"], np.eye(2)[col]))
            else:
                scm.add(name, Custom(lambda pa, u, values=values: values[pa["R"].long()], ["R"], Uniform(0, 1)))
        scm.add("T", Table(["R"], np.eye(2)[t]))
        beta_t = torch.as_tensor(beta)

        def surface(T, **cov):
            xs = torch.stack([cov[c] for c in COVARIATES], dim=-1)
            lin = xs @ beta_t
            return T * (lin - omega) + (1 - T) * torch.exp((xs + 0.5) @ beta_t)

        scm.add("Y", Additive(surface, parents=["T", *COVARIATES], noise=Normal(0, 1)))
        return scm

    def mu(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(mu0, mu1)`` for covariate rows ``x`` (columns in COVARIATES order)."""
        x = np.asarray(x, dtype=np.float64)
        return np.exp((x + 0.5) @ self._beta), x @ self._beta - self._omega

    def true_cate(self, data):
        mu0, mu1 = self.mu(data[list(COVARIATES)].to_numpy(dtype=np.float64))
        return mu1 - mu0

    def true_effects(self):
        mu0, mu1 = self.mu(self._x)
        tau = mu1 - mu0
        return {"ate": Estimate(float(tau.mean())), "att": Estimate(float(tau[self._t == 1].mean())),
                "atc": Estimate(float(tau[self._t == 0].mean()))}

    @staticmethod
    def replication(i: int) -> pd.DataFrame:
        """Published replication ``i`` (1..10): T, y_factual, y_cfactual, mu0, mu1 and the covariates."""
        return read_replication(i)
