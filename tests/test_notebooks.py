"""The example notebooks: written as jupytext percent-format sources, paired .ipynb generated.

The notebooks themselves run under nbmake (``pytest`` collects ``examples/notebooks/*.ipynb``
in fast mode); these tests keep the pairs in step and the notebooks' promises checkable."""

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "examples" / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def test_there_are_notebooks():
    assert len(SOURCES) >= 4


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
    assert "assert" in cells[-1].source, "the exercise ends in a checking cell"
