#!/usr/bin/env python3
"""Reference two-sided tail probabilities P(|T| > t) of Student's t, for
`tests/core/estimate_t_tail.rs`, which checks wirkung's own evaluation (`TwoSidedTail`) against
them: mpmath's regularised incomplete beta I_x(df/2, 1/2) at x = df/(df + t^2) in 50-digit
arithmetic, beside scipy's double-precision value (boost), which loses digits near t = 0 where
1 - x is tiny (the file keeps both so the difference can be seen).

    python3 tests/reference/t_tail/make_t_tail_reference.py   # rewrites t_tail.json
"""

import json
import pathlib

import mpmath
import scipy
from scipy import stats

mpmath.mp.dps = 50

DF = [1, 2, 3, 4, 5, 7, 10, 19, 30, 42, 99, 195, 500, 1_000, 10_000, 1_000_000]
T = [1e-8, 1e-3, 0.1, 0.5, 1.0, 1.37, 1.96, 2.5, 3.0, 4.0, 6.0, 10.0, 25.0, 100.0, 1e4]


def main() -> None:
    cases = []
    for df in DF:
        for t in T:
            # Values below the smallest normal double carry no relative accuracy in either
            # implementation (the p-values wirkung shows never reach them), and mpmath cannot
            # bound their size: skipped by scipy's estimate.
            if stats.t.sf(t, df) < 1e-290:
                continue
            nu, tt = mpmath.mpf(df), mpmath.mpf(t)
            x = nu / (nu + tt * tt)
            p = float(mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, x, regularized=True))
            cases.append({"df": df, "t": t, "p": p, "scipy": float(2.0 * stats.t.sf(t, df))})
    out = {
        "generator": f"mpmath {mpmath.__version__} at 50 digits: betainc(df/2, 1/2, 0, "
        f"df/(df+t^2), regularized=True); scipy {scipy.__version__}: 2 * t.sf(t, df)",
        "cases": cases,
    }
    path = pathlib.Path(__file__).with_name("t_tail.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(cases)} cases -> {path}")


if __name__ == "__main__":
    main()
