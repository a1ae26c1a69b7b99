"""The default suite of ``causalab run``: named learners and the simulated catalog."""

from __future__ import annotations

from ..exceptions import InvalidValueError, did_you_mean

#: the simulated environments of the default run (real-data ones, the random generator and
#: IHDP, whose 25-covariate graph makes DoWhy's identification slow, run with --envs)
DEFAULT_ENVIRONMENTS = (
    "KidneyStones-v0", "Confounding-v0", "FrontDoor-v0", "Instrument-v0", "Mediation-v0", "Collider-v0",
    "MBias-v0", "SelectionBias-v0", "NonlinearSimpson-v0", "HeterogeneousEffects-v0", "SpuriousShortcut-v0",
    "Asia-v0",
)


def named_learners() -> dict:
    """Short names for the learners the CLI knows, each a fresh unfitted learner."""
    from ..learners import (
        CEVAE,
        GCM,
        IV,
        MLP,
        Backdoor,
        DragonNet,
        FrontDoor,
        GradientBoosting,
        GraphDiscovery,
        Invariant,
        LinearRegression,
        NeuralSCM,
        SLearner,
        TARNet,
        TLearner,
    )

    return {
        "naive": LinearRegression(features="treatment"),
        "ols": LinearRegression(),
        "boosting": GradientBoosting(),
        "mlp": MLP(),
        "backdoor": Backdoor(),
        "ipw": Backdoor("ipw"),
        "frontdoor": FrontDoor(),
        "iv": IV(),
        "gcm": GCM(n_draws=5),
        "neural-scm": NeuralSCM(),
        "t-learner": TLearner(GradientBoosting()),
        "s-learner": SLearner(GradientBoosting()),
        "tarnet": TARNet(),
        "dragonnet": DragonNet(),
        "cevae": CEVAE(),
        "invariant": Invariant(domains="D"),
        "discovery": GraphDiscovery(NeuralSCM()),
    }


DEFAULT_LEARNERS = ("naive", "ols", "boosting", "mlp", "backdoor", "ipw", "frontdoor", "iv", "gcm", "neural-scm")


def learners_by_name(names) -> list:
    known = named_learners()
    out = []
    for name in names:
        if name not in known:
            raise InvalidValueError(f"unknown learner {name!r}; the CLI knows {sorted(known)}, or module:Class for "
                                    f"your own.{did_you_mean(name, known)}")
        out.append(known[name])
    return out
