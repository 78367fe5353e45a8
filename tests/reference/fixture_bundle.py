"""What the scripts that draw test bundles share: the bundle.toml of a format-1 bundle, a CSV
writer, and the district frame of the robustness-sized bundles.

Every builder keeps its own name, description, source and controls; the periods and rules are
the report's (employment Dec 2017 .. Sep 2019, housing waves Dec 2018 and Jan 2020, topics until
Jun 2019, a municipality counts as started with half its grants), so that a change of the
contract is made once here and every fixture is redrawn by its script.

Used by robust/make_bundle.py, staggered/make_bundle.py, organisation/make_fixture.py,
exhibits/make_fixture.py (its CSV writer) and tests/fixtures/make_valid.py.
"""
import csv
import os

# The labels the report's tables give the controls; a builder names the columns it uses.
CONTROL_LABELS = {
    "protection_seekers_pct_2017": "Protection seekers, % of population 2017",
    "gdp_per_capita_2017": "GDP per capita 2017, 1,000 EUR",
    "sv_employees_per_100_2019": "Social-security employees per 100 inhabitants 2019",
    "tax_revenue_per_capita_2016": "Tax revenue per capita 2016, 1,000 EUR",
}

# (column, label, level, outcomes) of the four district controls of Tab. 12-16.
DISTRICT_CONTROLS = [
    (column, CONTROL_LABELS[column], "district", ["employment", "housing"])
    for column in ["protection_seekers_pct_2017", "gdp_per_capita_2017", "sv_employees_per_100_2019"]
] + [("urban", "Urban district", "district", ["employment", "housing"])]

_PERIODS = [
    ("employment_base", "2017-12"),
    ("employment_end", "2019-09"),
    ("housing_base", "2018-12-15"),
    ("housing_end", "2020-01-31"),
    ("topics_until", "2019-06-30"),
]
_RULES = [
    ("start_share", "0.5"),
    ("grants_issued_by", '"2018-09-30"'),
    ("early_cutoff", '"2018-02-15"'),
    ("housing_max_missing", "0.4"),
]


def bundle_toml(name, description, source, controls, comment="", align=True):
    """The text of a bundle.toml. `controls` are (column, label, level, outcomes) tuples;
    `comment` lines go first; `align` pads the keys of [periods], [rules] and the controls
    into a column (the older fixtures were written without, and their files stay as they are)."""

    def key(k, width):
        return f"{k:<{width}} =" if align else f"{k} ="

    def table(pairs):
        width = max(len(k) for k, _ in pairs)
        return "".join(f"{key(k, width)} {v}\n" for k, v in pairs)

    text = comment
    text += (
        "[bundle]\nformat = 1\n"
        f'name = "{name}"\nsynthetic = true\n'
        f'description = "{description}"\nsource = "{source}"\n\n'
    )
    text += "[periods]\n" + table([(k, f'"{v}"') for k, v in _PERIODS]) + "\n"
    text += "[rules]\n" + table(_RULES)
    for column, label, level, outcomes in controls:
        listed = ", ".join(f'"{o}"' for o in outcomes)
        text += "\n[[controls]]\n" + table(
            [("column", f'"{column}"'), ("label", f'"{label}"'), ("level", f'"{level}"')]
        )
        text += f"outcomes = [{listed}]\n"
    return text


def write_csv(out_dir, name, header, rows):
    """`name`.csv in `out_dir`: UTF-8, LF line ends, None written as an empty cell."""
    with open(os.path.join(out_dir, f"{name}.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def bw_and_neighbours():
    """44 BW districts in the four government regions (11 each, the first two of each urban)
    and 10 districts in each of Bavaria, Hesse and Rhineland-Palatinate:
    (id, name, state, region, urban)."""
    districts = []
    for r, region in enumerate(["Stuttgart", "Karlsruhe", "Freiburg", "Tübingen"]):
        for j in range(11):
            districts.append((f"08{r + 1}{j + 11:02d}", f"{region} {j + 1}", "BW", region, j < 2))
    for code, state in [("09", "BY"), ("06", "HE"), ("07", "RP")]:
        for j in range(10):
            districts.append((f"{code}{j + 101:03d}", f"{state} district {j + 1}", state, "", j < 2))
    return districts


# The months of the employment table, Jan 2014 .. Sep 2019.
MONTHS = [(y, m) for y in range(2014, 2020) for m in range(1, 13) if (y, m) <= (2019, 9)]
