"""Counterfactuals: stored noise, exact abduction, exact noise posteriors for discrete nodes."""

import numpy as np
import pandas as pd
import pytest
import torch

import causalab as cl


@pytest.fixture
def mixed():
    s = cl.SCM()
    s.add("Z", cl.Normal(0, 1))
    s.add("T", cl.Logistic({"Z": 1.5}))
    s.add("C", cl.Table(["T"], [[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]]))
    s.add("M", cl.LocationScale(lambda T, Z: 2 * T + Z, lambda T, Z: 1 + 0.5 * T, noise=cl.Normal(0, 1)))
    s.add("Y", cl.PostNonlinear(lambda M, C: M + C, lambda x: x**3, lambda y: torch.sign(y) * y.abs() ** (1 / 3),
                                noise=cl.Uniform(-1, 1)))
    return s


def test_abduction_equals_stored_noise_for_invertible_mechanisms(mixed):
    world = mixed.sample_world(3000, seed=0)
    with_noise = mixed.counterfactual(world, do={"Z": cl.shift(0.7)})
    observed = world[mixed.observed]
    # Z's descendants include the discrete T and C, whose noise posterior is an interval;
    # intervene below them so abduction is exact for every node
    a = mixed.counterfactual(world, do={"M": cl.shift(0.7)})
    b = mixed.counterfactual(observed, do={"M": cl.shift(0.7)})
    np.testing.assert_allclose(a.to_numpy(dtype=float), b[a.columns].to_numpy(dtype=float), rtol=1e-9, atol=1e-9)
    assert with_noise.shape == (3000, len(mixed.variables))


def test_setting_the_factual_value_returns_the_factual_data(mixed):
    world = mixed.sample_world(500, seed=1)
    for data in (world, world[mixed.observed]):
        cf = mixed.counterfactual(data, do={"T": data["T"].to_numpy()})
        np.testing.assert_allclose(cf[mixed.observed].to_numpy(dtype=float),
                                   data[mixed.observed].to_numpy(dtype=float), rtol=1e-9, atol=1e-9)


def test_discrete_noise_posterior_matches_exact_enumeration():
    # a fully discrete model: the per-unit counterfactual distribution from observed data
    # equals P(C_{T=t} = c | all observed values of the unit) by twin-network enumeration
    s = cl.SCM()
    s.add("A", cl.Table([], [0.3, 0.5, 0.2]))
    s.add("T", cl.Table(["A"], [0.2, 0.6, 0.9]))
    s.add("C", cl.Table(["T", "A"], [[[0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6]],
                                     [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25], [0.05, 0.9, 0.05]]]))
    s.add("Y", cl.Table(["C"], [0.1, 0.5, 0.8]))
    data = s.sample(300, seed=2)
    dist = s.counterfactual_distribution(data, do={"T": 1}, variable="Y")
    expect = s.counterfactual(data, do={"T": 1})
    for i in range(0, 300, 37):
        given = {k: int(v) for k, v in data.iloc[i].items()}
        exact = s.counterfactual_prob({"Y": 1}, do={"T": 1}, given=given)
        assert dist.iloc[i, 1] == pytest.approx(float(exact), abs=1e-12)
        assert expect["Y"].iloc[i] == pytest.approx(float(exact), abs=1e-12)
    np.testing.assert_allclose(dist.sum(axis=1), 1.0, atol=1e-12)


def test_population_average_of_counterfactuals_is_the_interventional_mean():
    # E over units of E[Y_{T=1} | unit] = P(Y=1 | do(T=1)): a consistency check through the posterior
    ks = cl.make("KidneyStones-v0")
    data = ks.sample(100_000, seed=3)
    cf = ks.counterfactual(data, do={"T": 1})
    p = float(ks.scm.prob({"R": 1}, do={"T": 1}))
    assert abs(cf["R"].mean() - p) < 3 * np.sqrt(p * (1 - p) / len(data))


def test_hidden_discrete_model_counterfactuals_by_enumeration():
    fd = cl.make("FrontDoor-v0")
    obs = pd.DataFrame({"X": [1, 0], "Z": [1, 0], "Y": [1, 0]})
    cf = fd.counterfactual(obs, do={"X": 0})
    for i in range(2):
        given = obs.iloc[i].to_dict()
        assert cf["Y"].iloc[i] == pytest.approx(float(fd.scm.counterfactual_prob({"Y": 1}, {"X": 0}, given)))
    # with stored noise the same query is exact per unit
    world = fd.sample_world(100, seed=0)
    exact = fd.counterfactual(world, do={"X": 0})
    assert exact["Y"].dtype == np.int64


def test_hidden_continuous_without_noise_is_unsupported():
    s = cl.SCM().add("H", cl.Normal(0, 1), hidden=True).add("X", cl.Linear({"H": 1.0}))
    with pytest.raises(cl.UnsupportedQueryError, match="hidden"):
        s.counterfactual(s.sample(3, seed=0), do={"X": 0.0})


def test_nested_counterfactual_nde_by_monte_carlo_matches_linear_closed_form():
    s = cl.SCM()
    s.add("T", cl.Normal(0, 1))
    s.add("M", cl.Additive(lambda T: 2 * T, noise=cl.Normal(0, 1)))  # Additive: not linear-Gaussian by type
    s.add("Y", cl.Additive(lambda T, M: 0.5 * T + 1.5 * M, noise=cl.Normal(0, 1)))
    nde = s.nde("T", "Y", "M", seed=0, n_samples=20_000)
    nie = s.nie("T", "Y", "M", seed=0, n_samples=20_000)
    assert nde.method == "monte carlo"
    assert nde == pytest.approx(0.5, abs=1e-9) and nie == pytest.approx(3.0, abs=1e-9)


def test_policy_on_a_discrete_treatment_exact_and_sampled():
    # a policy is a soft intervention: treat when Z = 1, whatever T would have been
    s = cl.SCM()
    s.add("Z", cl.Table([], 0.3))
    s.add("T", cl.Table(["Z"], [0.2, 0.6]))
    s.add("Y", cl.Table(["T", "Z"], [[0.1, 0.5], [0.4, 0.9]]))
    policy = cl.Soft(lambda t, pa: pa["Z"], label="Z")
    exact = s.prob({"Y": 1}, do={"T": policy})
    assert exact == pytest.approx(0.7 * 0.1 + 0.3 * 0.9, abs=1e-12)
    y = s.do({"T": policy}).sample(200_000, seed=0)["Y"].to_numpy()
    assert abs(y.mean() - exact) < 4 * np.sqrt(exact * (1 - exact) / len(y))
    # counterfactuals under the policy: stored noise and exact posterior agree on average
    world = s.sample_world(50_000, seed=1)
    from_noise = s.counterfactual(world, do={"T": policy})["Y"].to_numpy()
    from_data = s.counterfactual(world[s.observed], do={"T": policy})["Y"].to_numpy()
    assert abs(from_noise.mean() - from_data.mean()) < 4 * from_noise.std() / np.sqrt(len(world))
    flip = cl.Soft(lambda t, pa: 1 - t, label="1-T")
    assert s.prob({"T": 1}, do={"T": flip}) == pytest.approx(1 - s.prob({"T": 1}), abs=1e-12)
    with pytest.raises(cl.UnsupportedQueryError, match="soft"):
        s.counterfactual_prob({"Y": 1}, do={"T": policy}, given={"T": 1})


@pytest.mark.parametrize("seed", [None, np.random.default_rng(3), 5])
def test_monte_carlo_ate_is_paired_for_every_kind_of_seed(seed):
    s = cl.SCM()
    s.add("X", cl.Normal(0, 1))
    s.add("T", cl.Additive(lambda X: torch.sin(X), noise=cl.Normal(0, 1)))
    s.add("Y", cl.Additive(lambda T, X: T + X**2, noise=cl.Normal(0, 1)))
    ate = s.ate("T", "Y", seed=seed, n_samples=2000)
    # each unit under both arms: Y_1 - Y_0 = 1 exactly, so a paired estimate has no spread
    assert ate.method == "monte carlo" and float(ate) == pytest.approx(1.0, abs=1e-9) and ate.se < 1e-9


def test_ate_validates_the_seed_on_the_exact_path_too():
    with pytest.raises(cl.InvalidValueError, match="seed"):
        cl.make("KidneyStones-v0").scm.ate("T", "R", seed="x")


def test_a_partial_world_is_refused_rather_than_switching_mode():
    env = cl.make("KidneyStones-v0")
    world = env.sample_world(50, seed=0)
    with pytest.raises(cl.InvalidValueError, match=r"U\[R\]"):
        env.counterfactual(world.drop(columns="U[R]"), do={"T": 0})
    exact = env.counterfactual(world, do={"T": 0})
    assert set(exact["R"].unique()) <= {0, 1}  # stored noise: each unit's outcome is certain
    abducted = env.counterfactual(world[env.observed], do={"T": 0})  # explicit: observed columns only
    assert abducted["R"].between(0, 1).all()


def test_abduct_recovers_each_units_noise():
    scm = cl.make("Confounding-v0").scm
    world = scm.sample_world(200, seed=3)
    noise = scm.abduct(world[scm.variables])
    for v in scm.variables:
        np.testing.assert_allclose(noise[f"U[{v}]"], world[f"U[{v}]"], atol=1e-9)
    ks = cl.make("KidneyStones-v0").scm
    world = ks.sample_world(300, seed=4)
    bounds = ks.abduct(world[ks.variables])
    for v in ks.variables:  # the stored uniform noise lies in the interval the row pins down
        u = world[f"U[{v}]"]
        assert ((bounds[f"U[{v}].lo"] <= u) & (u < bounds[f"U[{v}].hi"])).all()
    # by hand: R=1 for a small stone (S=0) under A (T=1) means U in [1 - 81/87, 1);
    # under B (T=0) U in [1 - 234/270, 1)
    rows = pd.DataFrame({"S": [0, 0], "T": [1, 0], "R": [1, 1]})
    lows = ks.abduct(rows)["U[R].lo"].to_numpy()
    np.testing.assert_allclose(lows, [1 - 81 / 87, 1 - 234 / 270], atol=1e-12)
    assert (ks.abduct(rows)["U[R].hi"] == 1.0).all()
    with pytest.raises(cl.UnsupportedQueryError, match="hidden"):
        cl.make("MBias-v0").scm.abduct(cl.make("MBias-v0").sample(5, seed=0))


def test_a_world_that_contradicts_its_noise_is_refused():
    env = cl.make("Confounding-v0")
    world = env.sample_world(100, seed=5)
    edited = world.copy()
    edited.loc[edited.index[7], "Y"] += 1.0
    with pytest.raises(cl.InvalidValueError, match="unit 7: Y"):
        env.counterfactual(edited, do={"T": 0})
    env.counterfactual(world, do={"T": 0})  # the untouched world is fine


def test_an_inverse_that_does_not_invert_is_caught():
    scm = cl.SCM().add("X", cl.Normal(0, 1))
    scm.add("Y", cl.PostNonlinear(lambda X: X, torch.exp, lambda y: y, parents=["X"]))  # wrong inverse of exp
    data = scm.sample(50, seed=0)
    with pytest.raises(cl.InvalidValueError, match="inverse"):
        scm.counterfactual(data, do={"X": 0.0})
    right = cl.SCM().add("X", cl.Normal(0, 1))
    right.add("Y", cl.PostNonlinear(lambda X: X, torch.exp, torch.log, parents=["X"]))
    data = right.sample(50, seed=0)
    cf = right.counterfactual(data, do={"X": 0.0})
    np.testing.assert_allclose(np.log(cf["Y"]), np.log(data["Y"]) - data["X"], atol=1e-9)  # abduct, act, predict


def test_a_scale_reaching_zero_is_caught():
    scm = cl.SCM().add("X", cl.Uniform(0, 1))
    scm.add("Y", cl.LocationScale(lambda X: X, lambda X: X * 0.0, parents=["X"]))  # the scale is 0 everywhere
    data = pd.DataFrame({"X": [0.2, 0.5], "Y": [0.3, 0.5]})
    with pytest.raises(cl.InvalidValueError, match="Y"):
        scm.counterfactual(data, do={"X": 0.9})


def test_front_door_counterfactuals_by_hand_with_the_genotype_hidden():
    # observed rows only (no noise columns): causalab enumerates the twin network. By hand:
    # U = X exactly; Y := 1[U_Y >= P(Y=0 | Z, U)] with one uniform U_Y per unit (comonotone), so
    # given the factual (z, y) U_Y lies in [p0, 1) (y = 1) or [0, p0) (y = 0), p0 = P(Y=0 | z, u),
    # and Y under do(Z=0) is 1 when U_Y >= q0 = P(Y=0 | Z=0, u).
    env = cl.make("FrontDoor-v0")
    data = env.sample(400, seed=3)
    cf = env.counterfactual(data, do={"Z": 0})
    p_y1 = {(1, 1): 0.15, (1, 0): 0.95, (0, 1): 0.10, (0, 0): 0.90}  # P(Y=1 | Z, U), the docstring's p
    for (x, z, y), got in zip(data[["X", "Z", "Y"]].itertuples(index=False), cf["Y"]):
        p0, q0 = 1 - p_y1[z, x], 1 - p_y1[0, x]
        want = (1 - max(p0, q0)) / (1 - p0) if y == 1 else max(0.0, p0 - q0) / p0
        assert got == pytest.approx(want, abs=1e-12)
    assert (cf["X"] == data["X"]).all() and (cf["Z"] == 0).all()  # X is not a descendant of Z
    assert {0.0, 1.0} < set(np.round(cf["Y"], 12))  # a mixture: some units' counterfactual is uncertain


def test_abduction_splits_units_and_carries_later_non_descendants_by_hand():
    # X ~ Bern(.5), A := 1[U_A >= P(A=0 | X)] with P(A=1 | X) = (.3, .8), B ~ N(0, 1) after A,
    # Y := 2A + B + e. Without noise columns a unit with X=0, A=0 has U_A in [0, .7): under do(X=1)
    # A is 1 when U_A >= .2, probability 5/7; X=0, A=1 stays 1; X=1 units are unchanged. B is not a
    # descendant of X but comes after the split particles: it must follow its unit.
    s = cl.SCM().add("X", cl.Table([], 0.5)).add("A", cl.Table(["X"], [0.3, 0.8])).add("B", cl.Normal(0, 1))
    s.add("Y", cl.Linear({"A": 2.0, "B": 1.0}))
    data = s.sample(300, seed=0)
    cf = s.counterfactual(data, do={"X": 1})
    p_a = np.where(data["X"] == 1, data["A"], np.where(data["A"] == 1, 1.0, 5 / 7))
    np.testing.assert_allclose(cf["A"], p_a, atol=1e-12)
    np.testing.assert_allclose(cf["B"], data["B"], atol=1e-12)
    np.testing.assert_allclose(cf["Y"], data["Y"] - 2 * data["A"] + 2 * p_a, atol=1e-9)
    assert ((data["X"] == 0) & (data["A"] == 0)).sum() > 30  # the split case is well represented


def test_counterfactual_events_pinned_by_the_evidence():
    # S is not a descendant of T: in every world it keeps the observed level
    ks = cl.make("KidneyStones-v0").scm
    assert ks.counterfactual_prob({"S": 0}, do={"T": 1}, given={"S": 1}) == 0.0
    assert ks.counterfactual_prob({"S": 1}, do={"T": 1}, given={"S": 1}) == 1.0
    assert ks.counterfactual_prob({"S": 1, "T": 0}, do={"T": 1}, given={"S": 1}) == 0.0
    both = ks.counterfactual_prob({"S": 1, "R": 1}, do={"T": 1}, given={"S": 1})
    assert float(both) == pytest.approx(float(ks.prob({"R": 1}, given={"S": 1}, do={"T": 1})), abs=1e-12)


def test_invertible_says_which_mechanisms_give_exact_abduction():
    f = lambda A: A  # noqa: E731
    exact = [cl.Linear({"A": 1.0}), cl.Additive(f), cl.LocationScale(f, lambda A: 1 + A**2),
             cl.PostNonlinear(f, torch.exp, torch.log), cl.Normal(0, 1),
             cl.Custom(lambda pa, u: pa["A"] + u, ["A"], cl.Normal(), inverse=lambda v, pa: v - pa["A"])]
    not_exact = [cl.Table(["A"], [0.2, 0.7]), cl.Threshold({"A": 1.0}), cl.Logistic({"A": 1.0}),
                 cl.Custom(lambda pa, u: pa["A"] * u, ["A"], cl.Normal())]
    for m in exact:
        m = cl.SCM().add("X", m).mechanism("X") if isinstance(m, cl.Noise) else m
        assert m.invertible is True, m
    for m in not_exact:
        assert m.invertible is False, m


def test_a_world_of_more_than_256_variables_gives_exact_counterfactuals():
    # large models take the stored-noise path too (a count compared by identity would fail above 256)
    env = cl.make("RandomDAG-v0", n_variables=300, expected_degree=2.0, seed=1)
    world = env.sample_world(50, seed=0)
    t = env.treatment
    cf = env.counterfactual(world, do={t: 0.0})
    moved = env.scm.do({t: 0.0}).sample_world(50, seed=0)  # the same units: noise is shared by seed
    np.testing.assert_allclose(cf[env.outcome], moved[env.outcome], atol=1e-9)


def test_the_world_check_covers_what_the_counterfactual_reads():
    # Confounding-v0: Z := U_Z, T := Z + U_T, Y := T + Z + U_Y (its printed equations). Under
    # do(T=0) the counterfactual reads Y's noise with Z's factual value: an edit to either is
    # refused; Z's own noise is never read, so editing it changes nothing the answer uses.
    env = cl.make("Confounding-v0")
    world = env.sample_world(200, seed=11)
    want = (world["Z"] + world["U[Y]"]).to_numpy()  # Y under do(T=0), by hand
    np.testing.assert_allclose(env.counterfactual(world, do={"T": 0})["Y"], want, atol=1e-12)
    for column, unit in (("U[Y]", 3), ("Z", 5)):
        edited = world.copy()
        edited.loc[unit, column] += 0.5
        with pytest.raises(cl.InvalidValueError, match=f"unit {unit}: Y"):
            env.counterfactual(edited, do={"T": 0})
    tiny = world.copy()
    tiny.loc[9, "Y"] *= 1 + 1e-6  # ten times isclose's rtol of 1e-7: an edit, not rounding
    with pytest.raises(cl.InvalidValueError, match="unit 9: Y"):
        env.counterfactual(tiny, do={"T": 0})
    unread = world.copy()
    unread.loc[4, "U[Z]"] += 1.0
    np.testing.assert_allclose(env.counterfactual(unread, do={"T": 0})["Y"], want, atol=1e-12)
    # a soft intervention reads the intervened variable's own noise: T := (Z + U_T) + 1
    soft = world.copy()
    soft.loc[6, "U[T]"] -= 0.25
    with pytest.raises(cl.InvalidValueError, match="unit 6: T"):
        env.counterfactual(soft, do={"T": cl.shift(1.0)})
    shifted = env.counterfactual(world, do={"T": cl.shift(1.0)})
    np.testing.assert_allclose(shifted["Y"], world["Y"] + 1.0, atol=1e-12)


def test_the_round_trip_tolerance_is_relative_for_large_values():
    # Y := (X + 1000 + U)^3, about 1e9: the cube root then the cube miss Y by a few ulps
    # (~1e-6, far above isclose's atol of 1e-9, far below its rtol of 1e-7 times 1e9), which
    # must pass; Y under do(X=0) is (cbrt(Y) - X)^3, by hand. An inverse off by 1e3 is refused.
    def cube_root(y):
        return torch.sign(y) * y.abs() ** (1 / 3)

    scm = cl.SCM().add("X", cl.Normal(0, 1))
    scm.add("Y", cl.PostNonlinear(lambda X: X + 1000.0, lambda z: z**3, cube_root, parents=["X"]))
    data = scm.sample(300, seed=2)
    cf = scm.counterfactual(data, do={"X": 0.0})
    np.testing.assert_allclose(cf["Y"], (np.cbrt(data["Y"]) - data["X"]) ** 3, rtol=1e-12)
    wrong = cl.SCM().add("X", cl.Normal(0, 1))
    wrong.add("Y", cl.PostNonlinear(lambda X: X + 1000.0, lambda z: z**3, lambda y: cube_root(y + 1e3),
                                    parents=["X"]))
    with pytest.raises(cl.InvalidValueError, match="inverse"):
        wrong.counterfactual(wrong.sample(50, seed=0), do={"X": 0.0})
