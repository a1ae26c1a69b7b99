"""Invariant learning across domains: V-REx and IRMv1 penalties on a torch MLP."""

from __future__ import annotations

import numpy as np
import torch

from ..exceptions import InvalidValueError, unknown_variable
from .base import LearnerTags, as_int_seed
from .mlp import MLP, _build
from .training import check_hidden, check_positive_int, check_rate, torch_device

PENALTIES = ("vrex", "irm")


class Invariant(MLP):
    """A predictor trained to do equally well in every training domain, so that it leans on
    the features whose relation to the outcome is the same in all of them.

    Assumptions: the domains differ by interventions on variables other than the outcome
    (the outcome's mechanism given its causes is the same in every domain), and they are
    diverse enough to tell the stable features from the unstable ones. Under those, the
    invariant predictor uses the outcome's causes and survives interventions on the rest;
    with too few or too similar domains it falls back to the pooled predictor.

    Loss over the domains' risks ``R_e`` (mean squared error, or cross-entropy for a
    binary outcome):

    * ``penalty="vrex"`` (Krueger et al. 2021): ``mean_e R_e + lambda * Var_e R_e``;
    * ``penalty="irm"`` (IRMv1, Arjovsky et al. 2019): ``mean_e R_e + lambda * sum_e
      |d R_e(w * f) / d w at w=1|**2``.

    The penalty is off for the first ``warmup`` steps (the pooled fit), then on, with the
    optimiser restarted, as in the IRM reference code. Full-batch Adam (scale-invariant, so
    the loss is not divided by ``lambda``: with weight decay that would shrink the network
    toward a constant, which has equal risks everywhere).

    Parameters
    ----------
    domains : str
        The column naming each row's domain (e.g. SpuriousShortcut's ``"D"``); it is not a
        feature.
    features : list of str or None
        Features (None: every observed column but the outcome and ``domains``).
    penalty : {"vrex", "irm"}
    penalty_weight : float
        ``lambda``.
    hidden : tuple of int
        Hidden layer widths (ReLU).
    steps, warmup : int
        Full-batch steps in all, and without the penalty.
    learning_rate, weight_decay : float
    seed : int or numpy Generator
        Seeds the initial weights (no global RNG is touched).
    device : str
    """

    _tags = LearnerTags("invariant", "regression", "conditioning", "plug-in")
    # predictions as MLP's (standardised inputs, sigmoid for a binary outcome); training is its own

    def __init__(self, domains: str = "D", features=None, penalty: str = "vrex", penalty_weight: float = 30.0,
                 hidden=(16,), steps: int = 600, warmup: int = 100, learning_rate: float = 1e-2,
                 weight_decay: float = 1e-3, seed=0, device: str = "cpu"):
        self.domains = domains
        self.features = features
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.hidden = hidden
        self.steps = steps
        self.warmup = warmup
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.seed = seed
        self.device = device

    def _fit_columns(self):
        task = self.task_
        if not isinstance(self.domains, str) or self.domains not in task.variables:
            raise unknown_variable(str(self.domains), task.variables, "domain column")
        if self.domains == task.outcome:
            raise InvalidValueError("the domain column cannot be the outcome")
        if self.features is None:
            features = [c for c in task.observed if c not in (task.outcome, self.domains)]
            self.features_ = features
            return [*features, self.domains, task.outcome]
        columns = super()._fit_columns()
        if self.domains in self.features_:
            raise InvalidValueError(f"the domain column {self.domains!r} cannot also be a feature")
        return [*columns, self.domains]

    def _query_columns(self, rung):
        return list(self.features_) + ([self.task_.outcome] if rung == "predict_counterfactual" else [])

    def _fit(self, data):
        if self.penalty not in PENALTIES:
            raise InvalidValueError(f"penalty must be one of {PENALTIES}, got {self.penalty!r}")
        check_rate(self, "penalty_weight", 0.0)
        check_rate(self, "learning_rate", 0.0, open_low=True)
        check_rate(self, "weight_decay", 0.0)
        steps = check_positive_int(self, "steps")
        warmup = check_positive_int(self, "warmup", 0)
        if warmup > steps:
            raise InvalidValueError(f"warmup ({warmup}) cannot exceed steps ({steps})")
        hidden = check_hidden(self.hidden, self)
        device = torch_device(self.device, self)
        domain = data[self.domains].to_numpy()
        labels = np.unique(domain)
        if len(labels) < 2:
            raise InvalidValueError(f"Invariant needs at least 2 domains in {self.domains!r}; the data have "
                                    f"{labels.tolist()}")
        x, y = self._x(data), self._y(data)
        self.x_mean_, self.x_scale_ = x.mean(axis=0), x.std(axis=0)
        self.x_scale_[self.x_scale_ == 0] = 1.0
        self.y_mean_, self.y_scale_ = (0.0, 1.0) if self._binary_outcome else (float(y.mean()), float(y.std()) or 1.0)
        xt = torch.as_tensor((x - self.x_mean_) / self.x_scale_, dtype=torch.float32, device=device)
        yt = torch.as_tensor((y - self.y_mean_) / self.y_scale_, dtype=torch.float32, device=device)
        groups = [torch.as_tensor(np.flatnonzero(domain == d), device=device) for d in labels]
        gen = torch.Generator().manual_seed(int(np.random.default_rng(as_int_seed(self.seed)).integers(2**62)))
        net = _build(x.shape[1], hidden, gen).to(device)
        loss_fn = torch.nn.functional.binary_cross_entropy_with_logits if self._binary_outcome else \
            torch.nn.functional.mse_loss
        lam = float(self.penalty_weight)

        def objective(with_penalty: bool):
            out = net(xt).squeeze(-1)
            scale = torch.ones((), device=device, requires_grad=True)
            risks, grads = [], []
            for rows in groups:
                risk = loss_fn(out[rows] * scale, yt[rows])
                risks.append(risk)
                if with_penalty and self.penalty == "irm":
                    grads.append(torch.autograd.grad(risk, scale, create_graph=True)[0] ** 2)
            risks = torch.stack(risks)
            if not with_penalty:
                return risks.mean(), risks
            pen = risks.var(unbiased=False) if self.penalty == "vrex" else torch.stack(grads).sum()
            return risks.mean() + lam * pen, risks

        opt = None
        for step in range(steps):
            if step == 0 or step == warmup:  # the penalty switches on: a fresh optimiser
                opt = torch.optim.Adam(net.parameters(), lr=float(self.learning_rate),
                                       weight_decay=float(self.weight_decay))
            opt.zero_grad(set_to_none=True)
            loss, risks = objective(step >= warmup)
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            self.domain_risks_ = dict(zip(labels.tolist(), objective(False)[1].tolist()))
        self.net_, self.device_ = net, device
