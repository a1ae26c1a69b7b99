"""Every learner, and a user's own, runs the common checks of causalab.testing."""

from collections import Counter

import numpy as np
import pytest
from sklearn.linear_model import Ridge

import causalab as cl
from causalab.learners import (
    CEVAE,
    GCM,
    IV,
    MLP,
    Backdoor,
    DragonNet,
    DRLearner,
    FrontDoor,
    GradientBoosting,
    GraphDiscovery,
    Invariant,
    Learner,
    LearnerTags,
    LinearRegression,
    NeuralSCM,
    SLearner,
    TARNet,
    TLearner,
    XLearner,
)
from causalab.testing import LEARNER_CHECKS, RandomisedTrial, check_learner


class DifferenceInMeans(Learner):
    """A user's own learner: the treated-minus-control contrast (valid when randomised)."""

    _tags = LearnerTags("naive", None, "population", None)

    def __init__(self, shrink: float = 0.0):
        self.shrink = shrink

    def _fit_columns(self):
        return [self.task_.treatment, self.task_.outcome]

    def _fit(self, data):
        if self.task_.kind(self.task_.treatment) != "binary":
            raise cl.UnsupportedQueryError("DifferenceInMeans needs a binary treatment")
        t, y = data[self.task_.treatment], data[self.task_.outcome]
        self.means_ = {float(v): float(y[t == v].mean()) * (1 - self.shrink) for v in (0, 1)}

    def _predict_do(self, data, do):
        return np.full(len(data), self.means_[float(do[self.task_.treatment])])


# fast configurations of every learner
LEARNERS = [
    LinearRegression(), LinearRegression(features=["T"], alpha=1.0), GradientBoosting(max_iter=50),
    MLP(hidden=(32,), max_epochs=60), Backdoor(), Backdoor("ipw"), Backdoor("matching"),
    FrontDoor(), IV(), GCM(n_draws=5), DifferenceInMeans(),
    NeuralSCM(hidden=(16,), max_epochs=60), NeuralSCM(head="location-scale", hidden=(16,), max_epochs=60),
    TLearner(GradientBoosting(max_iter=50)), SLearner(),
    TARNet(representation=(32,), head=(16,), max_epochs=40, batch_size=256),
    DragonNet(representation=(32,), head=(16,), max_epochs=40, batch_size=256),
    CEVAE(hidden_dim=32, num_layers=2, num_epochs=10, num_samples=20), Invariant(domains="Z", steps=200),
    GraphDiscovery(NeuralSCM(hidden=(16,), max_epochs=60)),
    # ridge arms: OLS refuses the trial's folds, where the instrument Z is constant in an arm
    DRLearner(LinearRegression(alpha=1.0), n_folds=2), XLearner(Ridge()),
]


def _params():
    for learner in LEARNERS:
        for name, check in LEARNER_CHECKS:
            # one xdist worker runs a learner's checks, so they share its fit (testing._shared_fit)
            yield pytest.param(learner, check, id=f"{learner!r}-{name}", marks=pytest.mark.xdist_group(repr(learner)))


@pytest.mark.parametrize("learner,check", list(_params()))
def test_common_learner_check(learner, check):
    check(learner)


def test_every_learner_collects_every_check(request):
    items = [i for i in request.session.items if i.name.startswith("test_common_learner_check[")]
    per = Counter(repr(i.callspec.params["learner"]) for i in items) or Counter(
        repr(p.values[0]) for p in _params())
    assert len(LEARNER_CHECKS) == 17
    assert len(per) == len(LEARNERS) == 22 and set(per.values()) == {len(LEARNER_CHECKS)}


def test_check_learner_catches_a_dishonest_learner():
    class Liar(DifferenceInMeans):
        _tags = LearnerTags("naive", "regression", "population", None)  # claims rung 1, cannot answer it

    with pytest.raises(AssertionError, match="tags_honest|predict"):
        check_learner(Liar())


def test_check_learner_catches_a_biased_learner():
    with pytest.raises(AssertionError, match="recovers_randomised_ate"):
        check_learner(DifferenceInMeans(shrink=0.5))


def test_check_learner_runs_every_check_on_a_user_learner():
    class Local(DifferenceInMeans):  # not importable by name, as in __main__ or a notebook: sent by value
        pass

    assert check_learner(Local()) == [name for name, _ in LEARNER_CHECKS]


def test_the_hooks_never_see_the_outcome_below_rung_3():
    class Recorder(DifferenceInMeans):  # hooks that would read Y if they were handed it
        _tags = LearnerTags("naive", "regression", "population", "plug-in")

        def _predict(self, data):
            self.seen_.append(("predict", set(data.columns)))
            return np.zeros(len(data))

        def _predict_do(self, data, do):
            self.seen_.append(("predict_do", set(data.columns)))
            return super()._predict_do(data, do)

        def _predict_counterfactual(self, data, do):
            self.seen_.append(("predict_counterfactual", set(data.columns)))
            return np.zeros(len(data))

    env = RandomisedTrial()
    data = env.sample(50, seed=0)
    learner = Recorder().fit(data, env.task)
    learner.seen_ = []
    learner.predict(data), learner.predict_do(data, {"T": 1}), learner.effect(1, 0), learner.effect(1, 0, data=data)
    learner.predict_counterfactual(data, {"T": 0})
    assert learner.seen_ == [("predict", {"T"}), *[("predict_do", {"T"})] * 5, ("predict_counterfactual", {"T", "Y"})]


def test_check_learner_catches_a_learner_that_peeks_at_the_outcome():
    class Peeker(DifferenceInMeans):  # overrides the public method, so the base class cannot hide Y
        def predict_do(self, data, do):
            out = super().predict_do(data, do)
            return data["Y"].astype(float) if "Y" in data else out

    with pytest.raises(AssertionError, match="ignores_outcome.*predict_do changed without the outcome column"):
        check_learner(Peeker())


def test_check_learner_names_an_answer_that_moves_from_call_to_call():
    """A threaded model (a forest with n_jobs=-1) sums in a varying order: the answers move in the
    last digits between two identical calls. The no-peeking check says that, not "it reads the outcome"."""
    from causalab.testing.learners import check_ignores_outcome

    class Jittery(DifferenceInMeans):
        def _predict_do(self, data, do):
            self.calls_ = getattr(self, "calls_", 0) + 1
            return super()._predict_do(data, do) + 1e-13 * self.calls_

    with pytest.raises(AssertionError, match="predict_do is not deterministic: two calls on the same rows differ"):
        check_ignores_outcome(Jittery())


def test_families_are_the_keys_environments_use():
    keys = set()
    for env_id in cl.list_environments()["id"]:
        keys |= set(cl.make(env_id).expected)
    assert keys <= set(cl.learners.FAMILIES)  # specification notes live in env.specification


class ShrunkEffect(Learner):
    """Answers the average effect only (no per-unit rung 2), shrunk by half: a biased learner
    that only the effect check can catch."""

    _tags = LearnerTags("naive", None, None, None)

    def __init__(self):
        pass

    def _fit_columns(self):
        return [self.task_.treatment, self.task_.outcome]

    def _fit(self, data):
        t, y = data[self.task_.treatment], data[self.task_.outcome]
        self.contrast_ = float(y[t == 1].mean() - y[t == 0].mean())

    def _effect(self, treated, control, data):
        from causalab.learners import Effect

        return Effect(0.5 * self.contrast_ * (treated - control))


def test_check_learner_catches_a_biased_effect_only_learner():
    with pytest.raises(AssertionError, match="recovers_randomised_ate"):
        check_learner(ShrunkEffect())
