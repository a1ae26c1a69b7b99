"""Solutions to notebook 13 (teacher's copy); see solutions/_harness.py for the format."""

import numpy as np


def my_wald(iv_data):
    """Cov(Z, Y) / Cov(Z, T)."""
    return float(np.cov(iv_data["Z"], iv_data["Y"])[0, 1] / np.cov(iv_data["Z"], iv_data["T"])[0, 1])


WRONG = {
    "my_wald": {
        "the naive OLS slope Cov(T, Y) / Var(T)": lambda iv_data: float(
            np.cov(iv_data["T"], iv_data["Y"])[0, 1] / np.var(iv_data["T"], ddof=1)),
        "the reduced form Cov(Z, Y) / Var(Z): the wrong denominator": lambda iv_data: float(
            np.cov(iv_data["Z"], iv_data["Y"])[0, 1] / np.var(iv_data["Z"], ddof=1)),
        "the ratio upside down, Cov(Z, T) / Cov(Z, Y)": lambda iv_data: float(
            np.cov(iv_data["Z"], iv_data["T"])[0, 1] / np.cov(iv_data["Z"], iv_data["Y"])[0, 1]),
        "the regression of Y on T and Z (Z used as a control, not an instrument)": lambda iv_data: float(
            np.linalg.lstsq(np.column_stack([np.ones(len(iv_data)), iv_data["T"], iv_data["Z"]]), iv_data["Y"],
                            rcond=None)[0][1]),
    },
}
