#!/bin/sh
# `check --format json` on a bundle whose activity is the sheet activity-sheet.xlsx (from
# make_sheet.py), from the binary of commit cec5fdd, which read a sheet whole; kept so that
# tests/cli/check_identity.rs can show that reading the sheet a chunk of rows at a time
# changed no finding, row number or cell reference. Regenerate only from that binary:
#   git worktree add /tmp/before cec5fdd && (cd /tmp/before && cargo build --release)
#   WIRKUNG=/tmp/before/target/release/wirkung sh tests/reference/identity/make_sheet.sh
set -eu
cd "$(dirname "$0")/../../.."
B=$(cd "$(dirname "${WIRKUNG:-target/release/wirkung}")" && pwd)/$(basename "${WIRKUNG:-target/release/wirkung}")
OUT=$(pwd)/tests/reference/identity
T=$(mktemp -d)
cp -r tests/fixtures/bad/activity_dirty "$T/b"
rm "$T/b/activity.csv"
cp "$OUT/activity-sheet.xlsx" "$T/b/activity.xlsx"
(cd "$T" && "$B" check b --format json) > "$OUT/check-activity-sheet.json" || true
rm -r "$T"
