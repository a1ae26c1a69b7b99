"""Every example script runs."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples" / "scripts").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "CAUSALAB_FAST": "1",
                                      # one thread: two xdist workers share two cores
                                      "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip()


def test_readme_shows_the_your_own_learner_script_word_for_word():
    """The README's "Write your own learner" block is the script the test above runs."""
    root = Path(__file__).resolve().parents[1]
    script = (root / "examples" / "scripts" / "your_own_learner.py").read_text()
    code = script.split("# --- README: your own learner ---\n")[1].split("# --- end ---")[0].rstrip("\n")
    assert "class IPW(Learner):" in code and "check_learner(IPW())" in code and "cl.evaluate(" in code
    readme = (root / "README.md").read_text()
    assert f"```python\n{code}\n```" in readme
