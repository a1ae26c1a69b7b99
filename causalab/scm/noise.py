"""Noise distributions that draw from an explicit ``torch.Generator``.

``torch.distributions`` draws from torch's global generator; causalab never does, so
each family below samples from uniforms or normals of a given generator. Any other
torch distribution can be wrapped with :class:`Distribution`.

The built-in families draw in single precision and widen to float64: torch's
vectorised float32 normal sampler is about five times faster than its float64 one, and
the widened values are ordinary float64 numbers, so a unit's stored noise replays its
values exactly. The price is a resolution of 2**-24 in the draws, far below any
Monte Carlo error.
"""

from __future__ import annotations

import math
import threading

import torch

from ..exceptions import InvalidValueError

DTYPE = torch.float64
_DRAW = torch.float32
_HALF_ULP = 2.0**-25  # shifts float32 uniforms from [0, 1) into (0, 1)
_SCRATCH = threading.local()


def _draw_buffer(n: int) -> torch.Tensor:
    """A reused per-thread float32 buffer: fresh allocations (and their page faults) would
    cost as much as drawing the numbers."""
    buf = getattr(_SCRATCH, "buf", None)
    if buf is None or buf.numel() < n:
        buf = _SCRATCH.buf = torch.empty(max(n, 1024), dtype=_DRAW)
    return buf[:n]


def _widen(draw: torch.Tensor, out: torch.Tensor | None) -> torch.Tensor:
    return draw.to(DTYPE) if out is None else out.copy_(draw)


def _number(name: str, value, family: str) -> float:
    """A real number (int, float, numpy or 0-d tensor scalar; not a bool or a string)."""
    if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
        raise InvalidValueError(f"{family}: {name} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InvalidValueError(f"{family}: {name} must be a number, got {value!r}") from exc


def _check_positive(name: str, value: float, family: str) -> float:
    value = _number(name, value, family)
    if not math.isfinite(value) or value <= 0:
        raise InvalidValueError(f"{family}: {name} must be a positive finite number, got {value!r}")
    return value


def _check_finite(name: str, value: float, family: str) -> float:
    value = _number(name, value, family)
    if not math.isfinite(value):
        raise InvalidValueError(f"{family}: {name} must be finite, got {value!r}")
    return value


class Noise:
    """Base class: a univariate noise distribution.

    Subclasses implement :meth:`sample` (with an explicit generator), :meth:`cdf`,
    :meth:`to_torch` (for Pyro models) and, where known, ``mean`` and ``variance``.
    """

    mean: float = float("nan")
    variance: float = float("nan")
    #: draws touch no global state, so several generators may draw in parallel threads
    thread_safe: bool = True

    def sample(self, n: int, generator: torch.Generator, out: torch.Tensor | None = None) -> torch.Tensor:
        """``n`` float64 draws from ``generator``, written into ``out`` when given."""
        raise NotImplementedError

    def cdf(self, x: torch.Tensor) -> torch.Tensor:
        return self.to_torch().cdf(x)

    def to_torch(self) -> torch.distributions.Distribution:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


class Normal(Noise):
    """Gaussian noise ``N(loc, scale**2)``."""

    def __init__(self, loc: float = 0.0, scale: float = 1.0):
        self.loc = _check_finite("loc", loc, "Normal")
        self.scale = _check_positive("scale", scale, "Normal")
        self.mean, self.variance = self.loc, self.scale**2

    def sample(self, n, generator, out=None):
        z = _draw_buffer(n).normal_(generator=generator)
        if out is None:
            out = torch.empty(n, dtype=DTYPE)
        if self.scale != 1.0:
            torch.mul(z, self.scale, out=out)  # widens and scales in one pass
        else:
            out.copy_(z)
        return out.add_(self.loc) if self.loc else out

    def to_torch(self):
        return torch.distributions.Normal(torch.tensor(self.loc, dtype=DTYPE), torch.tensor(self.scale, dtype=DTYPE))

    def __repr__(self):
        return f"Normal({self.loc:g}, {self.scale:g})"


class Uniform(Noise):
    """Uniform noise on ``[low, high)``."""

    def __init__(self, low: float = 0.0, high: float = 1.0):
        self.low = _check_finite("low", low, "Uniform")
        self.high = _check_finite("high", high, "Uniform")
        if self.high <= self.low:
            raise InvalidValueError(f"Uniform: high must exceed low, got low={low!r}, high={high!r}")
        self.mean = (self.low + self.high) / 2
        self.variance = (self.high - self.low) ** 2 / 12

    def sample(self, n, generator, out=None):
        u = _widen(_draw_buffer(n).uniform_(generator=generator), out)
        if (self.low, self.high) != (0.0, 1.0):
            u.mul_(self.high - self.low).add_(self.low)
        return u

    def cdf(self, x):
        return ((x - self.low) / (self.high - self.low)).clamp(0.0, 1.0)

    def to_torch(self):
        return torch.distributions.Uniform(torch.tensor(self.low, dtype=DTYPE), torch.tensor(self.high, dtype=DTYPE))

    def __repr__(self):
        return f"Uniform({self.low:g}, {self.high:g})"


class Laplace(Noise):
    """Laplace noise with location ``loc`` and scale ``scale``."""

    def __init__(self, loc: float = 0.0, scale: float = 1.0):
        self.loc = _check_finite("loc", loc, "Laplace")
        self.scale = _check_positive("scale", scale, "Laplace")
        self.mean, self.variance = self.loc, 2 * self.scale**2

    def sample(self, n, generator, out=None):
        # inverse CDF of a uniform on the open interval (-1/2, 1/2)
        u = _widen(_draw_buffer(n).uniform_(generator=generator), out).add_(_HALF_ULP - 0.5)
        sign = torch.sign(u)
        return u.abs_().mul_(-2).log1p_().mul_(sign).mul_(-self.scale).add_(self.loc)

    def to_torch(self):
        return torch.distributions.Laplace(torch.tensor(self.loc, dtype=DTYPE), torch.tensor(self.scale, dtype=DTYPE))

    def __repr__(self):
        return f"Laplace({self.loc:g}, {self.scale:g})"


class Exponential(Noise):
    """Exponential noise with rate ``rate`` (mean ``1/rate``)."""

    def __init__(self, rate: float = 1.0):
        self.rate = _check_positive("rate", rate, "Exponential")
        self.mean, self.variance = 1 / self.rate, 1 / self.rate**2

    def sample(self, n, generator, out=None):
        return _widen(_draw_buffer(n).exponential_(self.rate, generator=generator), out)

    def to_torch(self):
        return torch.distributions.Exponential(torch.tensor(self.rate, dtype=DTYPE))

    def __repr__(self):
        return f"Exponential({self.rate:g})"


#: serialises causalab's uses of torch's global generator (distributions without an icdf)
_GLOBAL_RNG_LOCK = threading.Lock()


class Distribution(Noise):
    """Any univariate ``torch.distributions.Distribution`` used as noise.

    Draws by inverse CDF where the distribution has one; otherwise it seeds torch's
    global generator from ``generator`` inside ``torch.random.fork_rng``, which restores
    the global state afterwards, under one lock so that concurrent causalab samplers neither
    see each other's draws nor leave the global state changed. (Other code drawing from
    torch's global generator in another thread at that moment is outside that lock.)
    """

    thread_safe = False

    def __init__(self, distribution: torch.distributions.Distribution):
        if not isinstance(distribution, torch.distributions.Distribution):
            raise InvalidValueError(
                f"Distribution expects a torch.distributions.Distribution, got {type(distribution).__name__}"
            )
        if distribution.batch_shape != () or distribution.event_shape != ():
            raise InvalidValueError(
                f"noise must be univariate (batch and event shape ()), got batch_shape="
                f"{tuple(distribution.batch_shape)}, event_shape={tuple(distribution.event_shape)}"
            )
        self.distribution = distribution
        try:
            self.mean, self.variance = float(distribution.mean), float(distribution.variance)
        except NotImplementedError:
            pass

    def sample(self, n, generator, out=None):
        u = torch.rand(n, generator=generator, dtype=DTYPE).clamp_(2.0**-54, 1 - 2.0**-53)  # in (0, 1)
        try:
            draw = self.distribution.icdf(u.to(self.distribution.mean.dtype))
        except NotImplementedError:
            seed = int(torch.randint(0, 2**62, (1,), generator=generator))
            with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                draw = self.distribution.sample((n,))
        return _widen(draw, out)

    def to_torch(self):
        return self.distribution

    def __eq__(self, other):
        return isinstance(other, Distribution) and other.distribution is self.distribution

    def __hash__(self):
        return id(self.distribution)

    def __repr__(self):
        return f"Distribution({self.distribution!r})"


def as_noise(value) -> Noise:
    """Accept a :class:`Noise` or a torch distribution; anything else is an error."""
    if isinstance(value, Noise):
        return value
    if isinstance(value, torch.distributions.Distribution):
        return Distribution(value)
    raise InvalidValueError(
        f"noise must be a causalab noise (Normal, Uniform, Laplace, Exponential) or a "
        f"torch distribution, got {value!r}"
    )
