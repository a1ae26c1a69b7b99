"""Checking a student's answer in the example notebooks.

Every exercise in ``examples/notebooks`` ends in a blank (``answer = ...``) and a checking cell
that calls one of these functions. They do three things a bare ``assert`` does not:

* a blank answer (``...``) is not an error: the check prints what to fill in, so a notebook
  with its blanks still runs from top to bottom;
* a wrong answer raises :class:`WrongAnswer` with what is wrong (the value, how far it is from
  the reference, the tolerance and where the tolerance comes from), which known mistake it
  matches when it matches one, and a hint;
* a right answer prints the reference next to it.

They return ``None`` (so that a checking cell shows no stray ``True``); :func:`is_blank` tells
a blank apart.

>>> from causalab.testing.exercises import check_number
>>> check_number(..., 0.0537, 0.001, name="my_adjusted")
fill in `my_adjusted` above (replace the `...`), then run this cell again
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Mapping

import numpy as np

__all__ = ["WrongAnswer", "is_blank", "check_number", "check_choice", "check_array", "check_set"]


class WrongAnswer(AssertionError):
    """A student's answer that the checking cell rejects.

    Deliberately not a :class:`~causalab.exceptions.CausalabError`: it reports a wrong answer to
    an exercise, not bad input to causalab. It is an ``AssertionError`` so that test runners
    (nbmake, pytest) count it as a failed check.
    """


def is_blank(answer: object, name: str = "answer") -> bool:
    """``True`` (after printing what to do) when ``answer`` is still the blank ``...``."""
    if answer is Ellipsis:
        print(f"fill in `{name}` above (replace the `...`), then run this cell again")
        return True
    return False


def _as_number(answer: object, name: str) -> float:
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if hasattr(answer, "item") and not isinstance(answer, numbers.Number) and np.ndim(answer) == 0:
        answer = answer.item()  # a 0-d tensor or numpy scalar
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise WrongAnswer(f"`{name}` should be one number, got {type(answer).__name__} {answer!r:.80}")
    value = float(answer)
    if math.isnan(value):
        raise WrongAnswer(f"`{name}` is NaN: an empty group in a mean, or a division by zero?")
    return value


def _diagnose(value: float, tol: float, mistakes: Mapping[str, float] | None) -> str:
    """Name the known mistake closest to ``value``, when it is within ``tol`` of it."""
    near = [(abs(value - float(v)), label) for label, v in (mistakes or {}).items() if abs(value - float(v)) <= tol]
    return f" It matches a known mistake: {min(near)[1]}." if near else ""


def check_number(answer: object, expected: float, tol: float, *, name: str = "answer", what: str = "",
                 why_tol: str = "", hint: str = "", mistakes: Mapping[str, float] | None = None) -> None:
    """Accept ``answer`` when it is a number within ``tol`` of ``expected``.

    Parameters
    ----------
    answer : number or ``...``
        The student's answer; ``...`` (the blank) prints a note and returns.
    expected : float
        The reference: the exact truth, or the right answer computed from the same data.
    tol : float
        The largest accepted distance; ``why_tol`` says where it comes from (a standard error).
    name, what, why_tol, hint : str
        The answer's variable name, what the reference is, the tolerance's origin, and a hint
        shown with a wrong answer.
    mistakes : mapping of str to float, optional
        Known wrong answers, computed in the checking cell; a wrong answer within ``tol`` of one
        of them is named in the message.

    Raises
    ------
    WrongAnswer
        The answer is not a number, is NaN, or is farther than ``tol`` from ``expected``.
    """
    if is_blank(answer, name):
        return
    value = _as_number(answer, name)
    reference = f"{expected:+.4f}" + (f" ({what})" if what else "")
    if not abs(value - expected) <= tol:
        raise WrongAnswer(
            f"`{name}` = {value:+.4f} is {abs(value - expected):.4f} away from {reference}; accepted: within "
            f"{tol:.4g}" + (f" ({why_tol})" if why_tol else "") + "." + _diagnose(value, tol, mistakes)
            + (f" Hint: {hint}" if hint else "")
        )
    print(f"right: `{name}` = {value:+.4f}, reference {reference}, accepted within {tol:.4g}")


def check_choice(answer: object, expected: object, *, name: str = "answer", what: str = "", hint: str = "",
                 mistakes: Mapping[object, str] | None = None, allowed: Collection | None = None) -> None:
    """Accept ``answer`` when it equals ``expected`` (a name, a set of names, a label).

    ``mistakes`` maps known wrong answers to what is wrong with each; ``allowed`` lists the valid
    choices, so a typo is reported as such rather than as a wrong answer.
    """
    if is_blank(answer, name):
        return
    if allowed is not None and answer not in allowed:
        raise WrongAnswer(f"`{name}` = {answer!r} is not one of the choices {sorted(map(str, allowed))}")
    if answer != expected:
        why = (mistakes or {}).get(answer, "")
        raise WrongAnswer(f"`{name}` = {answer!r} is not right" + (f": {why.rstrip('.')}." if why else ".")
                          + (f" Hint: {hint}" if hint else ""))
    print(f"right: `{name}` = {answer!r}" + (f" ({what})" if what else ""))


def check_array(answer: object, expected, tol: float, *, name: str = "answer", what: str = "", why_tol: str = "",
                hint: str = "", mistakes: Mapping[str, object] | None = None) -> None:
    """Accept an array ``answer`` whose root-mean-square distance to ``expected`` is at most ``tol``.

    ``mistakes`` maps a description to a known wrong array; the closest one within ``tol`` is
    named in the message.
    """
    if is_blank(answer, name):
        return
    truth = np.asarray(expected, dtype=float)
    try:
        value = np.asarray(answer, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise WrongAnswer(f"`{name}` should be {truth.size} numbers, got {type(answer).__name__}") from exc
    if value.shape != truth.shape:
        raise WrongAnswer(f"`{name}` has {value.size} values; it should have one per unit, {truth.size}")
    if np.isnan(value).any():
        raise WrongAnswer(f"`{name}` holds NaN values")
    rms = float(np.sqrt(np.mean((value - truth) ** 2)))
    if not rms <= tol:
        near = [(float(np.sqrt(np.mean((value - np.asarray(v, dtype=float).reshape(-1)) ** 2))), label)
                for label, v in (mistakes or {}).items()]
        near = [(d, label) for d, label in near if d <= tol]
        raise WrongAnswer(
            f"`{name}` is {rms:.3f} away from {what or 'the reference'} (root mean square over units); accepted: "
            f"within {tol:.3f}" + (f" ({why_tol})" if why_tol else "") + "."
            + (f" It matches a known mistake: {min(near)[1]}." if near else "") + (f" Hint: {hint}" if hint else "")
        )
    print(f"right: `{name}` is {rms:.3f} from {what or 'the reference'} (root mean square), accepted within {tol:.3f}")


def check_set(answer: object, judge, *, name: str = "answer", allowed: Collection | None = None, hint: str = "",
              what: str = "") -> None:
    """Accept a collection of names when ``judge(set_of_names)`` returns an empty string.

    ``judge`` returns what is wrong with a set (for example which path it leaves open), so several
    right answers can all pass; ``allowed`` lists the names a set may hold, so a typo is reported
    as such.
    """
    if is_blank(answer, name):
        return
    if isinstance(answer, str) or not isinstance(answer, Collection):
        raise WrongAnswer(f"`{name}` should be a set of names such as {{'A', 'B'}}, got {answer!r:.80}")
    chosen = set(answer)
    unknown = sorted(map(str, chosen - set(allowed))) if allowed is not None else []
    if unknown:
        raise WrongAnswer(f"`{name}` names {unknown}, which are not among {sorted(map(str, allowed))}")
    why = judge(chosen)
    if why:
        raise WrongAnswer(f"`{name}` = {sorted(chosen)} is not right: {why.rstrip('.')}." + (f" Hint: {hint}" if hint else ""))
    print(f"right: `{name}` = {sorted(chosen)}" + (f" ({what})" if what else ""))
