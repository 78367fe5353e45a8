#!/bin/sh
# Outputs of a release binary from before the way `activity` is read last changed, kept so
# that tests/cli/check_identity.rs can show that the change moved no finding, row number or
# estimate. The files are those of commit a0edd2f (activity in compact columns read one column
# at a time, duplicates found by sorting, CSV read whole) on the current sample; they replaced
# those of commit d157317 (before the compact store), which the test had matched on the
# previous sample. (d157317 differs from today in the last bits of some estimates: the WLS fast
# path came after it.) Regenerate only from a binary built at that commit:
#   git worktree add /tmp/before a0edd2f && (cd /tmp/before && cargo build --release)
#   WIRKUNG=/tmp/before/target/release/wirkung sh tests/reference/identity/make_identity.sh
set -eu
cd "$(dirname "$0")/../../.."
B=${WIRKUNG:-target/release/wirkung}
S=sample-data/bw-integration
OUT=tests/reference/identity
"$B" check "$S" --format json > "$OUT/check-sample.json" || true
for f in activity_dirty alliance_mismatch negative_talks impossible_date future_date unknown_municipality missing_required_value wrong_type; do
  "$B" check "tests/fixtures/bad/$f" --format json > "$OUT/check-$f.json" || true
done
"$B" check tests/fixtures/valid --format json > "$OUT/check-valid.json" || true
for c in early-start labour-talks housing-talks; do
  "$B" estimate "$S" --outcome employment --comparison "$c" --format json > "$OUT/estimate-$c.json"
done
"$B" robustness "$S" --check dose --outcome employment --comparison labour-talks --format json > "$OUT/robustness-dose-labour-talks.json"
"$B" robustness "$S" --check event-study --outcome employment --comparison housing-talks --format json > "$OUT/robustness-event-study-housing-talks.json"
"$B" exhibit "$S" --id abb34 --format json > "$OUT/exhibit-abb34.json"
"$B" exhibit "$S" --id abb35 --format json > "$OUT/exhibit-abb35.json"
"$B" exhibit "$S" --id abb33-location --format json > "$OUT/exhibit-abb33-location.json"
# A CSV activity of 23 MB (three chunks of the chunked CSV reader): the rows of
# activity_dirty, 220,000 clean generated rows, activity_dirty's rows again, 220,000 more,
# and activity_dirty's rows a third time (tests/cli/check_identity.rs builds the same file).
# Made with the binary of commit a0edd2f, which read a CSV table whole.
T=$(mktemp -d)
BIN=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
cp -r tests/fixtures/bad/activity_dirty "$T/b"
awk 'NR==1{print;next}{a[++n]=$0}END{for(b=0;b<3;b++){for(i=1;i<=n;i++)print a[i];if(b<2)for(k=0;k<220000;k++)printf "%d,A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0\n",100000+k+b*220000}}' \
  tests/fixtures/bad/activity_dirty/activity.csv > "$T/b/activity.csv"
(cd "$T" && "$BIN" check b --format json) > "$OUT/check-activity_dirty-chunks.json" || true
rm -r "$T"
