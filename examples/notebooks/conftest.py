"""The notebooks run under nbmake in fast mode, with their blanks filled from the solutions.

A student's notebook (``NN_name.ipynb``) holds blanks (``answer = ...``) in its exercise cells;
its checking cells skip a blank with a printed note, so the notebook runs as it is. The test
suite runs each notebook once, under nbmake, in a filled copy:

* every cell tagged ``exercise`` is replaced by a cell that sets its blanks from
  ``solutions/NN_name.py`` (proving the exercise solvable: the checking cell must accept it);
* after every cell tagged ``check`` a cell runs that checking cell again on the blank (it must
  print a note, not fail) and on each wrong answer listed in the solution module (each must
  raise ``WrongAnswer``); see ``solutions/_harness.py``.

So the blank ``.ipynb`` files are not collected themselves (``collect_ignore_glob``); the items
are collected from the jupytext sources ``NN_name.py`` and execute the paired ``.ipynb``, filled.
Running the blank and the filled copy would cost two runs of every notebook for no more checks.
"""

import ast
import os
import re
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("CAUSALAB_FAST", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
NOTEBOOK = re.compile(r"\d\d_\w+\.py")

collect_ignore_glob = ["*.ipynb", "solutions/*"]


def blanks(source: str) -> list[str]:
    """The names an exercise cell leaves blank: every statement must be ``NAME = ...``."""
    names = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis):
            raise ValueError(f"an exercise cell may hold only blanks `NAME = ...`, found: {ast.unparse(node)}")
        names.append(node.targets[0].id)
    if not names:
        raise ValueError("an exercise cell without a blank")
    return names


def filled(nb, stem: str):
    """A copy of notebook ``nb`` with its blanks filled and its checking cells tried on wrong answers."""
    import nbformat

    cells, pending = [], []
    setup = (f"import sys as _sys\n_sys.path.insert(0, {str(SOLUTIONS)!r})\nimport _harness")
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "code" and "exercise" in tags:
            names = blanks(cell.source)
            pending.extend(names)
            cells.append(nbformat.v4.new_code_cell(f"{setup}\n_harness.fill(globals(), {stem!r}, {names!r})"))
            continue
        cells.append(cell)
        if cell.cell_type == "code" and "check" in tags:
            if not pending:
                raise ValueError(f"{stem}: a checking cell with no exercise cell before it")
            cells.append(nbformat.v4.new_code_cell(
                f"{setup}\n_harness.battery(globals(), {stem!r}, {pending!r}, {cell.source!r})"))
            pending = []
    if pending:
        raise ValueError(f"{stem}: blanks {pending} with no checking cell after them")
    out = nbformat.from_dict(nb)
    out.cells = cells
    return out


def pytest_collect_file(file_path: Path, parent):
    if (parent.config.getoption("nbmake", default=False) and file_path.parent == HERE
            and NOTEBOOK.fullmatch(file_path.name)):
        return FilledNotebookFile.from_parent(parent, path=file_path)
    return None


class FilledNotebookFile(pytest.File):
    def collect(self):
        from nbmake.pytest_items import NotebookItem

        class FilledNotebookItem(NotebookItem):
            """nbmake's item, executing the filled copy of the paired ``.ipynb``."""

            def runtest(self):
                import nbformat
                from nbmake.nb_run import NotebookRun
                from nbmake.pytest_items import NotebookFailedException

                paired = Path(self.filename).with_suffix(".ipynb")
                nb = filled(nbformat.read(str(paired), as_version=4), paired.stem)
                option = self.config.option
                # one OpenMP thread per kernel unless told otherwise: with a pytest-xdist worker per
                # core, scikit-learn's boosting spun up a thread per core in every kernel and ran
                # about ten times slower on a loaded 2-core machine
                kept = os.environ.get("OMP_NUM_THREADS")
                os.environ["OMP_NUM_THREADS"] = kept or "1"
                try:
                    with tempfile.TemporaryDirectory() as tmp:
                        path = Path(tmp) / paired.name
                        nbformat.write(nb, str(path))
                        res = NotebookRun(path, option.nbmake_timeout, verbose=bool(option.verbose),
                                          kernel=option.nbmake_kernel).execute()
                finally:
                    if kept is None:
                        del os.environ["OMP_NUM_THREADS"]
                if res.error is not None:
                    raise NotebookFailedException(res)

        yield FilledNotebookItem.from_parent(self, filename=str(self.path))
