"""The example notebooks: written as jupytext percent-format sources, paired .ipynb generated.

The notebooks themselves run under nbmake in fast mode, once each, with their blanks filled from
``examples/notebooks/solutions`` and their checking cells tried on known wrong answers (see
``examples/notebooks/conftest.py``); these tests keep the pairs in step, the course's structure
checkable, and the answer checker honest."""

import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

from causalab.testing.exercises import WrongAnswer, check_array, check_choice, check_number, check_set

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "examples" / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_notebooks():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_paired_notebook_is_generated_from_its_source(source):
    import jupytext

    paired = source.with_suffix(".ipynb")
    assert paired.exists(), f"run `make notebooks-sync` to generate {paired.name}"
    want = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    have = [(c.cell_type, c.source) for c in jupytext.read(paired).cells]
    assert have == want, f"{paired.name} differs from {source.name}: run `make notebooks-sync`"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_teaches_asks_draws_and_checks(source):
    import jupytext

    cells = jupytext.read(source).cells
    first = cells[0].source
    assert "What this teaches" in first and "question you should answer" in first
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "plt.show()" in code, "at least one figure"
    assert "CAUSALAB_FAST" in code, "a fast mode for CI"
    assert any("## Exercise" in c.source for c in cells if c.cell_type == "markdown")
    assert "check" in cells[-1].metadata.get("tags", []), "the notebook ends in a checking cell"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_exercises_hold_blanks_and_their_solutions_live_apart(source):
    """Every exercise cell holds only blanks (`NAME = ...`); a checking cell (calling the answer
    checker) follows each; the solution module answers every blank and lists at least three
    wrong answers for it."""
    import jupytext

    harness = _load(NOTEBOOKS / "conftest.py", "notebook_conftest")
    nb = jupytext.read(source)
    exercises = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert exercises, "at least one exercise cell (tagged exercise)"
    names = [name for cell in exercises for name in harness.blanks(cell.source)]
    filled = harness.filled(nb, source.stem)  # raises when a blank has no checking cell after it
    assert len(filled.cells) == len(nb.cells) + sum("check" in c.metadata.get("tags", []) for c in nb.cells)
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            assert re.search(r"check_(number|choice|array|set)\(", cell.source), "a check that explains itself"
    solution = _load(NOTEBOOKS / "solutions" / f"{source.stem}.py", f"solution_{source.stem}")
    for name in names:
        assert callable(getattr(solution, name, None)), f"solutions/{source.stem}.py answers {name}"
        assert len(solution.WRONG.get(name, {})) >= 3, f"at least three wrong answers for {name}"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for source in SOURCES:
        assert f"examples/notebooks/{source.stem}.ipynb" in readme, source.stem


def test_check_number_skips_a_blank_and_explains_a_wrong_answer(capsys):
    check_number(..., 0.5, 0.01, name="my_x")
    assert "fill in `my_x`" in capsys.readouterr().out
    check_number(0.505, 0.5, 0.01, name="my_x")
    assert "right" in capsys.readouterr().out
    with pytest.raises(WrongAnswer) as info:
        check_number(0.3, 0.5, 0.01, name="my_x", why_tol="4 standard errors", hint="weight by P(S)",
                     mistakes={"the naive contrast": 0.305, "something else": 0.9})
    message = str(info.value)
    assert "+0.3000" in message and "0.2000 away" in message and "4 standard errors" in message
    assert "the naive contrast" in message and "something else" not in message and "weight by P(S)" in message
    assert isinstance(info.value, AssertionError)
    for bad in ("0.5", None, True, [0.5, 0.5], math.nan):
        with pytest.raises(WrongAnswer, match="my_x"):
            check_number(bad, 0.5, 0.01, name="my_x")
    check_number(np.float32(0.5), 0.5, 0.01)
    check_number(np.array([0.5]), 0.5, 0.01)


def test_check_choice_array_and_set(capsys):
    check_choice(..., "A")
    assert "fill in" in capsys.readouterr().out
    check_choice("A", "A", allowed=["A", "B"])
    with pytest.raises(WrongAnswer, match="too far"):
        check_choice("B", "A", mistakes={"B": "too far from the truth"})
    with pytest.raises(WrongAnswer, match="not one of the choices"):
        check_choice("a", "A", allowed=["A", "B"])
    truth = np.zeros(100)
    check_array(np.full(100, 0.1), truth, 0.5)
    with pytest.raises(WrongAnswer, match="rung-2"):
        check_array(np.ones(100), truth, 0.5, mistakes={"a rung-2 answer": np.full(100, 0.9)})
    with pytest.raises(WrongAnswer, match="one per unit"):
        check_array(np.ones(99), truth, 0.5)
    judge = lambda chosen: "" if chosen == {"Z1"} else "the path T <- Z2 -> Y stays open"  # noqa: E731
    check_set({"Z1"}, judge, allowed={"Z1", "Z2"})
    with pytest.raises(WrongAnswer, match="stays open"):
        check_set({"Z2"}, judge, allowed={"Z1", "Z2"})
    with pytest.raises(WrongAnswer, match="not among"):
        check_set({"Z9"}, judge, allowed={"Z1", "Z2"})
    with pytest.raises(WrongAnswer, match="a set of names"):
        check_set("Z1", judge)
