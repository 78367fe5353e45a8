//! Monthly employment rates with linearly interpolated denominators (bundle-format.md).
