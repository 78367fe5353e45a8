#!/usr/bin/env python3
"""The gaps of part 5's design (`missed_figures_reach.CommonB`, at the generator's margin) at a
bundle as written: the reference values of `common_b`'s test in the generator (each term's
gap of Tab. 13, 15, 16 (2) and Tab. 17 (2), (4), (6), and the number of unknowns).

Usage: python3 scripts/common_b_gaps.py [BUNDLE]   (default: the shipped sample; needs
`cargo build --release` for target/release/wirkung, numpy, pandas and scipy)
"""

import missed_figures_reach as mfr
from sample_figures import FREE, MARGIN

design = mfr.CommonB(["D"] + list(FREE), MARGIN, None)
gaps = design.gaps(design.p0)
print(f"{len(design.p0)} unknowns; largest gap {gaps.max():+.6f}")
for label, gap in zip(design.labels, gaps):
    print(f"  {label:45} {gap:+.6f}")
