"""Pickling objects that may hold a user's function.

Mechanisms, soft interventions, SCMs and learners may hold user functions or classes
(lambdas, closures, anything defined in ``__main__`` or a notebook), which the standard
library pickles by reference only, so ``pickle.dumps(scm)`` failed on the README's first
model. :func:`by_value` gives a class a ``__reduce__`` that serialises the instance with
cloudpickle, which stores such functions and classes by value and everything importable by
reference: the bytes load with plain ``pickle`` or ``joblib`` in a fresh process where
causalab is installed. Shallow and deep copies do not go through it (they copy the
instance's dict, as the default would).
"""

from __future__ import annotations

import copy
import threading

_INSIDE = threading.local()  # set while by_value's own cloudpickle pass runs in this thread


def by_value(cls):
    """Class decorator: pickle instances by value with cloudpickle (see the module docstring).

    A decorator rather than a mixin base class, so that ``help()`` on every mechanism and
    learner does not grow a section of inherited plumbing.
    """
    cls.__reduce__ = _reduce
    cls.__copy__ = _copy
    cls.__deepcopy__ = _deepcopy
    return cls


def _reduce(self):
    """Pickle by value with cloudpickle."""
    if getattr(_INSIDE, "active", False):
        # inside the outermost object's cloudpickle pass: a plain reduction, so that the
        # pass's memo keeps shared objects shared and reference cycles finite
        return _new, (type(self),), self.__dict__
    import cloudpickle

    _INSIDE.active = True
    try:
        blob = cloudpickle.dumps(self)
    finally:
        _INSIDE.active = False
    return _loads, (blob,)


def _copy(self):
    new = object.__new__(type(self))
    new.__dict__.update(self.__dict__)
    return new


def _deepcopy(self, memo):
    new = object.__new__(type(self))
    memo[id(self)] = new
    new.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return new


def _new(cls):
    return object.__new__(cls)


def _loads(blob: bytes):
    import pickle

    return pickle.loads(blob)
