#!/bin/sh
# What `wirkung import activity` wrote before the import streamed the existing table
# (commit cec5fdd, which held the whole table in memory and encoded it at once), kept so
# that tests/cli/import_identity.rs can show that the new table's content (columns, order,
# types, rows) and the report (duplicates, conflicts with their rows, unreadable cells,
# repaired ids) are unchanged. Regenerate only from a binary built at that commit:
#   git worktree add /tmp/before cec5fdd && (cd /tmp/before && cargo build --release)
#   WIRKUNG=/tmp/before/target/release/wirkung sh tests/reference/import/make_reference.sh
# The inputs (workbooks, existing-dups.parquet) come from make_fixtures.py.
set -eu
cd "$(dirname "$0")/../../.."
B=$(cd "$(dirname "${WIRKUNG:-target/release/wirkung}")" && pwd)/$(basename "${WIRKUNG:-target/release/wirkung}")
R=$(pwd)/tests/reference/import
T=$(mktemp -d)
# 1. Into the hand bundle, whose activity is a CSV file with a duplicate and a conflict.
cp -r tests/fixtures/hand "$T/b"
(cd "$T" && "$B" import activity "$R/im-A1-1.xlsx" "$R/im-B1-1.xlsx" "$R/broken.xlsx" --into b --format json) > "$R/hand.json"
cp "$T/b/activity.parquet" "$R/hand.parquet"
# 2. Into an existing Parquet table with duplicates, conflicts and unreadable rows of its
#    own, timestamps, an int32 and a float count, and a column the format does not know.
cp -r tests/fixtures/hand "$T/p"
rm "$T/p/activity.csv"
cp "$R/existing-dups.parquet" "$T/p/activity.parquet"
(cd "$T" && "$B" import activity "$R/im-parquet.xlsx" --into p --force --format json) > "$R/parquet-dups.json"
cp "$T/p/activity.parquet" "$R/parquet-dups.parquet"
rm -r "$T"
# 3. Into a bundle whose activity is an .xlsx sheet (tests/reference/identity/activity-sheet.xlsx:
#    table from B3, blank and unreadable rows), importing that same workbook: every readable
#    row is an exact duplicate.
T=$(mktemp -d)
cp -r tests/fixtures/bad/activity_dirty "$T/s"
rm "$T/s/activity.csv"
cp tests/reference/identity/activity-sheet.xlsx "$T/s/activity.xlsx"
(cd "$T" && "$B" import activity "$R/../identity/activity-sheet.xlsx" --into s --format json) > "$R/sheet.json"
cp "$T/s/activity.parquet" "$R/sheet.parquet"
rm -r "$T"
