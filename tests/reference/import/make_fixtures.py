"""Inputs of the import identity test (tests/cli/import_identity.rs): key-figure workbooks
and an existing Parquet `activity` that already holds duplicate rows, pandas-style
timestamps, an int32 count, a float count and a column the format does not know.

    python3 tests/reference/import/make_fixtures.py   (xlsxwriter, pyarrow)

Written once; the reference outputs beside them come from make_reference.sh.
"""

import datetime as dt
import os

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = [
    "manager_id", "alliance_id", "municipality_id", "date",
    "talks_labour", "talks_language", "talks_education", "talks_housing", "talks_health",
    "talks_participation", "talks_children", "talks_other",
    "talks_office", "talks_onsite", "talks_accompanying",
]


def workbook(name, rows, header=HEADER):
    wb = xlsxwriter.Workbook(os.path.join(HERE, name))
    ws = wb.add_worksheet("Kennzahlen")
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, line in enumerate(rows, start=1):
        for c, field in enumerate(line.split(",")):
            if field == "":
                continue
            try:
                v = float(field)
            except ValueError:
                v = None
            if v is not None and c >= 4:
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, field)
    wb.close()


# Into tests/fixtures/hand (a CSV activity with a delivered duplicate, an impossible date
# and a conflict of its own).
workbook("im-A1-1.xlsx", [
    "1,A1,08111001,2019-03-01,2,1,0,1,0,0,0,1,4,1,0",   # = existing row 1
    "1,A1,08111001,2019-08-01,1,1,0,0,0,0,0,0,2,0,0",
    "1,A1,08111001,2019-08-01,1,1,0,0,0,0,0,0,2,0,0",   # sent twice
    "1,A1,08111001,2019-08-02,1,0,0,0,x,0,0,0,1,0,0",   # text in a count
    "1,A1,8111001,2019-08-03,0,0,0,1,0,0,0,0,1,0,0",    # municipality lost its zero
    "1,A1,08111001,2019-03-04,1,0,0,2,0,0,0,2,5,0,1",   # conflicts with the delivered duplicate
])
workbook("im-B1-1.xlsx", [
    "1,B1,08115001,2019-08-05,2,0,0,0,0,0,0,0,2,0,0",
    "1,B1,08115001,2019-08-05,3,0,0,0,0,0,0,0,3,0,0",   # same IM-day, other counts
    "1,B1,08115001,2019-08-06,0,0,0,1,0,0,0,0,,,",
    "1,D1,08117001,2019-05-02,1,0,0,1,0,0,0,2,4,0,0",   # = second of D1's conflicting rows
])
workbook("broken.xlsx", ["1,C1,08116001,2019-08-01,1,0,0,0,0,0,0"], HEADER[:11])

# An existing Parquet activity with its own duplicates and conflicts.
rows = [
    ("01", "A1", "08111001", "2019-03-01", [2, 1, 0, 1, 0, 0, 0, 1], 4.0, 1, "a"),
    ("01", "A1", "08111001", "2019-03-01", [2, 1, 0, 1, 0, 0, 0, 1], 4.0, 1, "a"),  # duplicate
    ("01", "A1", "08111001", "2019-03-04", [1, 0, 0, 2, 0, 0, 0, 2], 5.0, 0, None),
    ("01", "A1", "08111001", "2019-03-04", [1, 0, 0, 2, 0, 0, 0, 3], 6.0, 0, None),  # conflict
    ("01", "A1", "08111001", "2019-03-04", [1, 0, 0, 2, 0, 0, 0, 2], 5.0, 0, "b"),   # duplicate of row 3
    ("001", "A1", "08111001", "2019-03-05", [1, 0, 0, 0, 0, 0, 0, 0], 1.0, 0, None),
    ("1", "B1", "08115001", "2019-02-01", [1, 0, 0, 1, 0, 0, 0, 2], None, None, None),
    ("1", "B1", "08115001", "2019-02-01", [1, 0, 0, 1, 0, 0, 0, 2], None, None, None),  # duplicate
    ("1", "B1", "08115001", "2019-02-30", [9, 0, 0, 0, 0, 0, 0, 0], 9.0, 0, None),    # no date: not recognised
    ("2", "C1", "08116002", "2019-01-15", [0, 0, 0, 3, 0, 0, 0, 1], 4.0, 0, None),
    ("2", "C1", "08116002", "2019-01-16", [0, -1, 0, 3, 0, 0, 0, 1], 4.0, 0, None),   # negative: not recognised
]
for k in range(40):  # more rows than the smallest slice the test reads with
    day = dt.date(2019, 4, 1) + dt.timedelta(days=k)
    rows.append(("3", "C1", "08116002", day.isoformat(), [k % 3, 0, 0, 0, 0, 0, 0, 0], float(k % 3), 0, None))


def ts(s):
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        return None


table = pa.table({
    "manager_id": pa.array([r[0] for r in rows], pa.string()),
    "alliance_id": pa.array([r[1] for r in rows], pa.string()),
    "municipality_id": pa.array([r[2] for r in rows], pa.string()),
    "date": pa.array([ts(r[3]) for r in rows], pa.timestamp("ns")),
    **{
        name: pa.array([r[4][i] for r in rows], pa.int32() if i == 0 else pa.int64())
        for i, name in enumerate(HEADER[4:12])
    },
    "talks_office": pa.array([r[5] for r in rows], pa.float64()),
    "talks_onsite": pa.array([r[6] for r in rows], pa.int64()),
    "comment": pa.array([r[7] for r in rows], pa.string()),
})
pq.write_table(table, os.path.join(HERE, "existing-dups.parquet"), row_group_size=16)

workbook("im-parquet.xlsx", [
    "01,A1,08111001,2019-03-01,2,1,0,1,0,0,0,1,4,1,",    # = the duplicated row 1 (accompanying empty there)
    "01,A1,08111001,2019-03-04,1,0,0,2,0,0,0,3,6,0,",    # = the conflicting row 4
    "01,A1,08111001,2019-03-04,1,0,0,2,0,0,0,4,7,0,",    # a third version of that day
    "1,B1,08115001,2019-02-02,1,0,0,0,0,0,0,0,1,0,0",    # new
    "3,C1,08116002,2019-04-02,1,0,0,0,0,0,0,0,1,0,0",    # = generated row 2
    "3,C1,08116002,2019-06-01,2,0,0,0,0,0,0,0,2,0,0",    # new
    "2,C1,08116002,2019-01-16,0,1,0,3,0,0,0,1,4,0,0",    # existing row there does not parse
])
