#!/usr/bin/env python3
"""Times statsmodels on the 201 units x 6 regressors WLS fit that `cargo bench --bench estimate`
times as `wls_hc1_201x6`, on the same data (benches/data/wls_201x6.csv, read by both).

    python3 benches/statsmodels_wls.py               # median of many repeats, per fit
    python3 benches/statsmodels_wls.py --write-data  # regenerate the CSV (seeded, deterministic)

One timed call does what the Rust `wls` returns: the fit with HC1 covariance and Student-t
inference, its p-values and its 95% intervals. Run right after the Rust bench on a quiet machine.
"""

import argparse
import pathlib
import statistics
import sys
import timeit

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

DATA = pathlib.Path(__file__).resolve().parent / "data" / "wls_201x6.csv"
REGRESSORS = ["treated", "const", "protection_share", "gdp_per_capita", "sv_per_100", "urban"]
UNITS = 201
TREATED = 44


def write_data() -> None:
    """A BW-vs-neighbours-sized district panel: 44 treated of 201, four controls, HHL persons as
    weights; values written with repr() so both readers parse the identical doubles."""
    rng = np.random.default_rng(201)
    base = rng.uniform(20.0, 40.0, UNITS)
    end = base + rng.uniform(8.0, 18.0, UNITS)
    treated = (np.arange(UNITS) < TREATED).astype(float)
    frame = pd.DataFrame(
        {
            "y": end - base + 1.5 * treated,
            "treated": treated,
            "const": np.ones(UNITS),
            "protection_share": rng.uniform(0.5, 3.0, UNITS),
            "gdp_per_capita": rng.uniform(25.0, 80.0, UNITS),
            "sv_per_100": rng.uniform(25.0, 50.0, UNITS),
            "urban": (rng.uniform(0.0, 1.0, UNITS) < 0.2).astype(float),
            "weight": rng.uniform(200.0, 20_000.0, UNITS),
        }
    )
    DATA.parent.mkdir(parents=True, exist_ok=True)
    with DATA.open("w", newline="\n") as f:
        f.write(",".join(frame.columns) + "\n")
        for row in frame.itertuples(index=False):
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-data", action="store_true", help="regenerate the CSV and exit")
    parser.add_argument("--repeat", type=int, default=60, help="timing repeats (median taken)")
    parser.add_argument("--number", type=int, default=200, help="fits per repeat")
    args = parser.parse_args()
    if args.write_data:
        write_data()
        print(f"wrote {DATA}")
        return

    # np.loadtxt parses with Python's float(), so every value is the double the CSV spells.
    header = DATA.open().readline().strip().split(",")
    table = np.loadtxt(DATA, delimiter=",", skiprows=1)
    column = {name: table[:, header.index(name)] for name in header}
    y = column["y"]
    x = np.column_stack([column[name] for name in REGRESSORS])
    w = column["weight"]

    def fit():
        result = sm.WLS(y, x, weights=w).fit(cov_type="HC1", use_t=True)
        return result.pvalues, result.conf_int()

    fit()  # warm-up: imports and caches outside the timing
    per_fit = [t / args.number for t in timeit.repeat(fit, number=args.number, repeat=args.repeat)]
    q1, median, q3 = statistics.quantiles(per_fit, n=4)
    median = statistics.median(per_fit)
    result = sm.WLS(y, x, weights=w).fit(cov_type="HC1", use_t=True)
    print(f"statsmodels {statsmodels.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    print(f"data: {DATA.name}, n = {len(y)}, k = {x.shape[1]}")
    print(f"treated: b = {result.params[0]:.6f}, se(HC1) = {result.bse[0]:.6f}, p = {result.pvalues[0]:.6f}")
    print(
        f"WLS(...).fit(cov_type='HC1', use_t=True) + pvalues + conf_int(): median {median * 1e6:.1f} µs "
        f"per fit (quartiles {q1 * 1e6:.1f}-{q3 * 1e6:.1f}, min {min(per_fit) * 1e6:.1f}, "
        f"max {max(per_fit) * 1e6:.1f}; {args.repeat} repeats x {args.number} fits)"
    )


if __name__ == "__main__":
    main()
