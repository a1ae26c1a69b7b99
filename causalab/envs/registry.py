"""The environment registry: versioned ids, lazy entry points, close-match errors.

Specs hold everything ``list_environments`` shows, so listing the catalog imports
neither torch nor any environment module; ``make`` imports the entry point on demand.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field

import pandas as pd

from ..exceptions import RegistrationError, UnknownEnvironmentError, did_you_mean

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-v\d+$")


@dataclass(frozen=True)
class EnvSpec:
    """Registry entry: ``entry_point`` is ``"module:Class"`` or a callable returning an Environment."""

    id: str
    entry_point: object
    story: str = ""
    tags: tuple[str, ...] = ()
    kwargs: dict = field(default_factory=dict)


_REGISTRY: dict[str, EnvSpec] = {}
_catalog_loaded = False


def _load_catalog() -> None:
    global _catalog_loaded
    if not _catalog_loaded:
        _catalog_loaded = True
        from causalab.environments import CATALOG

        for spec in CATALOG:
            _REGISTRY.setdefault(spec.id, spec)


def register(id: str, entry_point, story: str = "", tags=(), override: bool = False, **kwargs) -> EnvSpec:
    """Register an environment under a versioned id such as ``"MyEnv-v0"``."""
    _load_catalog()
    if not isinstance(id, str) or not _ID.match(id):
        raise RegistrationError(f"environment ids look like 'Name-v0', got {id!r}")
    if id in _REGISTRY and not override:
        raise RegistrationError(f"environment {id!r} is already registered; pass override=True to replace it")
    if not (callable(entry_point) or (isinstance(entry_point, str) and ":" in entry_point)):
        raise RegistrationError(f"entry_point must be 'module:Class' or a callable, got {entry_point!r}")
    spec = EnvSpec(id, entry_point, story, tuple(tags), dict(kwargs))
    _REGISTRY[id] = spec
    return spec


def spec(id: str) -> EnvSpec:
    """The registry entry of ``id``."""
    _load_catalog()
    if id not in _REGISTRY:
        raise UnknownEnvironmentError(
            f"no environment {id!r}; registered: {sorted(_REGISTRY)}.{did_you_mean(id, _REGISTRY)}"
        )
    return _REGISTRY[id]


def make(id: str, **knobs):
    """Build the environment registered as ``id`` with the given knobs."""
    entry = spec(id)
    factory = entry.entry_point
    if isinstance(factory, str):
        module, _, name = factory.partition(":")
        factory = getattr(importlib.import_module(module), name)
    env = factory(**{**entry.kwargs, **knobs})
    env.id = id
    return env


def list_environments() -> pd.DataFrame:
    """The catalog as a table: id, tags, one-line story."""
    _load_catalog()
    rows = [{"id": s.id, "tags": ", ".join(s.tags), "story": s.story} for s in _REGISTRY.values()]
    return pd.DataFrame(rows, columns=["id", "tags", "story"])
