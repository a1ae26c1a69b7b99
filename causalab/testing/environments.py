"""Common checks every environment must pass (like scikit-learn's ``check_estimator``
and Gymnasium's ``check_env``).

``environment_checks(env)`` yields ``(name, check, needs)``; ``needs`` names the
capability a check requires ("scm" for do, worlds and counterfactuals). An environment
without it must answer with :class:`UnsupportedQueryError` - the test suite declares
those cases as strict expected failures, so nothing is skipped silently.
:func:`check_environment` runs every applicable check and raises on the first failure.
"""

from __future__ import annotations

import pickle

import networkx as nx
import numpy as np
import pandas as pd

from ..exceptions import UnsupportedQueryError

N_CHECK = 2000


def check_builds_from_id(env):
    """``make(env.id)`` builds an equal environment: same knobs, same first rows."""
    from ..envs.registry import make

    assert env.id, "the environment has no id; build it with causalab.make"
    again = make(env.id, **env.knobs)
    assert again.knobs == env.knobs
    pd.testing.assert_frame_equal(again.sample(50, seed=0), env.sample(50, seed=0))


def check_graph_acyclic(env):
    g = env.graph
    assert nx.is_directed_acyclic_graph(g), "the graph has a cycle"
    assert set(env.observed) <= set(g.nodes), "some observed columns are not in the graph"


def check_roles(env):
    observed = set(env.observed)
    for role in (env.treatment, env.outcome, *env.covariates):
        assert role in observed, f"role variable {role!r} is not an observed column"
    assert not set(env.hidden) & observed


def check_sample(env):
    df = env.sample(N_CHECK, seed=0)
    assert isinstance(df, pd.DataFrame) and len(df) == N_CHECK
    assert list(df.columns) == list(env.observed)
    assert not df.isna().any().any(), "NaN in a sample"
    for col, dtype in df.dtypes.items():
        assert dtype in (np.float64, np.int64), f"column {col!r} has dtype {dtype}"


def check_same_seed_same_data(env):
    pd.testing.assert_frame_equal(env.sample(500, seed=3), env.sample(500, seed=3))
    assert not env.sample(500, seed=3).equals(env.sample(500, seed=4))


def check_do_leaves_original_untouched(env):
    before = env.sample(300, seed=1)
    treated = env.do({env.treatment: 1}).sample(300, seed=1)
    assert (treated[env.treatment] == 1).all()
    for name, regime in env.regimes.items():
        assert str(regime) and name
        intervened = env.do(regime)
        after = intervened.sample(300, seed=1)
        for var, spec in regime.items():
            if regime.is_hard(var) and var in after:
                assert (after[var] == spec).all(), f"{name} did not set {var}"
    assert env.scm.interventions == ()
    pd.testing.assert_frame_equal(env.sample(300, seed=1), before)


def check_non_descendants_keep_values(env):
    world = env.sample_world(500, seed=2)
    for regime in env.regimes.values():
        cf = env.scm.do(regime).sample_world(500, seed=2)
        descendants = set(regime)
        for v in regime:
            descendants |= nx.descendants(env.scm.graph, v)
        keep = [v for v in env.scm.variables if v not in descendants]
        pd.testing.assert_frame_equal(world[keep], cf[keep])


def check_factual_counterfactual(env):
    world = env.sample_world(500, seed=4)
    t = env.treatment
    cf = env.counterfactual(world, do={t: world[t].to_numpy()})
    np.testing.assert_allclose(cf[env.scm.variables].to_numpy(dtype=float),
                               world[env.scm.variables].to_numpy(dtype=float), rtol=1e-9, atol=1e-9)


def check_true_effects_match_simulation(env, n_samples: int = 100_000, k: float = 4.0):
    """The environment's ``estimands`` name the average effects its truth states; the stated
    ATE, ATT and ATC agree with a paired simulation of both arms within ``k`` standard errors
    (ATT and ATC: the same units' contrasts averaged over those with T = treated / control)."""
    truth = env.true_effects()
    assert truth, "the environment states no true effects"
    for name, value in truth.items():
        assert np.isfinite(float(value)), f"true {name} is not finite"
    averages = ("ate", "att", "atc")
    declared = tuple(env.estimands)
    assert {e for e in declared if e in averages} == {e for e in truth if e in averages}, (
        f"estimands {declared} do not match the average effects true_effects() states: {sorted(truth)}; "
        "state each of them in true_effects(), or set the class attribute estimands to the ones it states")
    assert set(declared) <= {*averages, "cate"}, f"unknown estimands in {declared}"
    env.sample_world(10, seed=0)  # environments without a model answer UnsupportedQueryError here
    if "ate" not in truth:
        return
    regimes = [r for r in env.regimes.values() if set(r) == {env.treatment} and r.is_hard(env.treatment)]
    values = sorted(float(r[env.treatment]) for r in regimes)
    hi, lo = {env.treatment: 1}, {env.treatment: 0}
    if values and values != [0.0, 1.0]:
        lo, hi = {env.treatment: values[0]}, {env.treatment: values[-1]}
    # whole populations (sample_world), paired by the seed: each unit under both arms
    y1 = env.do(hi).sample_world(n_samples, seed=5)[env.outcome].to_numpy(dtype=float)
    y0 = env.do(lo).sample_world(n_samples, seed=5)[env.outcome].to_numpy(dtype=float)
    diff = y1 - y0
    se = diff.std(ddof=1) / np.sqrt(n_samples)
    ate = float(truth["ate"])
    assert abs(diff.mean() - ate) <= k * se + 1e-12, (
        f"stated ATE {ate:.6g} vs simulated {diff.mean():.6g} (se {se:.2g})")
    if "att" in truth or "atc" in truth:
        factual = env.sample_world(n_samples, seed=5)[env.treatment].to_numpy(dtype=float)
        for name, level in (("att", hi[env.treatment]), ("atc", lo[env.treatment])):
            if name in truth:
                d = diff[factual == level]
                se = d.std(ddof=1) / np.sqrt(len(d))
                assert abs(d.mean() - float(truth[name])) <= k * se + 1e-12, (
                    f"stated {name.upper()} {float(truth[name]):.6g} vs simulated {d.mean():.6g} (se {se:.2g})")


def check_pickle_round_trip(env):
    clone = pickle.loads(pickle.dumps(env))
    pd.testing.assert_frame_equal(clone.sample(100, seed=6), env.sample(100, seed=6))


def check_unsupported_truth_is_a_clear_error(env):
    """Asking for a truth the environment lacks raises UnsupportedQueryError (or works)."""
    try:
        value = env.true_cate(env.sample(20, seed=7))
    except UnsupportedQueryError as exc:
        assert str(exc)
        return
    assert len(value) == 20 and np.isfinite(np.asarray(value, dtype=float)).all()


#: (name, check, capability needed)
CHECKS = [
    ("builds_from_id", check_builds_from_id, None),
    ("graph_acyclic", check_graph_acyclic, None),
    ("roles", check_roles, None),
    ("sample", check_sample, None),
    ("same_seed_same_data", check_same_seed_same_data, None),
    ("do_leaves_original_untouched", check_do_leaves_original_untouched, "scm"),
    ("non_descendants_keep_values", check_non_descendants_keep_values, "scm"),
    ("factual_counterfactual", check_factual_counterfactual, "scm"),
    ("true_effects_match_simulation", check_true_effects_match_simulation, "scm"),
    ("pickle_round_trip", check_pickle_round_trip, None),
    ("unsupported_truth_is_a_clear_error", check_unsupported_truth_is_a_clear_error, None),
]


def environment_checks(env):
    """Yield ``(name, check, needs)`` for every common check."""
    yield from CHECKS


def check_environment(env) -> list[str]:
    """Run every check that applies to ``env``; raise on the first failure.

    Checks needing a capability the environment lacks must raise
    :class:`UnsupportedQueryError`; anything else is a failure. Returns the names run.
    """
    ran = []
    for name, check, needs in environment_checks(env):
        if needs is not None and needs not in env.capabilities:
            try:
                check(env)
            except UnsupportedQueryError:
                ran.append(f"{name} (unsupported, as declared)")
                continue
            raise AssertionError(f"{name}: {env!r} lacks {needs!r} yet did not raise UnsupportedQueryError")
        check(env)
        ran.append(name)
    return ran


__all__ = ["CHECKS", "check_environment", "environment_checks"]
