"""The built wheel contains the catalog: install it into a fresh venv and import it."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_with_the_catalog(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True)
    wheel = next(dist.glob("causalab-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # the dependencies come from this environment's site-packages (a .pth line adds the directory
    # without running its own .pth hooks, so the editable install of the checkout stays out)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = ("import causalab, causalab.environments as e; "
            "assert causalab.__file__.startswith(%r), causalab.__file__; "
            "assert len(causalab.make('IHDP-v0').replication(3)) == 747; "  # data files are in the wheel
            "assert len(causalab.make('Sachs-v0').data()) == 853; "
            "import causalab.learners, causalab.testing; assert causalab.learners.MLP and causalab.testing.check_learner; "
            "print(len(e.CATALOG), float(causalab.make('KidneyStones-v0').scm.ate('T', 'R')))" % str(venv))
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr
    n_envs, ate = out.stdout.split()
    assert int(n_envs) >= 16 and abs(float(ate) - 0.0537) < 5e-5
