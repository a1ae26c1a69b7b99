"""The registry, the catalog and a light `import causalab`."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import causalab as cl


def test_list_environments_table():
    table = cl.list_environments()
    assert list(table.columns) == ["id", "tags", "story"]
    assert {"KidneyStones-v0", "FrontDoor-v0"} <= set(table["id"])
    assert table["story"].str.len().gt(10).all()


def test_unknown_id_suggests_close_match():
    with pytest.raises(cl.UnknownEnvironmentError, match="Did you mean 'KidneyStones-v0'"):
        cl.make("KidneyStone-v0")


def test_unknown_knob_is_named():
    with pytest.raises(cl.InvalidValueError, match="no knob 'strength'"):
        cl.make("KidneyStones-v0", strength=2)


def test_register_twice_needs_override():
    from environments.kidney_stones import KidneyStones

    cl.register("MyStones-v0", KidneyStones, story="a copy")
    with pytest.raises(cl.RegistrationError, match="already registered"):
        cl.register("MyStones-v0", KidneyStones)
    cl.register("MyStones-v0", KidneyStones, story="replaced", override=True)
    env = cl.make("MyStones-v0")
    assert env.id == "MyStones-v0"
    with pytest.raises(cl.RegistrationError, match="Name-v0"):
        cl.register("no_version", KidneyStones)


def test_environment_do_is_a_new_object_and_roles_are_declared():
    env = cl.make("KidneyStones-v0")
    treated = env.do({"T": 1})
    assert env.scm.interventions == () and len(treated.scm.interventions) == 1
    assert env.roles == {"S": "covariate", "T": "treatment", "R": "outcome"}
    assert set(env.regimes) == {"do(T=0)", "do(T=1)"}
    fd = cl.make("FrontDoor-v0")
    assert fd.hidden == ["U"] and "U" not in fd.sample(10, seed=0)
    assert fd.expected["frontdoor"][0] and not fd.expected["backdoor"][0]


def test_import_and_listing_stay_light():
    code = ("import sys, causalab as cl; cl.list_environments(); "
            "heavy = [m for m in ('torch', 'pyro', 'dowhy') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class Coin(cl.Environment):
    """T := Bernoulli(p); Y := T xor Bernoulli(0.1). ATE = 0.8 exactly."""

    story = "a coin and its noisy copy"

    def build(self, p: float = 0.5):
        return cl.SCM().add("T", cl.Table([], p)).add("Y", cl.Table(["T"], [0.1, 0.9]))


def test_a_user_environment_passes_the_common_checks():
    from causalab.testing import check_environment

    cl.register("Coin-v0", Coin, story=Coin.story, override=True)
    env = cl.make("Coin-v0", p=0.3)
    assert env.true_effects()["ate"] == pytest.approx(0.8, abs=1e-12)
    ran = check_environment(env)
    assert "true_effects_match_simulation" in ran and len(ran) == 11


@pytest.mark.parametrize("knobs,expected", [
    ({"nonlinear": "false"}, False), ({"nonlinear": "True"}, True), ({"nonlinear": 0}, False),
    ({"nonlinear": np.bool_(True)}, True),
])
def test_knobs_are_coerced_by_their_declared_type(knobs, expected):
    env = cl.make("Confounding-v0", **knobs)
    assert env.knobs["nonlinear"] is expected
    linear = cl.make("Confounding-v0")
    if not expected:  # the same linear model as the default, not a nonlinear one
        pd.testing.assert_frame_equal(env.sample(50, seed=0), linear.sample(50, seed=0))


@pytest.mark.parametrize("knobs,text", [
    ({"effect": float("nan")}, "'effect'"), ({"effect": "abc"}, "'effect'"), ({"effect": True}, "'effect'"),
    ({"nonlinear": "maybe"}, "'nonlinear'"), ({"nonlinear": 2}, "'nonlinear'"),
])
def test_bad_knob_values_name_the_knob_and_its_type(knobs, text):
    with pytest.raises(cl.InvalidValueError, match=text):
        cl.make("Confounding-v0", **knobs)


def test_random_dag_rejects_a_nan_degree_and_accepts_numpy_ints():
    with pytest.raises(cl.InvalidValueError, match="expected_degree"):
        cl.make("RandomDAG-v0", expected_degree=float("nan"))
    assert cl.make("RandomDAG-v0", n_variables=np.int64(6)).knobs["n_variables"] == 6


# An environment's defaults are part of its versioned contract (environments/__init__.py: a
# change to equations or defaults bumps the version): a silently changed default fails here.
DEFAULT_KNOBS = {
    "KidneyStones-v0": {}, "NonlinearSimpson-v0": {}, "Asia-v0": {}, "LaLonde-v0": {}, "Sachs-v0": {},
    "LaLondeSim-v0": {"effect": None}, "IHDPSim-v0": {"effect": None},
    "Confounding-v0": {"strength": 1.0, "effect": 1.0, "nonlinear": False, "noise": 1.0},
    "FrontDoor-v0": {"continuous": False, "tar_per_smoking": 1.0, "cancer_per_tar": 0.5},
    "Instrument-v0": {"instrument_strength": 1.0, "confounding": 1.0, "effect": 1.0},
    "Mediation-v0": {"binary": False, "direct": 1.0, "a": 1.0, "mediated": 2.0},
    "Collider-v0": {"selection": 0.45},
    "MBias-v0": {"strength": 1.0, "effect": 1.0},
    "SelectionBias-v0": {"selection": 1.0},
    "HeterogeneousEffects-v0": {"overlap": 1.0, "imbalance": 0.0, "noise": 1.0},
    "SpuriousShortcut-v0": {"errors": (0.1, 0.2, 0.9), "label_noise": 0.25},
    "ProxyConfounder-v0": {"n_proxies": 5, "proxy_noise": 1.0, "confounding": 3.0, "effect": 1.0},
    "RandomDAG-v0": {"n_variables": 10, "expected_degree": 2.0, "graph": "erdos_renyi", "mechanism": "linear",
                     "noise": "normal", "noise_scale": 1.0, "hidden_share": 0.0, "binary_share": 0.0, "seed": 0},
    "IHDP-v0": {"surface_seed": 0},
}


def test_default_knobs_are_part_of_the_versioned_contract():
    from causalab.environments import CATALOG

    assert sorted(DEFAULT_KNOBS) == sorted(spec.id for spec in CATALOG)
    for env_id, knobs in DEFAULT_KNOBS.items():
        env = cl.make(env_id)
        assert dict(env.knobs) == knobs, env_id
        for name, value in knobs.items():  # the same type too: 1 is not 1.0 to a knob's coercion
            assert type(env.knobs[name]) is type(value), (env_id, name)
