"""Writes the NIST StRD linear-regression sets used by tests/core/estimate_nist.rs as JSON.

Source: NIST Information Technology Laboratory, Statistical Reference Datasets (StRD),
linear least squares, https://www.itl.nist.gov/div898/strd/lls/lls.shtml
(data pages .../strd/lls/data/Longley.shtml, Norris.shtml, Pontius.shtml). A US government
publication in the public domain, made so that numerical software can be checked against it;
the certified values were computed by NIST in 500-digit arithmetic and are quoted to 15
significant digits.

The values below were transcribed from those pages. Longley's data and certified values are also
shipped by statsmodels (statsmodels.datasets.longley; statsmodels/regression/tests/results/
results_regression.py, class Longley); the script checks the transcription against both and
against a statsmodels OLS fit before writing anything.

    python3 tests/reference/nist/make_nist.py
"""

import json
import pathlib

import numpy as np
import statsmodels.api as sm

HERE = pathlib.Path(__file__).resolve().parent

LONGLEY = {
    "name": "Longley",
    "difficulty": "higher",
    "model": "y = B0 + B1*x1 + B2*x2 + B3*x3 + B4*x4 + B5*x5 + B6*x6 + e",
    "terms": ["const", "x1", "x2", "x3", "x4", "x5", "x6"],
    "y": [60323, 61122, 60171, 61187, 63221, 63639, 64989, 63761, 66019, 67857, 68169, 66513,
          68655, 69564, 69331, 70551],
    # x1 GNP deflator, x2 GNP, x3 unemployed, x4 armed forces, x5 population, x6 year
    "x": [
        [83.0, 234289, 2356, 1590, 107608, 1947],
        [88.5, 259426, 2325, 1456, 108632, 1948],
        [88.2, 258054, 3682, 1616, 109773, 1949],
        [89.5, 284599, 3351, 1650, 110929, 1950],
        [96.2, 328975, 2099, 3099, 112075, 1951],
        [98.1, 346999, 1932, 3594, 113270, 1952],
        [99.0, 365385, 1870, 3547, 115094, 1953],
        [100.0, 363112, 3578, 3350, 116219, 1954],
        [101.2, 397469, 2904, 3048, 117388, 1955],
        [104.6, 419180, 2822, 2857, 118734, 1956],
        [108.4, 442769, 2936, 2798, 120445, 1957],
        [110.8, 444546, 4681, 2637, 121950, 1958],
        [112.6, 482704, 3813, 2552, 123366, 1959],
        [114.2, 502601, 3931, 2514, 125368, 1960],
        [115.7, 518173, 4806, 2572, 127852, 1961],
        [116.9, 554894, 4007, 2827, 130081, 1962],
    ],
    "estimate": ["-3482258.63459582", "15.0618722713733", "-0.358191792925910E-01",
                 "-2.02022980381683", "-1.03322686717359", "-0.511041056535807E-01",
                 "1829.15146461355"],
    "std_error": ["890420.383607373", "84.9149257747669", "0.334910077722432E-01",
                  "0.488399681651699", "0.214274163161675", "0.226073200069370",
                  "455.478499142212"],
    "residual_sd": "304.854073561965",
    "r2": "0.995479004577296",
}

NORRIS = {
    "name": "Norris",
    "difficulty": "lower",
    "model": "y = B0 + B1*x + e",
    "terms": ["const", "x"],
    "y": [0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3, 0.1,
          778.1, 668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3, 0.6, 557.6,
          339.3, 888.0, 998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2],
    "x": [[v] for v in [0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2,
                        0.4, 0.6, 775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6,
                        120.2, 0.3, 0.3, 556.8, 339.1, 887.2, 999.0, 779.0, 11.1, 118.3, 229.2,
                        669.1, 448.9, 0.5]],
    "estimate": ["-0.262323073774029", "1.00211681802045"],
    "std_error": ["0.232818234301152", "0.429796848199937E-03"],
    "residual_sd": "0.884796396144373",
    "r2": "0.999993745883712",
}

PONTIUS = {
    "name": "Pontius",
    "difficulty": "lower",
    "model": "y = B0 + B1*x + B2*(x**2) + e",
    "terms": ["const", "x", "x^2"],
    "y": [.11019, .21956, .32949, .43899, .54803, .65694, .76562, .87487, .98292, 1.09146,
          1.20001, 1.30822, 1.41599, 1.52399, 1.63194, 1.73947, 1.84646, 1.95392, 2.06128,
          2.16844, .11052, .22018, .32939, .43886, .54798, .65739, .76596, .87474, .98300,
          1.09150, 1.20004, 1.30818, 1.41613, 1.52408, 1.63159, 1.73965, 1.84696, 1.95445,
          2.06177, 2.16829],
    "x": [[v, v * v] for v in [150000.0 * (i % 20 + 1) for i in range(40)]],
    "estimate": ["0.673565789473684E-03", "0.732059160401003E-06", "-0.316081871345029E-14"],
    "std_error": ["0.107938612033077E-03", "0.157817399981659E-09", "0.486652849992036E-16"],
    "residual_sd": "0.205177424076185E-03",
    "r2": "0.999999900178537",
}


def check_longley_against_statsmodels():
    from statsmodels.datasets import longley
    from statsmodels.regression.tests.results.results_regression import Longley

    data = longley.load_pandas().data
    ours = np.array(LONGLEY["x"], dtype=float)
    assert np.array_equal(data["TOTEMP"].to_numpy(), np.array(LONGLEY["y"], dtype=float))
    assert np.array_equal(data[["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]].to_numpy(), ours)
    certified = Longley()
    # statsmodels orders the constant last.
    assert [float(v) for v in LONGLEY["estimate"]] == [certified.params[-1], *certified.params[:-1]]
    assert [float(v) for v in LONGLEY["std_error"]] == [certified.bse[-1], *certified.bse[:-1]]


def check_with_ols(spec):
    """A statsmodels fit agrees with the transcribed certified values to a few digits, which
    catches a mistyped data value or a wrong model."""
    x = sm.add_constant(np.array(spec["x"], dtype=float), prepend=True)
    res = sm.OLS(np.array(spec["y"], dtype=float), x).fit()
    np.testing.assert_allclose(res.params, [float(v) for v in spec["estimate"]], rtol=1e-6)
    np.testing.assert_allclose(res.bse, [float(v) for v in spec["std_error"]], rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(res.scale), float(spec["residual_sd"]), rtol=1e-6)


def main():
    check_longley_against_statsmodels()
    for spec in (LONGLEY, NORRIS, PONTIUS):
        check_with_ols(spec)
        doc = dict(spec)
        doc["source"] = f"NIST StRD, https://www.itl.nist.gov/div898/strd/lls/data/{spec['name']}.shtml"
        doc["note"] = ("estimate, std_error, residual_sd and r2 are NIST's certified values, kept as "
                       "the decimal strings NIST prints; x rows hold the regressors after const")
        path = HERE / f"{spec['name'].lower()}.json"
        path.write_text(json.dumps(doc, indent=1) + "\n")
        print(f"wrote {path.name}")


if __name__ == "__main__":
    main()
