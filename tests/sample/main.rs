//! The shipped synthetic sample: the generator is deterministic and the real pipeline
//! reproduces the published figures from it.
//!
//! One test binary for these modules (each was its own file under tests/ before): every
//! integration-test binary links the library and polars, so fewer binaries link faster.

mod sample_embedded;
mod sample_exhibits;
mod sample_generate;
mod sample_programme;
mod sample_report;
mod sample_rules;
