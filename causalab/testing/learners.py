"""Common checks every learner must pass (selected by tags, never by class names).

``LEARNER_CHECKS`` lists ``(name, check)``; each check takes an unfitted learner and
raises ``AssertionError`` with a message on failure. :func:`check_learner` runs them all.
The checks fit on :class:`RandomisedTrial`, a small randomised experiment in which every
learner's assumptions hold, so a failure there is a bug, not a lesson. The last four
(threads, variable dtypes, pickling, a binary outcome) fit on smaller trials, once per
learner and variant, and compare answers rather than accuracy.
"""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
import tempfile

import cloudpickle
import numpy as np
import pandas as pd
from sklearn.base import clone

from ..envs.base import Environment
from ..exceptions import (
    CausalabError,
    InvalidInterventionError,
    InvalidValueError,
    NotFittedError,
    NotIdentifiedError,
    OutOfSupportError,
    SupportWarning,
    UnknownVariableError,
    UnsupportedQueryError,
)

N_TRAIN = 3000
RUNGS = ("predict", "predict_do", "predict_counterfactual")


class RandomisedTrial(Environment):
    """A randomised trial with an instrument and, optionally, a mediator, so that every
    family of estimator has its assumptions met.

    Structural equations (``tau`` = ``effect``)::

        Z := Bernoulli(0.5)                  randomised assignment (an instrument)
        W := N(0, 1)                         a prognostic covariate
        T := Z xor Bernoulli(0.05)           treatment taken (5% non-compliance, at random)
        Y := tau T + W + N(0, 1)             (mediated=False)
        M := tau T + N(0, 1),  Y := M + W + N(0, 1)    (mediated=True: the front door)

    With ``binary_outcome=True`` the outcome is binary, ``P(Y = 1) = sigmoid(tau T + W)``
    (or ``sigmoid(M + W)`` when mediated): every answer about it is a probability.

    Truth: ATE = ``effect`` (additive, the same for every unit). Nothing confounds T and Y.
    The Wald estimator has the largest standard error of the valid estimators:
    sqrt(Var(Y - tau T) / n) / (Cov(T, Z) / sd(Z)), with Cov(T, Z) = 0.9 * 0.25.
    """

    story = "A randomised trial with an instrument and an optional mediator: every estimator's assumptions hold."
    treatment, outcome, covariates = "T", "Y", ("Z", "W")
    expected = {family: (True, "randomised: nothing confounds T and Y") for family in
                ("naive", "correlational", "backdoor", "iv", "graph-based")}

    def build(self, effect: float = 2.0, mediated: bool = False, binary_outcome: bool = False):
        from ..scm import SCM, Linear, Logistic, Normal, Table

        scm = SCM()
        scm.add("Z", Table([], 0.5))
        scm.add("W", Normal(0, 1))
        scm.add("T", Table(["Z"], [0.05, 0.95]))
        if mediated:
            scm.add("M", Linear({"T": effect}))
        coefs = {"M": 1.0, "W": 1.0} if mediated else {"T": effect, "W": 1.0}
        scm.add("Y", Logistic(coefs) if binary_outcome else Linear(coefs))
        return scm

    def wald_se(self, n: int) -> float:
        """Closed-form large-sample standard error of the Wald estimator (see the docstring)."""
        var_resid = 2.0 + (1.0 if self.knobs["mediated"] else 0.0)
        return float(np.sqrt(var_resid / n) / (0.9 * 0.25 / 0.5))


class SupportTrial(Environment):
    """A small randomised trial whose treatment has values the training data never show.

    Structural equations (``tau`` = 2)::

        Z := Bernoulli(0.5)                    an instrument
        W := N(0, 1)                           a prognostic covariate
        T := Z xor Bernoulli(0.1)              (kind="categorical": levels 0, 1, 2; level 2 never drawn)
        T := Z + N(0, 0.5)                     (kind="continuous")
        Y := tau T + W + N(0, 1)

    Truth: ATE per unit of T is ``tau``. The support checks refuse ``do(T=2)`` (categorical:
    no training unit has it) and ``do(T=max + 1)`` (continuous: outside the training range).
    """

    story = "A randomised trial whose treatment has a level (or a range) the training data never show."
    treatment, outcome, covariates = "T", "Y", ("Z", "W")
    expected = {family: (True, "randomised") for family in ("naive", "correlational", "backdoor", "graph-based")}

    def build(self, kind: str = "categorical"):
        from ..scm import SCM, Linear, Normal, Table

        scm = SCM()
        scm.add("Z", Table([], 0.5))
        scm.add("W", Normal(0, 1))
        if kind == "categorical":
            scm.add("T", Table(["Z"], [[0.9, 0.1, 0.0], [0.1, 0.9, 0.0]]))
        else:
            scm.add("T", Linear({"Z": 1.0}, noise=Normal(0, 0.5)))
        scm.add("Y", Linear({"T": 2.0, "W": 1.0}))
        return scm


def _trial(mediated=False):
    env = RandomisedTrial(mediated=mediated)
    data = env.sample(N_TRAIN, seed=11)
    data.index = pd.RangeIndex(1000, 1000 + len(data)) * 3  # a non-default index to check alignment
    return env, data


def _fitted(learner, fresh=None):
    """Fit ``fresh`` (default: a clone of ``learner``) on the plain trial, or on the mediated
    one if it refuses the plain one (the front door needs a mediator); returns
    ``(fitted, env, data)``."""
    for mediated in (False, True):
        env, data = _trial(mediated)
        try:
            return (fresh if fresh is not None else clone(learner)).fit(data, env.task), env, data
        except NotIdentifiedError:
            if mediated:
                raise


#: the last few shared fits, keyed by the learner's class and parameters (see _shared_fit)
_SHARED: dict = {}
_SHARED_MAX = 4


def _shared_fit(learner):
    """``_fitted(learner)``, fitted once and shared by the checks that only query the fit.

    The checks that test fitting itself (fit returns self and leaves its input alone, no
    global state touched, two fits agree) fit their own clone. Queries never change a fitted
    learner's answers (``check_same_seed_same_predictions`` compares a shared fit with a fresh
    one), so sharing cannot hide a fault; it saves one fit per check.
    """
    try:
        key = (type(learner), pickle.dumps(_params_of(learner)))
    except (pickle.PicklingError, TypeError, AttributeError):  # parameters that do not pickle: a fresh fit
        return _fitted(learner)
    if key not in _SHARED:
        while len(_SHARED) >= _SHARED_MAX:
            _SHARED.pop(next(iter(_SHARED)))
        _SHARED[key] = _fitted(learner)
    return _SHARED[key]


def _query(fitted, rung, data, do):
    if rung == "predict":
        return fitted.predict(data)
    return getattr(fitted, rung)(data, do)


# ---------------------------------------------------------------------- checks
def check_tags(learner):
    from ..learners.base import FAMILIES, LearnerTags

    tags = learner.tags
    assert isinstance(tags, LearnerTags), f"tags must be a LearnerTags, got {type(tags).__name__}"
    assert tags.family in FAMILIES
    assert any(v is not None for v in tags.rungs.values()) or hasattr(learner, "effect")


def _params_of(learner) -> dict:
    """get_params with nested estimators compared by type and parameters, not identity (and
    array-valued parameters, e.g. a nested model's grid, by value; lists and tuples, e.g. a
    Pipeline's steps, item by item). A nested object with neither ``get_params`` nor its own
    ``==`` (CausalML's ``ElasticNetPropensityModel``, a CV splitter), which ``clone``
    deep-copies, is compared by type and attributes."""
    def plain(v, depth=0):
        if isinstance(v, np.ndarray):
            return ("ndarray", v.dtype.str, v.shape, v.tolist())
        if hasattr(v, "get_params") and not isinstance(v, type):
            return type(v).__name__, _params_of(v)
        if isinstance(v, (list, tuple)) and depth < 4:  # a Pipeline's steps: (name, estimator) pairs
            return type(v).__name__, [plain(x, depth + 1) for x in v]
        if depth < 4 and type(v).__eq__ is object.__eq__ and hasattr(v, "__dict__") and not isinstance(v, type) \
                and not callable(v):
            return type(v).__name__, {k: plain(x, depth + 1) for k, x in vars(v).items()}
        return v
    return {k: plain(v) for k, v in learner.get_params(deep=False).items()}


def check_clone_and_params(learner):
    params = _params_of(learner)
    twin = clone(learner)
    assert twin is not learner and _params_of(twin) == params, "clone changed the parameters"
    assert not any(k.endswith("_") for k in vars(twin)), "a clone carries fitted state"
    twin.set_params(**learner.get_params(deep=False))
    assert _params_of(twin) == params
    fitted, _, _ = _shared_fit(learner)
    assert _params_of(clone(fitted)) == params
    assert not hasattr(clone(fitted), "task_"), "clone of a fitted learner is fitted"


def check_not_fitted(learner):
    env, data = _trial()
    fresh = clone(learner)
    for call in (lambda: fresh.predict(data), lambda: fresh.predict_do(data, {"T": 1}),
                 lambda: fresh.predict_counterfactual(data, {"T": 1}), lambda: fresh.effect(1, 0)):
        try:
            call()
        except NotFittedError as exc:
            assert "fit" in str(exc)
        else:
            raise AssertionError("a query before fit did not raise NotFittedError")


def check_fit_returns_self_no_mutation(learner):
    fresh = clone(learner)
    out, env, data = _fitted(learner, fresh)
    before = _trial(env.knobs["mediated"])[1]  # the same draw again, untouched
    assert out is fresh, "fit must return self"
    for rung in RUNGS:
        try:
            _query(fresh, rung, data, {"T": 1})
        except UnsupportedQueryError:
            pass
    pd.testing.assert_frame_equal(data, before, obj="the data after fit and queries")


def check_outputs_aligned(learner):
    fitted, env, data = _shared_fit(learner)
    shuffled = data.sample(frac=1.0, random_state=0).iloc[:200]
    for rung in RUNGS:
        if getattr(fitted.tags, rung) is None:
            continue
        out = _query(fitted, rung, shuffled, {"T": 1})
        assert isinstance(out, pd.Series), f"{rung} must return a pandas Series"
        assert out.index.equals(shuffled.index), f"{rung} is not aligned to the input's index"
        assert out.name == env.outcome and np.isfinite(out.to_numpy()).all()


def check_ignores_outcome(learner):
    """No peeking: rung-1 and rung-2 answers never read the outcome. They are the same (to
    1e-12) when the data lack the outcome column or have it replaced by other values, and so
    is ``effect`` on those data. Only rung 3 (the counterfactual given the factual row) may
    read it."""
    fitted, env, data = _shared_fit(learner)
    rows, y = data.iloc[:100], env.outcome
    variants = {"without the outcome column": rows.drop(columns=y),
                "with the outcome replaced": rows.assign(**{y: rows[y].to_numpy()[::-1] * -3.0 + 7.0})}
    for rung in ("predict", "predict_do"):
        if getattr(fitted.tags, rung) is None:
            continue
        asked = _query(fitted, rung, rows, {"T": 1}).to_numpy()
        again = _query(fitted, rung, rows, {"T": 1}).to_numpy()
        jitter = float(np.max(np.abs(again - asked), initial=0.0))
        assert np.array_equal(again, asked), \
            f"{rung} is not deterministic: two calls on the same rows differ by up to {jitter:.3g} (a model " \
            "that averages in threads, e.g. n_jobs=-1? Give it n_jobs=1)"
        for what, frame in variants.items():
            out = _query(fitted, rung, frame, {"T": 1})
            assert out.index.equals(rows.index), f"{rung} {what} is not aligned to the input's index"
            gap = float(np.max(np.abs(out.to_numpy() - asked), initial=0.0))
            assert np.allclose(out.to_numpy(), asked, rtol=1e-12, atol=1e-12), \
                f"{rung} changed {what} (by up to {gap:.3g}): it reads the outcome, which only rung 3 may"
    if fitted.tags.predict_do is not None:
        asked = float(fitted.effect(1, 0, data=rows).value)
        for what, frame in variants.items():
            got = float(fitted.effect(1, 0, data=frame).value)
            assert abs(got - asked) <= 1e-12 * (1 + abs(asked)), \
                f"effect(data=...) changed {what} ({asked} -> {got}): it reads the outcome, which only rung 3 may"


def check_tags_honest(learner):
    """A rung the tags claim answers finite values; one they do not claim raises UnsupportedQueryError."""
    fitted, env, data = _shared_fit(learner)
    for rung in RUNGS:
        if getattr(fitted.tags, rung) is not None:
            try:
                values = _query(fitted, rung, data.iloc[:50], {"T": 1}).to_numpy()
            except UnsupportedQueryError as exc:
                raise AssertionError(f"the tags claim {rung}, but it raised: {exc}") from exc
            assert np.isfinite(values).all()
        else:
            try:
                _query(fitted, rung, data.iloc[:50], {"T": 1})
            except UnsupportedQueryError as exc:
                assert rung in str(exc), f"the error for {rung} does not name it: {exc}"
            else:
                raise AssertionError(f"{rung} is not in the tags yet answered")
    effect = fitted.effect(1, 0)
    assert np.isfinite(float(effect.value))
    assert fitted.tags.effect_interval in ("analytic", "bootstrap")
    if fitted.tags.effect_interval == "analytic":
        assert effect.interval is not None, "effect_interval='analytic' but effect() gave no interval"
    else:  # every learner gives an interval: a bootstrap one on request (the machinery only: two
        # resamples of 150 rows, so that slow learners stay cheap)
        assert effect.interval is None, "a bootstrap interval without resamples asked for"
        small = clone(learner).fit(data.iloc[:150], env.task)
        effect = small.effect(1, 0, n_bootstrap=2, seed=0)
        assert effect.interval is not None and "bootstrap" in effect.method
    lo, hi = effect.interval
    assert lo <= effect.value <= hi, "the effect lies outside its own interval"
    for estimand in ("att", "atc"):  # the trial's treatment is binary: every estimand is answered
        other = fitted.effect(1, 0, estimand=estimand)
        assert other.estimand == estimand and np.isfinite(other.value)


def check_recovers_randomised_ate(learner, k: float = 4.0):
    """In a randomised trial every learner recovers the ATE within k standard errors of the
    least precise valid estimator (the Wald estimator, closed form)."""
    fitted, env, data = _shared_fit(learner)
    truth = env.knobs["effect"]
    estimate = float(fitted.effect(1, 0).value)
    tol = k * env.wald_se(len(data))
    assert abs(estimate - truth) <= tol, f"ATE {estimate:.4f} vs true {truth} (tolerance {tol:.3f})"
    if fitted.tags.predict_do is not None:
        diff = fitted.predict_do(data, {"T": 1}) - fitted.predict_do(data, {"T": 0})
        assert abs(diff.mean() - truth) <= tol


def check_same_seed_same_predictions(learner):
    """Two fits with the same parameters give identical answers here, and a fresh process
    gives the same answers to 1e-12 (not bit for bit: numpy's SIMD sums depend on how arrays
    happen to be aligned in memory, and BLAS on its thread count, which moves the last bit;
    any dependence on unseeded randomness, the hash seed or this process's history moves far
    more). One fresh process suffices: it differs from this one in hash seed and history."""
    fitted, env, data = _shared_fit(learner)
    again, _, _ = _fitted(learner)
    mine = _answers(fitted, data)
    for rung, values in _answers(again, data).items():
        np.testing.assert_array_equal(values, mine[rung], err_msg=f"{rung} differs between two fits")
    with tempfile.TemporaryDirectory() as tmp:
        job = os.path.join(tmp, "job.pkl")
        with open(job, "wb") as f:
            # cloudpickle sends a class defined in __main__ or a notebook by value (the child
            # process cannot import it); an importable class still goes by reference. The fresh
            # process also answers with the fitted learner pickled here: the bytes of a fitted
            # learner load elsewhere and give this process's answers
            cloudpickle.dump((clone(learner), data, env.knobs, fitted), f)
        code = ("import pickle,sys; from causalab.testing.learners import RandomisedTrial, _answers;"
                "l,d,k,f=pickle.load(open(sys.argv[1],'rb')); e=RandomisedTrial(**k);"
                "pickle.dump((_answers(l.fit(d,e.task),d),_answers(f,d)),open(sys.argv[2],'wb'))")
        env_vars = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        out = os.path.join(tmp, "out.pkl")
        done = subprocess.run([sys.executable, "-c", code, job, out], env=env_vars, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        assert done.returncode == 0, f"the fresh process failed: {done.stderr.decode()[-2000:]}"
        with open(out, "rb") as f:
            fresh, loaded = pickle.load(f)
    for rung, values in fresh.items():
        np.testing.assert_allclose(values, mine[rung], rtol=1e-12, atol=1e-12,
                                   err_msg=f"{rung} differs between a fresh process and this one")
        np.testing.assert_allclose(loaded[rung], mine[rung], rtol=1e-12, atol=1e-12,
                                   err_msg=f"{rung} of the fitted learner differs once unpickled in a fresh process")


def _answers(fitted, data):
    out = {"effect": np.array([float(fitted.effect(1, 0).value)])}
    for rung in RUNGS:
        if getattr(fitted.tags, rung) is not None:
            out[rung] = _query(fitted, rung, data.iloc[:100], {"T": 0}).to_numpy()
    return out


def check_no_global_state_leak(learner):
    """Fit and query leave Python's, numpy's and torch's global RNGs and Pyro's param store as
    they were. The global RNGs are first moved to a fresh state, so a leak cannot hide behind
    an earlier test that left the same state behind; the caller's state is put back after."""
    import torch

    saved = np.random.get_state(), random.getstate(), torch.get_rng_state()
    np.random.seed(20261126)
    random.seed(20261126)
    torch.manual_seed(20261126)
    try:
        np_state, py_state, torch_state = np.random.get_state(), random.getstate(), torch.get_rng_state()
        keys = _pyro_params()
        fitted, env, data = _fitted(learner)
        _answers(fitted, data)
        assert random.getstate() == py_state, "Python's global RNG changed"
        after = np.random.get_state()
        assert np_state[0] == after[0] and np.array_equal(np_state[1], after[1]) and np_state[2:] == after[2:], \
            "numpy's global RNG changed"
        assert torch.equal(torch_state, torch.get_rng_state()), "torch's global RNG changed"
        assert _pyro_params() == keys, "Pyro's param store changed"
    finally:
        np.random.set_state(saved[0])
        random.setstate(saved[1])
        torch.set_rng_state(saved[2])


def _pyro_params():
    if "pyro" not in sys.modules:
        return set()
    import pyro

    return set(pyro.get_param_store().keys())


# ---------------------------------------------------------------------- types, threads, pickling
#: rows of the small trials the checks below fit on (they compare answers, not accuracy)
N_SMALL = 120
_SMALL_FITS: dict = {}


def _small_fit(learner, variant: str = "int"):
    """``(fitted, env, data)`` on a small trial, fitted once per learner and variant.

    Variants: ``"int"`` (the trial as sampled), ``"typed"`` (the same rows with the binary
    treatment as ``bool`` and the instrument as a pandas categorical), ``"binary"`` (a binary
    outcome). Cached by the learner object and its parameters, so the checks below share fits.
    """
    key, params = (id(learner), variant), _params_of(learner)
    hit = _SMALL_FITS.get(key)
    if hit is not None and hit[0] is learner and hit[1] == params:
        return hit[2]
    for mediated in (False, True):
        env = RandomisedTrial(mediated=mediated, binary_outcome=variant == "binary")
        data = env.sample(N_SMALL, seed=5)
        data.index = pd.RangeIndex(7, 7 + N_SMALL) * 2
        if variant == "typed":
            data = _typed(data)
        try:
            out = clone(learner).fit(data, env.task), env, data
            break
        except NotIdentifiedError:
            if mediated:
                raise
    _SMALL_FITS[key] = (learner, params, out, {})
    while len(_SMALL_FITS) > 8:  # the checks of one learner run together: keep the latest few
        _SMALL_FITS.pop(next(iter(_SMALL_FITS)))
    return out


def _small_answers(learner, variant: str = "int") -> dict:
    """``_answers`` of the cached small fit (computed once)."""
    fitted, _, data = _small_fit(learner, variant)
    memo = _SMALL_FITS[(id(learner), variant)][3]
    if "answers" not in memo:
        memo["answers"] = _answers(fitted, data)
    return memo["answers"]


def _typed(data: pd.DataFrame) -> pd.DataFrame:
    """The trial's discrete columns in the dtypes users bring: bool, pandas categorical."""
    return data.assign(T=data["T"].astype(bool), Z=pd.Categorical(data["Z"], categories=[0, 1]))


def _same(mine: dict, other: dict, where: str):
    for rung, values in mine.items():
        np.testing.assert_array_equal(other[rung], values, err_msg=f"{rung} differs {where}")


def check_threads(learner):
    """Fitting and querying from several threads at once gives the sequential answers (no
    learner may rely on process-wide state, such as a global RNG, during a call). The fit in
    a thread is the one variable_dtypes checks (the same rows, bool / categorical columns),
    so the two checks share it."""
    from concurrent.futures import ThreadPoolExecutor

    fitted, env, data = _small_fit(learner, "int")
    mine = _small_answers(learner, "int")
    with ThreadPoolExecutor(3) as pool:
        fit = pool.submit(_small_fit, learner, "typed")  # a fit in one thread while two others query
        queries = [pool.submit(_answers, fitted, data) for _ in range(2)]
        typed, _, typed_data = fit.result()
        for query in queries:
            _same(mine, query.result(), "for queries from concurrent threads")
    _same(mine, _small_answers(learner, "typed"), "for a fit in a thread (on bool / categorical columns, see "
                                                   "variable_dtypes) while two others query")


def check_variable_dtypes(learner):
    """bool, pandas categorical (and so nullable) columns give exactly the answers of int
    columns: at fit, and in queries."""
    fitted, env, data = _small_fit(learner, "int")
    typed, _, typed_data = _small_fit(learner, "typed")
    assert typed_data["T"].dtype == bool and isinstance(typed_data["Z"].dtype, pd.CategoricalDtype)
    mine = _small_answers(learner, "int")
    _same(mine, _small_answers(learner, "typed"), "between int columns and bool / categorical ones")
    _same(mine, _answers(fitted, _typed(data)), "when the fitted learner is queried with bool / categorical columns")


def check_pickle_round_trip(learner):
    """A fitted learner round-trips through pickle and joblib with identical answers (a fresh
    process is checked by same_seed_same_predictions)."""
    import io

    import joblib

    fitted, env, data = _small_fit(learner, "int")
    mine = _small_answers(learner, "int")
    _same(mine, _answers(pickle.loads(pickle.dumps(fitted)), data), "after a pickle round trip")
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    _same(mine, _answers(joblib.load(buffer), data), "after a joblib round trip")


def check_discrete_outcome(learner):
    """On a binary outcome every answer is a probability in [0, 1]; rung 3 is refused (by an
    additive-noise rule, ``y + effect``, which leaves [0, 1]) or consistent: a unit whose
    factual treatment is the intervened one keeps its factual outcome."""
    try:
        fitted, env, data = _small_fit(learner, "binary")
    except UnsupportedQueryError:
        return  # a learner may refuse a binary outcome at fit, saying so
    rows = data.iloc[:100]
    for rung in RUNGS:
        if getattr(fitted.tags, rung) is None:
            continue
        try:
            values = _query(fitted, rung, rows, {"T": 1}).to_numpy()
        except InvalidValueError as exc:
            raise AssertionError(f"{rung} on a binary outcome: {exc}") from exc
        assert ((values >= 0) & (values <= 1)).all(), f"{rung} answered outside [0, 1] on a binary outcome"
        if rung == "predict_counterfactual" and fitted.tags.predict_counterfactual == "abduction":
            same = rows["T"].to_numpy() == 1
            np.testing.assert_allclose(values[same], rows["Y"].to_numpy()[same], atol=1e-9,
                                       err_msg="a counterfactual that sets the factual treatment changed the outcome")


def check_bad_input(learner):
    """Bad data and bad interventions raise typed errors that name the problem."""
    env, data = _trial()
    fresh = clone(learner)
    _expect(InvalidValueError, "Task", lambda: fresh.fit(data, "T"))
    _expect(InvalidValueError, "'Y'", lambda: fresh.fit(data.drop(columns="Y"), env.task))
    nan = data.copy()
    nan.loc[nan.index[3], "Y"] = np.nan
    _expect(InvalidValueError, "'Y'", lambda: fresh.fit(nan, env.task))
    text = data.astype({"T": str})
    _expect(InvalidValueError, "'T'", lambda: clone(learner).fit(text, env.task))
    assert not hasattr(fresh, "task_"), "a failed fit left the learner fitted"
    fitted, env, data = _shared_fit(learner)
    rung = next((r for r in ("predict_do", "predict_counterfactual") if getattr(fitted.tags, r)), None)
    if rung is None:
        return
    query = getattr(fitted, rung)
    _expect(UnknownVariableError, "'Q'", lambda: query(data, {"Q": 1}))
    _expect(InvalidInterventionError, "'Y'", lambda: query(data, {"Y": 1}))
    _expect(InvalidInterventionError, "levels", lambda: query(data, {"T": 3}))
    _expect(InvalidInterventionError, "finite", lambda: query(data, {"T": float("nan")}))
    _expect(InvalidValueError, "'T'", lambda: query(data.drop(columns="T"), {"T": 1}))


def check_constant_treatment(learner):
    """Training data with a single treatment value (or a level below the support floor) are
    refused at fit with OutOfSupportError naming the treatment, and leave the learner unfitted."""
    from ..learners.base import get_support_policy

    env, data = _trial()
    treated = data[data["T"] == 1]
    fresh = clone(learner)
    _expect(OutOfSupportError, "T=1", lambda: fresh.fit(treated, env.task))
    assert not hasattr(fresh, "task_"), "a fit refused for a constant treatment left the learner fitted"
    floor = get_support_policy().min_units
    thin = pd.concat([treated, data[data["T"] == 0].iloc[: floor - 1]])
    _expect(OutOfSupportError, "min_units", lambda: clone(learner).fit(thin, env.task))


N_SUPPORT = 200


def check_unseen_value(learner):
    """A treatment value the training data do not support is refused at every query that
    takes it (``predict_do``, ``predict_counterfactual``, ``effect``) with OutOfSupportError
    naming it: a categorical level no training unit has, and a continuous value past the
    training range; with ``support_policy(on_violation="warn")`` the continuous one is answered
    (finite) with a SupportWarning. A learner that refuses such a treatment at fit
    (UnsupportedQueryError) passes that part."""
    import warnings

    from ..learners.base import support_policy

    for kind in ("categorical", "continuous"):
        env = SupportTrial(kind=kind)
        data = env.sample(N_SUPPORT, seed=12)
        try:
            fitted = clone(learner).fit(data, env.task)
        except (UnsupportedQueryError, NotIdentifiedError):
            continue  # e.g. a learner that needs a binary treatment
        unseen = 2.0 if kind == "categorical" else float(data["T"].max()) + 1.0
        rows = data.iloc[:20]
        calls = [lambda: fitted.effect(unseen, 0.0)]
        calls += [(lambda r: lambda: getattr(fitted, r)(rows, {"T": unseen}))(r)
                  for r in ("predict_do", "predict_counterfactual") if getattr(fitted.tags, r) is not None]
        for call in calls:
            _expect(OutOfSupportError, "T=", call)
        if kind == "continuous":
            call = calls[-1]
            with warnings.catch_warnings(record=True) as seen, support_policy(on_violation="warn"):
                warnings.simplefilter("always", SupportWarning)
                try:
                    out = call()
                except CausalabError:
                    raise
                except Exception as exc:
                    raise AssertionError(
                        f"asked for T={unseen:.3g} under support_policy(on_violation='warn'), it raised "
                        f"{type(exc).__name__}: {exc}; a learner that cannot answer a continuous treatment should "
                        "refuse one at fit (UnsupportedQueryError)") from exc
            assert any(issubclass(w.category, SupportWarning) for w in seen), "warn mode answered without a warning"
            value = out.to_numpy() if isinstance(out, pd.Series) else np.asarray([float(out.value)])
            assert np.isfinite(value).all(), "warn mode gave a non-finite answer"


def _expect(error, text, call):
    try:
        call()
    except error as exc:
        assert isinstance(exc, CausalabError), f"{type(exc).__name__} is not a CausalabError"
        assert text in str(exc), f"the message does not name {text}: {exc}"
    else:
        raise AssertionError(f"expected {error.__name__} naming {text}")


#: (name, check)
LEARNER_CHECKS = [
    ("tags", check_tags),
    ("clone_and_params", check_clone_and_params),
    ("not_fitted", check_not_fitted),
    ("fit_returns_self_no_mutation", check_fit_returns_self_no_mutation),
    ("outputs_aligned", check_outputs_aligned),
    ("ignores_outcome", check_ignores_outcome),
    ("tags_honest", check_tags_honest),
    ("recovers_randomised_ate", check_recovers_randomised_ate),
    ("same_seed_same_predictions", check_same_seed_same_predictions),
    ("no_global_state_leak", check_no_global_state_leak),
    ("bad_input", check_bad_input),
    ("constant_treatment", check_constant_treatment),
    ("unseen_value", check_unseen_value),
    ("threads", check_threads),
    ("variable_dtypes", check_variable_dtypes),
    ("pickle_round_trip", check_pickle_round_trip),
    ("discrete_outcome", check_discrete_outcome),
]


def check_learner(learner) -> list[str]:
    """Run every learner check on (clones of) ``learner``; raise on the first failure."""
    ran = []
    for name, check in LEARNER_CHECKS:
        try:
            check(learner)
        except (AssertionError, CausalabError) as exc:
            raise AssertionError(f"{type(learner).__name__} failed {name}: {type(exc).__name__}: {exc}") from exc
        ran.append(name)
    return ran


__all__ = ["LEARNER_CHECKS", "RandomisedTrial", "SupportTrial", "check_learner"]
