#!/bin/sh
# Outputs of the release binary before the compact activity store (commit d157317), kept so
# that tests/cli/identity.rs can show that reading activity in a bounded pass changed no
# finding, row number or estimate. Regenerate only from a binary built at that commit:
#   git worktree add /tmp/before d157317 && (cd /tmp/before && cargo build --release)
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
