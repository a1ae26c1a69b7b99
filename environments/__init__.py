"""The causalab catalog, installed as ``causalab.environments``.

``CATALOG`` is plain data (id, entry point, one-line story, tags) so that listing the
catalog imports nothing heavy; each environment's module is imported by ``make``.
"""

from causalab.envs.registry import EnvSpec

CATALOG = [
    EnvSpec(
        "KidneyStones-v0",
        "causalab.environments.kidney_stones:KidneyStones",
        "Simpson's paradox in the kidney-stone trial: A looks worse overall yet is better for every stone size.",
        ("discrete", "simpson", "backdoor", "published-counts"),
    ),
    EnvSpec(
        "FrontDoor-v0",
        "causalab.environments.front_door:FrontDoor",
        "Smoking, tar and cancer with a hidden genotype: back-door is impossible, the front door works.",
        ("discrete", "hidden-confounder", "frontdoor", "published-numbers"),
    ),
]
