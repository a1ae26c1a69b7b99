"""A number that says how it was obtained."""

from __future__ import annotations


class Estimate(float):
    """A float with ``se`` (standard error; 0 for exact values) and ``method``.

    ``method`` is ``"exact"`` (enumeration or closed form), ``"monte carlo"`` or, for stated
    truths, how they were measured. It behaves as a float in comparisons; sums and
    differences of estimates, and products with plain numbers, stay estimates: standard
    errors add in quadrature (the errors taken as independent; a paired contrast such as
    ``ate`` computes its own, smaller, standard error), and the result is exact only when
    every part is.
    """

    se: float
    method: str
    n_samples: int | None

    def __new__(cls, value: float, se: float = 0.0, method: str = "exact", n_samples: int | None = None):
        obj = super().__new__(cls, value)
        obj.se, obj.method, obj.n_samples = float(se), method, n_samples
        return obj

    @property
    def exact(self) -> bool:
        return self.method == "exact"

    def __repr__(self) -> str:
        if self.exact:
            return f"{float(self):.6g} (exact)"
        return f"{float(self):.6g} ± {self.se:.2g} ({self.method}, n={self.n_samples})"

    def __reduce__(self):
        return (Estimate, (float(self), self.se, self.method, self.n_samples))

    def _combine(self, other, value: float) -> "Estimate":
        if isinstance(other, Estimate):
            se = (self.se**2 + other.se**2) ** 0.5
            method = self.method if other.exact else other.method if self.exact else (
                self.method if self.method == other.method else "combined")
            n = self.n_samples if self.n_samples == other.n_samples else None
            return Estimate(value, se, method, n)
        return Estimate(value, self.se, self.method, self.n_samples)

    def __add__(self, other):
        return self._combine(other, float(self) + float(other)) if _number(other) else NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, float(self) - float(other)) if _number(other) else NotImplemented

    def __rsub__(self, other):
        return self._combine(other, float(other) - float(self)) if _number(other) else NotImplemented

    def __neg__(self):
        return Estimate(-float(self), self.se, self.method, self.n_samples)

    def __mul__(self, other):
        if isinstance(other, Estimate) or not _number(other):
            # a product of two estimates: a plain float (its error depends on their correlation)
            return float(self) * float(other) if _number(other) else NotImplemented
        return Estimate(float(self) * float(other), self.se * abs(float(other)), self.method, self.n_samples)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Estimate) or not _number(other):
            return float(self) / float(other) if _number(other) else NotImplemented
        return Estimate(float(self) / float(other), self.se / abs(float(other)), self.method, self.n_samples)


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
