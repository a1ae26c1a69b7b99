"""Semi-synthetic environments: real covariates, a treatment and an outcome simulated by a
model fitted to real data, so the truth is exact and the data look like the real ones.

Synthetic environments are exact but unrealistic; real data are realistic but have no truth.
RealCause (Neal et al. 2020) and Credence (Parikh et al. 2022) close the gap by fitting a
generative model to real data and using it as a simulator. :func:`semi_synthetic` does it
with causalab's engine: the fitted model is an :class:`~causalab.SCM`, so ``do``,
counterfactuals from stored noise and the exact truth come with it; :meth:`SemiSynthetic.realism`
measures, on real rows held out from the fit, how far the simulated data are from the real ones.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import torch

from ..exceptions import InvalidValueError, UnsupportedQueryError
from ..scm import SCM, Additive, Custom, Estimate, Logistic, Table, Uniform
from ..scm.noise import Noise
from .base import Environment

REALISM_COLUMNS = ("variable", "test", "statistic", "p_value", "n_simulated", "n_real")


class Empirical(Noise):
    """Noise drawn from a set of values (fitted residuals), smoothed by a Gaussian kernel:
    a draw is ``values[j] + bandwidth * N(0, 1)`` with ``j`` uniform. Its shape is the
    residuals' (skew, heavy tails, several modes), not a Gaussian's."""

    def __init__(self, values, bandwidth: float):
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if len(values) < 2 or not np.isfinite(values).all():
            raise InvalidValueError(f"Empirical noise needs at least 2 finite values, got {len(values)}")
        if not (math.isfinite(bandwidth) and bandwidth > 0):
            raise InvalidValueError(f"Empirical noise needs a positive bandwidth, got {bandwidth!r}")
        self.values = torch.as_tensor(values, dtype=torch.float64)
        self.bandwidth = float(bandwidth)
        self.mean = float(values.mean())
        self.variance = float(values.var() + bandwidth**2)

    @classmethod
    def from_residuals(cls, residuals) -> "Empirical":
        """Silverman's bandwidth, ``0.9 min(sd, IQR / 1.34) m^(-1/5)``."""
        r = np.asarray(residuals, dtype=np.float64)
        iqr = float(np.subtract(*np.percentile(r, [75, 25])))
        spread = min(float(r.std()), iqr / 1.34) or float(r.std()) or 1.0
        return cls(r, 0.9 * spread * len(r) ** (-0.2))

    def sample(self, n, generator, out=None):
        idx = torch.randint(0, len(self.values), (n,), generator=generator)
        draw = self.values[idx] + self.bandwidth * torch.randn(n, generator=generator, dtype=torch.float64)
        if out is not None:
            out.copy_(draw)
            return out
        return draw

    def to_torch(self):
        probs = torch.full((len(self.values),), 1.0 / len(self.values), dtype=torch.float64)
        return torch.distributions.MixtureSameFamily(
            torch.distributions.Categorical(probs=probs),
            torch.distributions.Normal(self.values, torch.full_like(self.values, self.bandwidth)))

    def cdf(self, x):
        x = torch.as_tensor(x, dtype=torch.float64)
        z = (x.unsqueeze(-1) - self.values) / self.bandwidth
        return torch.special.ndtr(z).mean(dim=-1)

    def __eq__(self, other):
        return isinstance(other, Empirical) and self.bandwidth == other.bandwidth \
            and torch.equal(self.values, other.values)

    def __hash__(self):
        return hash(("Empirical", len(self.values), self.bandwidth))

    def __repr__(self):
        return f"Empirical({len(self.values)} residuals, bandwidth={self.bandwidth:.3g})"


def format_p(p: float) -> str:
    """A p-value as text: ``p=0.0123``, or ``p<1e-300`` where it is that small (a binomial or
    KS tail at thousands of rows underflows to 0.0, which is not a probability anyone measured)."""
    return "p<1e-300" if p < 1e-300 else f"p={p:.3g}"


class SemiSynthetic(Environment):
    """An environment fitted to real data (built by :func:`semi_synthetic`).

    Structural equations (``x_i`` the covariates of real row ``i`` of the fit part)::

        R   := uniform over the fit rows               (hidden: which unit)
        X_j := covariate j of row R                    (real values, jointly: their dependence kept)
        T   := Bernoulli(sigmoid(a + b . X))           (logistic regression fitted to the real treatment)
        Y   := mu0(X) + T tau(X) + E                   E: the fitted residuals, kernel-smoothed (Empirical)
        mu0 = the generator fitted to the real controls; tau = the generator fitted to the treated,
              minus mu0 (effect=None), or the effect you chose (a number, or a function of X);
              a causalab learner as generator: mu_t(x) its predict_do(x, do(T=t)), fitted once

    Truth, exact by enumeration of the fit rows: ATE = mean_i tau(x_i); ETT = sum_i e(x_i)
    tau(x_i) / sum_i e(x_i) with ``e`` the treatment's probability; CATE = tau(x); unit-level
    counterfactuals from each unit's stored noise. Every covariate is observed and is a
    common cause, so back-door adjustment for them identifies the effect (if the overlap of
    the real data allows).
    """

    story = "Real covariates; treatment and outcome simulated by a model fitted to the real data."
    expected = {
        "backdoor": (True, "every confounder (the real covariates) is observed"),
        "naive": (False, "the fitted treatment depends on the covariates, which move the outcome"),
    }
    references = ("Neal, Huang, Feng, Bengio (2020), RealCause, arXiv:2011.15007",
                  "Parikh, Varjao, Xu, Tchetgen Tchetgen (2022), Credence, ICML")

    def __init__(self, **kwargs):  # built by semi_synthetic(); no knobs of its own
        raise InvalidValueError("build a SemiSynthetic environment with causalab.semi_synthetic(data, graph, ...)")

    def build(self):  # pragma: no cover - the SCM is fitted in semi_synthetic
        return None

    def true_effects(self):
        tau = self._tau_fit
        e = self._propensity_fit
        # exact by enumerating the fit rows: ATT weights each row by its propensity, ATC by 1 - e
        return {"ate": Estimate(float(tau.mean())), "att": Estimate(float(np.sum(e * tau) / np.sum(e))),
                "atc": Estimate(float(np.sum((1 - e) * tau) / np.sum(1 - e)))}

    def true_cate(self, data: pd.DataFrame):
        return self._tau(data[list(self.covariates)])

    def held_out(self) -> pd.DataFrame:
        """The real rows held out from the fit: what :meth:`realism` compares with."""
        return self._held_out.copy()

    def realism(self, seed=0) -> pd.DataFrame:
        """How far simulated data are from the real rows held out from the fit.

        Per observed variable, the two-sample Kolmogorov-Smirnov test (statistic: the largest
        gap between the two empirical CDFs; a small p-value says the marginals differ); on the
        joint, a classifier two-sample test (C2ST): gradient boosting (scikit-learn's defaults)
        trained to tell simulated from real rows, its accuracy on held-out halves (0.5:
        indistinguishable) with the one-sided binomial p-value of beating 0.5. The simulated sample has as many rows as
        the held-out part. The KS p-value is scipy's exact one where it can compute it, otherwise
        the asymptotic one (scipy's fallback, taken silently); a p-value below the smallest
        positive double underflows to 0 (``describe`` prints it as ``p<1e-300``).
        """
        from scipy import stats
        from sklearn.ensemble import GradientBoostingClassifier
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        real = self._held_out
        sim = self.sample(len(real), seed=seed)
        rows = []
        for c in self.observed:
            with warnings.catch_warnings():  # scipy falls back to the asymptotic p-value and says so
                warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful", RuntimeWarning)
                ks = stats.ks_2samp(sim[c].to_numpy(dtype=np.float64), real[c].to_numpy(dtype=np.float64))
            rows.append({"variable": c, "test": "ks", "statistic": float(ks.statistic), "p_value": float(ks.pvalue),
                         "n_simulated": len(sim), "n_real": len(real)})
        x = np.vstack([sim[self.observed].to_numpy(dtype=np.float64), real[self.observed].to_numpy(dtype=np.float64)])
        y = np.r_[np.zeros(len(sim)), np.ones(len(real))].astype(int)
        folds = StratifiedKFold(2, shuffle=True, random_state=int(np.random.SeedSequence(seed).generate_state(1)[0]))
        pred = cross_val_predict(GradientBoostingClassifier(random_state=0), x, y, cv=folds)
        hits = int((pred == y).sum())
        p = stats.binomtest(hits, len(y), 0.5, alternative="greater").pvalue
        rows.append({"variable": "(joint)", "test": "c2st accuracy", "statistic": hits / len(y), "p_value": float(p),
                     "n_simulated": len(sim), "n_real": len(real)})
        return pd.DataFrame(rows, columns=list(REALISM_COLUMNS))

    def describe(self) -> str:
        text = super().describe()
        table = self.realism()
        lines = ["", "Realism (simulated vs held-out real rows; KS per variable, C2ST on the joint):"]
        lines += [f"  {r.variable:12s} {r.test:14s} {r.statistic:.3f}  {format_p(r.p_value)}" for r in table.itertuples()]
        return text + "\n" + "\n".join(lines)

    def __repr__(self):
        return f"{self.id or 'SemiSynthetic'}({len(self._x_fit)} fit rows, effect={self.knobs['effect']})"


def semi_synthetic(data: pd.DataFrame, graph, treatment: str, outcome: str, covariates=None,
                   effect: float | Callable | None = None, generator=None, holdout: float = 0.3, seed=0,
                   name: str | None = None) -> SemiSynthetic:
    """An environment fitted to real data whose truth is exact by construction.

    The covariates stay real (each simulated unit is a real row's covariates, drawn jointly);
    the treatment is simulated from a logistic regression fitted to the real treatment and
    the outcome from ``generator`` fitted to the real outcome, plus the fitted residuals as
    noise (kernel-smoothed, so the outcome's marginal has the data's shape, not a Gaussian's).
    See :class:`SemiSynthetic` for the equations and the truth.

    Parameters
    ----------
    data : pandas.DataFrame
        The real data (complete, numeric).
    graph : graph
        The causal graph over the columns (any form :func:`~causalab.envs.data.parse_graph`
        reads); it chooses the default covariates (the treatment's ancestors) and checks the
        roles. Columns outside treatment, outcome and covariates are not simulated.
    treatment, outcome : str
        A binary treatment and a continuous outcome.
    covariates : sequence of str, optional
        Default: the treatment's observed ancestors in the graph.
    effect : None, float or callable
        ``None``: the effect the generator fitted (treated surface minus control surface);
        a number: a constant effect; a callable ``f(X) -> array`` of the covariates'
        DataFrame: that effect for each unit (RealCause's knobs).
    generator : scikit-learn regressor or causalab learner, optional
        The outcome model. A scikit-learn regressor is cloned and fitted per arm (default:
        ``GradientBoostingRegressor(random_state=0)``: deterministic, single-threaded). A
        causalab learner that answers rung 2 (``NeuralSCM(...)``, ``TARNet()``,
        ``TLearner(...)``, ``Backdoor()``, ...) is cloned and fitted once, on both arms, with
        a :class:`~causalab.Task` on ``graph`` over the simulated columns (other variables of
        the graph hidden, i.e. projected out); its do-predictions on the fit rows,
        ``mu0(x_i) = predict_do(x_i, do(T=0))`` and ``mu1(x_i)`` for ``do(T=1)``, are stored and
        are the outcome's surfaces (the learner answers for covariate values that are no fit
        row). The noise is the learner's out-of-fold residuals, ``y - mu_t(x)`` at each unit's
        own treatment (5 folds, 5 more fits; both arms, whatever ``effect``), kernel-smoothed:
        a NeuralSCM's Gaussian noise is replaced by the empirical residual distribution. Its
        randomness is its own ``seed`` (or ``random_state``), unchanged, so equal arguments
        give an identical environment; the fitted learner is ``env.generator_``.
    holdout : float
        Share of rows held out from the fit, for :meth:`SemiSynthetic.realism` (0 < holdout < 1).
    seed : int or numpy Generator
        Seeds the split and the residuals' folds (the fits are deterministic).
    name : str, optional
        The environment's id in result tables.

    Examples
    --------
    >>> env = cl.semi_synthetic(data, graph, "T", "Y", generator=cl.learners.NeuralSCM(max_epochs=50))
    >>> env.true_effects()["ate"]   # exact: the mean of mu1(x_i) - mu0(x_i) over the fit rows
    >>> env.generator_.effect()     # the fitted NeuralSCM's own ATE on its training rows: the same number
    """
    from sklearn.base import clone
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_predict

    from .._random import seed_sequence
    from .data import task_from_data

    task = task_from_data(data, graph, treatment, outcome, covariates)
    if task.kind(treatment) != "binary":
        raise UnsupportedQueryError(f"semi_synthetic simulates a binary treatment; {treatment!r} is "
                                    f"{task.kind(treatment)}")
    if task.kind(outcome) != "continuous":
        raise UnsupportedQueryError(f"semi_synthetic simulates a continuous outcome; {outcome!r} is "
                                    f"{task.kind(outcome)}")
    covs = list(task.covariates)
    if not covs:
        raise InvalidValueError(f"semi_synthetic needs covariates; the graph gives {treatment!r} no ancestors among "
                                "the columns (pass covariates=)")
    if not (isinstance(holdout, (float, int)) and 0 < holdout < 1):
        raise InvalidValueError(f"holdout is a share in (0, 1), got {holdout!r}")
    if not (effect is None or callable(effect) or isinstance(effect, (int, float, np.integer, np.floating))):
        raise InvalidValueError(f"effect is None, a number or a function of the covariates, got {effect!r}")
    frame = data.set_axis([str(c) for c in data.columns], axis=1)[[*covs, treatment, outcome]].reset_index(drop=True)
    rng = np.random.default_rng(seed_sequence(seed))
    perm = rng.permutation(len(frame))
    n_out = int(round(holdout * len(frame)))
    fit, held_out = frame.iloc[np.sort(perm[n_out:])].reset_index(drop=True), frame.iloc[np.sort(perm[:n_out])]
    x = fit[covs].to_numpy(dtype=np.float64)
    t = fit[treatment].to_numpy(dtype=np.int64)
    y = fit[outcome].to_numpy(dtype=np.float64)
    if min(t.sum(), (1 - t).sum()) < 10:
        raise InvalidValueError(f"the fit part has {int(t.sum())} treated and {int((1 - t).sum())} control units; "
                                "each arm needs at least 10")
    model = GradientBoostingRegressor(random_state=0) if generator is None else generator
    learned = _is_learner(model)
    if not learned and not (hasattr(model, "fit") and hasattr(model, "predict") and hasattr(model, "get_params")):
        raise InvalidValueError(f"generator is a scikit-learn regressor (fit, predict, get_params), a causalab learner "
                                f"that answers rung 2 (predict_do), or None; got {model!r}")

    def arm(level):
        rows = t == level
        fitted = clone(model).fit(x[rows], y[rows])
        # out-of-fold residuals: in-sample ones of a flexible model are too small to be the noise
        folds = KFold(5, shuffle=True, random_state=int(rng.integers(2**31)))
        oof = cross_val_predict(clone(model), x[rows], y[rows], cv=folds)
        return fitted, y[rows] - oof

    generator_ = None
    if learned:  # one causal model of both arms on the graph: its do-predictions are the surfaces
        generator_, residuals = _fit_learner(model, fit, graph, task, treatment, outcome, covs, rng)
        mu0_model = _Surface(generator_, covs, treatment, 0, x)
        mu1_model = _Surface(generator_, covs, treatment, 1, x) if effect is None else None
    else:
        mu0_model, resid0 = arm(0)
        if effect is None:
            mu1_model, resid1 = arm(1)
            residuals = np.r_[resid0, resid1]
        else:
            mu1_model, residuals = None, resid0

    def mu0(xs):
        return mu0_model.predict(np.asarray(xs, dtype=np.float64))

    def tau(xs: pd.DataFrame) -> np.ndarray:
        arr = xs[covs].to_numpy(dtype=np.float64)
        if effect is None:
            return mu1_model.predict(arr) - mu0(arr)
        if callable(effect):
            out = np.asarray(effect(xs[covs].reset_index(drop=True)), dtype=np.float64).reshape(-1)
            if out.shape != (len(xs),) or not np.isfinite(out).all():
                raise InvalidValueError(f"effect(X) must return {len(xs)} finite values, got shape {out.shape}")
            return out
        return np.full(len(xs), float(effect))

    # the treatment: a logistic regression on standardised covariates, written in raw units
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    logit = LogisticRegression(max_iter=1000).fit((x - mean) / sd, t)
    coefs = logit.coef_[0] / sd
    intercept = float(logit.intercept_[0] - np.sum(coefs * mean))

    scm = SCM()
    n = len(fit)
    scm.add("R", Table([], np.full(n, 1.0 / n)), hidden=True)
    kinds = {}
    for j, c in enumerate(covs):
        vtype = task.type(c)
        if vtype.discrete and tuple(vtype.levels) == tuple(range(len(vtype.levels))):
            scm.add(c, Table(["R"], np.eye(len(vtype.levels))[x[:, j].astype(np.int64)]))
        else:
            values = torch.tensor(np.ascontiguousarray(x[:, j]))
            scm.add(c, Custom(lambda pa, u, values=values: values[pa["R"].long()], ["R"], Uniform(0, 1)))
        kinds[c] = vtype
    scm.add(treatment, Logistic(dict(zip(covs, coefs.tolist())), intercept=intercept))

    def surface(**pa):
        xs = pd.DataFrame({c: pa[c].detach().cpu().numpy() for c in covs})
        tt = pa[treatment].detach().cpu().numpy()
        out = np.empty(len(xs))
        # mu0 + t tau, with each model asked only where it is needed: a control unit needs mu0
        # alone, a treated one mu1 alone when the effect is fitted (mu0 + tau = mu1)
        control, treated = tt == 0, tt == 1
        other = ~(control | treated)
        if control.any():
            out[control] = mu0(xs[control].to_numpy())
        if treated.any():
            rows = xs[treated]
            out[treated] = mu1_model.predict(rows.to_numpy(dtype=np.float64)) if effect is None else \
                mu0(rows.to_numpy()) + tau(rows)
        if other.any():
            rows = xs[other]
            out[other] = mu0(rows.to_numpy()) + tt[other] * tau(rows)
        return torch.as_tensor(out, dtype=torch.float64)

    scm.add(outcome, Additive(surface, parents=[treatment, *covs],
                              noise=Empirical.from_residuals(residuals)))

    env = SemiSynthetic.__new__(SemiSynthetic)
    env.treatment, env.outcome, env.covariates = treatment, outcome, tuple(covs)
    env.knobs = {"effect": "fitted" if effect is None else (repr(effect) if not callable(effect) else
                                                            getattr(effect, "__name__", "callable")),
                 "holdout": float(holdout)}
    env.scm, env.id = scm, name
    env._x_fit, env._tau = x, tau
    env._tau_fit = tau(fit[covs])
    z = intercept + x @ coefs
    env._propensity_fit = 1.0 / (1.0 + np.exp(-z))
    env._held_out = held_out[[*covs, treatment, outcome]].reset_index(drop=True)
    env.generator_ = generator_
    return env


def _is_learner(model) -> bool:
    """A causalab learner (``fit(data, task)`` and the rungs), told from a scikit-learn regressor
    by its rung-2 method and tags (duck-typed: the environments never import the learners)."""
    return not isinstance(model, type) and hasattr(model, "predict_do") and hasattr(model, "tags")


def _fit_learner(generator, fit: pd.DataFrame, graph, task, treatment, outcome, covs, rng):
    """``generator`` (a causalab learner) cloned and fitted to the fit rows on the given graph,
    and its out-of-fold residuals ``y - mu_t(x)`` (5 folds, each unit's factual arm; both arms).

    The learner's task is the graph's, over the columns simulated (covariates, treatment,
    outcome): any other variable of the graph is hidden there (projected out, so a mediator
    leaves ``T -> Y``), and the types are the whole data's.
    """
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    from ..exceptions import CausalabWarning
    from .data import parse_graph, task_from_data

    if generator.tags.predict_do is None:
        raise InvalidValueError(f"the generator {generator!r} does not answer rung 2 (predict_do); semi_synthetic "
                                "takes its do-predictions mu0(x), mu1(x) as the outcome's surfaces")
    g = parse_graph(graph)
    kept = {*covs, treatment, outcome}
    hidden = [v for v in g if v not in kept and not g.nodes[v].get("latent")]
    gen_task = task_from_data(fit, g, treatment, outcome, covariates=covs, hidden=hidden,
                              types={c: task.type(c) for c in fit.columns})
    fitted = clone(generator).fit(fit, gen_task)
    if fitted.tags.predict_do is None:
        raise InvalidValueError(f"the generator {generator!r} does not answer rung 2 (predict_do) on this task")
    # out-of-fold residuals at each unit's own treatment: the noise the fitted model leaves
    oof = np.empty(len(fit))
    folds = KFold(5, shuffle=True, random_state=int(rng.integers(2**31)))
    for train_rows, test_rows in folds.split(fit):
        with warnings.catch_warnings():  # the full fit above has already said what the data warn of
            warnings.simplefilter("ignore", CausalabWarning)
            fold = clone(generator).fit(fit.iloc[train_rows].reset_index(drop=True), gen_task)
        units = fit.iloc[test_rows]
        oof[test_rows] = fold.predict_do(units[[*covs, treatment]], {treatment: units[treatment].to_numpy()})
    return fitted, fit[outcome].to_numpy(dtype=np.float64) - oof


class _Surface:
    """One arm's surface ``mu_t(x)`` from a fitted causalab learner: its ``predict_do(x, do(T=t))``,
    computed once on the fit rows and stored, so the simulator and the truth read the same
    numbers; covariate values that are no fit row (held-out rows, ``do`` on a covariate) ask
    the learner. ``predict(array)`` as a scikit-learn regressor's."""

    def __init__(self, learner, covs, treatment, level, x_fit):
        self.learner, self.covs, self.treatment, self.level = learner, list(covs), treatment, level
        x_fit = np.ascontiguousarray(x_fit, dtype=np.float64)
        self.index = {row.tobytes(): i for i, row in enumerate(x_fit)}
        self.values = self._ask(x_fit)

    def _ask(self, arr):
        frame = pd.DataFrame(arr, columns=self.covs).assign(**{self.treatment: self.level})
        return self.learner.predict_do(frame, {self.treatment: self.level}).to_numpy(dtype=np.float64)

    def predict(self, arr) -> np.ndarray:
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        at = np.fromiter((self.index.get(row.tobytes(), -1) for row in arr), dtype=np.int64, count=len(arr))
        out = np.empty(len(arr))
        found = at >= 0
        out[found] = self.values[at[found]]
        if not found.all():
            out[~found] = self._ask(arr[~found])
        return out


__all__ = ["Empirical", "REALISM_COLUMNS", "SemiSynthetic", "semi_synthetic"]
