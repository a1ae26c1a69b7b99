"""CEVAE: effects under hidden confounding seen through noisy proxies (``pyro.contrib.cevae``)."""

from __future__ import annotations

import numpy as np
import torch

from ..exceptions import InvalidValueError, UnsupportedQueryError
from .base import LearnerTags, as_int_seed
from .effects import EffectLearner
from .training import check_positive_int, check_rate


class CEVAE(EffectLearner):
    """The Causal Effect Variational Autoencoder (Louizos et al. 2017), Pyro's implementation.

    Assumptions: a hidden confounder ``Z`` drives the treatment, the outcome and the
    covariates, which are noisy proxies of it (``Z -> X``, ``Z -> T``, ``Z -> Y``, ``T -> Y``);
    the generative model ``p(z) p(x|z) p(t|z) p(y|t,z)`` and its amortised posterior
    ``q(z | x, t, y)`` are learned by variational inference. Identification rests on the
    proxies carrying enough information about ``Z`` (Kuroki & Pearl 2014); it is not
    guaranteed, which is why an environment tests it against the exact truth.

    Rungs: ``predict_do`` is ``E[Y | X=x, do(T=t)]``, averaging ``p(y | t, z)`` over
    ``q(z | x)`` (``num_samples`` draws), as ``CEVAE.ite`` does; ``predict`` conditions on the
    factual treatment as well; rung 3 is the factual outcome plus the unit's estimated
    effect. Needs a binary treatment; the outcome is modelled as Normal (continuous,
    standardised) or Bernoulli (binary). The covariates are the proxies.

    Parameters
    ----------
    latent_dim, hidden_dim, num_layers : int
        Sizes of CEVAE's networks (Pyro's defaults are 20, 200, 3).
    num_epochs, batch_size, learning_rate, learning_rate_decay, weight_decay :
        Passed to ``CEVAE.fit`` (ClippedAdam with per-step decay to
        ``learning_rate * learning_rate_decay``).
    num_samples : int
        Monte Carlo draws of ``z`` per unit for each answer.
    seed : int or numpy Generator
        Pyro draws from torch's global generator: each fit and query runs inside
        ``torch.random.fork_rng`` seeded from ``seed``, so the global state is put back.
    """

    _tags = LearnerTags("proxy", "latent-posterior", "latent-posterior", "factual-plus-cate")
    _binary_treatment_only = True

    def __init__(self, latent_dim: int = 20, hidden_dim: int = 200, num_layers: int = 3, num_epochs: int = 30,
                 batch_size: int = 100, learning_rate: float = 1e-3, learning_rate_decay: float = 0.1,
                 weight_decay: float = 1e-4, num_samples: int = 100, seed=0):
        self.latent_dim = latent_dim
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.weight_decay = weight_decay
        self.num_samples = num_samples
        self.seed = seed

    def _fit_surface(self, data):
        from pyro.contrib.cevae import CEVAE as PyroCEVAE

        for name in ("latent_dim", "hidden_dim", "num_layers", "num_epochs", "batch_size", "num_samples"):
            check_positive_int(self, name)
        check_rate(self, "learning_rate", 0.0, open_low=True)
        check_rate(self, "learning_rate_decay", 0.0, 1.0 + 1e-12, open_low=True)
        check_rate(self, "weight_decay", 0.0)
        task = self.task_
        if not task.covariates:
            raise UnsupportedQueryError("CEVAE needs covariates (the proxies of the hidden confounder); the task "
                                        "declares none")
        kind = task.kind(task.outcome)
        if kind == "categorical":
            raise UnsupportedQueryError(f"CEVAE models a continuous or binary outcome; {task.outcome!r} is categorical")
        y = data[task.outcome].to_numpy(dtype=np.float64)
        self.binary_outcome_ = kind == "binary"
        self.y_mean_, self.y_scale_ = (0.0, 1.0) if self.binary_outcome_ else (float(y.mean()), float(y.std()) or 1.0)
        x = self._tensor_x(data)
        t = torch.as_tensor(data[task.treatment].to_numpy(dtype=np.float32))
        if t.min() == t.max():
            raise InvalidValueError(f"CEVAE: every training unit has {task.treatment}={int(t[0])}; both arms are needed")
        yt = torch.as_tensor(((y - self.y_mean_) / self.y_scale_).astype(np.float32))
        self._seed_ = as_int_seed(self.seed)
        self._param_state_ = {"params": {}, "constraints": {}}
        with _seeded(self._seed_, self._param_state_):
            self.model_ = PyroCEVAE(feature_dim=x.shape[1], outcome_dist="bernoulli" if self.binary_outcome_ else "normal",
                                    latent_dim=int(self.latent_dim), hidden_dim=int(self.hidden_dim),
                                    num_layers=int(self.num_layers), num_samples=int(self.num_samples))
            self.losses_ = self.model_.fit(x, t, yt, num_epochs=int(self.num_epochs), batch_size=int(self.batch_size),
                                           learning_rate=float(self.learning_rate),
                                           learning_rate_decay=float(self.learning_rate_decay),
                                           weight_decay=float(self.weight_decay), log_every=0)

    def _tensor_x(self, data):
        return torch.as_tensor(self._x(data).astype(np.float32))

    def _y_means(self, data, t_given=None):
        """(E[y | x, do(t=0)], E[y | x, do(t=1)]) per unit, or E[y | x, t] for the factual
        ``t_given``: z from the guide given x (and t), then the model's mean of y."""
        import pyro
        from pyro import poutine

        model = self.model_
        x = model.whiten(self._tensor_x(data))
        with _seeded(self._seed_ + 1, self._param_state_), torch.no_grad(), \
                pyro.plate("num_particles", int(self.num_samples), dim=-2):
            if t_given is not None:
                t = torch.as_tensor(np.asarray(t_given, dtype=np.float32))
                with poutine.trace() as tr, poutine.block(hide=["y", "t"]):
                    model.guide(x, t=t)
                y = poutine.replay(model.model.y_mean, tr.trace)(x, t=t).mean(0)
                return (y.double().numpy() * self.y_scale_ + self.y_mean_,)
            with poutine.trace() as tr, poutine.block(hide=["y", "t"]):
                model.guide(x)
            out = []
            for level in (0.0, 1.0):
                with poutine.do(data=dict(t=torch.full((), level))):
                    out.append(poutine.replay(model.model.y_mean, tr.trace)(x).mean(0).double().numpy())
        return tuple(v * self.y_scale_ + self.y_mean_ for v in out)

    def _mu(self, data, t):
        return self._y_means(data)[int(t)]

    def _predict(self, data):
        return self._y_means(data, data[self.task_.treatment].to_numpy())[0]


class _seeded:
    """Run Pyro inside ``torch.random.fork_rng`` seeded from ``seed`` and inside this model's own
    scope of Pyro's global parameter store (``param_state``), under causalab's lock on torch's
    global generator; the global generator and parameter store are restored on exit.

    Without the scope, a second CEVAE in one process picks up the first one's parameters
    by name from the global store (seen as identical answers from different fits)."""

    def __init__(self, seed: int, param_state: dict):
        self.seed, self.param_state = seed, param_state

    def __enter__(self):
        import logging

        import pyro

        from ..scm.noise import _GLOBAL_RNG_LOCK

        self.lock = _GLOBAL_RNG_LOCK
        self.lock.acquire()
        self.scope = pyro.get_param_store().scope(self.param_state)
        self.scope.__enter__()
        self.fork = torch.random.fork_rng(devices=[])
        self.fork.__enter__()
        torch.manual_seed(self.seed)
        self.logger = logging.getLogger("pyro.contrib.cevae")
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)  # its per-fit INFO line is noise in a sweep

    def __exit__(self, *exc):
        try:
            self.logger.setLevel(self.level)
            self.fork.__exit__(*exc)
            self.scope.__exit__(*exc)
        finally:
            self.lock.release()
