#!/bin/sh
# Regenerates the slide charts in assets/ from the shipped synthetic sample: one SVG per
# dashboard page (early vs late start where the page depends on the comparison) and PNGs of
# the trends and overview charts. Run from anywhere: scripts/assets.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin wirkung
wirkung=target/release/wirkung
sample=sample-data/bw-integration
# Exports never overwrite a file: the charts this script writes are removed first.
rm -f assets/*.svg assets/*.png
for page in overview start-times staffing topics trends estimate robustness implementation; do
    "$wirkung" export "$sample" --page "$page" --comparison early-start --format svg --out assets/
done
for page in trends overview; do
    "$wirkung" export "$sample" --page "$page" --comparison early-start --format png --out assets/
done
