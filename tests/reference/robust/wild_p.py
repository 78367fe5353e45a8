"""Wild cluster bootstrap p-values from wildboottest's bootstrap t statistics, with ties
treated the way wirkung treats them. wildboottest counts |t*| > |t| strictly, but the sign
vectors +-(1, ..., 1) reproduce the observed t exactly in theory, so whether rounding makes
that pair count depends on the data (with 16 enumerated draws it moves p by 2/16). Here, as
in wirkung, a |t*| within a relative 1e-9 of |t| is a tie and not an exceedance."""
import numpy as np
from wildboottest.wildboottest import WildboottestCL


def wild_p(model, param, cluster, B, weights_type, seed=12345):
    """(p_value, t) with wildboottest's defaults (WCR11, null imposed, small-sample
    adjustments), as the convenience function wildboottest() uses them."""
    R = np.zeros(model.exog.shape[1])
    R[model.data.xnames.index(param)] = 1
    boot = WildboottestCL(X=model.exog, Y=model.endog, cluster=cluster, R=R, B=B, seed=seed)
    boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
    boot.get_weights(weights_type=weights_type)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    t = float(np.squeeze(boot.t_stat))
    t_boot = np.abs(np.asarray(boot.t_boot).ravel())
    return float(np.mean(t_boot > abs(t) * (1 + 1e-9))), t
