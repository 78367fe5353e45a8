"""Reference values for wirkung's weighted least squares (tests/core/estimate_reference.rs).

Writes one JSON file per fixture into this directory. Each fixture's data are drawn here from a
fixed numpy seed, so running the script again reproduces the files byte for byte (given the
library versions recorded in each file):

    pip install statsmodels numpy
    python3 tests/reference/make_reference.py

Estimates come from statsmodels: `OLS` for the unweighted fixture, `WLS` otherwise, each fitted
with `cov_type` in nonrobust/HC0/HC1/HC2/HC3 and `use_t=True` (t distribution with n - k df for
p-values and 95% intervals). statsmodels' HC1 is HC0 * n/(n - k), which is Stata's
`regress y x [aw=w], vce(robust)`.
"""

import json
import pathlib

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm

HERE = pathlib.Path(__file__).resolve().parent
COV_TYPES = {"classical": "nonrobust", "hc0": "HC0", "hc1": "HC1", "hc2": "HC2", "hc3": "HC3"}


def draw_design(rng, n, weighted):
    """A DiD-like design: treated dummy, constant, three continuous controls, one dummy."""
    treated = (rng.random(n) < 0.45).astype(float)
    share = np.round(rng.uniform(0.5, 3.0, n), 6)  # protection seekers, % of population
    gdp = np.round(rng.normal(38.0, 9.0, n), 6)  # GDP per capita, 1,000 EUR
    sv = np.round(rng.normal(36.0, 6.0, n), 6)  # SV employees per 100 inhabitants
    urban = (rng.random(n) < 0.2).astype(float)
    if urban.sum() < 2:  # a dummy with a single 1 has leverage 1 and undefined HC2/HC3
        urban[:2] = 1.0
    columns = {"treated": treated, "const": np.ones(n), "share": share, "gdp": gdp, "sv": sv, "urban": urban}
    weights = np.round(rng.lognormal(7.0, 0.8, n), 3) if weighted else None
    # Heteroskedastic noise, larger where the weight is small, as for small districts.
    scale = 4.0 if weights is None else 4.0 * np.sqrt(np.median(weights) / weights)
    y = (0.9 * treated + 12.0 + 1.5 * share - 0.08 * gdp + 0.05 * sv + 2.0 * urban
         + rng.normal(0.0, 1.0, n) * scale)
    return np.round(y, 6), columns, weights


def fit(y, columns, weights, cov_type):
    exog = np.column_stack(list(columns.values()))
    model = sm.OLS(y, exog) if weights is None else sm.WLS(y, exog, weights=weights)
    return model, model.fit(cov_type=cov_type, use_t=True)


def results_for(y, columns, weights):
    out = {}
    for ours, theirs in COV_TYPES.items():
        _, res = fit(y, columns, weights, theirs)
        ci = res.conf_int(alpha=0.05)
        out[ours] = {
            "n": int(res.nobs),
            "df_resid": int(res.df_resid),
            "r2": float(res.rsquared),
            "coefficients": [
                {
                    "term": term,
                    "estimate": float(res.params[j]),
                    "std_error": float(res.bse[j]),
                    "t": float(res.tvalues[j]),
                    "p_value": float(res.pvalues[j]),
                    "ci_low": float(ci[j, 0]),
                    "ci_high": float(ci[j, 1]),
                }
                for j, term in enumerate(columns)
            ],
        }
    return out


def stata_robust_se(y, columns, weights):
    """Stata `regress y x [aw=w], vce(robust)` written out: aweights rescaled to sum to n,
    V = (X'WX)^-1 [sum w_i^2 e_i^2 x_i x_i'] (X'WX)^-1 * n/(n - k)."""
    x = np.column_stack(list(columns.values()))
    n, k = x.shape
    w = np.ones(n) if weights is None else weights * n / weights.sum()
    bread = np.linalg.inv(x.T @ (w[:, None] * x))
    b = bread @ (x.T @ (w * y))
    e = y - x @ b
    meat = x.T @ ((w**2 * e**2)[:, None] * x)
    return np.sqrt(np.diag(bread @ meat @ bread) * n / (n - k))


def fixture(name, description, y, columns, weights, expected_collinear=None):
    model, _ = fit(y, columns, weights, "nonrobust")
    doc = {
        "name": name,
        "description": description,
        "generated_by": "tests/reference/make_reference.py",
        "versions": {"statsmodels": statsmodels.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "estimator": "OLS" if weights is None else "WLS",
        "y": y.tolist(),
        "columns": [{"name": k, "values": v.tolist()} for k, v in columns.items()],
        "weights": None if weights is None else weights.tolist(),
        "statsmodels_rank": int(model.rank),
    }
    if expected_collinear:
        # statsmodels fits a rank-deficient design with a pseudo-inverse and reports numbers;
        # wirkung must refuse it and name the terms that are combinations of earlier ones.
        doc["expected_error"] = {"collinear": expected_collinear}
    else:
        doc["results"] = results_for(y, columns, weights)
        stata = stata_robust_se(y, columns, weights)
        hc1 = [c["std_error"] for c in doc["results"]["hc1"]["coefficients"]]
        np.testing.assert_allclose(hc1, stata, rtol=1e-9)
        doc["stata_robust_se"] = stata.tolist()
    path = HERE / f"{name}.json"
    path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {path.name}: n = {len(y)}, k = {len(columns)}, rank = {model.rank}")


def main():
    rng = np.random.default_rng(20190930)

    y, cols, _ = draw_design(rng, 40, weighted=False)
    fixture("wls_unweighted", "OLS, n = 40, k = 6", y, cols, None)

    y, cols, w = draw_design(rng, 201, weighted=True)
    fixture("wls_weighted", "WLS with log-normal weights, n = 201 (the BW-vs-neighbours size), k = 6", y, cols, w)

    y, cols, w = draw_design(rng, 8, weighted=True)
    fixture("wls_near_k", "WLS with n = k + 2 = 8", y, cols, w)

    y, cols, w = draw_design(rng, 44, weighted=True)
    cols["share_plus_sv"] = cols["share"] + 2.0 * cols["sv"]
    cols["everywhere"] = np.ones(len(y))  # a control constant within the sample
    fixture(
        "wls_collinear",
        "WLS, n = 44, with a control that is share + 2 sv and a control constant within the sample",
        y, cols, w, expected_collinear=["share_plus_sv", "everywhere"],
    )


if __name__ == "__main__":
    main()
