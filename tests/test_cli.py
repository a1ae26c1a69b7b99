"""The command line: `causalab list` and `causalab show ID`."""

import subprocess
import sys

import pytest

from causalab.cli import main


def test_list_prints_every_environment(capsys):
    assert main(["list", "--tags"]) == 0
    out = capsys.readouterr().out
    for env_id in ("KidneyStones-v0", "Sachs-v0", "RandomDAG-v0"):
        assert env_id in out
    assert "tags:" in out


def test_show_writes_story_truth_and_image(tmp_path, capsys):
    image = tmp_path / "ks.png"
    assert main(["show", "KidneyStones-v0", "--image", str(image)]) == 0
    out = capsys.readouterr().out
    assert "Simpson" in out and "ate = 0.0536712 (exact)" in out and "backdoor   succeeds" in out
    assert image.stat().st_size > 1000


def test_show_with_knobs_and_real_data(tmp_path, capsys):
    assert main(["show", "Confounding-v0", "--knob", "strength=2.0", "--image", str(tmp_path / "c.png")]) == 0
    assert "strength=2.0" in capsys.readouterr().out
    assert main(["show", "LaLonde-v0", "--image", str(tmp_path / "l.png")]) == 0
    assert "1794.34" in capsys.readouterr().out


def test_unknown_id_is_a_clear_error(capsys):
    assert main(["show", "Kidney-v0"]) == 2
    assert "Did you mean 'KidneyStones-v0'" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "causalab.cli", "list"], capture_output=True, text=True)
    assert out.returncode == 0 and "Asia-v0" in out.stdout


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "causalab", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.mark.slow
def test_run_writes_results_and_report_then_reads_them_back(tmp_path):
    out = tmp_path / "out"
    args = ["run", "--envs", "Confounding-v0,FrontDoor-v0", "--learners", "naive,backdoor,frontdoor", "--seeds", "2",
            "--n-train", "500", "--out", str(out), "--quiet", "--jobs", "1"]
    first = _cli(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    for name in ("results.csv", "results.sqlite", "report.html", "report.md"):
        assert (out / name).stat().st_size > 100
    assert "Confounding-v0" in first.stdout and "as expected" in first.stdout and "0 mismatch" in first.stdout
    import pandas as pd

    table = pd.read_csv(out / "results.csv")
    assert set(table["environment"]) == {"Confounding-v0", "FrontDoor-v0"} and table["seed"].nunique() == 2
    again = _cli(*args)  # every cell comes from the store
    assert again.returncode == 0 and pd.read_csv(out / "results.csv").drop(
        columns=["fit_seconds", "predict_seconds"]).equals(table.drop(columns=["fit_seconds", "predict_seconds"]))
    (out / "report.html").unlink()
    rebuilt = _cli("report", str(out))
    assert rebuilt.returncode == 0 and (out / "report.html").stat().st_size > 1000


@pytest.mark.parametrize("args,text", [
    (["run", "--envs", "Nope-v0"], "Nope-v0"),
    (["run", "--learners", "mlpp"], "Did you mean 'mlp'"),
    (["run", "--seeds", "x"], "--seeds"),
    (["run", "--n-train", "0"], "--n-train"),
    (["run", "--backend", "spark", "--envs", "Confounding-v0", "--learners", "naive"], "backend"),
    (["report", "/nonexistent/folder"], "no result store"),
])
def test_run_and_report_user_errors_are_one_line_and_exit_2(args, text, tmp_path):
    done = _cli(*args, "--out", str(tmp_path / "o")) if args[0] == "run" else _cli(*args)
    assert done.returncode == 2
    assert text in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_learners_lists_names_and_tags(capsys):
    assert main(["learners"]) == 0
    out = capsys.readouterr().out
    assert "backdoor" in out and "family=iv" in out and "rung2=conditioning" in out


@pytest.mark.parametrize("args", [["run", "--jobs", "x"], [], ["nope"], ["run", "--unknown"]])
def test_argument_errors_are_one_line_and_exit_2(args):
    done = _cli(*args)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_show_writes_no_file_unless_asked(tmp_path):
    done = _cli("show", "KidneyStones-v0", cwd=tmp_path)
    assert done.returncode == 0 and "Simpson" in done.stdout and not list(tmp_path.iterdir())


def test_show_draws_real_data_task_graph_and_refuses_a_missing_folder(tmp_path):
    image = tmp_path / "lalonde.png"
    assert _cli("show", "LaLonde-v0", "--image", str(image)).returncode == 0 and image.stat().st_size > 1000
    done = _cli("show", "KidneyStones-v0", "--image", str(tmp_path / "missing" / "x.png"))
    assert done.returncode == 2 and "does not exist" in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("knob", ["strength=abc", "nonlinear=maybe", "strength"])
def test_bad_knobs_on_the_command_line(knob):
    done = _cli("show", "Confounding-v0", "--knob", knob)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_list_into_a_closed_pipe_is_quiet():
    done = subprocess.run(f"{sys.executable} -m causalab list --tags | head -1", shell=True, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.count("\n") == 1 and "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr
