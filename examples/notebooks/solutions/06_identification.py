"""Solutions to notebook 06 (teacher's copy); see solutions/_harness.py for the format."""


def _do(fd_data, inner_weights="marginal", outer_weights="conditional"):
    p_z = fd_data.groupby("X")["Z"].mean()
    p_y = fd_data.groupby(["Z", "X"])["Y"].mean()
    p_x = fd_data["X"].value_counts(normalize=True)
    if inner_weights == "marginal":
        inner = {z: sum(p_y[(z, x)] * p_x[x] for x in (0, 1)) for z in (0, 1)}
    else:  # P(X=x' | Z=z): the inner sum collapses to P(Y=1 | Z=z)
        inner = fd_data.groupby("Z")["Y"].mean().to_dict()
    p_tar = {x: p_z[x] for x in (0, 1)} if outer_weights == "conditional" else {x: fd_data["Z"].mean() for x in (0, 1)}
    return {x: p_tar[x] * inner[1] + (1 - p_tar[x]) * inner[0] for x in (0, 1)}


def my_frontdoor(fd_data):
    """sum_z P(z | x) sum_x' P(y | z, x') P(x'), treated minus control."""
    do = _do(fd_data)
    return do[1] - do[0]


WRONG = {
    "my_frontdoor": {
        "the naive contrast": lambda fd_data: fd_data.loc[fd_data["X"] == 1, "Y"].mean()
        - fd_data.loc[fd_data["X"] == 0, "Y"].mean(),
        "the right formula with the wrong inner weights, P(X=x' | Z=z)": lambda fd_data: (
            lambda do: do[1] - do[0])(_do(fd_data, inner_weights="conditional")),
        "the right formula with the wrong outer weights, P(Z=z)": lambda fd_data: (
            lambda do: do[1] - do[0])(_do(fd_data, outer_weights="marginal")),
        "the published answer off by 60%": lambda: 0.045 * 1.6,
        "the published answer off by -60%": lambda: 0.045 * 0.4,
    },
}
