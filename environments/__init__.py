"""The causalab catalog, installed as ``causalab.environments``.

``CATALOG`` is plain data (id, entry point, one-line story, tags) so that listing the
catalog imports nothing heavy; each environment's module is imported by ``make``.
Any change to an environment's equations or defaults bumps its version.
"""

from causalab.envs.registry import EnvSpec


def _spec(id, entry, story, *tags):
    return EnvSpec(id, f"causalab.environments.{entry}", story, tags)


CATALOG = [
    _spec("KidneyStones-v0", "kidney_stones:KidneyStones",
          "Simpson's paradox in the kidney-stone trial: A looks worse overall yet is better for every stone size.",
          "discrete", "simpson", "backdoor", "published-numbers"),
    _spec("Confounding-v0", "confounding:Confounding",
          "A confounder drives treatment and outcome; a confounding-strength knob sets the bias.",
          "continuous", "backdoor", "closed-form"),
    _spec("FrontDoor-v0", "front_door:FrontDoor",
          "Smoking, tar and cancer with a hidden genotype: back-door is impossible, the front door works.",
          "discrete", "hidden-confounder", "frontdoor", "published-numbers"),
    _spec("Instrument-v0", "confounding:Instrument",
          "An instrument and a hidden confounder; an instrument-strength knob makes it weak.",
          "continuous", "hidden-confounder", "iv", "closed-form"),
    _spec("Mediation-v0", "mediation:Mediation",
          "A treatment acts directly and through a mediator: natural direct and indirect effects.",
          "mediation", "nde", "nie", "closed-form"),
    _spec("Collider-v0", "selection:Collider",
          "Talent and looks are independent, but among celebrities they look negatively related.",
          "discrete", "collider", "berkson"),
    _spec("MBias-v0", "confounding:MBias",
          "Adjusting for a pre-treatment collider creates the bias it was meant to remove.",
          "continuous", "collider", "hidden-confounder", "closed-form"),
    _spec("SelectionBias-v0", "selection:SelectionBias",
          "Units are observed only when selected, and selection depends on the outcome.",
          "discrete", "selection"),
    _spec("NonlinearSimpson-v0", "confounding:NonlinearSimpson",
          "Y falls as T rises for every unit, yet the data show a rising slope (nonlinear confounding).",
          "continuous", "simpson", "nonlinear", "closed-form"),
    _spec("HeterogeneousEffects-v0", "heterogeneous:HeterogeneousEffects",
          "The effect varies with covariates (CATE, PEHE); overlap and imbalance are knobs.",
          "continuous", "cate", "overlap"),
    _spec("SpuriousShortcut-v0", "shortcut:SpuriousShortcut",
          "A spurious feature predicts the label in training domains and breaks under intervention.",
          "discrete", "domains", "invariance", "shortcut"),
    _spec("ProxyConfounder-v0", "proxy:ProxyConfounder",
          "A hidden confounder seen only through noisy proxies: the setting CEVAE is built for.",
          "continuous", "hidden-confounder", "proxy", "closed-form"),
    _spec("RandomDAG-v0", "random_dag:RandomDAG",
          "A random causal model (graph, mechanisms, noise, hidden confounders) for stress tests.",
          "generator", "scale"),
    _spec("Asia-v0", "asia:Asia",
          "The chest-clinic network (Lauritzen & Spiegelhalter 1988) with its published tables.",
          "discrete", "published-numbers"),
    _spec("IHDP-v0", "ihdp:IHDP",
          "Real IHDP covariates and treatment with Hill's response surface B, re-simulated exactly.",
          "real-covariates", "cate", "semi-synthetic"),
    _spec("LaLonde-v0", "lalonde:LaLonde",
          "NSW job training: real treated men vs CPS controls, scored on the ATT; the experiment says +$1,794.",
          "real-data", "experimental-benchmark"),
    _spec("LaLondeSim-v0", "semi_synthetic_sims:LaLondeSim",
          "A simulator fitted to LaLonde's NSW/CPS data: real covariates, exact truth, poor overlap.",
          "real-covariates", "semi-synthetic", "fitted"),
    _spec("IHDPSim-v0", "semi_synthetic_sims:IHDPSim",
          "A simulator fitted to IHDP's covariates, treatment and outcome: exact truth, realism measured.",
          "real-covariates", "semi-synthetic", "fitted", "cate"),
    _spec("Sachs-v0", "sachs:Sachs",
          "Real protein-signalling cells: fit on unperturbed cells, predict measured perturbations.",
          "real-data", "perturbations"),
]
