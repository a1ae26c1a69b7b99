"""The report: leaderboard, verdicts, figures, escaped HTML that renders in a real browser."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import causalab as cl
from causalab.evaluation import evaluate
from causalab.learners import MLP, Backdoor, LinearRegression
from causalab.reporting import LEADERBOARD_COLUMNS, report


@pytest.fixture(scope="module")
def results():
    learners = [LinearRegression(features="treatment"), Backdoor(), MLP(hidden=(16,), max_epochs=30)]
    parts = [evaluate(e, learners, n_train=[300, 1200], seeds=[0, 1], n_test=500) for e in
             ("Confounding-v0", "FrontDoor-v0")]
    return pd.concat(parts, ignore_index=True), learners


def test_leaderboard_and_verdicts(results):
    table, _ = results
    rep = report(table)
    board = rep.leaderboard
    assert tuple(board.columns) == LEADERBOARD_COLUMNS
    conf = board[board["environment"] == "Confounding-v0"].set_index("learner")
    assert conf.loc["LinearRegression(features='treatment')", "ate_error"] == pytest.approx(0.5, abs=0.1)
    assert conf.index[0] != "LinearRegression(features='treatment')"  # sorted by |ATE error|
    # excess under do(): the naive answer is off by s^2/(s^2+1) = 0.5 at do(T=1), right at do(T=0)
    assert conf.loc["LinearRegression(features='treatment')", "do_excess"] == pytest.approx(0.25, abs=0.08)
    assert conf.loc["Backdoor()", "do_excess"] < 0.1
    fd = board[board["environment"] == "FrontDoor-v0"].set_index("learner")
    assert fd.loc["Backdoor()", "verdict"] == "as expected (refuses)"
    assert set(rep.figures) >= {"ATE estimates against the truth", "Survival under intervention", "Learning curves"}
    md = rep.markdown()
    assert "| environment | learner |" in md and "Confounding-v0" in md
    # calibration: analytic intervals only (the MLP's is a bootstrap, not asked for); the naive
    # contrast's intervals miss the confounded truth every time, and FrontDoor-v0 refuses Backdoor
    cov = rep.coverage.set_index(["learner", "estimand"])
    naive = "LinearRegression(features='treatment')"
    assert set(cov.index) == {(naive, "ate"), (naive, "att"), (naive, "atc"), ("Backdoor()", "ate")}
    assert cov.loc[(naive, "att"), "n_intervals"] == 4  # FrontDoor-v0's binary treatment: 2 seeds x 2 sizes
    assert cov.loc[("Backdoor()", "ate"), "n_valid"] == 4 and cov.loc[("Backdoor()", "ate"), "calibration"] == "too few"
    assert "## Calibration" in md and "Calibration: coverage of the 95% intervals" in rep.figures


def test_html_is_self_contained_and_escaped(results, tmp_path):
    table, _ = results
    table = table.copy()
    table.loc[table["learner"] == "Backdoor()", "learner"] = "<script>alert(1)</script>"
    path = report(table, title="a <b>title</b>").save(tmp_path / "r.html")
    text = path.read_text()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a &lt;b&gt;title&lt;/b&gt;" in text
    assert text.count("data:image/png;base64,") == 4 and "http" not in text.replace("http-equiv", "")


def test_report_refuses_what_it_cannot_write(results, tmp_path):
    table, _ = results
    rep = report(table)
    with pytest.raises(cl.InvalidValueError, match=".html or .md"):
        rep.save(tmp_path / "r.pdf")
    with pytest.raises(cl.InvalidValueError, match="does not exist"):
        rep.save(tmp_path / "missing" / "r.html")
    with pytest.raises(cl.InvalidValueError, match="result table"):
        report(table.drop(columns="value"))


def test_per_environment_figures_with_learners(results):
    table, learners = results
    env = cl.make("Confounding-v0")
    rep = report(table[table["environment"] == "Confounding-v0"], envs=[env], learners=learners)
    assert {"Confounding-v0: the graph", "Confounding-v0: dose-response", "Confounding-v0: counterfactuals"} \
        <= set(rep.figures)
    ax = rep.figures["Confounding-v0: dose-response"].axes[0]
    truth = ax.lines[0].get_ydata()
    grid = ax.lines[0].get_xdata()
    slope = np.polyfit(grid, truth, 1)[0]  # E[Y | do(T=t)] = t: slope 1 (effect), MC error small
    assert slope == pytest.approx(1.0, abs=0.05)


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
def test_report_renders_in_headless_chromium(results, tmp_path):
    browser = _chromium()
    assert browser, "chromium is missing: `make test` installs Debian's chromium package"
    table, _ = results
    page = report(table).save(tmp_path / "report.html")
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--hide-scrollbars", f"--screenshot={shot}",
                    "--window-size=1300,4000", page.as_uri()], check=True, capture_output=True, timeout=120)
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    assert img.shape[0] >= 3000
    # the survival figure's bars (#3182bd) and the ATE figure's family colours are on screen
    bar = np.all(np.abs(img - np.array([0x31, 0x82, 0xBD]) / 255) < 0.03, axis=-1)
    assert bar.sum() > 2000, "the survival bars did not render"
    # figures are not blank: in each figure-sized band some rows carry many non-white pixels
    ink = (img.sum(axis=-1) < 2.7).mean(axis=1)
    assert (ink > 0.05).sum() > 500
