"""Your own data, graph and estimators: a DataFrame and a DAG to a report, a semi-synthetic
environment fitted to the same data (exact truth), and EconML beside causalab's learners.

Run: ``python examples/scripts/your_own_data.py``
"""

import numpy as np
import pandas as pd

import causalab as cl
from causalab.learners import LinearRegression, TLearner

# --- README: your own data ---
# a table as you would bring it (here simulated; read yours with pd.read_csv)
rng = np.random.default_rng(0)
n = 600
age = rng.normal(40, 10, n)
prior = rng.exponential(1.0, n)
treated = rng.binomial(1, 1 / (1 + np.exp(-(age - 40) / 10)))
earnings = 0.1 * age + 2 * np.sqrt(prior) + 1.5 * treated + rng.standard_t(4, n)
data = pd.DataFrame({"age": age, "prior": prior, "treated": treated, "earnings": earnings})

graph = "age -> treated; age -> earnings; prior -> earnings; prior -> treated; treated -> earnings"
task = cl.Task.from_data(data, graph, treatment="treated", outcome="earnings")
print(task)  # covariates default to the treatment's ancestors: age, prior

env = cl.DataEnvironment(data, graph, treatment="treated", outcome="earnings", name="my-table")
learners = [LinearRegression(features="treatment"), LinearRegression(), TLearner(LinearRegression())]
results = cl.evaluate(env, learners, n_train=len(data), seeds=range(2), n_test=300)
report = cl.report(results)  # no ground truth: estimates side by side, unscored
print(report.estimates.to_string(index=False))

# the same data as a simulator with exact truth: real covariates, fitted treatment and outcome
from sklearn.linear_model import LinearRegression as OLS  # noqa: E402

sim = cl.semi_synthetic(data, graph, "treated", "earnings", effect=1.5, generator=OLS(), seed=0)
print(sim.true_effects())  # ATE = 1.5 exactly, by construction
print(sim.realism().round(3).to_string(index=False))  # KS per variable, C2ST on the joint
# --- end ---

try:
    from econml.dml import LinearDML
except ImportError:
    print("EconML is not installed (pip install 'causalab[econml]'): skipping it")
else:
    from sklearn.linear_model import LogisticRegression

    learners.append(cl.learners.EconML(LinearDML(model_y=OLS(), model_t=LogisticRegression(),
                                                 discrete_treatment=True)))
scored = cl.evaluate(sim, learners, n_train=500, seeds=[0], n_test=300)
ate = scored[scored["metric"] == "ate"][["learner", "value", "true_value"]]
print(ate.to_string(index=False))
assert (ate["true_value"] == 1.5).all()
