//! Share of target persons in decentralised housing, municipality and district (Tab. 17/18).

use super::treated_state_districts;
use crate::core::bundle::{Bundle, Rules, TargetGroup};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// A unit's housing outcome: shares at the two waves (%) and the estimation weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HousingOutcome {
    pub base_pct: f64,
    pub end_pct: f64,
    /// Target persons at the base wave (municipality) or D (district).
    pub weight: f64,
}

/// Why a municipality or district has no housing outcome (the panel lists the unit as
/// excluded with this sentence, which names the survey column that is missing).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoHousingOutcome {
    #[error("no survey row for wave {wave}")]
    NoSurveyRow { wave: NaiveDate },
    #[error("no target persons in wave {wave}")]
    NoTargetPersons { wave: NaiveDate },
    #[error("target_persons missing in wave {wave}")]
    TargetPersonsMissing { wave: NaiveDate },
    #[error("housing_decentral missing in wave {wave}")]
    DecentralMissing { wave: NaiveDate },
    /// D, the district's target persons at the base wave, is missing or zero.
    #[error("no target persons reported for {wave}")]
    NoDistrictWeight { wave: NaiveDate },
    #[error("no funded municipality")]
    NoFundedMunicipality,
    #[error(
        "{missing} of {members} funded municipalities lack a housing wave (more than {allowed_pct}% allowed)"
    )]
    TooManyMissingWaves {
        missing: usize,
        members: usize,
        allowed_pct: f64,
    },
    #[error("no funded municipality has both housing waves")]
    NoCompleteMunicipality,
}

/// One municipality's usable wave: target persons and of them in decentralised housing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wave {
    pub target_persons: i64,
    pub decentral: i64,
}

impl Wave {
    /// housing_decentral / target_persons × 100.
    pub fn share_pct(self) -> f64 {
        self.decentral as f64 * 100.0 / self.target_persons as f64
    }
}

/// The survey rows by (municipality, wave); the first row counts for a duplicated key.
fn survey_rows(bundle: &Bundle) -> HashMap<(&str, NaiveDate), &TargetGroup> {
    let mut rows = HashMap::new();
    for r in &bundle.target_group {
        rows.entry((r.municipality_id.as_str(), r.wave))
            .or_insert(r);
    }
    rows
}

/// A wave is present when its row exists with target_persons > 0 and housing_decentral not
/// missing (bundle-format.md, "Housing, municipality"); otherwise the reason in words.
fn wave(
    rows: &HashMap<(&str, NaiveDate), &TargetGroup>,
    municipality: &str,
    date: NaiveDate,
) -> Result<Wave, NoHousingOutcome> {
    let row = rows
        .get(&(municipality, date))
        .ok_or(NoHousingOutcome::NoSurveyRow { wave: date })?;
    let target_persons = match row.target_persons {
        Some(t) if t > 0 => t,
        Some(_) => return Err(NoHousingOutcome::NoTargetPersons { wave: date }),
        None => return Err(NoHousingOutcome::TargetPersonsMissing { wave: date }),
    };
    let decentral = row
        .housing_decentral
        .ok_or(NoHousingOutcome::DecentralMissing { wave: date })?;
    Ok(Wave {
        target_persons,
        decentral,
    })
}

/// Decentralised-housing share (%) of every municipality with a usable row for `wave_date`.
pub fn municipality_shares(bundle: &Bundle, wave_date: NaiveDate) -> BTreeMap<String, f64> {
    let rows = survey_rows(bundle);
    bundle
        .municipalities
        .iter()
        .filter_map(|m| {
            let w = wave(&rows, &m.municipality_id, wave_date).ok()?;
            Some((m.municipality_id.clone(), w.share_pct()))
        })
        .collect()
}

/// Housing outcome of every municipality: share at `housing_end` − share at `housing_base`,
/// weight = target persons at `housing_base`.
pub fn municipality_housing(
    bundle: &Bundle,
) -> BTreeMap<String, Result<HousingOutcome, NoHousingOutcome>> {
    let rows = survey_rows(bundle);
    let (base, end) = (
        bundle.manifest.periods.housing_base,
        bundle.manifest.periods.housing_end,
    );
    bundle
        .municipalities
        .iter()
        .map(|m| {
            let id = m.municipality_id.as_str();
            let outcome = wave(&rows, id, base).and_then(|b| {
                let e = wave(&rows, id, end)?;
                Ok(HousingOutcome {
                    base_pct: b.share_pct(),
                    end_pct: e.share_pct(),
                    weight: b.target_persons as f64,
                })
            });
            (m.municipality_id.clone(), outcome)
        })
        .collect()
}

/// D per district: the sum of `target_persons` at `housing_base` over the district's
/// municipalities that report it (bundle-format.md, "Capacity change"); absent when none does.
pub fn district_target_persons(bundle: &Bundle) -> BTreeMap<String, f64> {
    let base = bundle.manifest.periods.housing_base;
    let rows = survey_rows(bundle);
    let mut d: BTreeMap<String, f64> = BTreeMap::new();
    for m in &bundle.municipalities {
        if let Some(Some(t)) = rows
            .get(&(m.municipality_id.as_str(), base))
            .map(|r| r.target_persons)
        {
            *d.entry(m.district_id.clone()).or_insert(0.0) += t as f64;
        }
    }
    d
}

/// Housing outcome of every BW district, pooled over its funded municipalities with both
/// waves; kept when at most `housing_max_missing` of them lack a wave (exactly 40% is kept).
pub fn district_housing(
    bundle: &Bundle,
    rules: &Rules,
) -> BTreeMap<String, Result<HousingOutcome, NoHousingOutcome>> {
    let rows = survey_rows(bundle);
    let (base, end) = (
        bundle.manifest.periods.housing_base,
        bundle.manifest.periods.housing_end,
    );
    let weights = district_target_persons(bundle);
    let mut funded: HashMap<&str, Vec<&str>> = HashMap::new();
    for m in bundle.municipalities.iter().filter(|m| m.funded) {
        funded
            .entry(m.district_id.as_str())
            .or_default()
            .push(m.municipality_id.as_str());
    }
    treated_state_districts(bundle)
        .map(|d| {
            let id = d.district_id.as_str();
            let members = funded.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let outcome =
                pool(&rows, members, base, end, rules.housing_max_missing).and_then(|(b, e)| {
                    let weight = weights
                        .get(id)
                        .copied()
                        .filter(|w| *w > 0.0)
                        .ok_or(NoHousingOutcome::NoDistrictWeight { wave: base })?;
                    Ok(HousingOutcome {
                        base_pct: b,
                        end_pct: e,
                        weight,
                    })
                });
            (d.district_id.clone(), outcome)
        })
        .collect()
}

/// Pooled shares (base, end) over the municipalities with both waves, or why the district is
/// not aggregated.
fn pool(
    rows: &HashMap<(&str, NaiveDate), &TargetGroup>,
    members: &[&str],
    base: NaiveDate,
    end: NaiveDate,
    max_missing: f64,
) -> Result<(f64, f64), NoHousingOutcome> {
    if members.is_empty() {
        return Err(NoHousingOutcome::NoFundedMunicipality);
    }
    let complete: Vec<(Wave, Wave)> = members
        .iter()
        .filter_map(|m| Some((wave(rows, m, base).ok()?, wave(rows, m, end).ok()?)))
        .collect();
    let missing = members.len() - complete.len();
    // "at most" with a tolerance, so that 2 of 5 against 0.4 is kept whatever the rounding.
    if missing as f64 > max_missing * members.len() as f64 + 1e-9 {
        return Err(NoHousingOutcome::TooManyMissingWaves {
            missing,
            members: members.len(),
            allowed_pct: max_missing * 100.0,
        });
    }
    if complete.is_empty() {
        return Err(NoHousingOutcome::NoCompleteMunicipality);
    }
    let pooled = |pick: fn(&(Wave, Wave)) -> Wave| {
        let (dec, tp) = complete.iter().map(pick).fold((0i64, 0i64), |(d, t), w| {
            (d + w.decentral, t + w.target_persons)
        });
        dec as f64 * 100.0 / tp as f64
    };
    Ok((pooled(|p| p.0), pooled(|p| p.1)))
}
