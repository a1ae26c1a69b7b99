"""Write your own learner: inverse propensity weighting in 20 lines, checked and scored.

The class below is the README's "Write your own learner" example, word for word (a test
checks that they agree). Defined here in ``__main__``, as in a notebook, it passes every
common check of ``causalab.testing.check_learner`` and is scored by ``cl.evaluate`` beside
built-in learners.

Run: ``python examples/scripts/your_own_learner.py``
"""

# --- README: your own learner ---
import numpy as np
from sklearn.linear_model import LogisticRegression

import causalab as cl
from causalab.learners import Learner, LearnerTags, LinearRegression
from causalab.testing import check_learner


class IPW(Learner):
    """Inverse propensity weighting (Hajek): E[Y | do(T=t)] for a binary treatment.
    Assumes the covariates block every back-door path, and overlap."""

    _tags = LearnerTags("backdoor", predict=None, predict_do="population", predict_counterfactual=None)

    def __init__(self, clip=0.01):
        self.clip = clip  # hyperparameters only; fitted state ends in "_"

    def _fit(self, data):  # data: the observed columns, validated; self.task_ is set
        if self.task_.kind(self.task_.treatment) != "binary":  # a refusal the evaluator records as such
            raise cl.UnsupportedQueryError(f"IPW needs a binary treatment, not {self.task_.treatment!r}")
        x, t, y = data[list(self.task_.covariates)], data[self.task_.treatment], data[self.task_.outcome]
        e = LogisticRegression().fit(x, t).predict_proba(x)[:, 1].clip(self.clip, 1 - self.clip)
        w1, w0 = t / e, (1 - t) / (1 - e)
        self.means_ = {1: float((w1 * y).sum() / w1.sum()), 0: float((w0 * y).sum() / w0.sum())}

    def _predict_do(self, data, do):  # data never hold the outcome; do[T]: a value or per-unit values
        t = np.broadcast_to(do[self.task_.treatment], len(data))
        return np.where(t == 1, self.means_[1], self.means_[0])


print(check_learner(IPW()))  # the names of the checks it passed; effect() comes from _predict_do
results = cl.evaluate("KidneyStones-v0", [IPW(), LinearRegression(features="treatment"), LinearRegression()],
                      n_train=2000, seeds=range(3))
print(cl.report(results).markdown())  # or .save("report.html"), .show() in a notebook
# --- end ---
from causalab.reporting import leaderboard  # noqa: E402

board = leaderboard(results).set_index("learner")
assert "IPW()" in board.index and board.loc["IPW()", "verdict"] == "as expected", board
