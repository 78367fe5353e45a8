"""Reference values for the HonestDiD sensitivity analysis (Rambachan & Roth 2023), computed with
the `honestdid` Python package (a port of the R package HonestDiD) on
  (a) a synthetic event study, 4 pre and 3 post coefficients with a correlated covariance, and
  (b) the shipped sample's QUARTERLY event study (BW vs neighbours, employment, weights = persons
      at the base month, district-clustered CRV1 covariance from pyfixest; the same derivation as
      tests/reference/robust/make_sample_reference.py, on the quarters' last months).
Writes honest_reference.json next to this script. Run: python3 make_honest_reference.py
(`--sd-m0`: only the Delta^SD rows at M = 0; `--sample-only`: only case (b); see below)

Where the package draws random numbers, this script replaces only the random source, so that an
independent implementation can reproduce the numbers exactly rather than up to Monte Carlo noise:
  * the folded-normal quantile of the FLCI (the package simulates 10^6 draws) is computed exactly
    by root finding: P(|N(mu,1)| <= x) = Phi(x - mu) - Phi(-x - mu) = p;
  * the least-favourable critical value of the C-LF hybrid keeps the package's statistic (its own
    LP per draw, the 1 - kappa quantile with numpy's linear interpolation), but the 1000 normal
    draws are xi = F z with F the Cholesky factor of the moments' covariance (columns with a zero
    pivot set to zero: that covariance is singular by construction) and z standard normal from
    SplitMix64(seed 0) -> 53-bit uniform (k + 0.5) / 2^53 -> inverse normal CDF, drawn row by row.
The package's outputs without these replacements are recorded beside them ("package_as_is"), so the
size of the Monte Carlo noise is visible.

The package reports interval ends on a grid of the target (1000 points over +-20 SE for Delta^RM),
too coarse for a 1e-3 comparison; each end is refined twice on a finer grid around it. The FLCI's
optimal standard deviation h is found by the package with a finite-difference bisection; this
script also minimises the same half-length (package's own worst-case-bias program) with a bounded
scalar minimiser to 1e-10, which is what the comparison uses ("flci_refined"). At M = 0 the
FLCI is the least-variance estimator, computed exactly ("least_variance"; the package's centre
there depends on its solver's tolerance).
"""
import inspect
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
from scipy import optimize, special, stats

import honestdid
import honestdid.core as hd

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
MASK = (1 << 64) - 1


# --- the shared random source ----------------------------------------------------------------
def splitmix_normals(count, seed=0):
    out = np.empty(count)
    x = seed & MASK
    for i in range(count):
        x = (x + 0x9E3779B97F4A7C15) & MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out[i] = special.ndtri(((z >> 11) + 0.5) / 2.0**53)
    return out


def psd_cholesky(S):
    n = S.shape[0]
    L = np.zeros((n, n))
    tol = 1e-12 * max(float(np.max(np.diag(S))), 0.0)
    for j in range(n):
        d = S[j, j] - float(np.dot(L[j, :j], L[j, :j]))
        if d <= tol:
            continue
        L[j, j] = math.sqrt(d)
        for i in range(j + 1, n):
            L[i, j] = (S[i, j] - float(np.dot(L[i, :j], L[j, :j]))) / L[j, j]
    return L


_normals = {}


def draws(sigma, sims):
    m = sigma.shape[0]
    if (m, sims) not in _normals:
        _normals[(m, sims)] = splitmix_normals(m * sims).reshape(sims, m)
    return _normals[(m, sims)] @ psd_cholesky(sigma).T


_lf_cache = {}


def lf_cv_shared_draws(X_T, sigma, hybrid_kappa, sims=1000, rowsForARP=None, seed=0):
    """hd._compute_least_favorable_cv with the draws replaced (statistic unchanged)."""
    sigma_np = np.asarray(sigma, dtype=float)
    X_np = None if X_T is None else np.asarray(X_T, dtype=float)
    if rowsForARP is not None:
        idx = np.asarray(rowsForARP)
        if X_np is not None:
            X_np = X_np[idx].reshape(len(idx), -1)
        sigma_np = sigma_np[np.ix_(idx, idx)]
    elif X_np is not None and X_np.ndim == 1:
        X_np = X_np.reshape(-1, 1)
    key = (None if X_np is None else X_np.tobytes(), sigma_np.tobytes(), hybrid_kappa, sims)
    if key in _lf_cache:
        return _lf_cache[key]
    xi = draws(sigma_np, sims)
    sd = np.sqrt(np.diag(sigma_np))
    if X_np is None:
        eta = (xi / sd[np.newaxis, :]).max(axis=1)
    else:
        k = X_np.shape[1]
        f = np.zeros(1 + k)
        f[0] = 1.0
        C = np.column_stack([-sd, -X_np])
        eta = []
        for i in range(sims):
            r = optimize.linprog(c=f, A_ub=C, b_ub=-xi[i], bounds=[(None, None)] * (1 + k), method="highs")
            if r.success:
                eta.append(r.x[0])
        eta = np.array(eta)
    cv = float(np.quantile(eta, 1 - hybrid_kappa))
    _lf_cache[key] = cv
    return cv


def qfoldednormal_exact(p, mu=0.0, sd=1.0, numSims=None, seed=None):
    def one(m):
        m = abs(float(m)) / sd
        g = lambda x: stats.norm.cdf(x - m) - stats.norm.cdf(-x - m) - p
        return sd * optimize.brentq(g, 0.0, m + 12.0, xtol=1e-14, rtol=1e-15)
    if np.ndim(mu) > 0:
        return np.array([one(m) for m in np.ravel(mu)])
    return one(mu)


PACKAGE_QFOLD, PACKAGE_LF = hd._qfoldednormal, hd._compute_least_favorable_cv


# numpy >= 2.3 refuses float() of a 1x1 array, which the package's primal branch calls on
# v_B' Sigma v_B and v_B' y; the same lines with .item() give the same values.
_src = inspect.getsource(hd._lp_conditional_test_fn)
for _old in ["float(v_B.T @ sigma_ARP @ v_B)", "float(v_B.T @ y_T_ARP)"]:
    assert _old in _src
    _src = _src.replace(_old, "(" + _old[6:-1] + ").item()")
exec(_src, hd.__dict__)


def shared_random_source(on):
    hd._qfoldednormal = qfoldednormal_exact if on else PACKAGE_QFOLD
    hd._compute_least_favorable_cv = lf_cv_shared_draws if on else PACKAGE_LF


# --- the computations -----------------------------------------------------------------------
def rm_interval(beta, sigma, npre, npost, l_vec, mbar, coarse=201, fine=41, rounds=2):
    """Delta^RM(Mbar) C-LF interval, ends refined; None ends when the search window is hit."""
    post = sigma[npre:, npre:]
    sd = float(np.sqrt(l_vec @ post @ l_vec))
    lo, hi = -20 * sd, 20 * sd  # the package's default window

    def accepted(a, b, n):
        r = hd.computeConditionalCS_DeltaRM(beta, sigma, npre, npost, l_vec=l_vec, Mbar=mbar,
                                            gridPoints=n, grid_lb=a, grid_ub=b)
        return r["grid"].values[r["accept"].values == 1]

    acc = accepted(lo, hi, coarse)
    if len(acc) == 0:
        return {"m": mbar, "ci_low": None, "ci_high": None, "empty": True}
    step = (hi - lo) / (coarse - 1)
    lb, ub = float(acc.min()), float(acc.max())
    open_low, open_high = lb <= lo + 1e-12, ub >= hi - 1e-12
    for _ in range(rounds):
        if not open_low:
            a = accepted(lb - step, lb + step, fine)
            lb = float(a.min())
        if not open_high:
            a = accepted(ub - step, ub + step, fine)
            ub = float(a.max())
        step = 2 * step / (fine - 1)
    return {"m": mbar, "ci_low": None if open_low else lb, "ci_high": None if open_high else ub,
            "empty": False, "resolution": step}


def rm_as_is(beta, sigma, npre, npost, l_vec, mbars):
    shared_random_source(False)
    r = hd.createSensitivityResults_relativeMagnitudes(beta, sigma, npre, npost, Mbarvec=mbars, l_vec=l_vec)
    shared_random_source(True)
    return [{"m": float(m), "ci_low": float(a), "ci_high": float(b)} for m, a, b in zip(r["Mbar"], r["lb"], r["ub"])]


def least_variance(beta, sigma, npre, npost, lt, hmin, alpha):
    """The FLCI at M = 0: without bias the optimal estimator is the one of least variance, the
    minimiser of (Pw + z0)' Sigma (Pw + z0) subject to sum(w) = sum_t t l_t, solved here from its
    KKT system. The package instead takes, at h = h_min, the least-biased estimator its conic
    solver finds within its tolerance of that variance: with Sigma of order 1e-4 a slack of 1e-6
    in the sd moves the centre by about 0.01 on the sample's quarterly event study (the
    package's value stays in "package_as_is"). The package's own least sd (`_find_lowest_h`)
    checks that this is the minimiser: the variance program is strictly convex here."""
    n = npre + npost
    P = np.zeros((n, npre))
    for j in range(npre):
        P[j, j] = 1.0
        if j + 1 < npre:
            P[j + 1, j] = -1.0
    z0 = np.concatenate([np.zeros(npre), lt])
    t_l = float(sum((t + 1) * v for t, v in enumerate(lt)))
    H, g = P.T @ sigma @ P, P.T @ sigma @ z0
    kkt = np.block([[2 * H, np.ones((npre, 1))], [np.ones((1, npre)), np.zeros((1, 1))]])
    w = np.linalg.solve(kkt, np.concatenate([-2 * g, [t_l]]))[:npre]
    full = P @ w + z0
    h = float(np.sqrt(full @ sigma @ full))
    # The KKT solution is the exact minimum; the package's conic solver finds h_min from above
    # and only to its tolerance (2.9e-8 relative on the sample of 2026-11-30), so the check
    # allows 1e-7 and asserts the side.
    assert h <= hmin * (1 + 1e-12) and hmin - h <= 1e-7 * hmin, (h, hmin)
    half = float(stats.norm.ppf(1 - alpha / 2) * h)
    pe = float(full @ beta)
    return pe - half, pe + half, h


def flci_refined(beta, sigma, npre, npost, l_vec, M, alpha=0.05):
    """The package's FLCI with the optimal h found to 1e-10 by a bounded scalar minimiser (at
    M = 0 the least-variance estimator, `least_variance`)."""
    lt = np.asarray(l_vec, dtype=float)
    h0 = hd._find_h_for_minimum_bias(sigma, npre, npost, lt)
    hmin = hd._find_lowest_h(sigma, npre, npost, lt)
    if M == 0:
        low, high, h = least_variance(beta, sigma, npre, npost, lt, hmin, alpha)
        return {"m": 0.0, "ci_low": low, "ci_high": high, "h": h, "h_min": hmin, "h_max": h0}

    def half(h):
        r = hd._find_worst_case_bias_given_h(h, sigma, npre, npost, lt)
        return float(qfoldednormal_exact(1 - alpha, mu=M * r["value"] / h) * h), r

    if M == 0 or h0 - hmin < 1e-12 * max(h0, 1e-300):
        h = hmin if M == 0 else h0
    else:
        h = optimize.minimize_scalar(lambda h: half(h)[0], bounds=(hmin, h0), method="bounded",
                                     options={"xatol": 1e-10 * h0}).x
    hl, r = half(h)
    pe = float(np.concatenate([r["optimal_l"], lt]) @ beta)
    return {"m": float(M), "ci_low": pe - hl, "ci_high": pe + hl, "h": float(h), "h_min": hmin, "h_max": h0}


def sd_rows(beta, sigma, npre, npost, l_vec, ms):
    rows, as_is = [], []
    for M in ms:
        rows.append(flci_refined(beta, sigma, npre, npost, l_vec, float(M)))
        f = hd.find_optimal_flci(beta, sigma, M=float(M), numPrePeriods=npre, numPostPeriods=npost, l_vec=l_vec)
        as_is.append({"m": float(M), "ci_low": f["FLCI"][0], "ci_high": f["FLCI"][1]})
    return rows, as_is


def breakdown(rows):
    for r in rows:
        lo = -math.inf if r["ci_low"] is None else r["ci_low"]
        hi = math.inf if r["ci_high"] is None else r["ci_high"]
        if not r.get("empty") and lo <= 0 <= hi:
            return r["m"]
    return None


def original(beta, sigma, npre, npost, l_vec):
    o = hd.constructOriginalCS(beta, sigma, npre, npost, l_vec=l_vec)
    return {"ci_low": float(o["lb"][0]), "ci_high": float(o["ub"][0])}


def case(name, beta, sigma, npre, npost, targets, mbars, ms, as_is=True):
    out = {"name": name, "betahat": list(map(float, beta)), "sigma": sigma.tolist(),
           "num_pre": npre, "num_post": npost, "analyses": []}
    for target, l_vec in targets:
        print(name, target, flush=True)
        rm = [rm_interval(beta, sigma, npre, npost, l_vec, float(m)) for m in mbars]
        sd, sd_as_is = sd_rows(beta, sigma, npre, npost, l_vec, ms)
        out["analyses"].append({
            "target": target, "l_vec": list(map(float, l_vec)),
            "original": original(beta, sigma, npre, npost, l_vec),
            "rm": {"rows": rm, "breakdown": breakdown(rm),
                   "package_as_is": rm_as_is(beta, sigma, npre, npost, l_vec, mbars)
                   if as_is and target == "average" else None},
            "sd": {"rows": sd, "breakdown": breakdown(sd), "package_as_is": sd_as_is},
        })
    return out


# --- only the M = 0 rows of Delta^SD -------------------------------------------------------
# `python3 make_honest_reference.py --sd-m0` recomputes, in the committed honest_reference.json,
# only the rows the least-variance rule decides (Delta^SD at M = 0) and the breakdown values that
# follow from them, from the coefficients and covariance stored there; the whole run takes
# half an hour (the C-LF intervals solve an LP per draw) and gives every other value unchanged.
if "--sd-m0" in sys.argv[1:]:
    path = os.path.join(here, "honest_reference.json")
    with open(path) as f:
        ref = json.load(f)
    for c in ref["cases"]:
        beta, sigma = np.array(c["betahat"]), np.array(c["sigma"])
        for a in c["analyses"]:
            rows = a["sd"]["rows"]
            rows[:] = [flci_refined(beta, sigma, c["num_pre"], c["num_post"], a["l_vec"], 0.0,
                                    ref["alpha"]) if r["m"] == 0 else r for r in rows]
            a["sd"]["breakdown"] = breakdown(rows)
    with open(path, "w") as f:
        json.dump(ref, f, indent=1)
    print("rewrote the M = 0 rows of honest_reference.json")
    raise SystemExit(0)

# --- (a) synthetic event study -------------------------------------------------------------
# `python3 make_honest_reference.py --sample-only` keeps the synthetic case of the committed
# honest_reference.json (it does not depend on the shipped sample, and is most of the run time)
# and recomputes only (b), for when the sample is regenerated.
SAMPLE_ONLY = "--sample-only" in sys.argv[1:]
shared_random_source(True)
npre, npost = 4, 3
beta_a = np.array([0.12, -0.08, 0.15, 0.05, -0.85, -1.10, -1.30])
sd_a = np.array([0.20, 0.19, 0.18, 0.16, 0.22, 0.26, 0.30])
corr = np.array([[0.5 ** abs(i - j) for j in range(7)] for i in range(7)])
sigma_a = corr * np.outer(sd_a, sd_a)
avg = np.full(npost, 1.0 / npost)
e2 = np.zeros(npost)
e2[1] = 1.0
if SAMPLE_ONLY:
    with open(os.path.join(here, "honest_reference.json")) as f:
        cases = [c for c in json.load(f)["cases"] if c["name"] == "synthetic"]
    assert cases, "--sample-only needs a committed synthetic case"
else:
    cases = [case("synthetic", beta_a, sigma_a, npre, npost, [("average", avg), ("e=2", e2)],
                  np.linspace(0, 2, 9), np.linspace(0, 0.3, 7))]

# --- (b) the sample's quarterly event study -------------------------------------------------
import pyfixest as pf

B = os.path.join(here, "..", "..", "..", "sample-data", "bw-integration")
read = lambda t: pd.read_csv(os.path.join(B, f"{t}.csv"), dtype={"district_id": str})
districts, emp, pop = read("districts"), read("employment"), read("population")
BASE = "2017-12"
P = pop.set_index(["district_id", "year"])["persons_15_64"].astype(float)
emp["year"] = emp["month"].str[:4].astype(int)
emp["m"] = emp["month"].str[5:].astype(int)
this = P.reindex(list(zip(emp["district_id"], emp["year"]))).values
prev = P.reindex(list(zip(emp["district_id"], emp["year"] - 1))).values
emp["persons"] = prev + (this - prev) * emp["m"] / 12
emp.loc[emp["m"] == 12, "persons"] = this[emp["m"] == 12]
emp["rate"] = emp["employed_total"] * 100.0 / emp["persons"]
rate = emp.pivot(index="district_id", columns="month", values="rate")
pers = emp.pivot(index="district_id", columns="month", values="persons")
ids = sorted(rate.index)
treated = districts.set_index("district_id")["state"].eq("BW").astype(float)
quarters = [m for m in sorted(rate.columns) if int(m[5:]) % 3 == 0]
long = rate.loc[ids, quarters].stack().rename("rate").reset_index()
long["w"] = long["district_id"].map(pers.loc[ids, BASE])
long["treated"] = long["district_id"].map(treated)
names = []
for k, m in enumerate(quarters):
    if m == BASE:
        continue
    long[f"d{k}"] = long["treated"] * (long["month"] == m)
    names.append((f"d{k}", f"{m[:4]}Q{(int(m[5:]) - 1) // 3 + 1}", m < BASE))
fml = "rate ~ " + " + ".join(c for c, _, _ in names) + " | district_id + month"
cl = pf.feols(fml, data=long, weights="w", vcov={"CRV1": "district_id"})
cols = [c for c, _, _ in names]
beta_b = np.array([float(cl.coef()[c]) for c in cols])
V = cl._vcov
order = [list(cl.coef().index).index(c) for c in cols]
sigma_b = np.asarray(V)[np.ix_(order, order)]
npre_b = sum(1 for _, _, pre in names if pre)
npost_b = len(names) - npre_b
avg_b = np.full(npost_b, 1.0 / npost_b)
sample = case("sample_quarterly_cluster", beta_b, sigma_b, npre_b, npost_b, [("average", avg_b)],
              np.linspace(0, 2, 5), np.linspace(0, 0.2, 5), as_is=False)
sample["periods"] = [p for _, p, _ in names]
sample["std_error_cluster"] = [float(cl.se()[c]) for c in cols]
sample["units"] = len(ids)
cases.append(sample)

ref = {"versions": {"honestdid": honestdid.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                    "pyfixest": pf.__version__},
       "alpha": 0.05, "lf_draws": 1000, "hybrid_kappa": 0.005, "cases": cases}
with open(os.path.join(here, "honest_reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
print("wrote honest_reference.json")
