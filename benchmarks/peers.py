"""causalab's learners against EconML's and CausalML's on the same data and the same splits.

Datasets (each a list of replications; every learner sees the same training rows):

- **Nie-Wager A-D**: CausalML's ``synthetic_data`` modes 1-4, the setups of Nie & Wager
  (2021, "Quasi-oracle estimation of heterogeneous treatment effects", Biometrika): A,
  difficult nuisances and an easy effect; B, a randomised trial; C, an easy propensity and a
  difficult baseline; D, unrelated arms. :func:`nie_wager` re-implements CausalML's
  generator from the paper's formulas with an explicit ``numpy.random.RandomState`` drawn in
  CausalML's order, so ``nie_wager(mode, n, p, sigma, seed)`` equals
  ``np.random.seed(seed); causalml.dataset.synthetic_data(mode, n, p, sigma)`` bit for bit
  (a test checks it when CausalML is installed) without touching numpy's global generator.
  n = 1000 training and 1000 test rows, p = 6, sigma = 1; scored on the test rows.
- **DoWhy linear**: ``dowhy.datasets.linear_dataset`` (binary treatment, beta = 10, five
  common causes, two effect modifiers, outcome noise sd 1), called inside a context that
  seeds and restores numpy's global generator (DoWhy draws from it), with DoWhy 0.14's
  ``convert_to_binary`` patched to return a scalar (the same draw; the original fails under
  numpy >= 2.3). The CATE is
  ``beta + X ce``; DoWhy does not return ``ce``, so :func:`dowhy_linear` replays DoWhy's
  draws from the same seed and checks the replay against the returned columns.
- **IHDP**: the ten replications of the CEVAE release with the CEVAE split as in
  ``benchmarks/ihdp.py`` (90% to fit, scored within that sample, as the published table is).
- **LaLonde**: NSW treated men and CPS controls (LaLonde-v0, 16,177 rows); no unit-level
  truth, so the score is the effect on the treated against the experiment's $1,794.34 (the
  NSW randomised estimate, itself with a standard error of about $670). One sample, so its
  replications are subsamples (:func:`lalonde_reps`: 80% of each arm, without replacement),
  and its SE says how much a learner's error moves with the rows it is given.

Scores per learner: the ATE error ``|mean(tau_hat) - mean(tau)|`` (LaLonde: the ATT's) and
``sqrt(PEHE) = sqrt(mean((tau_hat - tau)^2))``, mean +- standard error over replications,
and the mean fit time. Every learner's CATE is read through causalab's contract
(``predict_do(T=1) - predict_do(T=0)``), the wrapped peers' included. Parity: on the first
replication of every dataset each wrapped peer's CATE is set against the peer called
directly (its own ``fit`` and ``effect`` / ``predict`` on the same seed); the largest
difference is printed (the test suite checks it to 1e-9 on one small case).

Run: ``python benchmarks/peers.py [--quick | --smoke] [--only PREFIX ...]`` (``make bench`` runs the full one;
quick: two replications per dataset, IHDP and LaLonde three; full: five, IHDP and LaLonde ten;
``--only LaLonde IHDP`` runs the datasets so named; smoke: tiny sizes, neural learners capped
at 3 epochs, for the test suite: its numbers mean nothing).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import time
import warnings
from unittest import mock
from collections.abc import Callable

import numpy as np
import pandas as pd

import causalab as cl

warnings.filterwarnings("ignore")

#: published within-sample sqrt(PEHE) on IHDP, 1000 replications (DESIGN.md section 8)
PUBLISHED_IHDP = {"OLS-2": 2.4, "BART": 2.1, "TARNet": 0.88, "CFR-Wass": 0.71, "CEVAE": 2.7}
LALONDE_EXPERIMENT = 1794.34


# ---------------------------------------------------------------------- data
def nie_wager(mode: int, n: int, p: int = 6, sigma: float = 1.0, seed: int = 0):
    """Nie & Wager's setups A-D (CausalML's ``synthetic_data`` modes 1-4), seeded explicitly.

    ``X`` is U(0, 1)^p (A) or N(0, I_p) (B-D); ``Y = b(X) + (W - 1/2) tau(X) + sigma eps``:

    - A: ``b = sin(pi x1 x2) + 2 (x3 - 1/2)^2 + x4 + x5/2``, ``e = clip(sin(pi x1 x2), .1, .9)``,
      ``tau = (x1 + x2) / 2``;
    - B: ``b = max(0, x1 + x2, x3) + max(0, x4 + x5)``, ``e = 1/2``, ``tau = x1 + log(1 + e^x2)``;
    - C: ``b = 2 log(1 + e^(x1 + x2 + x3))``, ``e = 1 / (1 + e^(x2 + x3))``, ``tau = 1``;
    - D: ``b = (max(0, x1 + x2 + x3) + max(0, x4 + x5)) / 2``, ``e = 1 / (1 + e^-x1 + e^-x2)``,
      ``tau = max(0, x1 + x2 + x3) - max(0, x4 + x5)``.

    Returns ``(y, X, w, tau, b, e)`` as CausalML does.
    """
    if mode not in (1, 2, 3, 4):
        raise cl.InvalidValueError(f"Nie-Wager mode is 1, 2, 3 or 4, got {mode!r}")
    if p < 5:
        raise cl.InvalidValueError(f"the Nie-Wager setups need p >= 5 covariates, got {p!r}")
    rs = np.random.RandomState(seed)
    zero = np.zeros(n)
    if mode == 1:
        x = rs.uniform(size=n * p).reshape((n, -1))
        b = np.sin(np.pi * x[:, 0] * x[:, 1]) + 2 * (x[:, 2] - 0.5) ** 2 + x[:, 3] + 0.5 * x[:, 4]
        e = np.maximum(0.1, np.minimum(np.sin(np.pi * x[:, 0] * x[:, 1]), 0.9))
        from scipy.special import expit, logit

        e = expit(logit(e) - 0.0)  # CausalML's adj = 0: a round trip, kept for bit-equality
        tau = (x[:, 0] + x[:, 1]) / 2
    else:
        x = rs.normal(size=n * p).reshape((n, -1))
        if mode == 2:
            b = np.maximum.reduce([zero, x[:, 0] + x[:, 1], x[:, 2]]) + np.maximum(zero, x[:, 3] + x[:, 4])
            e = np.full(n, 0.5)
            tau = x[:, 0] + np.log1p(np.exp(x[:, 1]))
        elif mode == 3:
            b = 2 * np.log1p(np.exp(x[:, 0] + x[:, 1] + x[:, 2]))
            e = 1 / (1 + np.exp(x[:, 1] + x[:, 2]))
            tau = np.ones(n)
        else:
            from scipy.special import expit, logit

            b = (np.maximum(zero, x[:, 0] + x[:, 1] + x[:, 2]) + np.maximum(zero, x[:, 3] + x[:, 4])) / 2
            e = expit(logit(1 / (1 + np.exp(-x[:, 0]) + np.exp(-x[:, 1]))) - 0.0)
            tau = np.maximum(zero, x[:, 0] + x[:, 1] + x[:, 2]) - np.maximum(zero, x[:, 3] + x[:, 4])
    w = rs.binomial(1, e, size=n)
    y = b + (w - 0.5) * tau + sigma * rs.normal(size=n)
    return y, x, w, tau, b, e


@contextlib.contextmanager
def global_numpy_seed(seed: int):
    """Seed numpy's global generator for a dependency that draws from it, and restore it after."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def dowhy_linear(n: int, seed: int, beta: float = 10.0, n_common: int = 5, n_modifiers: int = 2,
                 noise: float = 1.0):
    """DoWhy's ``linear_dataset`` with its per-unit effect.

    DoWhy's equations: ``W ~ N(m_W, I)``, ``X ~ N(m_X, I)`` (effect modifiers), ``T = 1`` with
    probability ``sigmoid(N(0, 1) + W c1)``, ``Y = beta T + W c2 + T (X ce) + N(0, noise^2)``,
    so ``tau(x) = beta + x ce``. ``ce`` is drawn inside DoWhy and not returned: it is
    re-derived by replaying DoWhy's draws (means, W, c1, c2, means, X, ce) from the same seed;
    the replayed W and X must equal the returned columns exactly, or this raises.

    Returns ``(frame, tau, meta)``: columns ``X0.., W0.., v0 (bool), y``; ``meta`` DoWhy's dict.
    """
    import dowhy.datasets
    from dowhy.datasets import linear_dataset

    def convert_to_binary(x, stochastic=True):
        # DoWhy 0.14's own returns a 1-element array, which numpy >= 2.3 refuses to put in an
        # element of np.vectorize's output; the same draw (np.random.choice), as a scalar
        p = 1 / (1 + np.exp(-x))
        return int(np.random.choice([0, 1], 1, p=[1 - p, p])[0]) if stochastic else int(p > 0.5)

    with global_numpy_seed(seed), mock.patch.object(dowhy.datasets, "convert_to_binary", convert_to_binary):
        meta = linear_dataset(beta=beta, num_common_causes=n_common, num_samples=n, num_effect_modifiers=n_modifiers,
                              treatment_is_binary=True, stddev_outcome_noise=noise)
    frame = meta["df"]
    rs = np.random.RandomState(seed)
    span = 0.5 + abs(beta) * 0.5
    w = rs.multivariate_normal(rs.uniform(-1, 1, n_common), np.eye(n_common), n)
    rs.uniform(0, span, (n_common, 1))  # c1
    rs.uniform(0, span, n_common)  # c2
    x = rs.multivariate_normal(rs.uniform(-1, 1, n_modifiers), np.eye(n_modifiers), n)
    ce = rs.uniform(0, span, n_modifiers)
    xs, ws = meta["effect_modifier_names"], meta["common_causes_names"]
    if not (np.array_equal(frame[ws].to_numpy(), w) and np.array_equal(frame[xs].to_numpy(), x)):
        raise RuntimeError("DoWhy's linear_dataset draws in a different order than this replay assumes; the "
                           "effect modifiers' coefficients cannot be re-derived")
    return frame, beta + x @ ce, meta


@dataclasses.dataclass
class Replication:
    """One fit: training rows, the rows scored (``evaluate``), their true effects and the task."""

    dataset: str
    index: int
    train: pd.DataFrame
    evaluate: pd.DataFrame
    tau: np.ndarray | None  # per evaluated unit; None: no unit-level truth (LaLonde)
    task: object
    target: float | None = None  # the true average over the evaluated units when tau is None


def _task(frame, treatment, outcome, covariates):
    edges = [f"{c} -> {treatment}; {c} -> {outcome}" for c in covariates] + [f"{treatment} -> {outcome}"]
    return cl.Task.from_data(frame, "; ".join(edges), treatment, outcome, covariates=list(covariates))


def nie_wager_reps(mode: int, n: int, reps, p: int = 6):
    out = []
    for r in reps:
        y, x, w, tau, _, _ = nie_wager(mode, 2 * n, p=p, sigma=1.0, seed=1000 * mode + r)
        cols = [f"X{j}" for j in range(p)]
        frame = pd.DataFrame(x, columns=cols).assign(T=w.astype(np.int64), Y=y)
        task = _task(frame, "T", "Y", cols)
        out.append(Replication(f"Nie-Wager {'ABCD'[mode - 1]} (mode {mode})", r, frame.iloc[:n], frame.iloc[n:],
                               tau[n:], task))
    return out


def dowhy_reps(n: int, reps):
    out = []
    for r in reps:
        frame, tau, meta = dowhy_linear(2 * n, seed=r)
        covs = [*meta["common_causes_names"], *meta["effect_modifier_names"]]
        frame = frame.assign(v0=frame["v0"].astype(np.int64))
        out.append(Replication("DoWhy linear", r, frame.iloc[:n], frame.iloc[n:], tau[n:],
                               _task(frame, "v0", "y", covs)))
    return out


def ihdp_reps(reps, n: int | None = None):
    """The CEVAE split of each replication; ``n`` keeps the first ``n`` fitting rows (smoke)."""
    env = cl.make("IHDP-v0")
    out = []
    for i in reps:
        rep = env.replication(i)
        frame = rep.rename(columns={"y_factual": "Y"})[env.observed]
        tau = (rep["mu1"] - rep["mu0"]).to_numpy()
        within = np.sort(np.random.default_rng(i).permutation(len(frame))[:int(round(0.9 * len(frame)))][:n])
        train = frame.iloc[within]
        out.append(Replication("IHDP (within-sample)", i, train, train, tau[within],
                               _task(frame, "T", "Y", env.covariates)))
    return out


#: the share of each arm a LaLonde replication keeps (subsampling without replacement)
LALONDE_SHARE = 0.8


def lalonde_reps(reps=range(1), n_controls: int | None = None, share: float = LALONDE_SHARE):
    """LaLonde's data has one sample, so its replications are subsamples: replication ``r``
    keeps a random ``share`` of the treated men and of the controls (without replacement,
    ``numpy.random.default_rng(r)``), fits on them and scores the ATT over the treated men it
    kept. Without replacement, no row appears twice, so cross-fitting folds and validation
    splits stay disjoint as on real data (a bootstrap's duplicated rows would leak between
    them). ``n_controls`` (the smoke run) first keeps every treated man and that many controls."""
    env = cl.make("LaLonde-v0")
    full = env.data()
    if n_controls is not None:
        controls = full.index[full["treat"] == 0]
        keep = np.random.default_rng(0).choice(controls, n_controls, replace=False)
        full = full.loc[np.sort(np.r_[full.index[full["treat"] == 1], keep])]
    task = _task(full, "treat", "re78", env.covariates)
    out = []
    for r in reps:
        rng = np.random.default_rng(r)
        kept = [rng.choice(arm, int(round(share * len(arm))), replace=False)
                for arm in (full.index[full["treat"] == 1], full.index[full["treat"] == 0])]
        frame = full.loc[np.sort(np.concatenate(kept))]
        out.append(Replication(f"LaLonde (ATT vs experiment, {share:.0%} subsamples)", r, frame,
                               frame[frame["treat"] == 1], None, task, target=LALONDE_EXPERIMENT))
    return out


def datasets(size: str) -> list[list[Replication]]:
    """Every dataset's replications; ``size``: "full", "quick" or "smoke"."""
    n, reps, ihdp, lalonde = {"full": (1000, range(5), range(1, 11), range(10)),
                              "quick": (1000, range(2), range(1, 4), range(3)),
                              "smoke": (80, range(1), range(1, 2), range(1))}[size]
    out = [nie_wager_reps(mode, n, reps) for mode in (1, 2, 3, 4)]
    small = size == "smoke"
    out += [dowhy_reps(n, reps), ihdp_reps(ihdp, 150 if small else None),
            lalonde_reps(lalonde, 200 if small else None)]
    return out


# ---------------------------------------------------------------------- learners
def causalab_learners(max_epochs: int | None = None) -> dict:
    """causalab's learners: OLS-2 (a T-learner on ridge regression with a vanishing penalty, as
    ``benchmarks/ihdp.py``), a T-learner on gradient boosting, TARNet, DragonNet, NeuralSCM
    (on the task's back-door graph), and the meta-learners on the peers' base model
    (scikit-learn's ``GradientBoostingRegressor(random_state=0)``, CausalML's learners' here):
    the DR-learner with an OLS final stage (EconML's default final model) and with a boosting
    one, and the X-learner with boosting in every stage (CausalML's X-learner's configuration;
    the propensity a standardised logistic regression). Fixed before any score was seen, and
    the same on every dataset. ``max_epochs`` (the smoke run) keeps OLS-2, TARNet and a
    DR-learner on linear models, and caps TARNet's epochs."""
    from sklearn.ensemble import GradientBoostingRegressor

    from causalab.learners import (
        DragonNet,
        DRLearner,
        GradientBoosting,
        LinearRegression,
        NeuralSCM,
        TARNet,
        TLearner,
        XLearner,
    )

    def gbr():
        return GradientBoostingRegressor(random_state=0)

    chosen = {"OLS-2": TLearner(LinearRegression(alpha=1e-8)), "T-learner boosting": TLearner(GradientBoosting()),
              "TARNet": TARNet(validation_fraction=0.3), "DragonNet": DragonNet(validation_fraction=0.3),
              "NeuralSCM": NeuralSCM(validation_fraction=0.3),
              "DR-learner": DRLearner(gbr(), final_model=LinearRegression()),
              "DR-learner boosting final": DRLearner(gbr(), final_model=gbr()),
              "X-learner": XLearner(gbr())}
    if max_epochs is not None:
        chosen = {k: chosen[k] for k in ("OLS-2", "TARNet")}
        chosen["DR-learner"] = DRLearner(LinearRegression(alpha=1.0), n_folds=2)
        for learner in chosen.values():
            if "max_epochs" in learner.get_params():
                learner.set_params(max_epochs=max_epochs)
    return chosen


@dataclasses.dataclass
class Peer:
    """A peer estimator: ``make()`` a fresh instance (the same constructor call both ways);
    ``wrap(est)`` the causalab learner; ``direct(est, x, t, y, x_eval)`` its CATE called directly."""

    library: str
    make: Callable
    wrap: Callable
    direct: Callable


def _econml_direct(est, x, t, y, x_eval):
    est.fit(y, t, X=x)
    return np.asarray(est.effect(x_eval), dtype=np.float64).reshape(-1)


def _causalml_direct(est, x, t, y, x_eval):
    est.fit(x, t, y)
    return np.asarray(est.predict(x_eval), dtype=np.float64)[:, 0]


def peer_learners(smoke: bool = False) -> dict[str, Peer]:
    """EconML's and CausalML's estimators that are installed, each with a fixed ``random_state``.

    Full runs use each library's defaults (EconML's cross-validated first stages, a
    100-tree causal forest; CausalML's learners on scikit-learn's gradient boosting, the
    R-learner's propensity a standardised logistic regression). ``smoke``: LinearDML and an
    8-tree causal forest on linear first stages, and CausalML's T-learner on linear
    regression, so the test suite runs every path (wrapping, direct calls, parity) in seconds.
    """
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def base():
        return LinearRegression() if smoke else GradientBoostingRegressor(random_state=0)

    def logistic():  # standardised: LaLonde's earnings (in dollars) stall lbfgs otherwise
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    stages = {"model_y": LinearRegression(), "model_t": logistic()} if smoke else {}
    peers = {}
    try:
        from econml.dml import CausalForestDML, LinearDML
        from econml.dr import DRLearner
    except ImportError:
        print("EconML is not installed (pip install 'causalab[econml]'): its estimators are left out")
    else:
        from causalab.learners import EconML

        peers["EconML LinearDML"] = Peer(
            "econml", lambda: LinearDML(discrete_treatment=True, random_state=0, **stages), EconML, _econml_direct)
        peers["EconML CausalForestDML"] = Peer(
            "econml", lambda: CausalForestDML(discrete_treatment=True, n_estimators=8 if smoke else 100,
                                              random_state=0, **stages), EconML, _econml_direct)
        if not smoke:
            peers["EconML DRLearner"] = Peer("econml", lambda: DRLearner(random_state=0), EconML, _econml_direct)
    try:
        from causalml.inference.meta import BaseRRegressor, BaseTRegressor, BaseXRegressor
    except ImportError:
        from causalab.learners.causalml_adapter import INSTALL

        print(f"CausalML is not installed ({INSTALL}): its learners are left out")
    else:
        from causalab.learners import CausalML

        if smoke:  # the X-learner's propensity is CausalML's cross-validated elastic net: seconds per fit
            peers["CausalML TLearner"] = Peer("causalml", lambda: BaseTRegressor(learner=base()), CausalML,
                                              _causalml_direct)
        else:
            peers["CausalML XLearner"] = Peer("causalml", lambda: BaseXRegressor(learner=base()), CausalML,
                                              _causalml_direct)
            peers["CausalML RLearner"] = Peer(
                "causalml", lambda: BaseRRegressor(learner=base(), propensity_learner=logistic(), random_state=0),
                CausalML, _causalml_direct)
    return peers


# ---------------------------------------------------------------------- scoring
def cate(learner, rep: Replication) -> np.ndarray:
    """The CATE through causalab's contract, on the evaluated rows."""
    t = rep.task.treatment
    return (learner.predict_do(rep.evaluate, {t: 1}) - learner.predict_do(rep.evaluate, {t: 0})).to_numpy()


def score(tau_hat, rep: Replication) -> tuple[float, float]:
    """(ATE error, sqrt(PEHE)); without unit-level truth, (|mean tau_hat - target|, NaN)."""
    if rep.tau is None:
        return abs(float(np.mean(tau_hat)) - rep.target), float("nan")
    return abs(float(np.mean(tau_hat) - np.mean(rep.tau))), float(np.sqrt(np.mean((tau_hat - rep.tau) ** 2)))


def parity(peer: Peer, rep: Replication) -> float:
    """Largest |wrapped CATE - direct CATE| over the evaluated rows (same constructor, same seed)."""
    task = rep.task
    covs = list(task.covariates)
    wrapped = cate(peer.wrap(peer.make()).fit(rep.train, task), rep)
    # C-ordered, as the adapters build it: some fits (gradient boosting with sample weights in
    # CausalML's R-learner) break ties differently on a column-major copy of the same numbers
    x, x_eval = (np.ascontiguousarray(f[covs].to_numpy(dtype=np.float64)) for f in (rep.train, rep.evaluate))
    direct = peer.direct(peer.make(), x, rep.train[task.treatment].to_numpy(dtype=np.int64),
                         rep.train[task.outcome].to_numpy(dtype=np.float64), x_eval)
    return float(np.max(np.abs(wrapped - direct)))


def run(data: list[list[Replication]], learners: dict, peers: dict[str, Peer], check_parity: bool = True):
    """Scores ``{dataset: {learner: array (reps, 2)}}``, fit seconds ``{dataset: {learner: [s]}}``
    and parity ``{dataset: {peer: max difference}}``."""
    scores, seconds, gaps = {}, {}, {}
    for reps in data:
        name = reps[0].dataset
        scores[name], seconds[name], gaps[name] = {}, {}, {}
        for rep in reps:
            every = {**learners, **{k: p.wrap(p.make()) for k, p in peers.items()}}
            for label, learner in every.items():
                start = time.perf_counter()
                try:
                    learner.fit(rep.train, rep.task)
                except cl.CausalabError as exc:
                    print(f"  {name} {rep.index}: {label} refuses ({type(exc).__name__}: {str(exc)[:80]})")
                    continue
                seconds[name].setdefault(label, []).append(time.perf_counter() - start)
                scores[name].setdefault(label, []).append(score(cate(learner, rep), rep))
        if check_parity:
            gaps[name] = {k: parity(p, reps[0]) for k, p in peers.items()}
        print(f"{name}: {len(reps)} replication(s) done", flush=True)
    return {d: {k: np.array(v) for k, v in s.items()} for d, s in scores.items()}, seconds, gaps


# ---------------------------------------------------------------------- table
def _mean_se(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return float(values.mean()), float(se)


def _cell(values) -> str:
    m, se = _mean_se(values)
    if not np.isfinite(m):
        return "-"
    digits = 0 if abs(m) >= 100 else 3
    return f"{m:.{digits}f}" + ("" if not np.isfinite(se) else f" +- {se:.{digits}f}")


IHDP_FOOTER = ("Published IHDP sqrt(PEHE), within-sample, 1000 replications: Shalit, Johansson, Sontag (2017) "
               "OLS-2 2.4, BART 2.1, TARNet 0.88, CFR-Wass 0.71; Louizos et al. (2017) CEVAE 2.7. Ten replications "
               "are not a thousand (a few extreme response surfaces dominate the mean).")


def table(scores, seconds, gaps, peers: dict[str, Peer], footer: bool = True) -> str:
    lines = []
    for name, by_learner in scores.items():
        n_rep = max((len(v) for v in by_learner.values()), default=0)
        lines += ["", f"### {name}: {n_rep} replication(s), mean +- standard error", "",
                  "| learner | library | ATE error | sqrt(PEHE) | fit s | published sqrt(PEHE) |",
                  "|---|---|---|---|---|---|"]
        for label, v in by_learner.items():
            lib = peers[label].library if label in peers else "causalab"
            pub = PUBLISHED_IHDP.get(label, "-") if name.startswith("IHDP") else "-"
            lines.append(f"| {label} | {lib} | {_cell(v[:, 0])} | {_cell(v[:, 1])} | "
                         f"{np.mean(seconds[name][label]):.2f} | {pub} |")
        if name.startswith("IHDP"):
            lines.append(f"| (BART, CFR-Wass: published only) | - | - | - | - | {PUBLISHED_IHDP['BART']}, "
                         f"{PUBLISHED_IHDP['CFR-Wass']} |")
        lines.append(_verdict(by_learner, peers))
        if gaps.get(name):
            worst = max(gaps[name].values())
            lines.append(f"Parity, first replication: largest |wrapped - direct| CATE over the peers {worst:.1e} "
                         f"({', '.join(f'{k} {v:.0e}' for k, v in gaps[name].items())}).")
    if footer:
        lines += ["", IHDP_FOOTER]
    return "\n".join(lines)


def _verdict(by_learner, peers) -> str:
    col = 1 if any(np.isfinite(v[:, 1]).all() for v in by_learner.values()) else 0
    what = "sqrt(PEHE)" if col == 1 else "ATE error"
    ours = {k: _mean_se(v[:, col]) for k, v in by_learner.items() if k not in peers}
    theirs = {k: _mean_se(v[:, col]) for k, v in by_learner.items() if k in peers}
    if not ours or not theirs:
        return ""
    a, b = min(ours, key=lambda k: ours[k][0]), min(theirs, key=lambda k: theirs[k][0])
    (ma, sa), (mb, sb) = ours[a], theirs[b]
    se = sb if np.isfinite(sb) else 0.0
    ok = "yes" if ma <= mb + se else "no"
    within = f"within one peer SE ({se:.2g})" if np.isfinite(sb) else "as good (one replication: no SE)"
    text = f"Best causalab {a} {ma:.3g} vs best peer {b} {mb:.3g} ({what}): {within} or better: {ok}."
    va, vb = by_learner[a][:, col], by_learner[b][:, col]
    if len(va) == len(vb) > 1:  # the same splits: the per-replication difference is the sharper comparison
        d, sd = _mean_se(va - vb)
        text += f" Paired difference (causalab - peer) over the {len(va)} replications: {d:+.3g} +- {sd:.2g}."
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="two replications per dataset (IHDP and LaLonde three)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, neural learners capped at 3 epochs: runs "
                        "every path (the test suite's check); its numbers mean nothing")
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="the datasets whose names start with one of "
                        "these (e.g. --only LaLonde IHDP)")
    args = parser.parse_args()
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1 if args.smoke else 2)
    # one OpenMP thread: scikit-learn's histogram boosting spins its threads while waiting, and
    # on a shared 2-core machine that made one 1000-row fit take minutes instead of a second
    threadpool_limits(1, user_api="openmp")
    peers = peer_learners(smoke=args.smoke)
    learners = causalab_learners(3 if args.smoke else None)
    chosen = [reps for reps in datasets(size) if not args.only or reps[0].dataset.startswith(tuple(args.only))]
    for reps in chosen:  # each dataset's table as soon as it is done
        scores, seconds, gaps = run([reps], learners, peers)
        print(table(scores, seconds, gaps, peers, footer=False), flush=True)
    print("\n" + IHDP_FOOTER)


if __name__ == "__main__":
    main()
