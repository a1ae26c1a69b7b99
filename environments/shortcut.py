"""A spurious shortcut that predicts the label in the training domains only."""

from __future__ import annotations

from causalab.envs.base import Environment
from causalab.scm import SCM, Intervention, Table


class SpuriousShortcut(Environment):
    """Like Colored-MNIST, as a small tabular vector: the label Y is caused by a feature
    C (the "digit"), and a spurious feature S (the "colour") copies Y with a
    domain-dependent error rate, so S predicts Y better than C does in the training
    domains, and worse than chance once the domain changes.

    Structural equations (domains ``D`` in 0..k-1, with error rates ``e_d``)::

        D  := Categorical(uniform over the domains)
        C  := Bernoulli(0.5)                              causal feature
        Y  := C xor Bernoulli(label_noise)                label
        S  := Y xor Bernoulli(e_D)                        spurious feature
        N1..N4 := Bernoulli(0.5)                          nuisance bits (the rest of the "image")

    Default: training domains e = (0.1, 0.2), a test domain e = 0.9, label noise 0.25.
    Truth (exact): the invariant predictor Y = C is right with probability 0.75 in every
    domain; the shortcut Y = S is right with probability 1 - e_d (0.9, 0.8, then 0.1).
    S does not cause Y: P(Y=1 | do(S=s)) = 0.5 for both s, and the regime ``shuffle_S``
    (S drawn at random) makes the shortcut useless. ``sample`` draws every domain;
    :meth:`domain` gives one domain's environment (the multi-domain data for invariant
    learners); the last domain is the test domain.

    Expected: invariant learners (IRM, causal features) succeed; correlational learners that
    use S fail under the test domain and under ``shuffle_S``.
    """

    story = "A spurious feature predicts the label in training domains and breaks under intervention."
    treatment, outcome, covariates = "S", "Y", ("C", "N1", "N2", "N3", "N4", "D")
    labels = {"S": "shortcut (no effect)", "C": "core feature", "D": "domain", "Y": "label"}
    references = ("Arjovsky, Bottou, Gulrajani, Lopez-Paz (2019), Invariant Risk Minimization, arXiv:1907.02893",)
    expected = {
        "invariant": (True, "C -> Y is the same in every domain"),
        "correlational": (False, "S predicts Y only through the domain-dependent copy of Y"),
    }

    def build(self, errors: tuple = (0.1, 0.2, 0.9), label_noise: float = 0.25):
        errors = tuple(float(e) for e in errors)
        k = len(errors)
        scm = SCM()
        scm.add("D", Table([], [1.0 / k] * k))
        scm.add("C", Table([], 0.5))
        scm.add("Y", Table(["C"], [label_noise, 1 - label_noise]))
        scm.add("S", Table(["Y", "D"], [[e for e in errors], [1 - e for e in errors]]))
        for i in range(1, 5):
            scm.add(f"N{i}", Table([], 0.5))
        return scm

    @property
    def regimes(self):
        from torch.distributions import Bernoulli
        import torch

        out = super().regimes
        shuffle = Intervention({"S": Bernoulli(torch.tensor(0.5, dtype=torch.float64))})
        out["shuffle_S"] = shuffle
        return out

    def domain(self, d: int) -> "SpuriousShortcut":
        """The environment restricted to domain ``d`` (``do(D=d)``; D is exogenous)."""
        return self.do({"D": d})

    def accuracy(self, feature: str, d: int) -> float:
        """Exact probability that predicting Y by ``feature`` is right in domain ``d``."""
        model = self.scm.do({"D": d})
        return float(sum(model.prob({"Y": v, feature: v}) for v in (0, 1)))

    def bayes_accuracy(self, features, regime: str | None = None) -> float:
        """Exact accuracy, under ``regime`` (a name in :attr:`regimes`; None: observational),
        of the Bayes-optimal classifier trained on observational data from ``features``:
        predict ``argmax_y P(Y=y | features)`` (observational), then score it with the
        regime's joint distribution of (features, Y). Ties predict 1."""
        import itertools

        features = list(features)
        target = self.scm if regime is None else self.scm.do(self.regimes[regime])
        levels = [range(self.scm.mechanism(f).n_levels) for f in features]
        total = 0.0
        for values in itertools.product(*levels):
            x = dict(zip(features, values))
            p_x = float(self.scm.prob(x))
            if p_x == 0.0:
                continue
            pred = int(float(self.scm.prob({"Y": 1}, given=x)) >= 0.5)
            total += float(target.prob({**x, "Y": pred}))
        return total

    #: the truth covers the ATE of S (the other keys are accuracies)
    estimands = ("ate",)

    def true_effects(self):
        """Exact: the ATE of S on Y (0), the shortcut's and the cause's accuracy per domain,
        and the accuracy under ``shuffle_S`` of the Bayes-optimal classifier on every observed
        feature (what a well-fitted correlational model scores once the shortcut breaks)."""
        observed = [v for v in self.observed if v != "Y"]
        return {"ate": self.scm.ate("S", "Y"),
                **{f"shortcut_accuracy_domain_{d}": self.accuracy("S", d) for d in range(len(self.knobs["errors"]))},
                "causal_accuracy": self.accuracy("C", 0),
                "all_features_accuracy_shuffle_S": self.bayes_accuracy(observed, "shuffle_S")}
