"""Fill a notebook's blanks from its solution module and try its checking cells on wrong answers.

Used by ``examples/notebooks/conftest.py``, which runs every notebook under nbmake with each
exercise cell replaced by :func:`fill` and a cell running :func:`battery` after each checking cell.

A solution module ``solutions/NN_name.py`` holds, for every blank ``NAME = ...`` of the notebook,

* a function ``NAME(...)`` returning the right answer; its parameters are names of the notebook's
  variables (``data``, ``env``, ...), passed in from the notebook's namespace;
* an entry ``WRONG[NAME]``: a dict from a description of a plausible wrong answer (the naive
  contrast, the right formula with the wrong weights, a rung-2 answer where rung 3 is asked, ...)
  to a function computing it the same way.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_WRONG = 3
_modules: dict[str, object] = {}


def solutions(stem: str):
    """The solution module of notebook ``stem`` (e.g. ``01_correlation_is_not_causation``)."""
    if stem not in _modules:
        path = HERE / f"{stem}.py"
        spec = importlib.util.spec_from_file_location(f"solution_{stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[stem] = module
    return _modules[stem]


def call(fn, namespace: dict):
    """Call ``fn`` with the notebook variables its parameters name."""
    names = list(inspect.signature(fn).parameters)
    missing = [n for n in names if n not in namespace]
    if missing:
        raise NameError(f"{fn.__qualname__} needs notebook variables {missing} that the notebook does not define")
    return fn(**{n: namespace[n] for n in names})


def fill(namespace: dict, stem: str, names: list[str]) -> None:
    """Set each blank in ``names`` to its solution, computed from the notebook's variables."""
    module = solutions(stem)
    for name in names:
        namespace[name] = call(getattr(module, name), namespace)
        print(f"{name} filled from solutions/{stem}.py")


def battery(namespace: dict, stem: str, names: list[str], check_source: str) -> None:
    """Run the checking cell ``check_source`` on the blank and on each known wrong answer.

    The blank must pass silently with a note naming it; every wrong answer must raise
    ``WrongAnswer`` (an ``AssertionError`` with a message). The solutions are restored after.
    """
    from causalab.testing.exercises import WrongAnswer

    module = solutions(stem)
    kept = {name: namespace[name] for name in names}
    failures, rejected = [], []
    try:
        for name in names:
            wrong = getattr(module, "WRONG", {}).get(name, {})
            if len(wrong) < MIN_WRONG:
                failures.append(f"{name}: {len(wrong)} wrong answers in solutions/{stem}.py, want {MIN_WRONG}")
            namespace[name] = ...
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(check_source, namespace)
            if f"`{name}`" not in out.getvalue():
                failures.append(f"{name}: the blank ran without a note naming it: {out.getvalue()!r}")
            namespace[name] = kept[name]
            for label, fn in wrong.items():
                namespace[name] = value = call(fn, namespace)
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(check_source, namespace)
                except WrongAnswer as exc:
                    message = str(exc)
                    if len(message) < 20:
                        failures.append(f"{name}: wrong answer {label!r} rejected without a message: {message!r}")
                    rejected.append(f"{name} = {_short(value)} ({label}): {message}")
                else:
                    failures.append(f"{name}: wrong answer {label!r} = {_short(value)} was ACCEPTED")
                finally:
                    namespace[name] = kept[name]
    finally:
        namespace.update(kept)
    print("\n".join(["wrong answers rejected:", *rejected]))
    if failures:
        raise AssertionError("\n".join(failures))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
