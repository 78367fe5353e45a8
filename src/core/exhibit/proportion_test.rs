//! The test behind the report's stars in Tab. 9 and Tab. 10: two shares of municipalities
//! compared with the two-proportion z test on the pooled share. Its z² is Pearson's χ² of the
//! 2×2 table without continuity correction (scipy `chi2_contingency(..., correction=False)`,
//! statsmodels `proportions_ztest`), so both readings give the same p-value.

use statrs::function::erf::erfc;

/// The result of comparing `hits_a / n_a` with `hits_b / n_b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionTest {
    /// (p_a − p_b) / √(p̂(1 − p̂)(1/n_a + 1/n_b)), p̂ the pooled share.
    pub z: f64,
    /// Two-sided p-value from the standard normal (= χ²(1) of z²).
    pub p_value: f64,
}

impl ProportionTest {
    /// `None` when a group is empty or the pooled share is 0 or 1 (no variation to test).
    pub fn compute(hits_a: usize, n_a: usize, hits_b: usize, n_b: usize) -> Option<ProportionTest> {
        if n_a == 0 || n_b == 0 {
            return None;
        }
        let (na, nb) = (n_a as f64, n_b as f64);
        let pooled = (hits_a + hits_b) as f64 / (na + nb);
        let var = pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb);
        if var <= 0.0 {
            return None;
        }
        let z = (hits_a as f64 / na - hits_b as f64 / nb) / var.sqrt();
        Some(ProportionTest {
            z,
            p_value: erfc(z.abs() / std::f64::consts::SQRT_2),
        })
    }

    /// The report's stars: * p < 0.10, ** p < 0.05, *** p < 0.01; empty above 0.10.
    pub fn stars(&self) -> &'static str {
        match self.p_value {
            p if p < 0.01 => "***",
            p if p < 0.05 => "**",
            p if p < 0.10 => "*",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_computed_table() {
        // 30/100 vs 20/100: pooled 0.25, SE √(0.25·0.75·0.02) = 0.061237, z = 1.63299;
        // scipy.stats.norm.sf(1.63299) · 2 = 0.1024704.
        let t = ProportionTest::compute(30, 100, 20, 100).unwrap();
        assert!((t.z - 1.632_993_161_855_452).abs() < 1e-12);
        assert!((t.p_value - 0.102_470_434_859_749_4).abs() < 1e-9);
        assert_eq!(t.stars(), "");
        // statsmodels proportions_ztest([30, 18], [100, 100]) and ([60, 20], [100, 100]).
        let t = ProportionTest::compute(30, 100, 18, 100).unwrap();
        assert!((t.z - 1.986_798_535_597_565_5).abs() < 1e-12);
        assert!((t.p_value - 0.046_944_726_978_481_836).abs() < 1e-9);
        assert_eq!(t.stars(), "**");
        let t = ProportionTest::compute(60, 100, 20, 100).unwrap();
        assert!((t.z - 5.773_502_691_896_257).abs() < 1e-12);
        assert!((t.p_value - 7.764_036_537_930_667e-9).abs() < 1e-15);
        assert_eq!(t.stars(), "***");
        assert!(ProportionTest::compute(0, 10, 0, 10).is_none());
        assert!(ProportionTest::compute(1, 0, 0, 10).is_none());
    }
}
