"""Sachs et al. (2005): protein signalling in single cells, with perturbation regimes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from causalab.envs.base import RealDataEnvironment
from causalab.exceptions import InvalidValueError, did_you_mean
from causalab.scm import Estimate

DATA = Path(__file__).parent / "data" / "sachs"
PROTEINS = ("raf", "mek", "plc", "pip2", "pip3", "erk", "akt", "pka", "pkc", "p38", "jnk")
#: reagent -> the molecule it perturbs (as commonly read; see data/sachs/README.md)
TARGETS = {"aktinhib": "akt", "g0076": "pkc", "psitect": "pip2", "u0126": "mek", "ly": "pip3",
           "pma": "pkc", "b2camp": "pka"}


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    return pd.read_csv(DATA / "sachs.2005.with.jittered.experimental.continuous.txt", sep="\t")


def _consensus_edges() -> tuple[tuple[str, str], ...]:
    edges = []
    for line in (DATA / "sachs.2005.ground.truth.graph.txt").read_text().splitlines():
        if "-->" in line:
            left, right = line.split(". ", 1)[1].split("-->")
            edges.append((left.strip(), right.strip()))
    return tuple(edges)


class Sachs(RealDataEnvironment):
    """Eleven phosphoproteins measured in 7,466 single human T cells (Sachs et al. 2005).

    Observational data: the 853 cells under general stimulation only (cd3/cd28), as the
    natural log of the measured abundance. Regimes: the cells of each targeted
    perturbation (e.g. ``u0126`` inhibits mek, ``aktinhib`` akt, ``b2camp`` activates
    pka); :meth:`regime_data` gives them. Graph: the 20-edge consensus graph of
    cmu-phil/example-causal-datasets (other sources use 17 or 18 edges).

    No structural model: the truth is what was measured. ``true_effects`` gives, for each
    regime and each protein downstream of its target in the consensus graph, the shift of
    the mean log abundance from the observational cells, with its standard error. A model
    fitted on the observational cells is scored on how well it predicts these shifts.

    Expected: interventional predictions from a model with the consensus graph beat a
    purely correlational model; no method is exact (the graph is a consensus, the
    perturbations are not clean hard interventions).
    """

    story = "Real protein-signalling cells: fit on unperturbed cells, predict measured perturbations."
    treatment, outcome = "mek", "erk"
    covariates = ("raf", "pka", "pkc")
    references = ("Sachs, Perez, Pe'er, Lauffenburger, Nolan (2005), Science 308:523",)
    expected = {
        "graph-based": (True, "the consensus graph carries the perturbations downstream"),
        "correlational": (False, "conditioning on a protein is not perturbing it"),
    }
    graph_edges = _consensus_edges()
    #: no average treatment effect: the truth is the measured shift of each protein under
    #: each perturbation (``true_effects()`` keys ``"regime:protein"``, scored as ``shift``)
    estimands = ()

    def build(self):
        raw = _read()
        conditions = raw[list(raw.columns[len(PROTEINS):])].round().astype(int)
        self._log = np.log(raw[list(PROTEINS)].astype(np.float64))
        only_stimulation = conditions["cd3_cd28"].eq(1) & conditions.drop(columns="cd3_cd28").eq(0).all(axis=1)
        self._masks = {"observational": only_stimulation.to_numpy()}
        for reagent in TARGETS:
            self._masks[reagent] = conditions[reagent].eq(1).to_numpy()
        return None

    def data(self) -> pd.DataFrame:
        """The observational cells (general stimulation only), log abundances."""
        return self._log[self._masks["observational"]].reset_index(drop=True)

    @property
    def regime_names(self) -> list[str]:
        return list(TARGETS)

    def regime_data(self, regime: str) -> pd.DataFrame:
        """The measured cells of one perturbation regime, log abundances."""
        if regime not in TARGETS:
            raise InvalidValueError(
                f"unknown Sachs regime {regime!r}; the regimes are {sorted(TARGETS)}.{did_you_mean(regime, TARGETS)}"
            )
        return self._log[self._masks[regime]].reset_index(drop=True)

    def regime_intervention(self, regime: str) -> dict[str, float]:
        """The perturbation read as a hard intervention on its target: the target set to its
        mean log abundance in the perturbed cells (what a learner fitted on the observational
        cells is asked about). A crude reading: inhibitors block a kinase's activity, not its
        abundance (under u0126 measured mek rises while erk falls), so models that take it
        literally miss such shifts; that is part of what this real data teaches."""
        cells = self.regime_data(regime)  # validates the name
        target = TARGETS[regime]
        return {target: float(cells[target].mean())}

    def true_effects(self):
        import networkx as nx

        base = self.data()
        out = {}
        for regime, target in TARGETS.items():
            cells = self.regime_data(regime)
            for protein in sorted(nx.descendants(self.graph, target)):
                shift = cells[protein].mean() - base[protein].mean()
                se = np.sqrt(cells[protein].var() / len(cells) + base[protein].var() / len(base))
                out[f"{regime}:{protein}"] = Estimate(float(shift), se=float(se), method="measured",
                                                      n_samples=len(cells))
        return out
