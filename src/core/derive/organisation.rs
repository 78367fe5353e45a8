//! Where IM is organised (report Abb. 9): the "via the district office vs not" comparison
//! (issue 13, point 3), which tests the report's organisational finding against outcomes.

use super::{Exclusion, Measures, UnitMeasure, treated_state_districts};
use crate::core::bundle::{Bundle, Municipality, Organisation};
use std::collections::HashMap;

impl Organisation {
    /// Run by the district office itself or by an external provider it commissioned: the
    /// report's "via the district office" (65% of funded municipalities, Abb. 9).
    pub fn via_district_office(self) -> bool {
        matches!(
            self,
            Organisation::DistrictOffice | Organisation::ExternalDistrict
        )
    }
}

/// The municipalities that have an IM to organise: funded ones (the unfunded have no IM and
/// no organisation, as in Abb. 9's N = 1,078).
fn with_im(m: &Municipality) -> bool {
    m.funded
}

/// Share (0–1) of a BW district's funded municipalities with an organisation answer whose IM
/// runs via the district office. Funded municipalities without an answer are left out of
/// numerator and denominator; a district with no answered funded municipality is excluded.
pub fn district_office_shares(bundle: &Bundle) -> Measures {
    // (answered, via the district office, funded without an answer) per district.
    let mut counts: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for m in bundle.municipalities.iter().filter(|m| with_im(m)) {
        let c = counts.entry(m.district_id.as_str()).or_default();
        match m.organisation {
            Some(o) => {
                c.0 += 1;
                c.1 += usize::from(o.via_district_office());
            }
            None => c.2 += 1,
        }
    }
    let mut out = Measures::default();
    for d in treated_state_districts(bundle) {
        let reason = match counts.get(d.district_id.as_str()) {
            Some(&(answered, via, _)) if answered > 0 => {
                out.values.push(UnitMeasure {
                    unit_id: d.district_id.clone(),
                    name: d.name.clone(),
                    value: via as f64 / answered as f64,
                });
                continue;
            }
            Some(&(_, _, unanswered)) => format!(
                "no organisation of IM (municipalities.organisation) for any of its {unanswered} funded municipalities"
            ),
            None => "no funded municipality, so no IM to organise".to_string(),
        };
        out.excluded.push(Exclusion {
            unit: d.district_id.clone(),
            reason,
        });
    }
    out
}

/// Whether each funded municipality's IM runs via the district office; the unfunded and those
/// without an organisation answer are excluded, with the reason.
pub fn municipality_via_district_office(bundle: &Bundle) -> (Vec<(String, bool)>, Vec<Exclusion>) {
    let mut via = Vec::new();
    let mut excluded = Vec::new();
    for m in &bundle.municipalities {
        let reason = match (with_im(m), m.organisation) {
            (true, Some(o)) => {
                via.push((m.municipality_id.clone(), o.via_district_office()));
                continue;
            }
            (true, None) => "no organisation of IM (municipalities.organisation is empty)",
            (false, _) => "not funded, so no IM to organise",
        };
        excluded.push(Exclusion {
            unit: m.municipality_id.clone(),
            reason: reason.to_string(),
        });
    }
    (via, excluded)
}
