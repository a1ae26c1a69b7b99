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
        DRLearner,
        FrontDoor,
        GradientBoosting,
        GraphDiscovery,
        Invariant,
        LinearRegression,
        NeuralSCM,
        SLearner,
        TARNet,
        TLearner,
        XLearner,
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
        "dr-learner": DRLearner(),
        "x-learner": XLearner(),
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
        if name.partition(":")[0] in PEER_LEARNERS:
            out.append(peer_learner(name))
            continue
        if name not in known:
            raise InvalidValueError(f"unknown learner {name!r}; the CLI knows {sorted(known)}, or module:Class for "
                                    f"your own.{did_you_mean(name, known)}")
        out.append(known[name])
    return out


#: the field's estimators the CLI knows as ``library:Name`` (``econml:CausalForestDML``), each
#: (module, class, constructor arguments); built only when the library is installed
PEER_LEARNERS = {
    "econml": {
        "LinearDML": ("econml.dml", "LinearDML", {"discrete_treatment": True, "random_state": 0}),
        "SparseLinearDML": ("econml.dml", "SparseLinearDML", {"discrete_treatment": True, "random_state": 0}),
        "CausalForestDML": ("econml.dml", "CausalForestDML", {"discrete_treatment": True, "random_state": 0}),
        "DRLearner": ("econml.dr", "DRLearner", {"random_state": 0}),
        "LinearDRLearner": ("econml.dr", "LinearDRLearner", {"random_state": 0}),
        "ForestDRLearner": ("econml.dr", "ForestDRLearner", {"random_state": 0}),
    },
    "causalml": {
        "SLearner": ("causalml.inference.meta", "BaseSRegressor", {}),
        "TLearner": ("causalml.inference.meta", "BaseTRegressor", {}),
        "XLearner": ("causalml.inference.meta", "BaseXRegressor", {}),
        "RLearner": ("causalml.inference.meta", "BaseRRegressor", {"random_state": 0}),
        "DRLearner": ("causalml.inference.meta", "BaseDRRegressor", {}),
    },
}


def _install(library: str) -> str:
    if library == "causalml":
        from ..learners.causalml_adapter import INSTALL

        return INSTALL
    return f'pip install "causalab[{library}]"'


def peer_learner(name: str):
    """``econml:Name`` or ``causalml:Name``: the peer's estimator with its defaults (and
    ``random_state=0`` where it takes one) wrapped as a causalab learner. EconML estimators
    use their own default nuisance models; CausalML's meta-learners get scikit-learn's
    ``GradientBoostingRegressor(random_state=0)`` as base model (the R-learner a
    standardised logistic regression as propensity model).

    Raises
    ------
    InvalidValueError
        An unknown library or estimator name (the known ones listed, with a close match).
    MissingDependencyError
        The library is not installed; the message names the extra that installs it.
    """
    import importlib

    from ..exceptions import MissingDependencyError

    library, _, cls = name.partition(":")
    if library not in PEER_LEARNERS:
        raise InvalidValueError(f"unknown learner library {library!r} in {name!r}; the CLI knows "
                                f"{sorted(PEER_LEARNERS)}.{did_you_mean(library, PEER_LEARNERS)}")
    table = PEER_LEARNERS[library]
    if cls not in table:
        raise InvalidValueError(f"unknown {library} estimator {cls!r}; the CLI knows "
                                f"{[f'{library}:{k}' for k in table]}.{did_you_mean(cls, table)}")
    module_name, class_name, kwargs = table[cls]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingDependencyError(f"{name!r} needs {library}, which is not installed ({exc}); install the optional "
                                     f"extra: {_install(library)}") from exc
    estimator_class = getattr(module, class_name)
    if library == "econml":
        from ..learners import EconML

        return EconML(estimator_class(**kwargs))
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ..learners import CausalML

    kwargs = {"learner": GradientBoostingRegressor(random_state=0), **kwargs}
    if cls == "RLearner":
        kwargs["propensity_learner"] = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return CausalML(estimator_class(**kwargs))
