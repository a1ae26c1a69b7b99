"""Each environment pins its published or closed-form numbers."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import torch
from scipy import integrate, special, stats

import causalab as cl


def test_confounding_closed_form():
    for s in (0.0, 0.5, 2.0):
        env = cl.make("Confounding-v0", strength=s, effect=1.5)
        scm = env.scm
        assert env.true_effects()["ate"] == pytest.approx(1.5, abs=1e-12)
        slope = scm.covariance("T", "Y") / scm.variance("T")
        assert slope == pytest.approx(1.5 + s**2 / (s**2 + 1), abs=1e-12)
        # adjusting for Z: the coefficient of T in E[Y | T, Z] is the effect
        diff = scm.expectation("Y", given={"T": 1.0, "Z": 0.3}) - scm.expectation("Y", given={"T": 0.0, "Z": 0.3})
        assert diff == pytest.approx(1.5, abs=1e-12)
    nonlinear = cl.make("Confounding-v0", nonlinear=True)
    assert nonlinear.true_effects()["ate"] == pytest.approx(1.0, abs=1e-12)  # same noise under both arms
    assert nonlinear.scm.kind("Y") == "continuous"


def test_instrument_wald_estimand_and_ols_bias():
    for g in (0.1, 1.0):
        env = cl.make("Instrument-v0", instrument_strength=g, confounding=1.0, effect=2.0)
        scm = env.scm
        wald = scm.covariance("Z", "Y") / scm.covariance("Z", "T")
        assert wald == pytest.approx(2.0, abs=1e-12)
        ols = scm.covariance("T", "Y") / scm.variance("T")
        assert ols == pytest.approx(2.0 + 1.0 / (g**2 + 2.0), abs=1e-12)
        assert scm.is_instrument("Z", "T", "Y") and scm.minimal_backdoor_set("T", "Y") is None
    # the weak instrument's first-stage correlation
    weak = cl.make("Instrument-v0", instrument_strength=0.1).scm
    r = weak.covariance("Z", "T") / np.sqrt(weak.variance("T"))
    assert r == pytest.approx(0.1 / np.sqrt(0.01 + 2), abs=1e-12)


def test_mediation_closed_forms():
    env = cl.make("Mediation-v0", direct=1.0, a=1.5, mediated=2.0)
    truth = env.true_effects()
    assert truth["nde"] == pytest.approx(1.0, abs=1e-12)
    assert truth["nie"] == pytest.approx(3.0, abs=1e-12)
    assert truth["ate"] == pytest.approx(4.0, abs=1e-12)
    binary = cl.make("Mediation-v0", binary=True)
    scm = binary.scm
    # the mediation formula with the covariate X (no hidden confounding), Pearl 2001:
    # NDE = sum_x P(x) sum_m [E(Y|1,m,x) - E(Y|0,m,x)] P(m|0,x)
    # NIE = sum_x P(x) sum_m E(Y|0,m,x) [P(m|1,x) - P(m|0,x)];  TNIE uses E(Y|1,m,x)
    nde = nie = tnie = ate = 0.0
    for x in (0, 1):
        px = float(scm.prob({"X": x}))
        for m in (0, 1):
            pm0 = float(scm.prob({"M": m}, given={"T": 0, "X": x}))
            pm1 = float(scm.prob({"M": m}, given={"T": 1, "X": x}))
            y1 = float(scm.prob({"Y": 1}, given={"T": 1, "M": m, "X": x}))
            y0 = float(scm.prob({"Y": 1}, given={"T": 0, "M": m, "X": x}))
            nde += px * (y1 - y0) * pm0
            nie += px * y0 * (pm1 - pm0)
            tnie += px * y1 * (pm1 - pm0)
            ate += px * (y1 * pm1 - y0 * pm0)
    truth = binary.true_effects()
    assert truth["nie"] == pytest.approx(0.120, abs=1e-12)  # the number, by hand from the tables
    assert truth["nde"] == pytest.approx(nde, abs=1e-12)
    assert truth["nie"] == pytest.approx(nie, abs=1e-12)
    assert truth["tnie"] == pytest.approx(tnie, abs=1e-12)
    assert truth["ate"] == pytest.approx(ate, abs=1e-12)
    assert truth["nde"] + truth["tnie"] == pytest.approx(truth["ate"], abs=1e-12)
    reverse = scm.nie("T", "Y", "M", treated=0, control=1)
    assert truth["nde"] - float(reverse) == pytest.approx(truth["ate"], abs=1e-12)
    assert abs(truth["nde"] + truth["nie"] - truth["ate"]) > 0.01  # interaction: the naive sum fails


def test_pearl_nie_on_an_interacting_model_by_hand():
    # X root p=0.5 treatment, P(M=1|X) = [0.2, 0.7], P(Y=1|X,M) = [[0.1, 0.3], [0.4, 0.9]]
    s = cl.SCM()
    s.add("X", cl.Table([], 0.5))
    s.add("M", cl.Table(["X"], [0.2, 0.7]))
    s.add("Y", cl.Table(["X", "M"], [[0.1, 0.3], [0.4, 0.9]]))
    # NIE = sum_m E(Y|0,m) [P(m|1) - P(m|0)] = 0.1 (0.3 - 0.8) + 0.3 (0.7 - 0.2) = 0.10
    # NDE = sum_m [E(Y|1,m) - E(Y|0,m)] P(m|0) = 0.3 * 0.8 + 0.6 * 0.2 = 0.36
    # ATE = (0.4 * 0.3 + 0.9 * 0.7) - (0.1 * 0.8 + 0.3 * 0.2) = 0.75 - 0.14 = 0.61
    assert float(s.nie("X", "Y", "M")) == pytest.approx(0.10, abs=1e-12)
    assert float(s.nde("X", "Y", "M")) == pytest.approx(0.36, abs=1e-12)
    assert float(s.ate("X", "Y")) == pytest.approx(0.61, abs=1e-12)
    assert float(s.tnie("X", "Y", "M")) == pytest.approx(0.25, abs=1e-12)  # the old, total indirect effect


def test_pearl_nie_continuous_with_interaction_by_hand():
    # M = a T + e_M, Y = d T + m M + k T M + e: Y_{0, M_1} - Y_0 = m a per unit (NIE),
    # Y_1 - Y_{1, M_0} = (m + k) a (TNIE), Y_{1, M_0} - Y_0 = d + k e_M (NDE = d)
    a, d, m, k = 2.0, 0.5, 1.5, 0.7
    s = cl.SCM()
    s.add("T", cl.Normal(0, 1))
    s.add("M", cl.Additive(lambda T: a * T, noise=cl.Normal(0, 1)))
    s.add("Y", cl.Additive(lambda T, M: d * T + m * M + k * T * M, noise=cl.Normal(0, 1)))
    nie = s.nie("T", "Y", "M", seed=0, n_samples=20_000)
    tnie = s.tnie("T", "Y", "M", seed=0, n_samples=20_000)
    nde = s.nde("T", "Y", "M", seed=0, n_samples=20_000)
    assert nie.method == "monte carlo"
    assert float(nie) == pytest.approx(m * a, abs=1e-9) and float(tnie) == pytest.approx((m + k) * a, abs=1e-9)
    assert abs(float(nde) - d) <= 4 * k / np.sqrt(20_000)  # k e_M averages to 0


def test_collider_berkson():
    scm = cl.make("Collider-v0").scm
    assert scm.ate("T", "Y") == pytest.approx(0.0, abs=1e-15)
    assert scm.prob({"Y": 1}, given={"T": 1, "S": 1}) == pytest.approx(0.95 / 1.45, abs=1e-12)
    assert scm.prob({"Y": 1}, given={"T": 0, "S": 1}) == pytest.approx(0.5 / 0.55, abs=1e-12)
    assert scm.d_separated("T", "Y") and not scm.d_separated("T", "Y", given=["S"])


def test_m_bias_adjusted_coefficient():
    env = cl.make("MBias-v0", strength=1.0, effect=1.0)
    scm = env.scm
    assert scm.covariance("T", "Y") / scm.variance("T") == pytest.approx(1.0, abs=1e-12)  # unadjusted: unbiased
    # coefficient of T in the regression of Y on (T, M), from the exact covariance matrix
    names = ["T", "M"]
    S = np.array([[float(scm.covariance(a, b)) for b in names] for a in names])
    c = np.array([float(scm.covariance(a, "Y")) for a in names])
    coef_t = np.linalg.solve(S, c)[0]
    # by hand: Var T = 2, Var M = 3, Cov(T, M) = 1, Cov(T, Y) = 2, Cov(M, Y) = 1 + 1 = 2
    by_hand = np.linalg.solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([2.0, 2.0]))[0]
    assert coef_t == pytest.approx(by_hand, abs=1e-12) and coef_t != pytest.approx(1.0, abs=0.05)
    assert scm.is_backdoor_set("T", "Y", []) and not scm.is_backdoor_set("T", "Y", ["M"])


def test_selection_bias():
    env = cl.make("SelectionBias-v0")
    assert env.true_effects()["ate"] == pytest.approx(0.3, abs=1e-12)
    biased = env.selected_contrast()
    assert abs(biased - 0.3) > 0.02
    data = env.sample(200_000, seed=0)
    assert "S" not in data.columns and len(data) == 200_000
    # the adjusted contrast on the selected sample estimates the biased quantity, within 4 SE
    est, var = 0.0, 0.0
    for x in (0, 1):
        sub = data[data["X"] == x]
        y1, y0 = sub.loc[sub["T"] == 1, "Y"], sub.loc[sub["T"] == 0, "Y"]
        w = len(sub) / len(data)
        est += w * (y1.mean() - y0.mean())
        var += w**2 * (y1.var() / len(y1) + y0.var() / len(y0))
    assert abs(est - biased) < 4 * np.sqrt(var)


def test_nonlinear_simpson_signs():
    env = cl.make("NonlinearSimpson-v0")
    assert env.true_effects()["ate"] == pytest.approx(-1.0, abs=1e-12)
    data = env.sample(400_000, seed=1)
    slope = np.polyfit(data["T"], data["Y"], 1)[0]
    assert slope > 0 and abs(slope - env.TRUE_SLOPE) < 0.02  # se of the slope is about 0.003 here
    # adjusting for Z recovers the effect: the cubic term's nonlinear part is orthogonal to T
    X = np.column_stack([np.ones(len(data)), data["T"], data["Z"], data["Z"] ** 3])
    coef = np.linalg.lstsq(X, data["Y"].to_numpy(), rcond=None)[0]
    assert abs(coef[1] + 1.0) < 0.01


def test_heterogeneous_effects_truth_by_quadrature():
    env = cl.make("HeterogeneousEffects-v0", overlap=2.0, imbalance=-1.0)
    truth = env.true_effects()
    assert truth["ate"] == pytest.approx(1.0, abs=1e-12)
    num = integrate.quad(lambda x: (1 + 2 * x) * stats.norm.pdf(x) * special.expit(-1 + 2 * x), -10, 10)[0]
    den = integrate.quad(lambda x: stats.norm.pdf(x) * special.expit(-1 + 2 * x), -10, 10)[0]
    assert truth["att"] == pytest.approx(num / den, abs=1e-8)
    # the ATC by quadrature over the controls' density of X1, P(T=0 | x) = expit(1 - 2x)
    num0 = integrate.quad(lambda x: (1 + 2 * x) * stats.norm.pdf(x) * special.expit(1 - 2 * x), -10, 10)[0]
    den0 = integrate.quad(lambda x: stats.norm.pdf(x) * special.expit(1 - 2 * x), -10, 10)[0]
    assert truth["atc"] == pytest.approx(num0 / den0, abs=1e-8)
    assert env.estimands == ("ate", "att", "atc", "cate")
    world = env.sample_world(100_000, seed=2)
    cf1 = env.counterfactual(world, do={"T": 1})["Y"]
    cf0 = env.counterfactual(world, do={"T": 0})["Y"]
    np.testing.assert_allclose(cf1 - cf0, env.true_cate(world), atol=1e-9)
    tau = env.true_cate(world)
    assert abs(tau.mean() - 1.0) < 4 * tau.std() / np.sqrt(len(tau))
    # the policy treats exactly the units with X1 > -1/2; its value beats treating everyone
    assert str(env.regimes["policy"]) == "do(T=1[X1>-0.5])"
    treated = env.do("policy").sample(10_000, seed=3)
    assert ((treated["X1"] > -0.5) == (treated["T"] == 1)).all()
    y_policy = env.do("policy").sample_world(100_000, seed=4)["Y"].mean()
    y_all = env.do({"T": 1}).sample_world(100_000, seed=4)["Y"].mean()
    assert y_policy > y_all
    treated = world["T"] == 1
    assert abs(tau[treated].mean() - truth["att"]) < 4 * tau[treated].std() / np.sqrt(treated.sum())
    assert abs(tau[~treated].mean() - truth["atc"]) < 4 * tau[~treated].std() / np.sqrt((~treated).sum())


def test_spurious_shortcut_exact_accuracies():
    env = cl.make("SpuriousShortcut-v0")
    assert env.accuracy("C", 0) == pytest.approx(0.75, abs=1e-12)
    assert env.accuracy("C", 2) == pytest.approx(0.75, abs=1e-12)
    for d, e in enumerate((0.1, 0.2, 0.9)):
        assert env.accuracy("S", d) == pytest.approx(1 - e, abs=1e-12)
    assert env.scm.prob({"Y": 1}, do={"S": 1}) == pytest.approx(0.5, abs=1e-12)
    assert env.scm.prob({"Y": 1}, given={"S": 1, "D": 0}) == pytest.approx(0.9, abs=1e-12)
    shuffled = env.do("shuffle_S").sample(50_000, seed=0)
    assert abs((shuffled["S"] == shuffled["Y"]).mean() - 0.5) < 4 * np.sqrt(0.25 / 50_000)
    train = env.domain(0).sample(1000, seed=1)
    assert (train["D"] == 0).all()


def test_random_dag_generator():
    env = cl.make("RandomDAG-v0", n_variables=30, expected_degree=3.0, seed=4)
    scm = env.scm
    assert len(scm.variables) == 30 and nx.is_directed_acyclic_graph(scm.graph)
    t, y = env.treatment, env.outcome
    by_paths = sum(np.prod([scm.mechanism(b).coefs[a] for a, b in zip(p, p[1:])])
                   for p in nx.all_simple_paths(scm.graph, t, y))
    assert env.true_effects()["ate"] == pytest.approx(by_paths, abs=1e-10)
    same = cl.make("RandomDAG-v0", n_variables=30, expected_degree=3.0, seed=4)
    assert repr(same.scm) == repr(scm)
    for kwargs in ({"mechanism": "mlp", "noise": "laplace"}, {"mechanism": "nonadditive", "hidden_share": 0.5},
                   {"mechanism": "discrete"}, {"graph": "scale_free", "binary_share": 0.5}):
        other = cl.make("RandomDAG-v0", n_variables=12, seed=1, **kwargs)
        assert len(other.sample(100, seed=0)) == 100
    assert cl.make("RandomDAG-v0", mechanism="discrete", seed=2).true_effects()["ate"].exact
    with pytest.raises(cl.InvalidValueError, match="mechanism"):
        cl.make("RandomDAG-v0", mechanism="quadratic")


def test_asia_against_pgmpy_copy():
    pytest.importorskip("pgmpy")
    from pgmpy.inference import CausalInference
    from pgmpy.utils import get_example_model

    net = get_example_model("asia")
    scm = cl.make("Asia-v0").scm
    states = {v: net.get_cpds(v).state_names[v] for v in net.nodes}
    for smoke in (0, 1):
        ours = float(scm.prob({"dysp": 1}, do={"smoke": smoke}))
        label = "yes" if smoke else "no"
        res = CausalInference(net).query(["dysp"], do={"smoke": label}, show_progress=False)
        theirs = float(res.values[states["dysp"].index("yes")])
        assert ours == pytest.approx(theirs, abs=1e-12)
    assert scm.prob({"dysp": 1}, do={"smoke": 1}) == pytest.approx(0.5528, abs=5e-5)
    assert scm.prob({"dysp": 1}, do={"smoke": 0}) == pytest.approx(0.3191, abs=5e-5)


def test_ihdp_effect_on_treated_is_four():
    env = cl.make("IHDP-v0")
    truth = env.true_effects()
    assert truth["att"] == pytest.approx(4.0, abs=1e-10)
    # the ATE and ATC by enumerating the 747 children of the SCM's table (treated: T = 1 rows)
    mu0, mu1 = env.mu(env._x)
    assert truth["ate"] == pytest.approx((mu1 - mu0).mean(), abs=1e-10)
    assert truth["atc"] == pytest.approx((mu1 - mu0)[env._t == 0].mean(), abs=1e-10)
    assert 747 * truth["ate"] == pytest.approx(139 * truth["att"] + 608 * truth["atc"], abs=1e-8)
    for i in range(1, 11):
        rep = env.replication(i)
        assert rep.shape == (747, 30) and rep["T"].sum() == 139
        tau = rep["mu1"] - rep["mu0"]
        assert tau[rep["T"] == 1].mean() == pytest.approx(4.0, abs=1e-6)
        assert set(rep["first"].unique()) <= {0.0, 1.0}
        # both outcome columns are their surface plus N(0, 1) noise (the columns are not mixed up)
        t = rep["T"].to_numpy() == 1
        for column, mu in (("y_factual", np.where(t, rep["mu1"], rep["mu0"])),
                           ("y_cfactual", np.where(t, rep["mu0"], rep["mu1"]))):
            resid = rep[column].to_numpy() - mu
            assert abs(resid.mean()) <= 4 / np.sqrt(747) and abs(resid.std() - 1) <= 4 / np.sqrt(2 * 747), (i, column)
    world = env.sample_world(20_000, seed=0)
    cf = env.counterfactual(world, do={"T": 1})["Y"] - env.counterfactual(world, do={"T": 0})["Y"]
    np.testing.assert_allclose(cf, env.true_cate(world), atol=1e-9)
    with pytest.raises(cl.InvalidValueError, match="1..10"):
        env.replication(11)


def test_lalonde_published_numbers():
    env = cl.make("LaLonde-v0")
    assert env.true_effects()["att"] == pytest.approx(1794.34, abs=0.01) and env.estimands == ("att",)
    data = env.data()
    naive = data.loc[data["treat"] == 1, "re78"].mean() - data.loc[data["treat"] == 0, "re78"].mean()
    assert naive == pytest.approx(-8497.52, abs=0.01) and env.NAIVE_CONTRAST == pytest.approx(naive, abs=0.005)
    assert data.index.equals(pd.RangeIndex(len(data)))
    # the naive contrast misses the experiment by over $10,000: `expected` says it fails
    assert env.expected["naive"][0] is False and abs(naive - env.true_effects()["att"]) > 10_000
    assert (data["treat"] == 1).sum() == 185 and len(data) == 185 + 15992
    with pytest.raises(cl.UnsupportedQueryError, match="real data"):
        env.do({"treat": 1})


def test_sachs_regimes():
    env = cl.make("Sachs-v0")
    assert len(env.data()) == 853 and list(env.data().columns)[:3] == ["raf", "mek", "plc"]
    assert env.graph.number_of_edges() == 20
    counts = {r: len(env.regime_data(r)) for r in env.regime_names}
    assert counts == {"aktinhib": 911, "g0076": 723, "psitect": 810, "u0126": 799, "ly": 848, "pma": 913,
                      "b2camp": 707}
    truth = env.true_effects()
    # the MEK inhibitor lowers phosphorylated ERK, downstream of mek: many standard errors below zero
    assert truth["u0126:erk"] < -10 * truth["u0126:erk"].se
    with pytest.raises(cl.InvalidValueError, match="u0126"):
        env.regime_data("u0127")
    with pytest.raises(cl.UnsupportedQueryError):
        env.counterfactual(env.data(), do={"mek": 0.0})


def test_front_door_continuous_variant():
    env = cl.make("FrontDoor-v0", continuous=True, tar_per_smoking=2.0, cancer_per_tar=0.5)
    scm = env.scm
    assert env.true_effects()["ate"] == pytest.approx(1.0, abs=1e-12)
    assert scm.covariance("X", "Y") / scm.variance("X") == pytest.approx(1.0 + 0.5, abs=1e-12)
    assert scm.is_frontdoor_set("X", "Y", ["Z"]) and scm.minimal_backdoor_set("X", "Y") is None
    # the front-door estimand for linear models: (slope of Z on X) x (coefficient of Z in Y ~ Z + X)
    zx = scm.covariance("X", "Z") / scm.variance("X")
    S = np.array([[float(scm.covariance(a, b)) for b in ("Z", "X")] for a in ("Z", "X")])
    c = np.array([float(scm.covariance(a, "Y")) for a in ("Z", "X")])
    assert zx * np.linalg.solve(S, c)[0] == pytest.approx(1.0, abs=1e-12)


def test_pickle_keeps_what_is_there_not_a_rebuild():
    import pickle

    env = cl.make("Confounding-v0")
    env.scm.add("W", cl.Linear({"Y": 2.0}))  # a user's edit of the model
    env.knobs["strength"] = 5.0  # mutated knobs must not rebuild something else
    clone = pickle.loads(pickle.dumps(env))
    assert "W" in clone.scm.variables and clone.knobs["strength"] == 5.0
    pd.testing.assert_frame_equal(clone.sample(200, seed=1), env.sample(200, seed=1))
    soft = cl.make("Confounding-v0").do("do(Z=Z+1)")  # a built-in soft regime (a lambda)
    again = pickle.loads(pickle.dumps(soft))
    pd.testing.assert_frame_equal(again.sample(100, seed=2), soft.sample(100, seed=2))


def test_identification_and_specification_are_kept_apart():
    env = cl.make("IHDP-v0")
    assert env.expected["backdoor"][0] is True  # identified: every confounder is observed
    assert env.specification["linear outcome model"][0] is False  # but a linear model is misspecified
    text = env.describe()
    assert "Expected (identification):" in text and "Specification:" in text and "exponential" in text
    for env_id in cl.list_environments()["id"]:
        assert set(cl.make(env_id).expected) <= set(cl.learners.FAMILIES), env_id


def test_confounding_nonlinear_variant_follows_its_documented_equation():
    # Y = b T + s (Z + sin 2Z) + e, T = s Z + e_T: the slope of Y on T is
    # b + s Cov(T, g(Z)) / Var T = b + s^2 (1 + E[Z sin 2Z]) / (s^2 + 1), and E[Z sin aZ] = a exp(-a^2 / 2)
    s, b, n = 1.5, 0.7, 200_000
    env = cl.make("Confounding-v0", nonlinear=True, strength=s, effect=b)
    slope_truth = b + s**2 * (1 + 2 * np.exp(-2)) / (s**2 + 1)
    data = env.sample(n, seed=3)
    t, y = data["T"].to_numpy(), data["Y"].to_numpy()
    slope, intercept = np.polyfit(t, y, 1)
    se = np.std(y - slope * t - intercept) / (np.sqrt(n) * np.std(t))
    assert abs(slope - slope_truth) <= 4 * se
    # and the effect is b for every unit: the same units under do(T=1) and do(T=0)
    y1 = env.do({"T": 1.0}).sample(1000, seed=4)["Y"].to_numpy()
    y0 = env.do({"T": 0.0}).sample(1000, seed=4)["Y"].to_numpy()
    np.testing.assert_allclose(y1 - y0, b, atol=1e-9)


def test_random_dag_follows_its_documented_recipe():
    # Barabasi-Albert with m = round(degree / 2) has exactly m (n - m) edges; m = 1 gives a tree
    for degree, m in ((2.0, 1), (4.0, 2)):
        g = cl.make("RandomDAG-v0", graph="scale_free", n_variables=30, expected_degree=degree, seed=1).scm.graph
        assert g.number_of_edges() == m * (30 - m) and nx.is_weakly_connected(g)
    er = cl.make("RandomDAG-v0", n_variables=30, expected_degree=2.0, seed=1).scm.graph
    assert er.number_of_edges() != 29 or not nx.is_weakly_connected(er)  # not the scale-free tree
    assert cl.make("RandomDAG-v0", n_variables=2).scm.variables == ["V0", "V1"]  # the smallest allowed
    with pytest.raises(cl.InvalidValueError, match="n_variables"):
        cl.make("RandomDAG-v0", n_variables=1)
    dense = cl.make("RandomDAG-v0", graph="scale_free", n_variables=3, expected_degree=10.0).scm.graph
    assert dense.number_of_edges() == 2  # m is capped at n - 1 = 2: 2 * (3 - 2) edges
    # V0..V{n-1} in topological order, linear coefficients +-[0.5, 1.5]
    env = cl.make("RandomDAG-v0", n_variables=25, expected_degree=3.0, seed=7)
    for a, b in env.scm.graph.edges:
        assert int(a[1:]) < int(b[1:]) and 0.5 <= abs(env.scm.mechanism(b).coefs[a]) <= 1.5
    # the task: the treatment has the most observed descendants, the outcome is its last one
    desc = {v: [d for d in env.scm.observed if d in nx.descendants(env.scm.graph, v)] for v in env.scm.observed}
    assert len(desc[env.treatment]) == max(len(d) for d in desc.values())
    assert env.outcome == desc[env.treatment][-1]
    # hidden variables are roots with at least two children
    hidden = cl.make("RandomDAG-v0", n_variables=30, expected_degree=3.0, hidden_share=1.0, seed=2).scm
    assert hidden.hidden and all(hidden.graph.in_degree(h) == 0 and hidden.graph.out_degree(h) >= 2
                                 for h in hidden.hidden)
    assert not cl.make("RandomDAG-v0", n_variables=30, expected_degree=3.0, seed=2).scm.hidden


@pytest.mark.parametrize("noise, fourth", [("normal", 3.0), ("laplace", 6.0), ("uniform", 9 / 5)])
def test_random_dag_noise_has_unit_variance_times_the_scale(noise, fourth):
    # E[z^2] = 1 and the family's E[z^4] (normal 3, Laplace 6, uniform 9/5) for z = U / noise_scale
    env = cl.make("RandomDAG-v0", n_variables=4, noise=noise, noise_scale=2.0, seed=0)
    z = env.sample_world(200_000, seed=1)[[f"U[V{i}]" for i in range(4)]].to_numpy().ravel() / 2.0
    n = len(z)
    assert abs(np.mean(z**2) - 1.0) <= 4 * np.std(z**2) / np.sqrt(n)
    assert abs(np.mean(z**4) - fourth) <= 4 * np.std(z**4) / np.sqrt(n)
    if noise == "uniform":
        assert np.abs(z).max() <= np.sqrt(3)


def test_nonlinear_simpson_unit_effects_are_minus_one():
    env = cl.make("NonlinearSimpson-v0")
    world = env.sample_world(1000, seed=0)
    moved = env.counterfactual(world, do={"T": world["T"].to_numpy() + 1.0})["Y"] - world["Y"]
    np.testing.assert_allclose(moved, -1.0, atol=1e-9)
    np.testing.assert_array_equal(env.true_cate(world), np.full(1000, -1.0))
    # the documented equation itself: Y - e_Y = -T + 2 Z + Z^3 / 3, T - e_T = Z
    z, t = world["Z"], world["T"]
    np.testing.assert_allclose(world["Y"] - world["U[Y]"], -t + 2 * z + z**3 / 3, atol=1e-9)
    np.testing.assert_allclose(t - world["U[T]"], z, atol=1e-12)


# ------------------------------------------------- each environment's documented equations, re-derived
def _linear_sem(names, edges, noise_var):
    """Mean-zero linear SEM written from a docstring: edges {(parent, child): coef}."""
    k = len(names)
    B = np.zeros((k, k))
    for (a, b), coef in edges.items():
        B[names.index(b), names.index(a)] = coef
    A = np.linalg.inv(np.eye(k) - B)
    return A @ np.diag([noise_var[v] for v in names]) @ A.T


@pytest.mark.parametrize("env_id, knobs, names, edges, noise_var", [
    # Y := b T + s Z + N(0, noise^2), T := s Z + N(0, 1)
    ("Confounding-v0", {"strength": 0.7, "effect": -1.3, "noise": 2.0}, ["Z", "T", "Y"],
     {("Z", "T"): 0.7, ("T", "Y"): -1.3, ("Z", "Y"): 0.7}, {"Z": 1, "T": 1, "Y": 4.0}),
    # T := g Z + c U + N(0, 1), Y := b T + c U + N(0, 1)
    ("Instrument-v0", {"instrument_strength": 0.4, "confounding": 1.7, "effect": 2.5}, ["Z", "U", "T", "Y"],
     {("Z", "T"): 0.4, ("U", "T"): 1.7, ("U", "Y"): 1.7, ("T", "Y"): 2.5}, {"Z": 1, "U": 1, "T": 1, "Y": 1}),
    # M := U1 + U2 + N(0, 1), T := a U1 + N(0, 1), Y := b T + a U2 + N(0, 1)
    ("MBias-v0", {"strength": 1.4, "effect": 0.6}, ["U1", "U2", "M", "T", "Y"],
     {("U1", "M"): 1, ("U2", "M"): 1, ("U1", "T"): 1.4, ("T", "Y"): 0.6, ("U2", "Y"): 1.4},
     {"U1": 1, "U2": 1, "M": 1, "T": 1, "Y": 1}),
    # T := 0.5 X + N, M := a T + 0.5 X + N, Y := d T + m M + X + N
    ("Mediation-v0", {"direct": 0.3, "a": -1.2, "mediated": 1.9}, ["X", "T", "M", "Y"],
     {("X", "T"): 0.5, ("T", "M"): -1.2, ("X", "M"): 0.5, ("T", "Y"): 0.3, ("M", "Y"): 1.9, ("X", "Y"): 1.0},
     {"X": 1, "T": 1, "M": 1, "Y": 1}),
    # X := U + N, Z := a X + N, Y := b Z + U + N
    ("FrontDoor-v0", {"continuous": True, "tar_per_smoking": 0.8, "cancer_per_tar": -0.4}, ["U", "X", "Z", "Y"],
     {("U", "X"): 1, ("X", "Z"): 0.8, ("Z", "Y"): -0.4, ("U", "Y"): 1}, {"U": 1, "X": 1, "Z": 1, "Y": 1}),
])
def test_linear_environments_have_their_documented_covariance(env_id, knobs, names, edges, noise_var):
    scm = cl.make(env_id, **knobs).scm
    assert sorted(scm.variables) == sorted(names)
    want = _linear_sem(names, edges, noise_var)
    got = np.array([[float(scm.covariance(a, b)) for b in names] for a in names])
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert all(float(scm.expectation(v)) == 0.0 for v in names)


def _joint(tables, order):
    """Joint P over binary variables from docstring tables: {var: (parents, f(parent values) -> P(var=1))}."""
    out = {}
    for values in np.ndindex(*(2,) * len(order)):
        row = dict(zip(order, values))
        p = 1.0
        for v in order:
            parents, f = tables[v]
            p1 = f(*(row[q] for q in parents))
            p *= p1 if row[v] else 1 - p1
        out[values] = p
    return out


@pytest.mark.parametrize("env_id, knobs, order, tables", [
    ("KidneyStones-v0", {}, ["S", "T", "R"], {   # the published counts (Charig et al. 1986)
        "S": ((), lambda: 343 / 700), "T": (("S",), lambda s: (87 / 357, 263 / 343)[s]),
        "R": (("T", "S"), lambda t, s: ((234 / 270, 55 / 80), (81 / 87, 192 / 263))[t][s])}),
    ("FrontDoor-v0", {}, ["U", "X", "Z", "Y"], {
        "U": ((), lambda: 0.5), "X": (("U",), lambda u: float(u)), "Z": (("X",), lambda x: (0.05, 0.95)[x]),
        "Y": (("Z", "U"), lambda z, u: ((0.90, 0.10), (0.95, 0.15))[z][u])}),
    ("Collider-v0", {}, ["T", "Y", "S"], {
        "T": ((), lambda: 0.5), "Y": ((), lambda: 0.5), "S": (("T", "Y"), lambda t, y: ((0.05, 0.5), (0.5, 0.95))[t][y])}),
    ("SelectionBias-v0", {}, ["X", "T", "Y", "S"], {
        "X": ((), lambda: 0.5), "T": (("X",), lambda x: 0.3 + 0.4 * x), "Y": (("T", "X"), lambda t, x: 0.2 + 0.3 * t + 0.3 * x),
        "S": (("T", "Y"), lambda t, y: ((0.2, 0.8), (0.6, 0.9))[t][y])}),
])
def test_discrete_environments_have_their_documented_joint(env_id, knobs, order, tables):
    scm = cl.make(env_id, **knobs).scm
    got = scm.distribution(order)
    for values, p in _joint(tables, order).items():
        assert float(got.loc[values]) == pytest.approx(p, abs=1e-12), (env_id, values)


def test_hidden_variables_are_the_documented_ones():
    documented = {"Instrument-v0": ["U"], "MBias-v0": ["U1", "U2"], "FrontDoor-v0": ["U"],
                  "ProxyConfounder-v0": ["Z"], "IHDP-v0": ["R"], "LaLondeSim-v0": ["R"], "IHDPSim-v0": ["R"]}
    from causalab.environments import CATALOG

    for spec in CATALOG:
        if "real-data" in spec.tags or spec.id == "RandomDAG-v0":
            continue
        env = cl.make(spec.id)
        assert env.scm.hidden == documented.get(spec.id, []), spec.id
        assert not set(env.scm.hidden) & set(env.observed), spec.id
    assert cl.make("FrontDoor-v0", continuous=True).scm.hidden == ["U"]
    shortcut = cl.make("SpuriousShortcut-v0").scm.variables
    assert shortcut == ["D", "C", "Y", "S", "N1", "N2", "N3", "N4"]


def _graph_criteria(env) -> dict:
    """Each family's verdict by the graph criteria, from causalab's graph functions: naive = the
    back-door criterion for the empty set, backdoor = for the covariates, frontdoor = Pearl's
    front-door criterion for the mediators, iv = an observed instrument, mediation = no open
    back-door path into T -> M, T -> Y or M -> Y given the covariates (and T). Variables the
    environment observes only through selection (SelectionBias's S: the sample keeps S = 1) are
    conditioned on in every set. Real data: the task's graph, the environment's own statement."""
    t, y, adjust = env.treatment, env.outcome, list(env.covariates)
    if "scm" in env.capabilities:
        graph = env.scm
    else:
        graph = cl.SCM()  # the task graph as a bare SCM, to ask it the same questions
        for v in nx.topological_sort(env.task.graph):
            parents = sorted(env.task.graph.predecessors(v))
            graph.add(v, cl.Linear({p: 1.0 for p in parents}), hidden=v not in env.observed)
    selected = [v for v in graph.observed if v not in env.observed]
    out = {"naive": graph.is_backdoor_set(t, y, selected), "backdoor": graph.is_backdoor_set(t, y, adjust + selected)}
    if env.mediators:
        out["frontdoor"] = graph.is_frontdoor_set(t, y, env.mediators)
        m = list(env.mediators)
        out["mediation"] = (graph.is_backdoor_set(t, y, adjust) and graph.is_backdoor_set(t, m[0], adjust)
                            and graph.is_backdoor_set(m[0], y, adjust + [t]))
    out["iv"] = bool(graph.instruments(t, y))
    return out


def _suite_environments():
    from causalab.environments import CATALOG
    from causalab.runner.suite import DEFAULT_ENVIRONMENTS

    ids = list(dict.fromkeys([*DEFAULT_ENVIRONMENTS, *(spec.id for spec in CATALOG)]))  # default, then the full suite
    random = [{"seed": s, "hidden_share": h, "graph": g} for s in range(6) for h in (0.0, 0.5)
              for g in ("erdos_renyi", "scale_free")]
    return [(i, {}) for i in ids] + [("RandomDAG-v0", k) for k in random] + [("Confounding-v0", {"strength": 0.0})]


def test_expected_verdicts_agree_with_the_graph_criteria():
    # every environment of the default and full suites at its defaults, RandomDAG over seeds, graph kinds and
    # hidden confounding: `expected` says what the graph criteria say, family by family
    checked = 0
    for env_id, knobs in _suite_environments():
        env = cl.make(env_id, **knobs)
        truth = _graph_criteria(env)
        if env_id == "Confounding-v0" and knobs:  # strength 0: the edges are there, their coefficients zero
            assert env.expected["naive"][0] is True and truth["naive"] is False
            continue
        for family, (succeeds, why) in env.expected.items():
            if family in truth:
                assert succeeds == truth[family], (env_id, knobs, family, why)
                checked += 1
    assert checked == 33 + 4 + 48  # 19 catalog environments' families with a criterion; 24 random graphs x 2


def test_random_dag_nonadditive_and_binary_recipes():
    # "nonadditive": V := f(parents) * exp(0.5 U), so V / exp(0.5 U) does not depend on U
    env = cl.make("RandomDAG-v0", n_variables=8, expected_degree=3.0, mechanism="nonadditive", seed=5)
    world = env.sample_world(200, seed=0)
    child = next(v for v in env.scm.variables if env.scm.parents(v))
    mech = env.scm.mechanism(child)
    parents = {p: torch.as_tensor(world[p].to_numpy()) for p in mech.parents}
    u = torch.as_tensor(world[f"U[{child}]"].to_numpy())
    at_zero = mech.evaluate(parents, torch.zeros_like(u)).numpy()
    np.testing.assert_allclose(world[child], at_zero * np.exp(0.5 * u.numpy()), rtol=1e-9, atol=1e-12)
    # a binary treatment is preferred when an observed binary variable has observed descendants
    for seed in range(4):
        env = cl.make("RandomDAG-v0", n_variables=12, expected_degree=3.0, binary_share=0.5, seed=seed)
        g, observed = env.scm.graph, env.scm.observed
        binary_causes = [v for v in observed if env.scm.mechanism(v).kind == "binary"
                         and any(d in observed for d in nx.descendants(g, v))]
        assert bool(binary_causes) == (env.scm.mechanism(env.treatment).kind == "binary"), seed
        for v in env.scm.variables:  # binary ones are logistic in their parents, coefficients +-[0.5, 1.5]
            mech = env.scm.mechanism(v)
            if mech.kind == "binary":
                assert isinstance(mech, cl.Logistic) and mech.intercept == 0.0
                assert all(0.5 <= abs(c) <= 1.5 for c in mech.coefs.values()), (seed, v)


def test_random_dag_mlp_weights_have_their_documented_scale():
    # f(x) = tanh(x W1) w2, W1 ~ N(0, 1), w2 ~ N(0, 1/8), 8 hidden units: f(0) = 0; at an input with
    # one parent at 1 and the rest at 0, E[f^2] = E[tanh(N(0, 1))^2] over the weights; and for two
    # parents E[f(e1) f(e2)] = 8 E[tanh w]^2 E[w2^2] = 0 because W1 is centred
    env = cl.make("RandomDAG-v0", n_variables=300, expected_degree=3.0, mechanism="mlp", seed=0)
    squares, cross = [], []

    def at(mech, hot):
        x = {p: torch.tensor([1.0 if p == hot else 0.0], dtype=torch.float64) for p in mech.parents}
        return float(mech.evaluate(x, torch.zeros(1, dtype=torch.float64))[0])

    for v in env.scm.variables:
        mech = env.scm.mechanism(v)
        if not mech.parents:
            continue
        assert at(mech, None) == 0.0
        squares.append(at(mech, mech.parents[0]) ** 2)
        if len(mech.parents) > 1:
            cross.append(at(mech, mech.parents[0]) * at(mech, mech.parents[1]))
    squares, cross = np.array(squares), np.array(cross)
    want = integrate.quad(lambda a: np.tanh(a) ** 2 * stats.norm.pdf(a), -12, 12)[0]
    assert len(squares) > 200 and abs(squares.mean() - want) <= 4 * squares.std() / np.sqrt(len(squares))
    assert len(cross) > 100 and abs(cross.mean()) <= 4 * cross.std() / np.sqrt(len(cross))


def test_ihdp_rows_and_response_surface_from_its_documented_equations():
    from environments.ihdp import COVARIATES

    env = cl.make("IHDP-v0")
    real = env.replication(1)
    kinds = [env.scm.mechanism(c).kind for c in COVARIATES]
    assert kinds == ["continuous"] * 6 + ["binary"] * 19  # "6 continuous, 19 binary"
    world = env.sample_world(3000, seed=1)
    rows = real.iloc[world["R"].to_numpy()]
    np.testing.assert_array_equal(world[list(COVARIATES)].to_numpy(), rows[list(COVARIATES)].to_numpy())
    np.testing.assert_array_equal(world["T"].to_numpy(), rows["T"].to_numpy())
    # surface B: mu0 = exp((x + 0.5) . beta), mu1 = x . beta - omega, omega set so the ETT is 4
    beta = env._beta
    assert set(np.round(beta, 12)) <= {0.0, 0.1, 0.2, 0.3, 0.4}
    x_all = real[list(COVARIATES)].to_numpy()
    treated = real["T"].to_numpy() == 1
    omega = np.mean(x_all[treated] @ beta - np.exp((x_all[treated] + 0.5) @ beta)) - 4.0
    x = rows[list(COVARIATES)].to_numpy()
    mu0, mu1 = np.exp((x + 0.5) @ beta), x @ beta - omega
    t = world["T"].to_numpy()
    np.testing.assert_allclose(world["Y"] - world["U[Y]"], t * mu1 + (1 - t) * mu0, rtol=1e-10, atol=1e-10)
    assert env.true_effects()["ate"] == pytest.approx(np.mean(x_all @ beta - omega - np.exp((x_all + 0.5) @ beta)), abs=1e-9)


def test_spurious_shortcut_joint_from_its_documented_equations():
    # P(d, c, y, s) = 1/k * 1/2 * P(y | c) * P(s | y, d): Y = C xor Bern(label_noise), S = Y xor Bern(e_d)
    errors, noise = (0.15, 0.3, 0.8), 0.2
    scm = cl.make("SpuriousShortcut-v0", errors=errors, label_noise=noise).scm
    got = scm.distribution(["D", "C", "Y", "S", "N1"])
    for d, c, y, s, n1 in np.ndindex(3, 2, 2, 2, 2):
        want = (1 / 3) * 0.5 * (noise if y != c else 1 - noise) * (errors[d] if s != y else 1 - errors[d]) * 0.5
        assert float(got.loc[(d, c, y, s, n1)]) == pytest.approx(want, abs=1e-12), (d, c, y, s, n1)


def test_proxy_confounder_moments_from_its_documented_equations():
    # Z ~ Bern(0.5), X_j = Z + N(0, s^2): Var X_j = 1/4 + s^2, Cov(X_j, X_k) = 1/4;
    # T ~ Bern(0.25 + 0.5 Z): Cov(T, X_j) = 0.5 * Var Z = 1/8; Y = b T + c Z + N(0, 1)
    s, b, c, n = 0.7, -0.5, 2.0, 200_000
    data = cl.make("ProxyConfounder-v0", n_proxies=3, proxy_noise=s, effect=b, confounding=c).sample(n, seed=4)
    assert list(data.columns) == ["X1", "X2", "X3", "T", "Y"]
    x1, x2, t, y = (data[k].to_numpy() for k in ("X1", "X2", "T", "Y"))

    def check(sample, want):
        assert abs(sample.mean() - want) <= 4 * sample.std() / np.sqrt(n)

    check(x1, 0.5)  # E[X_j] = E[Z]
    check((x1 - x1.mean()) ** 2, 0.25 + s**2)
    check((x1 - x1.mean()) * (x2 - x2.mean()), 0.25)
    check((t - t.mean()) * (x1 - x1.mean()), 0.125)
    check(y - b * t, c / 2)  # E[Y - bT] = c E[Z]
    assert cl.make("ProxyConfounder-v0", effect=b, confounding=c).naive_contrast() == pytest.approx(b + c / 2)


def test_spurious_shortcut_bayes_accuracies_by_hand():
    # Knowing the domain, the posterior odds of Y=1 are 3^(+-1) from C (label noise 1/4) times
    # ((1-e)/e)^(+-1) from S: 9 and 4 beat 3 in the training domains (predict S), 1/9 in the test
    # domain (predict 1 - S). Observed accuracy (0.9 + 0.8 + 0.9) / 3; under shuffle_S, S is a coin: 1/2.
    # Pooled over domains P(S = Y) = 0.6 and 0.6/0.4 < 3, so S and C without D predict by C: 0.75.
    env = cl.make("SpuriousShortcut-v0")
    features = ["D", "C", "S", "N1", "N2", "N3", "N4"]
    assert env.bayes_accuracy(features) == pytest.approx(2.6 / 3, abs=1e-12)
    assert env.bayes_accuracy(features, "shuffle_S") == pytest.approx(0.5, abs=1e-12)
    assert env.bayes_accuracy(["S", "C"]) == pytest.approx(0.75, abs=1e-12)
    assert env.true_effects()["all_features_accuracy_shuffle_S"] == pytest.approx(0.5, abs=1e-12)
    # hence `expected`: a correlational learner fails under shuffle_S, an invariant one (C only) keeps 0.75
    assert env.expected["correlational"][0] is False and env.expected["invariant"][0] is True
    assert env.bayes_accuracy(["C"], "shuffle_S") == pytest.approx(0.75, abs=1e-12)


def test_heterogeneous_effects_world_follows_its_documented_equations():
    # Y - e_Y = mu0(X) + T tau(X), mu0 = X1 + X2^2 / 2 + sin X3, tau = 1 + 2 X1 + sin 2 X2; e_Y ~ N(0, noise^2);
    # T = 1[U_T >= 1 - sigmoid(c + o X1)] (U_T uniform): the share treated given X1 is the sigmoid
    env = cl.make("HeterogeneousEffects-v0", overlap=1.5, imbalance=0.5, noise=0.3)
    w = env.sample_world(100_000, seed=6)
    x1, x2, x3, t = (w[k].to_numpy() for k in ("X1", "X2", "X3", "T"))
    mu0, tau = x1 + 0.5 * x2**2 + np.sin(x3), 1 + 2 * x1 + np.sin(2 * x2)
    np.testing.assert_allclose(w["Y"] - w["U[Y]"], mu0 + t * tau, atol=1e-9)
    assert abs(w["U[Y]"].std() - 0.3) <= 4 * 0.3 / np.sqrt(2 * len(w))
    p = special.expit(0.5 + 1.5 * x1)
    assert abs((t - p).mean()) <= 4 * np.sqrt((p * (1 - p)).mean() / len(w))
    assert abs(((t - p) * x1).mean()) <= 4 * np.sqrt((p * (1 - p) * x1**2).mean() / len(w))


def test_random_dag_seed_names_the_same_model_in_every_release():
    # a researcher's RandomDAG-v0(seed=0) must stay the model they published with: the graph and
    # coefficients are pinned (changing the generator's random stream needs a new version)
    er = cl.make("RandomDAG-v0", n_variables=8, seed=0)
    assert sorted(er.scm.graph.edges) == [("V0", "V2"), ("V0", "V3"), ("V0", "V6"), ("V0", "V7"), ("V1", "V2"),
                                          ("V1", "V5"), ("V3", "V5"), ("V5", "V6")]
    assert er.scm.mechanism("V2").coefs == pytest.approx({"V0": 1.2215, "V1": -1.0254}, abs=5e-5)
    assert (er.treatment, er.outcome, er.covariates) == ("V0", "V7", ("V1", "V4"))
    sf = cl.make("RandomDAG-v0", n_variables=8, graph="scale_free", seed=0)
    assert sorted(sf.scm.graph.edges) == [("V0", "V2"), ("V1", "V2"), ("V2", "V3"), ("V2", "V4"), ("V2", "V6"),
                                          ("V2", "V7"), ("V5", "V6")]
    assert sf.scm.mechanism("V6").coefs == pytest.approx({"V2": -0.7997, "V5": 0.9227}, abs=5e-5)
    # the covariates: every observed variable that is neither the treatment nor its descendant
    big = cl.make("RandomDAG-v0", n_variables=20, expected_degree=3.0, hidden_share=0.5, seed=3)
    below = nx.descendants(big.scm.graph, big.treatment) | {big.treatment}
    assert set(big.covariates) == set(big.scm.observed) - below
