"""The report: the who-survives grid first, leaderboard, verdicts, figures coloured by outcome,
a glossary of every column, escaped HTML that renders in a real browser."""

import html
import importlib
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import causalab as cl
from causalab.evaluation import evaluate
from causalab.learners import MLP, Backdoor, LinearRegression
from causalab.reporting import LEADERBOARD_COLUMNS, figures, report
from causalab.reporting.outcomes import OUTCOMES
from causalab.reporting.report import GLOSSARY, _shown

NAIVE = "LinearRegression(features='treatment')"


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
    # standard errors over seeds, recomputed from the table's own rows; the naive interval never holds the truth
    rows = table[(table["environment"] == "Confounding-v0") & (table["learner"] == naive) & (table["metric"] == "ate")
                 & (table["n_train"] == 1200)]
    errors = (rows["value"] - rows["true_value"]).to_numpy()
    assert len(errors) == 2
    assert conf.loc[naive, "ate_error_se"] == pytest.approx(errors.std(ddof=1) / np.sqrt(2), rel=1e-9)
    assert conf.loc[naive, "ate_covered"] == 0.0
    assert np.isnan(conf.loc["MLP(hidden=(16,), max_epochs=30)", "ate_covered"])  # no interval asked for


def test_the_grid_comes_first_and_reuses_the_verdicts(results):
    table, _ = results
    rep = report(table)
    grid = rep.grid
    assert list(grid.index.get_level_values("environment")) == ["Confounding-v0", "FrontDoor-v0"]
    assert list(grid.columns) == [NAIVE, "Backdoor()", "MLP(hidden=(16,), max_epochs=30)"]
    # every cell is its verdict: observed -> outcome, verdict -> expectation (no second criterion)
    words = {"succeeds": "succeeded", "fails": "failed", "refuses": "refused"}
    for v in rep.verdicts.itertuples():
        outcome, expectation, expected = grid.loc[(v.environment, v.knobs), v.learner]
        assert outcome == words[v.observed] and expectation == v.verdict and expected == v.expected
    # the documented behaviour: the naive contrast fails on confounding, back-door refuses the front door
    assert grid.loc[("Confounding-v0", ""), NAIVE][:2] == ("failed", "as expected")
    assert grid.loc[("FrontDoor-v0", ""), "Backdoor()"][:2] == ("refused", "as expected")
    md = rep.markdown()
    order = [md.index(h) for h in ("# causalab report", "## Who survives", "| environment | " + NAIVE,
                                   "- **failed**:", "## Leaderboard", "## Verdicts", "## Glossary")]
    assert order == sorted(order)
    assert "| Confounding-v0 | failed, as expected |" in md
    page = rep.html()
    assert page.index("id='grid'") < page.index("id='legend'") < page.index("<h2>Leaderboard</h2>")
    colour, fill, _ = OUTCOMES["failed"]
    assert f".o-failed{{background:{fill};box-shadow:inset 5px 0 0 {colour}}}" in page


def test_a_mismatch_is_written_in_the_cell_and_outlined():
    from causalab.reporting.outcomes import cell_text

    assert cell_text("failed", "MISMATCH", "succeeds") == ("failed", "MISMATCH: expected to succeed")
    assert cell_text("refused", "as expected", "fails") == ("refused", "as expected")


@pytest.fixture(scope="module")
def twins():
    """Two learners whose names share a long prefix, on a sweep of two settings."""
    learners = [LinearRegression(features="treatment"), LinearRegression()]
    return cl.run(["Confounding-v0"], learners, knobs={"strength": [0.0, 2.0]}, seeds=[0, 1], n_train=300,
                  n_test=200, progress=False, n_jobs=1)


def test_learner_names_are_never_cut(twins):
    rep = report(twins)
    md, page = rep.markdown(), rep.html()
    for name in (NAIVE, "LinearRegression()"):
        assert f"| {name} |" in md and f"| environment | {NAIVE} | LinearRegression() |" in md
        assert f"<td>{html.escape(name)}</td>" in page  # the tables
        assert html.escape(name) in page.replace("<wbr>", "")  # the grid's header: it wraps, never cuts
    ate = rep.figures["ATE estimates against the truth"]
    assert {t.get_text() for t in ate.axes[0].get_yticklabels()} == {NAIVE, "LinearRegression()"}
    sweep = rep.figures["Knob sweeps"]
    assert {NAIVE, "LinearRegression()"} <= {t.get_text() for t in sweep.legends[0].get_texts()}


def test_a_sweep_gets_a_grid_row_per_setting_and_its_tables_keep_settings_apart(twins):
    rep = report(twins)
    assert list(rep.grid.index) == [("Confounding-v0", "strength=0"), ("Confounding-v0", "strength=2")]
    # naive: unbiased without confounding, off by s^2 / (s^2 + 1) = 0.8 at strength 2
    assert rep.grid.loc[("Confounding-v0", "strength=0"), NAIVE][0] == "succeeded"
    assert rep.grid.loc[("Confounding-v0", "strength=2"), NAIVE][0] == "failed"
    assert "| Confounding-v0 (strength=2) | failed, as expected |" in rep.markdown()
    # pehe of a constant-effect fit is its slope's error: the same bias, per setting, never averaged
    pehe = rep.other_metrics[rep.other_metrics["metric"] == "pehe"].set_index(["knobs", "learner"])["value"]
    assert len(pehe) == 4
    assert pehe[("strength=2", NAIVE)] == pytest.approx(0.8, abs=0.15)
    assert pehe[("strength=0", NAIVE)] < 0.2
    assert set(rep.problems["knobs"]) == {"strength=0", "strength=2"}


def test_errors_and_unanswered_effects_get_their_own_cells(twins):
    broken = twins.copy()
    ate = broken["metric"] == "ate"
    broken.loc[ate & (broken["learner"] == "LinearRegression()"), ["status", "message"]] = ["error", "LearnerError: x"]
    broken.loc[ate & (broken["learner"] == NAIVE), ["status", "message"]] = ["unsupported", "cannot"]
    rep = report(broken)
    assert {cell[0] for cell in rep.grid["LinearRegression()"]} == {"error"}
    assert {cell[0] for cell in rep.grid[NAIVE]} == {"cannot answer"}
    page = rep.html()
    assert "<td class='o-error'>error</td>" in page and "<td class='o-cannot-answer'>cannot answer</td>" in page


def test_without_truth_the_grid_says_so_and_empty_columns_are_dropped():
    rng = np.random.default_rng(0)
    z = rng.normal(size=300)
    t = (z + rng.normal(size=300) > 0).astype(float)
    data = pd.DataFrame({"Z": z, "T": t, "Y": t + z + rng.normal(size=300)})
    env = cl.DataEnvironment(data, "Z -> T; Z -> Y; T -> Y", "T", "Y", name="mine")
    rep = report(evaluate(env, [LinearRegression(features="treatment"), Backdoor()], n_train=300, seeds=[0]))
    assert {cell[0] for cell in rep.grid.to_numpy().ravel()} == {"no truth"}
    shown = _shown(rep.leaderboard)
    assert list(shown.columns) == ["environment", "learner", "acts_as", "verdict"]
    assert "| mine | no truth | no truth |" in rep.markdown()
    assert "ATE estimates against the truth" not in rep.figures  # nothing to draw against a truth


def test_every_column_shown_has_a_glossary_entry(results, twins):
    from causalab.evaluation.coverage import COVERAGE_COLUMNS
    from causalab.evaluation.graphs import DEGRADATION_COLUMNS
    from causalab.evaluation.refute import SCORECARD_COLUMNS
    from causalab.evaluation.verdict import VERDICT_COLUMNS
    module = importlib.import_module("causalab.reporting.report")  # the module, not the function it exports

    table, _ = results
    for rep in (report(table), report(twins)):
        md, page = rep.markdown(), rep.html()
        shown = {c for t in rep.tables().values() for c in t.columns}
        assert shown and shown <= set(GLOSSARY), shown - set(GLOSSARY)
        for column in shown:
            assert f"- `{column}`: {GLOSSARY[column]}" in md or column not in rep.glossary(full=False)
            assert f"<dt>{html.escape(column)}</dt><dd>{html.escape(GLOSSARY[column])}</dd>" in page
    # the tables a run may add (refuters, wrong graphs, overlap, estimates without truth) too
    for columns in (LEADERBOARD_COLUMNS, VERDICT_COLUMNS, COVERAGE_COLUMNS, DEGRADATION_COLUMNS, SCORECARD_COLUMNS,
                    module.OVERLAP_COLUMNS, module.ESTIMATE_COLUMNS, module.OTHER_COLUMNS, module.PROBLEM_COLUMNS,
                    ("seed", "bias", "robustness_value", "e_value")):
        assert set(columns) <= set(GLOSSARY), set(columns) - set(GLOSSARY)
    assert "1 - cf_accuracy" in GLOSSARY["cf_error"] and "binary" in GLOSSARY["cf_error"]


def test_figure_colours_are_outcomes_with_a_legend(results):
    table, _ = results
    rep = report(table)
    fig = rep.figures["ATE estimates against the truth"]
    ax = fig.axes[0]  # Confounding-v0: rows in the order run, a diamond (the mean) per learner
    names = [t.get_text() for t in ax.get_yticklabels()]
    diamonds = [c for c in ax.collections if c.get_sizes()[0] >= 40]
    colour = {names[int(d.get_offsets()[0, 1])]: to_hex(d.get_facecolor()[0]) for d in diamonds}
    assert colour[NAIVE] == OUTCOMES["failed"][0].lower() and colour["Backdoor()"] == OUTCOMES["succeeded"][0].lower()
    for name in ("ATE estimates against the truth", "Survival under intervention", "Learning curves"):
        labels = {t.get_text() for legend in rep.figures[name].legends for t in legend.get_texts()}
        assert "failed" in " ".join(labels) and "succeeded" in " ".join(labels), name


def to_hex(rgba):
    from matplotlib.colors import to_hex as hex_

    return hex_(rgba)


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


def test_per_environment_figures_for_every_environment_one_fit_each(results, monkeypatch):
    table, learners = results
    envs = [cl.make("Confounding-v0"), cl.make("FrontDoor-v0")]
    calls = []
    fit = figures.fit_learners
    monkeypatch.setattr(figures, "fit_learners", lambda env, *a, **k: calls.append(env.id) or fit(env, *a, **k))
    rep = report(table, envs=envs, learners=learners)
    assert {"Confounding-v0: the graph", "Confounding-v0: dose-response", "Confounding-v0: counterfactuals",
            "FrontDoor-v0: the graph"} <= set(rep.figures)
    assert calls == ["Confounding-v0"]  # one fit per learner for both figures; FrontDoor's are binary: none
    ax = rep.figures["Confounding-v0: dose-response"].axes[0]
    truth = ax.lines[0].get_ydata()
    grid = ax.lines[0].get_xdata()
    slope = np.polyfit(grid, truth, 1)[0]  # E[Y | do(T=t)] = t: slope 1 (effect), MC error small
    assert slope == pytest.approx(1.0, abs=0.05)
    # each learner's curve in its outcome's colour, named in full with its outcome
    lines = {line.get_label(): to_hex(line.get_color()) for line in ax.lines[1:]}
    assert lines[f"{NAIVE}: failed"] == OUTCOMES["failed"][0].lower()
    assert lines["Backdoor(): succeeded"] == OUTCOMES["succeeded"][0].lower()


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
def test_report_renders_in_headless_chromium(results, tmp_path):
    browser = _chromium()
    assert browser, "chromium is missing: `make test` installs Debian's chromium package"
    table, _ = results
    page = report(table).save(tmp_path / "report.html")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--hide-scrollbars"]
    # the first screen (1280 x 900): where the browser lays out the grid, its legend and the leaderboard, measured
    # by a script added to a copy of the page (the report itself has none)
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", (
        "<script>const b = id => Math.round(document.getElementById(id).getBoundingClientRect().bottom);"
        "document.body.dataset.grid = b('grid'); document.body.dataset.legend = b('legend');"
        "document.body.dataset.board = Math.round([...document.querySelectorAll('h2')].find("
        "h => h.textContent === 'Leaderboard').getBoundingClientRect().top);</script></body>")))
    dom = subprocess.run([*flags, "--window-size=1280,900", "--dump-dom", probe.as_uri()], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    at = {k: int(v) for k, v in re.findall(r'data-(grid|legend|board)="(\d+)"', dom)}
    assert set(at) == {"grid", "legend", "board"}, dom[:500]
    assert 0 < at["grid"] < at["legend"] <= 900 and at["legend"] < at["board"]
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1280,4000", page.as_uri()], check=True,
                   capture_output=True, timeout=120)
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    assert img.shape[0] >= 3000

    def pixels(region, hex_colour, tol=0.03):
        rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
        return int(np.all(np.abs(region - rgb) < tol, axis=-1).sum())

    top = img[:900]
    # the grid's cells, coloured by outcome, are on the first screen
    for outcome in ("succeeded", "failed", "refused"):
        assert pixels(top, OUTCOMES[outcome][1]) > 800, f"no {outcome} cell on the first screen"
    # the figures below draw in the same palette (bars and markers), and are not blank
    below = img[900:]
    assert pixels(below, OUTCOMES["succeeded"][0]) > 300 and pixels(below, OUTCOMES["failed"][0]) > 300
    ink = (below.sum(axis=-1) < 2.7).mean(axis=1)
    assert (ink > 0.05).sum() > 500
