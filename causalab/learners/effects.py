"""Effect learners under ignorability: T- and S-learners, TARNet and DragonNet.

Each models the outcome surface ``mu_t(x) = E[Y | T=t, X=x]`` over the task's declared
covariates ``X`` and reads causal answers off it, which is right when ``X`` satisfies the
back-door criterion (no hidden confounding, every covariate pre-treatment) and treated and
control units overlap. Rung 2 is ``mu_t(x)`` per unit; rung 3 is the factual outcome plus
the unit's estimated effect, ``y + mu_t'(x) - mu_t(x)`` (exact when the effect is additive
in the noise, as in every additive-noise model). A binary or categorical outcome has no
additive noise (``y + effect`` leaves its range), so on one rung 3 is refused with
:class:`~causalab.UnsupportedQueryError` pointing to :class:`~causalab.learners.NeuralSCM`;
rungs 1 and 2 then answer P(Y=1) (or the expected level), clipped to the outcome's range.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import clone

from ..exceptions import InvalidValueError, OutOfSupportError, UnsupportedQueryError
from .base import Effect, Learner, LearnerTags, as_int_seed, clip_to_outcome, features_matrix, t_interval
from .training import check_hidden, check_rate, check_training, early_stopping, seeded_mlp, split, torch_device

EFFECT_TAGS = LearnerTags("backdoor", "regression", "adjustment", "factual-plus-cate")
ANALYTIC_EFFECT_TAGS = LearnerTags("backdoor", "regression", "adjustment", "factual-plus-cate",
                                   effect_interval="analytic")


class EffectLearner(Learner):
    """Shared machinery: the outcome surface ``mu_t(x)`` and the three rungs read off it.

    Subclasses implement ``_fit_surface(data)`` and ``_mu(data, t)`` (each unit's expected
    outcome under ``T = t``, a float level of the treatment).
    """

    _tags = EFFECT_TAGS
    _binary_treatment_only = False
    _additive_counterfactual = True

    def _fit_columns(self):
        task = self.task_
        return [task.treatment, *task.covariates, task.outcome]

    def _fit(self, data):
        task = self.task_
        vt = task.type(task.treatment)
        if self._binary_treatment_only and vt.kind != "binary":
            raise UnsupportedQueryError(f"{type(self).__name__} needs a binary treatment; {task.treatment!r} is "
                                        f"{vt.kind}")
        self._fit_surface(data)

    def _overlap_adjustment(self):
        # a back-door effect learner adjusts for the declared covariates (CEVAE's are proxies)
        return list(self.task_.covariates) if self.tags.family == "backdoor" else None

    def _per_value(self, data, values) -> np.ndarray:
        """``mu_t(x)`` for each unit's own ``t`` (a scalar or per-unit values)."""
        values = np.broadcast_to(np.asarray(values, dtype=np.float64), (len(data),))
        out = np.empty(len(data))
        for t in np.unique(values):
            rows = values == t
            out[rows] = self._mu(data, float(t))[rows]
        return clip_to_outcome(out, self.task_)

    def _predict(self, data):
        return self._per_value(data, data[self.task_.treatment].to_numpy(dtype=np.float64))

    def _predict_do(self, data, do):
        return self._per_value(data, do[self.task_.treatment])

    def _predict_counterfactual(self, data, do):
        task = self.task_
        y = data[task.outcome].to_numpy(dtype=np.float64)
        return y + self._predict_do(data, do) - self._predict(data)

    def _x(self, data):
        return features_matrix(data, self.task_, list(self.task_.covariates))


# ---------------------------------------------------------------------- meta-learners
class TLearner(EffectLearner):
    """T-learner: one outcome model per treatment level, each fitted on the units that
    received it (OLS-2 in Shalit et al. 2017 when ``base`` is linear regression).

    Parameters
    ----------
    base : Learner or scikit-learn model
        A correlational causalab learner (``LinearRegression``, ``GradientBoosting``,
        ``MLP``) or any scikit-learn regressor (a classifier for a binary outcome), e.g.
        ``TLearner(base=RandomForestRegressor())``, which is wrapped in
        :class:`~causalab.learners.Sklearn` (a ``random_state`` left at None is seeded
        with 0); it is cloned per level and fed the task's covariates. Default:
        ``LinearRegression()``.

    Needs a binary or categorical treatment, and covariates (without them it is the naive
    contrast; use ``LinearRegression(features="treatment")``).

    With OLS arms (``base`` None or ``LinearRegression()``) ``effect`` has an analytic
    interval: the estimate is ``mean_i x_i' (b_treated - b_control)`` over the estimand's
    units, with variance ``xbar' (V_treated + V_control) xbar + var_i(tau_i) / n_units``
    (each arm's HC1 covariance, plus the spread of the unit-level contrasts, since the units
    are a sample of the population whose average effect is estimated). Otherwise a bootstrap.
    """

    def __init__(self, base=None):
        self.base = base

    @property
    def tags(self):
        from .correlational import LinearRegression

        base = self.base
        ols = base is None or (type(base) is LinearRegression and base.tags.effect_interval == "analytic")
        return self._outcome_tags(ANALYTIC_EFFECT_TAGS if ols else EFFECT_TAGS)

    def _effect(self, treated, control, data, estimand="ate"):
        if self.tags.effect_interval != "analytic":
            return super()._effect(treated, control, data, estimand)
        units = self._estimand_units(data, estimand, treated, control)
        hi, lo = self.models_[treated], self.models_[control]
        x = np.column_stack([np.ones(len(units)), hi._x(units)])
        # each unit's contrast as rung 2 answers it (projected onto a discrete outcome's range;
        # without a projection x_i' (b_treated - b_control)); the arms' variance is the linear one's
        tau = clip_to_outcome(hi._predict_x(x[:, 1:]), self.task_) - clip_to_outcome(lo._predict_x(x[:, 1:]), self.task_)
        xbar = x.mean(axis=0)
        var = xbar @ (hi.coef_cov_ + lo.coef_cov_) @ xbar + (tau.var(ddof=1) / len(tau) if len(tau) > 1 else 0.0)
        value, se = float(tau.mean()), float(np.sqrt(max(var, 0.0)))
        return Effect(value, t_interval(value, se), "T-learner, OLS arms, HC1 standard error", estimand, se)

    def _models_for(self, data):
        from .correlational import Correlational, LinearRegression, Sklearn, is_sklearn_model

        base = LinearRegression() if self.base is None else self.base
        if is_sklearn_model(base):
            base = Sklearn(base)
        if not isinstance(base, Correlational):
            raise InvalidValueError(f"{type(self).__name__}: base must be a correlational causalab learner "
                                    f"(LinearRegression, GradientBoosting, MLP) or a scikit-learn regressor or "
                                    f"classifier instance, got {base!r}")
        if not self.task_.covariates:
            raise UnsupportedQueryError(f"{type(self).__name__} needs covariates; the task declares none")
        return clone(base).set_params(features=list(self.task_.covariates))

    def _fit_surface(self, data):
        task = self.task_
        vt = task.type(task.treatment)
        if not vt.discrete:
            raise UnsupportedQueryError(f"TLearner needs a discrete treatment; {task.treatment!r} is continuous "
                                        "(use SLearner)")
        template = self._models_for(data)
        t = data[task.treatment].to_numpy()
        self.models_ = {}
        for level in vt.levels:  # a level without units has no model; the support check refuses it
            rows = t == level
            if rows.sum() >= 2:
                self.models_[float(level)] = clone(template).fit(data[rows], task)

    def _mu(self, data, t):
        if t not in self.models_:
            raise OutOfSupportError(f"TLearner has no outcome model for {self.task_.treatment}={t:g}: fewer than 2 "
                                    "training units had it")
        return self.models_[t].predict(data).to_numpy()


class SLearner(TLearner):
    """S-learner: one outcome model of the treatment and the covariates together, read at
    ``T = t`` for every unit (OLS-1 in Shalit et al. 2017 when ``base`` is linear).

    Parameters
    ----------
    base : Learner or scikit-learn model
        A correlational causalab learner or a scikit-learn regressor or classifier (see
        :class:`TLearner`); cloned and fed the treatment and the covariates.

    With an OLS base the effect's interval is the regression's (analytic, HC1); otherwise a
    bootstrap.
    """

    def _fit_surface(self, data):
        task = self.task_
        self.model_ = self._models_for(data).set_params(features=[task.treatment, *task.covariates]).fit(data, task)

    def _effect(self, treated, control, data, estimand="ate"):
        if self.tags.effect_interval != "analytic":
            return EffectLearner._effect(self, treated, control, data, estimand)
        # one linear model of (T, X): the contrast is the inner regression's, HC1 interval and all
        units = self._estimand_units(data, estimand, treated, control)
        inner = self.model_._effect(treated, control, units, "ate")
        return Effect(inner.value, inner.interval, "S-learner, OLS, HC1 standard error", estimand, inner.se)

    def _mu(self, data, t):
        frame = data.assign(**{self.task_.treatment: t})
        return self.model_.predict(frame).to_numpy()

    def _constant_effect(self):  # one model of (T, X): constant where the inner model has no interaction
        return self.model_._constant_effect()


# ---------------------------------------------------------------------- neural
class _TwoHeads(torch.nn.Module):
    """A shared representation phi(x) and one outcome head per arm (plus, for DragonNet,
    a propensity head on phi)."""

    def __init__(self, n_in, representation, head, propensity, gen):
        super().__init__()
        self.phi = seeded_mlp(n_in, representation, gen, torch.nn.ELU, last_activation=True)
        width = representation[-1]
        self.heads = torch.nn.ModuleList([seeded_mlp(width, (*head, 1), gen, torch.nn.ELU) for _ in range(2)])
        self.g = seeded_mlp(width, (1,), gen, torch.nn.ELU) if propensity else None
        self.epsilon = torch.nn.Parameter(torch.zeros(1))  # DragonNet's targeted-regularisation step

    def forward(self, x):
        z = self.phi(x)
        q = torch.cat([h(z) for h in self.heads], dim=-1)
        g = self.g(z).squeeze(-1) if self.g is not None else None
        return q, g


class TARNet(EffectLearner):
    """TARNet (Shalit, Johansson, Sontag 2017): a shared representation of the covariates
    and two outcome heads, each trained on the factual outcomes of its arm.

    Loss: mean squared error of the factual head on the standardised outcome (a binary
    outcome is fitted as a probability by squared error). Adam with early stopping on a
    validation split and learning-rate cuts on plateaus, as :class:`MLP`. Needs a binary
    treatment. Assumptions: the covariates satisfy the back-door criterion; overlap.

    Parameters
    ----------
    representation, head : tuple of int
        Widths of the representation layers and of each head's hidden layers (ELU).
    max_epochs, batch_size, learning_rate, weight_decay, patience, lr_cuts, validation_fraction :
        Training hyperparameters.
    seed : int or numpy Generator
        Seeds the weights, the split and the batch order (no global RNG is touched).
    device : str
        torch device.
    """

    _binary_treatment_only = True
    _propensity = False
    def __init__(self, representation=(64, 64), head=(32,), max_epochs: int = 300, batch_size: int = 64,
                 learning_rate: float = 1e-3, weight_decay: float = 1e-4, patience: int = 20, lr_cuts: int = 1,
                 validation_fraction: float = 0.3, seed=0, device: str = "cpu"):
        self.representation = representation
        self.head = head
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_cuts = lr_cuts
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.device = device

    def _fit_surface(self, data):
        check_training(self)
        representation = check_hidden(self.representation, self, "representation")
        # an empty head is allowed (no hidden layer); anything else goes through check_hidden,
        # so an int where a tuple is expected is a typed error, not a TypeError
        head = () if isinstance(self.head, (tuple, list)) and not self.head else check_hidden(self.head, self, "head")
        self._check_extra()
        device = torch_device(self.device, self)
        rng = np.random.default_rng(as_int_seed(self.seed))
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        task = self.task_
        x = self._x(data)
        self.x_mean_, self.x_scale_ = x.mean(axis=0), x.std(axis=0)
        self.x_scale_[self.x_scale_ == 0] = 1.0
        y = data[task.outcome].to_numpy(dtype=np.float64)
        self.y_mean_, self.y_scale_ = float(y.mean()), float(y.std()) or 1.0
        xt = torch.as_tensor((x - self.x_mean_) / self.x_scale_, dtype=torch.float32, device=device)
        yt = torch.as_tensor((y - self.y_mean_) / self.y_scale_, dtype=torch.float32, device=device)
        tt = torch.as_tensor(data[task.treatment].to_numpy(dtype=np.float64), dtype=torch.float32, device=device)
        if tt.min() == tt.max():
            raise InvalidValueError(f"{type(self).__name__}: every training unit has {task.treatment}={int(tt[0])}; "
                                    "both arms are needed")
        train_rows, val_rows = split(len(xt), float(self.validation_fraction), rng)
        net = _TwoHeads(x.shape[1], representation, head, self._propensity, gen).to(device)

        def loss(rows):
            q, g = net(xt[rows])
            t, yy = tt[rows], yt[rows]
            factual = torch.where(t > 0.5, q[:, 1], q[:, 0])
            return ((yy - factual) ** 2).mean() + self._extra_loss(q, g, t, yy, net)

        self.net_, self.n_epochs_, self.validation_loss_ = early_stopping(net, loss, train_rows, val_rows, self, gen,
                                                                          device)
        self.device_ = device

    def _check_extra(self):
        pass

    def _outputs(self, data):
        x = torch.as_tensor((self._x(data) - self.x_mean_) / self.x_scale_, dtype=torch.float32, device=self.device_)
        with torch.no_grad():
            q, g = self.net_(x)
        return q.double().cpu().numpy(), (None if g is None else torch.sigmoid(g).double().cpu().numpy())

    def _mu(self, data, t):
        q, _ = self._outputs(data)
        return q[:, int(t)] * self.y_scale_ + self.y_mean_

    def _extra_loss(self, q, g, t, y, net):
        return 0.0


class DragonNet(TARNet):
    """DragonNet (Shi, Blei, Veitch 2019): TARNet plus a propensity head on the shared
    representation and targeted regularisation.

    Loss: ``MSE(factual) + alpha * BCE(t, g(x)) + beta * mean((y - q~)^2)`` with the
    perturbed outcome ``q~ = q_t(x) + epsilon * (t / g - (1 - t) / (1 - g))`` and ``epsilon``
    learned. Predictions are the targeted ones, ``q_1 + epsilon / g`` and
    ``q_0 - epsilon / (1 - g)`` (``g`` clipped to [clip, 1 - clip]), the paper's estimator.

    Parameters
    ----------
    alpha, beta : float
        Weights of the propensity loss and of the targeted regularisation (the paper's 1.0).
    clip : float
        The propensity ``g`` is clipped to [clip, 1 - clip] in the targeted loss and
        predictions (0.01, the reference implementation's); it bounds the weights 1 / g.
    Other parameters as :class:`TARNet`.
    """

    _propensity = True

    def __init__(self, representation=(64, 64), head=(32,), alpha: float = 1.0, beta: float = 1.0,
                 max_epochs: int = 300, batch_size: int = 64, learning_rate: float = 1e-3, weight_decay: float = 1e-4,
                 patience: int = 20, lr_cuts: int = 1, validation_fraction: float = 0.3, seed=0, device: str = "cpu",
                 clip: float = 0.01):
        super().__init__(representation, head, max_epochs, batch_size, learning_rate, weight_decay, patience,
                         lr_cuts, validation_fraction, seed, device)
        self.alpha = alpha
        self.beta = beta
        self.clip = clip

    def _check_extra(self):
        check_rate(self, "alpha", 0.0)
        check_rate(self, "beta", 0.0)
        check_rate(self, "clip", 0.0, 0.5, open_low=True)

    def _extra_loss(self, q, g, t, y, net):
        clip = float(self.clip)
        p = torch.sigmoid(g).clamp(clip, 1 - clip)
        bce = torch.nn.functional.binary_cross_entropy_with_logits(g, t)
        factual = torch.where(t > 0.5, q[:, 1], q[:, 0])
        perturbed = factual + net.epsilon * (t / p - (1 - t) / (1 - p))
        return float(self.alpha) * bce + float(self.beta) * ((y - perturbed) ** 2).mean()

    def _mu(self, data, t):
        q, g = self._outputs(data)
        g = np.clip(g, float(self.clip), 1 - float(self.clip))
        eps = float(self.net_.epsilon.detach())
        targeted = q[:, 1] + eps / g if int(t) == 1 else q[:, 0] - eps / (1 - g)
        return targeted * self.y_scale_ + self.y_mean_
