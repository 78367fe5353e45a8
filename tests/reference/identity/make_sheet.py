"""An .xlsx `activity` for tests/cli/check_identity.rs (the sheet read in chunks): the
rows of tests/fixtures/bad/activity_dirty/activity.csv (ids and dates as text, counts as
numbers) behind a title row and a blank column, with planted problems: a count as text, a
negative count, a fraction, a whitespace-only required cell, a date cell stored as a date,
an impossible date, blank rows inside the table, a row repeated across chunk boundaries.

    python3 tests/reference/identity/make_sheet.py   (xlsxwriter)
"""

import csv
import datetime as dt
import os

import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
rows = list(csv.reader(open(os.path.join(ROOT, "tests/fixtures/bad/activity_dirty/activity.csv"))))
header, data = rows[0], rows[1:]
planted = [
    ["7", "A01", "08111000", "2018-04-02", "x", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ["7", "A01", "08111000", "2018-04-03", "1", "-2", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ["7", "A01", "08111000", "2018-04-04", "1.5", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ["7", "A01", " ", "2018-04-05", "1", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ["7", "A01", "08111000", dt.date(2018, 4, 6), "1", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ["7", "A01", "08111000", "2018-04-31", "1", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    None,
    None,
    ["7", "A01", "08111000", "2018-04-09", "1", "0", "0", "0", "0", "0", "0", "0", "", "", ""],
]
body = data[:10] + planted + data[10:] + [None] + data[:5]

wb = xlsxwriter.Workbook(os.path.join(HERE, "activity-sheet.xlsx"))
ws = wb.add_worksheet("Kennzahlen")
date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
# A title above the table would be read as its header; the table starts in B3 instead.
top, left = 2, 1
for c, h in enumerate(header):
    ws.write_string(top, left + c, h)
for r, row in enumerate(body, start=top + 1):
    if row is None:
        continue
    for c, v in enumerate(row):
        if isinstance(v, dt.date):
            ws.write_datetime(r, left + c, dt.datetime(v.year, v.month, v.day), date_format)
        elif v == "":
            continue
        elif c >= 4:
            try:
                ws.write_number(r, left + c, float(v))
            except ValueError:
                ws.write_string(r, left + c, v)
        else:
            ws.write_string(r, left + c, v)
wb.close()
