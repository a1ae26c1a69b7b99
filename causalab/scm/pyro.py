"""Export an SCM as a Pyro model.

Every variable becomes a sample site named exactly as the variable, so
``pyro.poutine.do(model, {"T": torch.tensor(1.)})`` and ``pyro.poutine.condition`` act
on it as on any Pyro model. Mechanisms with a closed-form conditional distribution give
that distribution; others sample their noise at a site ``U[name]`` and put the value at
the variable's site as a ``Delta``.
"""

from __future__ import annotations

import torch

from .intervention import Intervened
from .mechanisms import Additive, Discrete, Linear, LocationScale, Root
from .noise import DTYPE


def _pyro(noise, n):
    """The Pyro twin of a noise's torch distribution, expanded over ``n`` units."""
    import pyro.distributions as dist

    d = noise.to_torch()
    if not isinstance(d, dist.Distribution):
        params = {k: getattr(d, k) for k in d.arg_constraints if k in vars(d)}
        d = getattr(dist, type(d).__name__)(**params)
    return d.expand([n])


def _site(mech, parents, n):
    import pyro.distributions as dist
    from pyro.distributions.transforms import AffineTransform

    if isinstance(mech, Intervened) and not isinstance(mech.spec, (torch.Tensor,)) and mech.parents == ():
        if mech.stochastic:
            return _pyro(mech.spec, n)
        return dist.Delta(torch.full((n,), float(mech.spec), dtype=DTYPE))
    if isinstance(mech, Root):
        return _pyro(mech.noise, n)
    if isinstance(mech, Discrete):
        probs = mech.probs(parents, n)
        if mech.n_levels == 2:
            return dist.Bernoulli(probs=probs[:, 1])
        return dist.Categorical(probs=probs)
    base = _pyro(mech.noise, n)
    if isinstance(mech, (Linear, Additive)):
        loc = mech.evaluate(parents, torch.zeros(n, dtype=DTYPE))
        return dist.TransformedDistribution(base, [AffineTransform(loc, 1.0)])
    if isinstance(mech, LocationScale):
        loc = mech.evaluate(parents, torch.zeros(n, dtype=DTYPE))
        scale = mech.evaluate(parents, torch.ones(n, dtype=DTYPE)) - loc
        return dist.TransformedDistribution(base, [AffineTransform(loc, scale)])
    return None


def to_pyro(scm):
    """Return ``model(n_samples=1)``, a Pyro model of ``scm`` that returns a dict of values.

    All sites are inside ``pyro.plate("units", n_samples)``. Draws use torch's global
    generator, as Pyro always does: seed it (or use ``torch.random.fork_rng``) around calls.
    """
    import pyro
    import pyro.distributions as dist

    mechanisms = dict(scm._mechanisms)

    def model(n_samples: int = 1):
        values: dict[str, torch.Tensor] = {}
        with pyro.plate("units", n_samples):
            for name, mech in mechanisms.items():
                parents = {p: values[p] for p in mech.parents}
                site = _site(mech, parents, n_samples)
                if site is None:
                    u = pyro.sample(f"U[{name}]", _pyro(mech.noise, n_samples))
                    site = dist.Delta(mech.evaluate(parents, u.to(DTYPE)))
                values[name] = pyro.sample(name, site).to(DTYPE)
        return values

    return model
