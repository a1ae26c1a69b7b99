"""A hidden confounder seen only through noisy proxies (the CEVAE setting)."""

from __future__ import annotations

import numpy as np

from causalab.envs.base import Environment
from causalab.exceptions import InvalidValueError
from causalab.scm import SCM, Estimate, Linear, Normal, Table


class ProxyConfounder(Environment):
    """A binary hidden confounder Z drives treatment and outcome; the data hold only noisy
    copies of it (Louizos et al. 2017, section 5: the proxy setting CEVAE is built for).

    Structural equations (``c`` = ``confounding``, ``b`` = ``effect``, ``s`` = ``proxy_noise``)::

        Z  := Bernoulli(0.5)                       (hidden)
        X_j := Z + N(0, s**2)      j = 1..k        (k = ``n_proxies``; the covariates)
        T  := Bernoulli(0.25 + 0.5 Z)
        Y  := b T + c Z + N(0, 1)

    Truth (exact): ATE = ATT = ATC = CATE = ``effect`` for every unit. The naive contrast is
    ``b + c (P(Z=1 | T=1) - P(Z=1 | T=0)) = b + c / 2``. Adjusting for the proxies removes
    only the part of the confounding they reveal: the bias shrinks as ``k`` grows or ``s``
    falls, but never vanishes for ``s > 0``.

    Expected: a proxy (latent-variable) learner such as CEVAE can recover the effect; the
    naive contrast fails; back-door adjustment is not identified (Z is hidden).
    """

    story = "A hidden confounder seen only through noisy proxies: the setting CEVAE is built for."
    treatment, outcome = "T", "Y"
    references = ("Louizos et al. (2017), Causal Effect Inference with Deep Latent-Variable Models, NeurIPS",
                  "Kuroki & Pearl (2014), Biometrika 101:423")
    expected = {
        "proxy": (True, "the proxies X_j carry information on the hidden Z that confounds T and Y"),
        "naive": (False, "the hidden Z moves both T and Y: the contrast is off by confounding / 2"),
        "backdoor": (False, "Z is hidden; its proxies are not a valid adjustment set"),
    }

    def build(self, n_proxies: int = 5, proxy_noise: float = 1.0, confounding: float = 3.0, effect: float = 1.0):
        if isinstance(n_proxies, bool) or not isinstance(n_proxies, (int, np.integer)) or n_proxies < 1:
            raise InvalidValueError(f"n_proxies must be an int >= 1, got {n_proxies!r}")
        self.covariates = tuple(f"X{j}" for j in range(1, int(n_proxies) + 1))
        scm = SCM()
        scm.add("Z", Table([], 0.5), hidden=True)
        for x in self.covariates:
            scm.add(x, Linear({"Z": 1.0}, noise=Normal(0, proxy_noise)))
        scm.add("T", Table(["Z"], [0.25, 0.75]))
        scm.add("Y", Linear({"T": effect, "Z": confounding}))
        return scm

    def true_effects(self):
        """ATE = ATT = ATC = effect: the effect is additive, the same for every unit (closed form)."""
        b = Estimate(float(self.knobs["effect"]))
        return {"ate": b, "att": b, "atc": b}

    def true_cate(self, data):
        return np.full(len(data), float(self.knobs["effect"]))

    def naive_contrast(self) -> float:
        """E[Y | T=1] - E[Y | T=0] = effect + confounding / 2 (P(Z=1 | T=t) = 0.25 + 0.5 t)."""
        return float(self.knobs["effect"]) + float(self.knobs["confounding"]) / 2
