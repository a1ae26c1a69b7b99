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
