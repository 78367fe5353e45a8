"""Wild cluster bootstrap p-values from wildboottest's bootstrap t statistics, with the tie
rule of boottest and of wirkung: a draw counts when |t*| >= |t|, and a |t*| within a relative
1e-9 of |t| is a tie that counts. The sign vectors +-(1, ..., 1) (and every constant vector
c(1, ..., 1) of Webb's weights) reproduce the observed t exactly in theory; wildboottest's own
get_pvalue counts only strict exceedances, so whether rounding lets such a draw count would
depend on the data (with 16 enumerated draws it moves p by 2/16). Counting them makes the
smallest attainable p the honest 2/16 instead of 0.

wildboottest enumerates only Rademacher weights (when 2^G < B). Webb's six-point weights are
enumerated here, as wirkung does, when 6^G <= B: the full 6^G x G matrix replaces the drawn
one before the bootstrap t statistics are computed by wildboottest itself."""
from itertools import product

import numpy as np
from wildboottest.wildboottest import WildboottestCL

TIE = 1e-9
WEBB = [-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)]


def wild_p(model, param, cluster, B, weights_type, seed=12345):
    """dict(p_value, t, draws, enumerated) with wildboottest's defaults (WCR11, null imposed,
    small-sample adjustments), as the convenience function wildboottest() uses them."""
    R = np.zeros(model.exog.shape[1])
    R[model.data.xnames.index(param)] = 1
    boot = WildboottestCL(X=model.exog, Y=model.endog, cluster=cluster, R=R, B=B, seed=seed)
    boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
    boot.get_weights(weights_type=weights_type)
    G = boot.N_G_bootcluster
    enumerated = bool(boot.full_enumeration)
    if weights_type == "webb" and 6**G <= B:
        # Same order as wirkung: itertools.product, first cluster slowest.
        boot.v = np.array(list(product(WEBB, repeat=G)), dtype=float).T
        boot.B = boot.v.shape[1]
        enumerated = True
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    t = float(np.squeeze(boot.t_stat))
    t_boot = np.abs(np.asarray(boot.t_boot).ravel())
    p = float(np.mean(t_boot >= abs(t) * (1 - TIE)))
    return {"p_value": p, "t": t, "draws": int(boot.B), "enumerated": enumerated}
