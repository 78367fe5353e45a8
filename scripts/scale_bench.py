"""Scale benchmark of `wirkung check`: ×1, ×10, ×30 and ×100 copies of the shipped sample's
`activity` (each copy under new IM ids, so that its rows are new working days with the same
duplicates and conflicts as the sample), timed beside the polars streaming anchor
(scale_anchor_polars.py) on the same files.

    cargo bench --bench scale [-- OPTIONS]   (builds the release binary, then runs this)
    python3 scripts/scale_bench.py [--factors 1,10,30,100] [--anchor-max 30]
                                   [--wirkung target/release/wirkung] [--csv]

With `--csv` the copies are written as `activity.csv` (read in chunks by wirkung, scanned as
CSV by the anchor) instead of `activity.parquet`.

Needs pyarrow and polars (`pip install pyarrow polars`). Writes only into a temporary
directory, removed at the end. Prints a Markdown table: time, peak resident memory and bytes
per activity row for each, and the ratios to the anchor measured in the same run. The machine
should be otherwise idle (compare `uptime` before and after).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "sample-data", "bw-integration")
ANCHOR = os.path.join(ROOT, "scripts", "scale_anchor_polars.py")


def make_bundle(dst: str, factor: int, csv: bool = False) -> int:
    """The sample with `factor` copies of its activity (as CSV with `csv`); returns the
    activity rows."""
    shutil.copytree(SAMPLE, dst, ignore=shutil.ignore_patterns("activity.parquet"))
    table = pq.read_table(os.path.join(SAMPLE, "activity.parquet"))
    table = table.cast(
        pa.schema(
            [
                pa.field(f.name, pa.string()) if pa.types.is_string_view(f.type) else f
                for f in table.schema
            ]
        )
    )
    col = table.schema.get_field_index("manager_id")
    with pq.ParquetWriter(os.path.join(dst, "activity.parquet"), table.schema) as w:
        for k in range(factor):
            copy = table
            if k > 0:
                ids = pc.binary_join_element_wise(table["manager_id"], pa.scalar(f"-{k}"), "")
                copy = table.set_column(col, "manager_id", ids)
            w.write_table(copy)
    if csv:
        parquet = os.path.join(dst, "activity.parquet")
        with pcsv.CSVWriter(os.path.join(dst, "activity.csv"), table.schema) as w:
            for batch in pq.ParquetFile(parquet).iter_batches():
                w.write_batch(batch)
        os.remove(parquet)
    return table.num_rows * factor


def timed(cmd: list) -> tuple:
    """(wall seconds, CPU seconds, peak RSS in bytes, stdout) of one run under /usr/bin/time -v.

    CPU time (user + system) is given beside the wall time: on a shared machine the wall
    time of one run depends on what else runs."""
    p = subprocess.run(
        ["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, check=False
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = sum(
        float(re.search(rf"{k} time \(seconds\): ([\d.]+)", p.stderr).group(1))
        for k in ("User", "System")
    )
    return seconds, cpu, rss * 1024, p.stdout


def check_counts(report: str) -> tuple:
    """(exact duplicates, conflicting rows) as `wirkung check --format json` reports them."""
    dup = conf = 0
    for w in json.loads(report)["warnings"]:
        if w["table"] != "activity" or w["row"] is not None:
            continue
        if m := re.match(r"(\d+) exact duplicate rows dropped", w["message"]):
            dup = int(m.group(1))
        if m := re.match(r"(\d+) rows on (\d+) IM-day", w["message"]):
            conf = int(m.group(1))
    return dup, conf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--factors", default="1,10,30,100")
    ap.add_argument("--wirkung", default=os.path.join(ROOT, "target", "release", "wirkung"))
    # polars needs about 12 GB for the ×100 copy: on a shared machine it is left out.
    ap.add_argument("--anchor-max", type=int, default=30, help="largest copy the anchor runs on")
    ap.add_argument("--csv", action="store_true", help="write activity.csv instead of Parquet")
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    rows_out = []
    tmp = tempfile.mkdtemp(prefix="wirkung-scale-")
    try:
        base = None
        for factor in [int(f) for f in args.factors.split(",")]:
            bundle = os.path.join(tmp, f"x{factor}")
            rows = make_bundle(bundle, factor, args.csv)
            activity = os.path.join(bundle, "activity.csv" if args.csv else "activity.parquet")
            w_s, w_cpu, w_rss, out = timed([args.wirkung, "check", bundle, "--format", "json"])
            base = base or (w_s / factor, w_cpu / factor)
            if factor > args.anchor_max:
                rows_out.append(
                    f"| ×{factor} | {rows / 1e6:.2f} M | {w_s:.2f} s / {w_cpu:.2f} s | {w_rss / 2**20:.0f} MB "
                    f"| {w_rss / rows:.0f} | {w_s / (base[0] * factor):.2f} / {w_cpu / (base[1] * factor):.2f} "
                    "| not run | | | | |"
                )
                print(rows_out[-1], file=sys.stderr)
                shutil.rmtree(bundle)
                continue
            a_s, a_cpu, a_rss, a_out = timed(
                [sys.executable, ANCHOR, activity]
            )
            anchor = json.loads(a_out)
            agree = check_counts(out) == (anchor["exact_duplicates"], anchor["conflicting_rows"])
            rows_out.append(
                f"| ×{factor} | {rows / 1e6:.2f} M | {w_s:.2f} s / {w_cpu:.2f} s | {w_rss / 2**20:.0f} MB "
                f"| {w_rss / rows:.0f} | {w_s / (base[0] * factor):.2f} / {w_cpu / (base[1] * factor):.2f} "
                f"| {a_s:.2f} s / {a_cpu:.2f} s | {a_rss / 2**20:.0f} MB "
                f"| {w_s / a_s:.2f} / {w_cpu / a_cpu:.2f} | {w_rss / a_rss:.2f} | {'yes' if agree else 'NO'} |"
            )
            print(rows_out[-1], file=sys.stderr)
            shutil.rmtree(bundle)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print(
        "| copies | activity rows | wirkung check, wall / CPU | peak RSS | bytes/row "
        "| time / (×1 time × copies), wall / CPU | polars anchor, wall / CPU | anchor RSS "
        "| wirkung / anchor time, wall / CPU | wirkung / anchor RSS | same duplicates and conflicts |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows_out))


if __name__ == "__main__":
    main()
