"""Issue 15 part 8: the sweep, the store, the report and the CLI never lose or mix results, a
non-finite answer is never scored, a per-unit Series is read by label, and an error from inside
a dependency reaches the user as a typed causalab error naming the learner and the cause."""

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
import torch

import causalab as cl
from causalab.cli import main
from causalab.evaluation import evaluate
from causalab.learners import GCM, MLP, LinearRegression, NeuralSCM, TARNet
from causalab.learners.base import Effect, Learner, LearnerTags
from causalab.reporting import figures, report
from causalab.runner import ResultStore, load, run

TIMING = ["fit_seconds", "predict_seconds"]


# ---------------------------------------------------------------- report and CLI
def test_run_on_real_data_writes_the_report_and_says_what_it_skipped(tmp_path, capsys):
    # the README's real-data example: neither environment has an SCM to draw or simulate
    out = tmp_path / "out"
    code = main(["run", "--envs", "LaLonde-v0,Sachs-v0", "--learners", "naive,ols", "--seeds", "1",
                 "--n-train", "300", "--out", str(out), "--quiet", "--jobs", "1"])
    assert code == 0, capsys.readouterr().err
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    for env_id in ("LaLonde-v0", "Sachs-v0"):
        assert f"{env_id}: dose-response and counterfactual figures (real data" in md
        assert f"<h2>{env_id}: the graph</h2>" in html  # the task's graph, drawn without an SCM
    # Sachs is scored on measured perturbation shifts, which the leaderboard does not show: the
    # report lists them against the measured truth
    rep = report(load(out / "results.sqlite"))
    sachs = cl.make("Sachs-v0")
    shift = rep.other_metrics[(rep.other_metrics["environment"] == "Sachs-v0") & (rep.other_metrics["metric"] == "shift")]
    truth = sachs.true_effects()
    assert len(shift) >= 1
    for row in shift.itertuples():
        assert row.true_value == pytest.approx(float(truth[f"{row.regime}:{sachs.outcome}"]))
    assert "## Other measures" in md


@pytest.fixture(scope="module")
def small_table():
    return evaluate("Confounding-v0", [LinearRegression(features="treatment"), LinearRegression()], n_train=300,
                    seeds=[0], n_test=200)


def test_a_failing_figure_never_loses_the_report(small_table, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(figures, "dose_response_figure", boom)
    rep = report(small_table, envs=[cl.make("Confounding-v0")], learners=[LinearRegression()])
    assert "Confounding-v0: counterfactuals" in rep.figures and "Confounding-v0: dose-response" not in rep.figures
    assert rep.skipped == ["Confounding-v0: dose-response (the figure failed: RuntimeError: boom)"]
    text = rep.save(tmp_path / "r.html").read_text()
    assert "<h2>Skipped</h2>" in text and "RuntimeError: boom" in text and "<h2>Leaderboard</h2>" in text


def test_the_report_lists_refusals_and_errors(small_table):
    refused = report(small_table).problems  # do(Z=Z+1): the learners can set only the treatment
    assert set(refused["status"]) == {"unsupported"} and refused["rows"].sum() == (small_table["status"] != "ok").sum()
    broken = small_table.copy()
    rows = broken["metric"] == "ate"
    broken.loc[rows, ["status", "message"]] = ["error", "LearnerError: something broke"]
    got = report(broken).problems
    errors = got[got["status"] == "error"]
    assert (errors["metric"] == "ate").all() and errors["rows"].sum() == rows.sum() == 2
    assert (errors["message"] == "LearnerError: something broke").all()
    assert "## Refusals and errors" in report(broken).markdown()


def test_any_cli_error_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # a folder under a file: the operating system refuses (an OSError, not a causalab error)
    code = main(["run", "--envs", "Confounding-v0", "--learners", "naive", "--out", str(blocker / "sub"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("causalab: error:"), err
    assert "Traceback" not in err


# ---------------------------------------------------------------- the store
CELLS = dict(seeds=[0, 1], n_train=200, n_test=200, progress=False)


def test_the_store_never_mixes_versions_or_duplicates_a_cell(tmp_path, monkeypatch, capsys):
    store = tmp_path / "results.sqlite"
    learners = [LinearRegression(features="treatment"), LinearRegression()]
    monkeypatch.setattr(cl, "__version__", "0.0.9")  # an older causalab wrote these cells
    old = run("Confounding-v0", learners, store=store, **CELLS)
    monkeypatch.undo()
    new = run("Confounding-v0", learners, store=store, **CELLS)
    assert new.attrs["computed_cells"] == 4  # a new version computes its own cells
    with ResultStore(store) as db:
        assert db.versions() == {"0.0.9": 4, cl.__version__: 4}
    got = load(store)
    assert got.attrs["version"] == cl.__version__ and got.attrs["left_out_cells"] == 4
    pd.testing.assert_frame_equal(got, new)  # the current cells, once each, and nothing else
    pd.testing.assert_frame_equal(load(store, version="0.0.9"), old)
    with pytest.raises(cl.InvalidValueError, match="no cells from causalab version '9.9'"):
        load(store, version="9.9")
    # the same cells scored on another test size: a second copy of each cell, the later one wins
    again = run("Confounding-v0", learners, store=store, **{**CELLS, "n_test": 300})
    assert again.attrs["computed_cells"] == 4
    latest = load(store)
    assert latest.attrs["left_out_cells"] == 8
    pd.testing.assert_frame_equal(latest, again)
    identity = ["environment", "knobs", "learner", "params", "seed", "n_train", "regime", "metric"]
    assert not latest.duplicated(identity).any()
    # causalab report on that folder reports the current cells and says what it left out
    assert main(["report", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "left out 8 cell(s)" in said and "'0.0.9': 4" in said


def test_a_store_written_before_versions_were_recorded(tmp_path):
    # the earlier schema had no version column; two copies of one cell (two test sizes)
    store = tmp_path / "old.sqlite"
    first = run("Confounding-v0", LinearRegression(), **{**CELLS, "seeds": [0]})
    second = run("Confounding-v0", LinearRegression(), **{**CELLS, "seeds": [0], "n_test": 300})
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE cells (key TEXT PRIMARY KEY, environment TEXT NOT NULL, learner TEXT NOT NULL, "
                 "seed INTEGER NOT NULL, n_train INTEGER NOT NULL, rows TEXT NOT NULL)")
    for key, table in (("a", first), ("b", second)):
        rows = json.loads(table.to_json(orient="records"))
        conn.execute("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?)", (key, "Confounding-v0", "LinearRegression()", 0,
                                                                     200, json.dumps(rows)))
    conn.commit()
    conn.close()
    got = load(store)
    assert got.attrs["version"] is None and got.attrs["left_out_cells"] == 1
    pd.testing.assert_frame_equal(got.drop(columns=TIMING), second.drop(columns=TIMING), check_dtype=False)


# ---------------------------------------------------------------- answers that are not numbers
class NonFinite(Learner):
    """Answers rung 2 with the difference in means, but its effect() is NaN or infinite."""

    _tags = LearnerTags("naive", None, "conditioning", None)

    def __init__(self, answer=0.0):
        self.answer = answer

    def _fit(self, data):
        self._train_ = data

    def _predict_do(self, data, do):
        return np.zeros(len(data))

    def _effect(self, treated, control, data):
        return Effect(self.answer)


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), -float("inf")])
def test_a_non_finite_effect_is_an_error_row_naming_the_learner(answer):
    table = evaluate("Confounding-v0", NonFinite(answer), n_train=100, n_test=100, errors="record")
    ate = table[table["metric"] == "ate"]
    assert len(ate) == 1 and ate["status"].iloc[0] == "error"
    assert f"NonFinite(answer={answer})" in ate["message"].iloc[0] and "not a finite number" in ate["message"].iloc[0]
    assert cl.verdicts(table)["verdict"].iloc[0] != "as expected"
    with pytest.raises(cl.LearnerError, match="NonFinite"):
        evaluate("Confounding-v0", NonFinite(answer), n_train=100, n_test=100)


# ---------------------------------------------------------------- per-unit values as a Series
def test_a_series_is_aligned_by_index_or_refused():
    env = cl.make("Confounding-v0")
    data = env.sample(60, seed=1)
    data.index = pd.RangeIndex(100, 160)
    fitted = LinearRegression().fit(data, env.task)
    values = np.linspace(-1.0, 1.0, 60)
    reversed_series = pd.Series(values, index=data.index).iloc[::-1]  # the same labels, the other order
    # OLS of Y on (T, Z): the answer for a unit is intercept + b_T * t + b_Z * z, by hand
    x = np.column_stack([np.ones(60), data["T"], data["Z"]])
    beta = np.linalg.lstsq(x, data["Y"].to_numpy(), rcond=None)[0]
    want = beta[0] + beta[1] * values + beta[2] * data["Z"].to_numpy()
    np.testing.assert_allclose(fitted.predict_do(data, {"T": reversed_series}), want, atol=1e-9)
    np.testing.assert_allclose(fitted.predict_counterfactual(data, {"T": reversed_series}), want, atol=1e-9)
    for bad in (pd.Series(values),                                          # labels 0..59, not the data's
                pd.Series(values, index=[100] * 2 + list(range(102, 160))),  # a label twice, one missing
                pd.Series(values[:59], index=data.index[:59])):             # one unit short
        with pytest.raises(cl.InvalidInterventionError, match="index"):
            fitted.predict_do(data, {"T": bad})


# ---------------------------------------------------------------- dependency errors
class SklearnInside(Learner):
    """A user's learner whose fit hands scikit-learn data it rejects."""

    _tags = LearnerTags("correlational", "regression", None, None)

    def _fit(self, data):
        from sklearn.linear_model import LinearRegression as SkLinear

        SkLinear().fit(np.zeros((len(data), 1)), np.zeros(len(data) + 1))


def test_dependency_errors_are_typed_and_name_the_learner_and_the_cause():
    env, ks = cl.make("Confounding-v0"), cl.make("KidneyStones-v0")
    data = env.sample(100, seed=0)
    with pytest.raises(cl.LearnerError, match=r"SklearnInside\.fit failed in sklearn: ValueError") as info:
        SklearnInside().fit(data, env.task)
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(cl.InvalidValueError, match="GCM: .* at least 5 rows, got 3"):
        GCM(n_draws=2).fit(env.sample(3, seed=0), env.task)
    one_class = ks.sample(200, seed=0).assign(R=1)
    with pytest.raises(cl.InvalidValueError, match="GCM: 'R' takes the single value 1"):
        GCM(n_draws=2).fit(one_class, ks.task)
    with pytest.raises(cl.InvalidValueError, match=r"MLP: hidden .* got 16 \(write hidden=\(16,\)"):
        MLP(hidden=16).fit(data, env.task)
    with pytest.raises(cl.InvalidValueError, match="TARNet: head"):
        TARNet(head=8).fit(ks.sample(100, seed=0), ks.task)
    missing = f"cuda:{torch.cuda.device_count()}"  # one past the last GPU: never there
    for learner, task, rows in ((MLP(device=missing), env.task, data), (NeuralSCM(device=missing), env.task, data),
                                (TARNet(device=missing), ks.task, ks.sample(100, seed=0))):
        with pytest.raises(cl.InvalidValueError, match=f"{type(learner).__name__}: torch device '{missing}'"):
            learner.fit(rows, task)
    twice = pd.concat([data, data[["Z"]]], axis=1)
    with pytest.raises(cl.InvalidValueError, match="more than one column named 'Z'"):
        LinearRegression().fit(twice, env.task)
    with pytest.raises(cl.InvalidValueError, match="more than one column named 'Z'"):
        LinearRegression().fit(data, env.task).predict(twice)
