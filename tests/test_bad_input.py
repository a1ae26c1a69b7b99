"""A corpus of invalid or unusual calls: each raises a typed causalab error whose message
names the bad value, and leaves its inputs as they were. A meta-test pins the count."""

import copy

import numpy as np
import pandas as pd
import pytest
import torch

import causalab as cl
from causalab.evaluation import evaluate, metrics
from causalab.learners import GCM, IV, MLP, Backdoor, FrontDoor, GradientBoosting, LinearRegression
from causalab.reporting import report
from causalab.runner import ResultStore, run

KS = cl.make("KidneyStones-v0")
CONF = cl.make("Confounding-v0")
MED = cl.make("Mediation-v0")
KS_DATA = KS.sample(200, seed=0)
FD = cl.make("FrontDoor-v0")  # fully discrete with a hidden variable: counterfactuals by enumeration
FD_DATA = FD.sample(50, seed=0)
CONF_DATA = CONF.sample(300, seed=0)
CONF_WORLD = CONF.sample_world(50, seed=1)
FITTED = LinearRegression().fit(CONF_DATA, CONF.task)
FITTED_BD = Backdoor().fit(CONF_DATA, CONF.task)
E = cl.InvalidValueError
I = cl.InvalidInterventionError
U = cl.UnknownVariableError
Q = cl.UnsupportedQueryError


def _scm():
    return cl.SCM().add("Z", cl.Normal(0, 1)).add("T", cl.Linear({"Z": 1.0}))


def _binary():
    return cl.SCM().add("A", cl.Table([], 0.3)).add("B", cl.Table(["A"], [0.2, 0.7]))


CASES = [
    # --- noise
    ("normal string scale", lambda: cl.Normal(0, "a"), E, "'a'"),
    ("normal nan loc", lambda: cl.Normal(float("nan"), 1), E, "nan"),
    ("normal zero scale", lambda: cl.Normal(0, 0), E, "scale"),
    ("normal negative scale", lambda: cl.Normal(0, -1), E, "scale"),
    ("normal bool loc", lambda: cl.Normal(True, 1), E, "True"),
    ("normal array scale", lambda: cl.Normal(0, np.array([1.0, 2.0])), E, "array"),  # float() raises TypeError
    ("normal tensor loc", lambda: cl.Normal(torch.tensor([0.0, 1.0]), 1), E, "tensor"),  # ... ValueError
    ("uniform reversed", lambda: cl.Uniform(1, 0), E, "Uniform"),
    ("laplace inf scale", lambda: cl.Laplace(0, float("inf")), E, "inf"),
    ("exponential zero rate", lambda: cl.Exponential(0), E, "rate"),
    ("distribution not torch", lambda: cl.Distribution("gamma"), E, "str"),
    ("distribution batched", lambda: cl.Distribution(torch.distributions.Normal(torch.zeros(2), 1.0)), E, "batch"),
    ("noise as a number", lambda: cl.Linear({"A": 1.0}, noise=3.0), E, "3.0"),
    # --- mechanisms
    ("linear coefs list", lambda: cl.Linear([1.0]), E, "[1.0]"),
    ("linear nan coef", lambda: cl.Linear({"A": float("nan")}), E, "'A'"),
    ("linear inf intercept", lambda: cl.Linear({"A": 1.0}, intercept=float("inf")), E, "intercept"),
    ("linear string coef", lambda: cl.Linear({"A": "1"}), E, "'A'"),
    ("logistic nan coef", lambda: cl.Logistic({"A": float("nan")}), E, "'A'"),
    ("logistic nan intercept", lambda: cl.Logistic({"A": 1.0}, intercept=float("nan")), E, "intercept"),
    ("threshold inf coef", lambda: cl.Threshold({"A": float("-inf")}), E, "'A'"),
    ("table none", lambda: cl.Table([], None), E, "None"),
    ("table parents none", lambda: cl.Table(None, 0.3), E, "None"),
    ("table parents string", lambda: cl.Table("A", [0.2, 0.7]), E, "'A'"),
    ("table one level", lambda: cl.Table([], [1.0]), E, "one-level"),
    ("table above one", lambda: cl.Table([], 1.5), E, "1.5"),
    ("table negative", lambda: cl.Table([], -0.1), E, "-0.1"),
    ("table nan", lambda: cl.Table([], float("nan")), E, "nan"),
    ("table not summing", lambda: cl.Table([], [0.2, 0.2]), E, "sum"),
    ("table wrong axes", lambda: cl.Table(["A", "B"], [0.2, 0.7]), E, "shape"),
    ("table negative key", lambda: cl.Table(["A"], {0: 0.2, 1: 0.3, -1: 0.9}), E, "-1"),
    ("table float key", lambda: cl.Table(["A"], {0: 0.2, 1.0: 0.3}), E, "1.0"),
    ("table string key", lambda: cl.Table(["A"], {0: 0.2, "1": 0.3}), E, "'1'"),
    ("table bool key", lambda: cl.Table(["A"], {False: 0.2, True: 0.3}), E, "False"),
    ("table empty dict", lambda: cl.Table(["A"], {}), E, "empty"),
    ("table missing config", lambda: cl.Table(["A", "B"], {(0, 0): 0.2, (1, 1): 0.3}), E, "misses"),
    ("table key length", lambda: cl.Table(["A", "B"], {0: 0.2, 1: 0.3}), E, "per parent"),
    ("table text probs", lambda: cl.Table([], "half"), E, "half"),
    ("additive no callable", lambda: cl.Additive(3.0), E, "3.0"),
    ("additive varargs", lambda: cl.Additive(lambda *a: a[0]), E, "Additive"),
    ("enumerated cf level", lambda: FD.counterfactual(FD_DATA.assign(X=2), do={"Z": 0}), E, "'X' has value 2"),
    ("enumerated cf nan", lambda: FD.counterfactual(FD_DATA.assign(Y=np.nan), do={"Z": 0}), E, "'Y' contains NaN"),
    # --- building an SCM
    ("add twice", lambda: _scm().add("Z", cl.Normal(0, 1)), cl.DuplicateVariableError, "'Z'"),
    ("missing parent", lambda: cl.SCM().add("T", cl.Linear({"Q": 1.0})), cl.MissingParentError, "'Q'"),
    ("add a number", lambda: cl.SCM().add("X", 3.0), E, "3.0"),
    ("empty name", lambda: cl.SCM().add("", cl.Normal(0, 1)), E, "''"),
    ("noise-like name", lambda: cl.SCM().add("U[X]", cl.Normal(0, 1)), E, "U[X]"),
    ("continuous parent of table", lambda: _scm().add("B", cl.Table(["Z"], [0.2, 0.7])), E, "'Z'"),
    ("table levels mismatch", lambda: _binary().add("C", cl.Table(["A"], [0.1, 0.2, 0.3])), E, "'A'"),
    # --- sampling
    ("n zero", lambda: _scm().sample(0, seed=0), E, "0"),
    ("n negative", lambda: _scm().sample(-5, seed=0), E, "-5"),
    ("n float", lambda: _scm().sample(10.5, seed=0), E, "10.5"),
    ("n bool", lambda: _scm().sample(True, seed=0), E, "True"),
    ("n string", lambda: _scm().sample("10", seed=0), E, "'10'"),
    ("n huge", lambda: _scm().sample(10**12, seed=0), E, "1,000,000,000,000"),
    ("seed negative", lambda: _scm().sample(10, seed=-1), E, "-1"),
    ("seed string", lambda: _scm().sample(10, seed="x"), E, "'x'"),
    ("seed float", lambda: _scm().sample(10, seed=1.5), E, "1.5"),
    ("world n zero", lambda: _scm().sample_world(0, seed=0), E, "0"),
    # --- interventions
    ("do unknown", lambda: _scm().do({"Q": 1}), U, "'Q'"),
    ("do empty", lambda: _scm().do({}), I, "at least one"),
    ("do not a dict", lambda: _scm().do("T=1"), I, "T=1"),
    ("do nan", lambda: _scm().do({"T": float("nan")}), I, "nan"),
    ("do inf", lambda: _scm().do({"T": float("inf")}), I, "inf"),
    ("do string value", lambda: _scm().do({"T": "one"}), I, "one"),
    ("do 2-D array", lambda: _scm().do({"T": np.ones((2, 2))}), I, "1-D"),
    ("do nan array", lambda: _scm().do({"T": np.array([1.0, np.nan])}), I, "finite"),
    ("do binary level 2", lambda: _binary().do({"A": 2}), I, "2"),
    ("do binary level 0.5", lambda: _binary().do({"A": 0.5}), I, "0.5"),
    ("do binary negative", lambda: _binary().do({"A": -1}), I, "-1"),
    ("do stochastic continuous on binary", lambda: _binary().do({"A": cl.Normal(0, 1)}), I, "'A'"),
    ("do categorical too many levels",
     lambda: _binary().do({"A": torch.distributions.Categorical(torch.tensor([0.2, 0.3, 0.5]))}), I, "exceeds"),
    ("do shift nan", lambda: _scm().do({"T": cl.shift(float("nan"))}), I, "nan"),
    ("soft half a level", lambda: KS.scm.do({"T": cl.shift(0.5)}).sample(10, seed=0), I, "gave 0.5"),
    ("soft past the levels", lambda: KS.scm.do({"T": cl.shift(1)}).sample(50, seed=0), I, "gave 2"),
    ("do scale string", lambda: _scm().do({"T": cl.scale("2")}), I, "'2'"),
    ("do per-unit wrong length", lambda: _scm().do({"T": np.zeros(7)}).sample(10, seed=0), I, "7"),
    ("regime unknown", lambda: CONF.do("do(T=2)"), E, "do(T=2)"),
    # --- queries
    ("prob unknown variable", lambda: KS.scm.prob({"Q": 1}), U, "'Q'"),
    ("prob bad level", lambda: KS.scm.prob({"R": 2}), E, "2"),
    ("prob given zero probability", lambda: _binary().do({"A": 1}).prob({"B": 1}, given={"A": 0}), cl.ZeroProbabilityError, "A"),
    ("prob on continuous", lambda: _scm().prob({"T": 1}), Q, "continuous"),
    ("prob event not a dict", lambda: KS.scm.prob("R=1"), E, "R=1"),
    ("distribution unknown", lambda: KS.scm.distribution(["Q"]), U, "'Q'"),
    ("expectation unknown", lambda: KS.scm.expectation("Q"), U, "'Q'"),
    ("ate unknown outcome", lambda: KS.scm.ate("T", "Q"), U, "'Q'"),
    ("ate treatment is outcome", lambda: KS.scm.ate("T", "T"), E, "'T'"),
    ("ate bad seed", lambda: KS.scm.ate("T", "R", seed="x"), E, "'x'"),
    ("ett continuous treatment", lambda: cl.make("Confounding-v0", nonlinear=True).scm.ett("T", "Y"), Q, "continuous"),
    ("nde no mediator", lambda: MED.scm.nde("T", "Y", []), E, "mediator"),
    ("nde mediator is treatment", lambda: MED.scm.nde("T", "Y", "T"), E, "'T'"),
    ("nie mediator is outcome", lambda: MED.scm.nie("T", "Y", "Y"), E, "'Y'"),
    ("nde unknown mediator", lambda: MED.scm.nde("T", "Y", "Q"), U, "'Q'"),
    ("counterfactual_prob continuous", lambda: _scm().counterfactual_prob({"T": 1}, do={"Z": 0}), Q, "continuous"),
    ("pn bad level", lambda: KS.scm.probability_of_necessity("T", "R", treated=2), E, "2"),
    ("d_separated overlap", lambda: KS.scm.d_separated({"T"}, {"T", "R"}, {"S"}), E, "'T'"),
    ("d_separated given overlap", lambda: KS.scm.d_separated({"T"}, {"R"}, {"T"}), E, "'T'"),
    ("d_separated unknown", lambda: KS.scm.d_separated({"Q"}, {"R"}), U, "'Q'"),
    ("minimal backdoor T,T", lambda: KS.scm.minimal_backdoor_set("T", "T"), E, "'T'"),
    # an equal name that is a different string object (one-letter strings are cached): == must decide, not `is`
    ("minimal backdoor same name", lambda: cl.make("Asia-v0").scm.minimal_backdoor_set("smoke", "".join(["sm", "oke"])),
     E, "'smoke'"),
    ("backdoor set unknown", lambda: KS.scm.is_backdoor_set("T", "R", {"Q"}), U, "'Q'"),
    ("exact over budget", lambda: _dense(28).prob({"X27": 1}), Q, "budget"),
    # --- counterfactuals
    ("cf not a frame", lambda: CONF.counterfactual(CONF_WORLD.to_numpy(), {"T": 0}), E, "DataFrame"),
    ("cf empty frame", lambda: CONF.counterfactual(CONF_WORLD.iloc[:0], {"T": 0}), E, "no rows"),
    ("cf missing column", lambda: CONF.counterfactual(CONF_WORLD[["Z", "T"]], {"T": 0}), E, "'Y'"),
    ("cf partial world", lambda: CONF.counterfactual(CONF_WORLD.drop(columns="U[Y]"), {"T": 0}), E, "U[Y]"),
    ("cf unknown do", lambda: CONF.counterfactual(CONF_WORLD, {"Q": 0}), U, "'Q'"),
    ("cf hidden without noise",
     lambda: cl.make("MBias-v0").counterfactual(cl.make("MBias-v0").sample(5, seed=0), {"T": 0}), Q, "hidden"),
    # --- environments and the registry
    ("make unknown", lambda: cl.make("KidneyStone-v0"), cl.UnknownEnvironmentError, "KidneyStones-v0"),
    ("make unknown knob", lambda: cl.make("Confounding-v0", strenght=2.0), E, "strength"),
    ("distribution given the impossible", lambda: cl.make("Asia-v0").scm.distribution(["dysp"], given={"tub": 1, "either": 0}),
     cl.ZeroProbabilityError, "'either': 0"),
    ("make zero proxies", lambda: cl.make("ProxyConfounder-v0", n_proxies=0), E, "n_proxies"),
    ("knob nan", lambda: cl.make("Confounding-v0", effect=float("nan")), E, "'effect'"),
    ("knob string number", lambda: cl.make("Confounding-v0", effect="abc"), E, "'effect'"),
    ("knob bool for float", lambda: cl.make("Confounding-v0", strength=True), E, "'strength'"),
    ("knob bad bool", lambda: cl.make("Confounding-v0", nonlinear="maybe"), E, "'nonlinear'"),
    ("knob int for bool", lambda: cl.make("Confounding-v0", nonlinear=2), E, "'nonlinear'"),
    ("random dag nan degree", lambda: cl.make("RandomDAG-v0", expected_degree=float("nan")), E, "expected_degree"),
    ("random dag bad mechanism", lambda: cl.make("RandomDAG-v0", mechanism="quadratic"), E, "quadratic"),
    ("random dag float size", lambda: cl.make("RandomDAG-v0", n_variables=2.5), E, "n_variables"),
    ("register bad id", lambda: cl.register("no-version", "causalab.environments.confounding:Confounding"),
     cl.RegistrationError, "no-version"),
    ("register existing", lambda: cl.register("Confounding-v0", "causalab.environments.confounding:Confounding"),
     cl.RegistrationError, "Confounding-v0"),
    ("real data do", lambda: cl.make("LaLonde-v0").do({"treat": 1}), Q, "LaLonde-v0"),
    ("real data world", lambda: cl.make("Sachs-v0").sample_world(5), Q, "Sachs-v0"),
    ("sachs unknown regime", lambda: cl.make("Sachs-v0").regime_data("u0127"), E, "u0126"),
    # --- learners
    ("fit without a task", lambda: LinearRegression().fit(CONF_DATA, "T"), E, "Task"),
    ("fit a numpy array", lambda: LinearRegression().fit(CONF_DATA.to_numpy(), CONF.task), E, "DataFrame"),
    ("fit missing outcome", lambda: LinearRegression().fit(CONF_DATA.drop(columns="Y"), CONF.task), E, "'Y'"),
    ("fit nan", lambda: LinearRegression().fit(CONF_DATA.assign(Z=np.nan), CONF.task), E, "'Z'"),
    ("fit text column", lambda: LinearRegression().fit(CONF_DATA.astype({"T": str}), CONF.task), E, "'T'"),
    ("fit one row", lambda: LinearRegression().fit(CONF_DATA.iloc[:1], CONF.task), E, "1"),
    ("fit binary out of levels", lambda: Backdoor().fit(KS_DATA.assign(T=3), KS.task), E, "'T'"),
    ("unknown feature", lambda: LinearRegression(features=["Q"]).fit(CONF_DATA, CONF.task), U, "'Q'"),
    ("outcome as feature", lambda: LinearRegression(features=["Y"]).fit(CONF_DATA, CONF.task), E, "'Y'"),
    ("negative ridge", lambda: LinearRegression(alpha=-1.0).fit(CONF_DATA, CONF.task), E, "-1.0"),
    ("mlp zero width", lambda: MLP(hidden=(0,)).fit(CONF_DATA, CONF.task), E, "hidden"),
    ("mlp bad epochs", lambda: MLP(max_epochs=0).fit(CONF_DATA, CONF.task), E, "max_epochs"),
    ("mlp bad device", lambda: MLP(device="tpu9").fit(CONF_DATA, CONF.task), E, "tpu9"),
    ("boosting bad iterations", lambda: GradientBoosting(max_iter=0).fit(CONF_DATA, CONF.task), E, "max_iter"),
    ("backdoor bad method", lambda: Backdoor("magic").fit(CONF_DATA, CONF.task), E, "'magic'"),
    ("backdoor bad adjustment", lambda: Backdoor(adjustment="all").fit(CONF_DATA, CONF.task), E, "'all'"),
    ("ipw continuous treatment", lambda: Backdoor("ipw").fit(CONF_DATA, CONF.task), Q, "'T'"),
    ("backdoor hidden confounder", lambda: Backdoor().fit(cl.make("Instrument-v0").sample(100, seed=0),
                                                          cl.make("Instrument-v0").task), cl.NotIdentifiedError, "U[T,Y]"),
    ("front door absent", lambda: FrontDoor().fit(CONF_DATA, CONF.task), cl.NotIdentifiedError, "front-door"),
    ("iv absent", lambda: IV().fit(CONF_DATA, CONF.task), cl.NotIdentifiedError, "instrument"),
    ("gcm hidden confounder", lambda: GCM().fit(cl.make("Instrument-v0").sample(100, seed=0),
                                                cl.make("Instrument-v0").task), cl.NotIdentifiedError, "U[T,Y]"),
    ("gcm bad quality", lambda: GCM(quality="perfect").fit(CONF_DATA, CONF.task), E, "'perfect'"),
    ("predict before fit", lambda: LinearRegression().predict(CONF_DATA), cl.NotFittedError, "fit"),
    ("effect before fit", lambda: Backdoor().effect(), cl.NotFittedError, "fit"),
    ("predict missing column", lambda: FITTED.predict(CONF_DATA[["T"]]), E, "'Z'"),
    ("predict inf", lambda: FITTED.predict(CONF_DATA.assign(Z=np.inf)), E, "'Z'"),
    ("do on outcome", lambda: FITTED.predict_do(CONF_DATA, {"Y": 1}), I, "'Y'"),
    ("do unknown variable", lambda: FITTED.predict_do(CONF_DATA, {"U": 1}), U, "'U'"),
    ("do a covariate the learner cannot set", lambda: FITTED_BD.predict_do(CONF_DATA, {"Z": 1.0}), Q, "'Z'"),
    ("do soft on a learner", lambda: FITTED.predict_do(CONF_DATA, {"T": cl.shift(1.0)}), Q, "hard"),
    ("do wrong length", lambda: FITTED.predict_do(CONF_DATA, {"T": np.ones(3)}), I, "300"),
    ("do empty on a learner", lambda: FITTED.predict_do(CONF_DATA, {}), I, "empty"),
    ("cf without outcome", lambda: FITTED.predict_counterfactual(CONF_DATA.drop(columns="Y"), {"T": 1}), E, "'Y'"),
    ("unsupported rung", lambda: Backdoor("ipw").fit(KS_DATA, KS.task).predict(KS_DATA), Q, "predict"),
    ("do level on a learner", lambda: Backdoor().fit(KS_DATA, KS.task).predict_do(KS_DATA, {"T": 2}), I, "2"),
    # --- evaluation, runner, report
    ("metric lengths", lambda: metrics.rmse([1, 2], [1]), E, "2 and 1"),
    ("metric nan", lambda: metrics.brier([np.nan], [1]), E, "NaN"),
    ("survival zero", lambda: metrics.survival_ratio(1.0, 0.0), E, "0.0"),
    ("interval reversed", lambda: metrics.covered((2, 1), 1.5), E, "(2, 1)"),
    ("evaluate errors policy", lambda: evaluate(CONF, [LinearRegression()], n_train=50, errors="skip"), E, "'skip'"),
    ("evaluate bad seed", lambda: evaluate(CONF, [LinearRegression()], n_train=50, seeds=[-1]), E, "-1"),
    ("evaluate unknown env", lambda: evaluate("Nope-v0", [LinearRegression()]), cl.UnknownEnvironmentError, "Nope-v0"),
    ("run bad backend", lambda: run(["Confounding-v0"], [LinearRegression()], backend="spark", progress=False),
     E, "'spark'"),
    ("run zero jobs", lambda: run(["Confounding-v0"], [LinearRegression()], n_jobs=0, progress=False), E, "0"),
    ("store is a folder", lambda: ResultStore("/tmp"), E, "/tmp"),
    ("report not a table", lambda: report(pd.DataFrame({"a": [1]})), E, "result table"),
]


def _dense(k):
    scm = cl.SCM()
    for j in range(k):
        scm.add(f"X{j}", cl.Logistic({f"X{i}": 0.1 for i in range(j)}))
    return scm


def test_the_corpus_is_large():
    assert len(CASES) == 170
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize("name,call,error,text", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_typed_error_naming_it(name, call, error, text):
    frames = [KS_DATA, CONF_DATA, CONF_WORLD]
    before = [f.copy(deep=True) for f in frames]
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, cl.CausalabError), f"{type(info.value).__name__} is outside the hierarchy"
    assert text in str(info.value), f"the message does not name {text!r}: {info.value}"
    for frame, copy_ in zip(frames, before):
        pd.testing.assert_frame_equal(frame, copy_)
