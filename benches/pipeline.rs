//! The path from disk to every published table: load + validate the shipped sample, then
//! derive every supported panel (all outcomes, comparisons and levels, all controls) and
//! estimate each. This is what `wirkung` does before the first frame and what a script
//! reproducing the report's Tab. 11–18 runs.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, estimate_did};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");

/// Every combination `check_supported` accepts.
fn supported_specs(bundle: &Bundle) -> Vec<PanelSpec> {
    let mut specs = Vec::new();
    for &outcome in Outcome::ALL {
        for &comparison in Comparison::ALL {
            for level in [Level::District, Level::Municipality] {
                if derive::check_supported(outcome, comparison, level).is_ok() {
                    specs.push(PanelSpec {
                        outcome,
                        comparison,
                        level,
                        controls: ControlSelection::All,
                        rules: bundle.manifest.rules.clone(),
                    });
                }
            }
        }
    }
    specs
}

fn derive_and_estimate_all(bundle: &Bundle, specs: &[PanelSpec]) -> usize {
    specs
        .iter()
        .filter_map(|spec| derive::panel(bundle, spec).ok())
        .filter_map(|panel| estimate_did(&panel, EstimateOptions::default()).ok())
        .count()
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(SAMPLE);
    let bundle = bundle::load(dir).expect("the shipped sample loads");
    let specs = supported_specs(&bundle);
    assert_eq!(
        derive_and_estimate_all(&bundle, &specs),
        specs.len(),
        "every supported panel of the sample estimates"
    );

    let mut group = c.benchmark_group("pipeline");
    group.sample_size(20);
    group.bench_function("load_validate_sample", |b| {
        b.iter(|| bundle::load(black_box(dir)).expect("loads"))
    });
    group.bench_function("derive_estimate_all_panels", |b| {
        b.iter(|| derive_and_estimate_all(black_box(&bundle), &specs))
    });
    group.bench_function("load_validate_derive_estimate_all", |b| {
        b.iter(|| {
            let bundle = bundle::load(black_box(dir)).expect("loads");
            derive_and_estimate_all(&bundle, &specs)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
