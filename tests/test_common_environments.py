"""Every registered environment runs the common checks of causalab.testing.

Checks that need a capability an environment lacks (real data has no structural model)
are strict expected failures: they must raise UnsupportedQueryError, and nothing is
skipped silently.
"""

from collections import Counter

import pytest

import causalab as cl
from causalab.testing import CHECKS

IDS = list(cl.list_environments()["id"])
BUILTIN = [i for i in IDS if cl.envs.registry.spec(i).entry_point.startswith("causalab.environments.")]
_CACHE = {}


def _env(env_id):
    if env_id not in _CACHE:
        _CACHE[env_id] = cl.make(env_id)
    return _CACHE[env_id]


def _params():
    for env_id in BUILTIN:
        env_cls = cl.envs.registry.spec(env_id).entry_point
        for name, check, needs in CHECKS:
            marks = []
            capabilities = _capabilities(env_cls)
            if needs is not None and needs not in capabilities:
                marks.append(pytest.mark.xfail(raises=cl.UnsupportedQueryError, strict=True,
                                               reason=f"{env_id} has no {needs!r}: real data"))
            yield pytest.param(env_id, name, check, id=f"{env_id}-{name}", marks=marks)


def _capabilities(entry_point: str):
    import importlib

    module, _, name = entry_point.partition(":")
    return getattr(importlib.import_module(module), name).capabilities


@pytest.mark.parametrize("env_id,name,check", list(_params()))
def test_common_check(env_id, name, check):
    check(_env(env_id))


def test_every_environment_collects_every_check(request):
    items = [i for i in request.session.items if i.name.startswith("test_common_check[")]
    per_env = Counter(i.callspec.params["env_id"] for i in items)
    if not per_env:  # this test was selected alone
        per_env = Counter(p.values[0] for p in _params())
    assert set(per_env) == set(BUILTIN)
    assert set(per_env.values()) == {len(CHECKS)}, per_env
    assert len(CHECKS) == 11
    assert len(BUILTIN) >= 16
