"""The anchor of the scale benchmark: the validation `wirkung check` does on `activity`,
written as one polars streaming query per question, run on the same file.

Exact duplicate rows, conflicting IM-days (same alliance, IM and date, different counts),
date range, negative counts and talks per alliance. Prints one JSON line of the answers, so
that a run can be compared with what `wirkung check` reports.

    python3 scripts/scale_anchor_polars.py BUNDLE/activity.parquet   (or BUNDLE/activity.csv)
"""

import json
import sys

import polars as pl

TOPICS = [
    "talks_labour",
    "talks_language",
    "talks_education",
    "talks_housing",
    "talks_health",
    "talks_participation",
    "talks_children",
    "talks_other",
]
PLACES = ["talks_office", "talks_onsite", "talks_accompanying"]
IM_DAY = ["alliance_id", "manager_id", "date"]


def main(path: str) -> None:
    if path.endswith(".csv"):
        # Ids stay text (leading zeros), the date a date: the Parquet file's types.
        ids = {c: pl.String for c in ["manager_id", "alliance_id", "municipality_id"]}
        scan = pl.scan_csv(path, schema_overrides={**ids, "date": pl.Date})
    else:
        scan = pl.scan_parquet(path)
    rows = scan.select(pl.len()).collect(engine="streaming").item()
    # One copy of every distinct row; the rest are exact duplicates.
    distinct = scan.unique().select(pl.len()).collect(engine="streaming").item()
    # IM-days whose distinct rows differ: every such row is conflicting.
    per_day = (
        scan.unique()
        .group_by(IM_DAY)
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .select(pl.len().alias("days"), pl.col("n").sum().alias("rows"))
        .collect(engine="streaming")
    )
    dates = scan.select(
        pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
    ).collect(engine="streaming")
    negative = (
        scan.select(
            pl.sum_horizontal([(pl.col(c) < 0).cast(pl.UInt32) for c in TOPICS + PLACES])
            .sum()
            .alias("negative")
        )
        .collect(engine="streaming")
        .item()
    )
    by_alliance = (
        scan.unique()
        .group_by("alliance_id")
        .agg([pl.col(c).sum() for c in TOPICS])
        .collect(engine="streaming")
    )
    print(
        json.dumps(
            {
                "rows": rows,
                "exact_duplicates": rows - distinct,
                "conflicting_days": per_day["days"][0],
                "conflicting_rows": per_day["rows"][0],
                "first_date": str(dates["first"][0]),
                "last_date": str(dates["last"][0]),
                "negative_counts": negative,
                "alliances": by_alliance.height,
                "talks": int(by_alliance.select(pl.sum_horizontal(TOPICS)).sum().item()),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
