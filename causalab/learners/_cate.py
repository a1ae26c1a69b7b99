"""Rungs 2 and 3 shared by the adapters of CATE estimators (EconML, CausalML)."""

from __future__ import annotations

import numpy as np

from .base import Learner


class BaselinePlusCate(Learner):
    """A learner whose outcome under treatment ``t`` is ``_mu(data, t)``: a baseline outcome
    model plus the estimated effect of ``t``. Rung 1 reads the observed treatment, rung 2 the
    intervened one, and rung 3 keeps each unit's own residual (factual outcome plus the change
    of ``_mu``), the additive-noise reading of a CATE."""

    def _mu(self, data, t):  # pragma: no cover - each adapter defines it
        raise NotImplementedError

    def _predict(self, data):
        return self._mu(data, data[self.task_.treatment].to_numpy(dtype=np.float64))

    def _predict_do(self, data, do):
        return self._mu(data, do[self.task_.treatment])

    def _predict_counterfactual(self, data, do):
        y = data[self.task_.outcome].to_numpy(dtype=np.float64)
        return y + self._predict_do(data, do) - self._predict(data)
