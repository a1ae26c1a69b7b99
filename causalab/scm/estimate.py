"""A number that says how it was obtained."""

from __future__ import annotations


class Estimate(float):
    """A float with ``se`` (standard error; 0 for exact values) and ``method``.

    ``method`` is ``"exact"`` (enumeration or closed form) or ``"monte carlo"``. It
    behaves as a float in arithmetic and comparisons.
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
