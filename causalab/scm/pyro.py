"""Export an SCM as a Pyro model.

Every variable becomes a sample site named exactly as the variable, so
``pyro.poutine.do(model, {"T": torch.tensor(1.)})``, ``pyro.poutine.condition`` and ChiRho's
counterfactual handlers (``TwinWorldCounterfactual``, ``MultiWorldCounterfactual``) act on it
as on any Pyro model. Sites are batch-safe: parents may carry extra leading (world) dimensions.

Which counterfactuals the export gives (ChiRho shares a site's noise across worlds only
where the noise is a site of its own or a reparameterisable transform of one):

* linear, additive and location-scale mechanisms are ``TransformedDistribution`` sites of
  their noise: ChiRho's counterfactuals share the noise and equal causalab's exactly;
* post-nonlinear mechanisms are the same, through the change of variables of their
  invertible ``outer`` (its log-derivative by autograd; ``outer`` must be elementwise), so
  conditioning on them has the right density;
* custom mechanisms sample their noise at ``U[name]`` and put the value at the variable's
  site as a ``Delta``: counterfactuals are exact, but conditioning on such a site is a hard
  constraint (importance sampling works, gradient-based inference does not; a Custom
  mechanism has no density causalab could write down);
* binary and categorical mechanisms are ``Bernoulli`` / ``Categorical`` sites by default:
  fine for conditioning and inference, but ChiRho then couples the worlds its own way, so
  its discrete counterfactuals differ from causalab's comonotone ones. With
  ``coupling=True`` they are ``U[name] ~ Uniform(0, 1)`` plus a ``Delta`` at the inverse CDF
  (causalab's own structural form), and ChiRho agrees with ``counterfactual_prob``.
"""

from __future__ import annotations

import math

import torch

from .intervention import Intervened
from .mechanisms import Additive, Discrete, Linear, LocationScale, PostNonlinear, Root
from .noise import DTYPE


def _pyro(noise, n):
    """The Pyro twin of a noise's torch distribution, expanded over ``n`` units."""
    import pyro.distributions as dist

    d = noise.to_torch()
    if not isinstance(d, dist.Distribution):
        params = {k: getattr(d, k) for k in d.arg_constraints if k in vars(d)}
        d = getattr(dist, type(d).__name__)(**params)
    return d.expand([n])


def _flat(parents, n, *more):
    """Parents (and ``more`` tensors) broadcast to one shape ending in ``n`` and flattened, so a
    mechanism written for 1-D units evaluates any batch of worlds; returns (flat, shape)."""
    shape = torch.broadcast_shapes((n,), *(p.shape for p in parents.values()), *(m.shape for m in more))
    flat = {k: v.to(DTYPE).expand(shape).reshape(-1) for k, v in parents.items()}
    return flat, shape, [m.to(DTYPE).expand(shape).reshape(-1) for m in more]


def _evaluate(mech, parents, n, noise):
    flat, shape, (u,) = _flat(parents, n, noise)
    return mech.evaluate(flat, u).reshape(shape)


def _site(mech, parents, n, coupling):
    import pyro.distributions as dist
    from pyro.distributions.transforms import AffineTransform

    if isinstance(mech, Intervened) and not isinstance(mech.spec, (torch.Tensor,)) and mech.parents == ():
        if mech.stochastic:
            return _pyro(mech.spec, n)
        return dist.Delta(torch.full((n,), float(mech.spec), dtype=DTYPE))
    if isinstance(mech, Root):
        return _pyro(mech.noise, n)
    if isinstance(mech, Discrete):
        if coupling:
            return None
        flat, shape, _ = _flat(parents, n)
        probs = mech.probs(flat, math.prod(shape)).reshape(*shape, mech.n_levels)
        if mech.n_levels == 2:
            return dist.Bernoulli(probs=probs[..., 1])
        return dist.Categorical(probs=probs)
    if isinstance(mech, (Linear, Additive, LocationScale)):
        base = _pyro(mech.noise, n)
        zero = torch.zeros(n, dtype=DTYPE)
        loc = _evaluate(mech, parents, n, zero)
        scale = _evaluate(mech, parents, n, zero + 1) - loc if isinstance(mech, LocationScale) else 1.0
        return dist.TransformedDistribution(base, [AffineTransform(loc, scale)])
    if isinstance(mech, PostNonlinear):
        flat, shape, _ = _flat(parents, n)
        inner = mech.inner(**{p: flat[p] for p in mech.parents})
        inner = torch.as_tensor(inner, dtype=DTYPE).expand(math.prod(shape)).reshape(shape)
        return dist.TransformedDistribution(_pyro(mech.noise, n), [AffineTransform(inner, 1.0),
                                                                   _Elementwise(mech.outer, mech.outer_inverse)])
    return None


class _Elementwise(torch.distributions.transforms.Transform):
    """An invertible elementwise map as a torch Transform (log |f'(x)| by autograd)."""

    domain = torch.distributions.constraints.real
    codomain = torch.distributions.constraints.real
    bijective = True

    def __init__(self, f, f_inverse):
        super().__init__(cache_size=1)
        self.f, self.f_inverse = f, f_inverse

    def _call(self, x):
        return self.f(x)

    def _inverse(self, y):
        return self.f_inverse(y)

    def log_abs_det_jacobian(self, x, y):
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            (slope,) = torch.autograd.grad(self.f(x).sum(), x)
        return slope.abs().log()


def to_pyro(scm, coupling: bool = False):
    """Return ``model(n_samples=1)``, a Pyro model of ``scm`` that returns a dict of values.

    All sites are inside ``pyro.plate("units", n_samples)``. Draws use torch's global
    generator, as Pyro always does: seed it (or use ``torch.random.fork_rng``) around calls.

    Parameters
    ----------
    coupling : bool
        Export binary and categorical variables in causalab's structural form (a uniform
        noise site ``U[name]`` and a ``Delta`` at its inverse CDF) so that counterfactuals
        computed on the export (ChiRho) share each unit's noise across worlds and agree with
        :meth:`~causalab.scm.SCM.counterfactual_prob`; conditioning on those sites becomes a
        hard constraint. The default exports them as Bernoulli / Categorical sites (see the
        module docstring for which counterfactuals each form gives).
    """
    import pyro
    import pyro.distributions as dist

    mechanisms = dict(scm._mechanisms)

    def model(n_samples: int = 1):
        values: dict[str, torch.Tensor] = {}
        with pyro.plate("units", n_samples):
            for name, mech in mechanisms.items():
                parents = {p: values[p] for p in mech.parents}
                site = _site(mech, parents, n_samples, coupling)
                if site is None:
                    u = pyro.sample(f"U[{name}]", _pyro(mech.noise, n_samples))
                    site = dist.Delta(_evaluate(mech, parents, n_samples, u))
                values[name] = pyro.sample(name, site).to(DTYPE)
        return values

    return model
