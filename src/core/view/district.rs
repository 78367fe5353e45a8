//! One district in detail (Enter on a district in the dashboard, `wirkung district`): its
//! employment series against its group's, its start date, its municipalities, staffing before
//! and after, talk shares, and every place it is left out of and why. Built from the bundle and
//! the choices alone, so the overlay and the command print the same thing.

use crate::core::bundle::{Bundle, Level, Topic};
use crate::core::choices::{Choices, trend_outcome};
use crate::core::derive::employment::{Employed, EmploymentData};
use crate::core::derive::panel::assign_groups;
use crate::core::derive::start::{district_starts, municipality_start_months};
use crate::core::derive::trends::Group;
use crate::core::derive::{
    self, Comparison, ControlSelection, Measures, Outcome, PanelSpec, TREATED_STATE, capacity,
    topics,
};
use crate::core::period::Month;
use crate::core::view::format;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// The district's place in the current comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Membership {
    /// In a group: `group` is the report's name for it (`Early start`).
    Treated {
        group: String,
    },
    Control {
        group: String,
    },
    /// One of the comparison's units, but without a group.
    Excluded {
        reason: String,
    },
    /// Not a unit of the comparison at all (a neighbouring state's district within BW).
    NotAUnit {
        reason: String,
    },
}

/// One municipality of the district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalityRow {
    pub municipality_id: String,
    pub name: String,
    pub funded: bool,
    /// Its start month by the bundle's start rule, if it has grants.
    pub start_month: Option<Month>,
    pub fte_before: Option<f64>,
    pub fte_after: Option<f64>,
}

/// The district's staffing: FTE summed over its funded municipalities that report both
/// counts, and its capacity change (Abb. 43) or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingSummary {
    pub funded: usize,
    /// Funded municipalities reporting both `fte_before` and `fte_after`.
    pub reporting_both: usize,
    pub fte_before: f64,
    pub fte_after: f64,
    /// FTE change per 100 target persons by the bundle's capacity rules.
    pub capacity_change: Option<f64>,
    pub capacity_excluded: Option<String>,
}

/// One topic's share of the district's talks, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TalkShare {
    pub topic: &'static str,
    /// Share 0–1 of all talks on or before `topics_until`.
    pub share: Option<f64>,
    pub excluded: Option<String>,
}

/// Everything the detail shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictView {
    pub district_id: String,
    /// The label every page uses (with the type where names repeat).
    pub name: String,
    pub state: String,
    pub region: Option<String>,
    /// `Stadtkreis`, `Landkreis`, `kreisfreie Stadt`.
    pub kind: &'static str,
    pub comparison: Comparison,
    /// The outcome of the series (employment also when housing is chosen, as on Trends).
    pub outcome: Outcome,
    pub cutoff: NaiveDate,
    pub start: Option<NaiveDate>,
    /// Started on or before the cutoff.
    pub early: Option<bool>,
    pub membership: Membership,
    /// Why the district is not in the estimate's panel (district level, the chosen controls),
    /// when it is a unit with a group but was dropped.
    pub dropped_from_estimate: Option<String>,
    /// The district's monthly rate (%), and its group's.
    pub series: Vec<(Month, f64)>,
    pub group_series: Vec<(Month, f64)>,
    pub group_legend: Option<String>,
    pub municipalities: Vec<MunicipalityRow>,
    pub staffing: Option<StaffingSummary>,
    pub talks: Vec<TalkShare>,
    pub topics_until: NaiveDate,
}

/// Why `wirkung district` found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistrictLookupError {
    #[error(
        "no district '{0}': give a district_id of the districts table (e.g. 08111) or a district's name as the dashboard shows it"
    )]
    Unknown(String),
    #[error("'{0}' names several districts ({1}); give the district_id")]
    Ambiguous(String, String),
}

/// The district `key` names: its id, else its label or plain name (case-insensitive).
pub fn find_district<'a>(bundle: &'a Bundle, key: &str) -> Result<&'a str, DistrictLookupError> {
    if let Some(d) = bundle.districts.iter().find(|d| d.district_id == key) {
        return Ok(&d.district_id);
    }
    let wanted = key.trim().to_lowercase();
    let exact: Vec<_> = bundle
        .districts
        .iter()
        .filter(|d| d.name.to_lowercase() == wanted)
        .collect();
    if let [d] = exact.as_slice() {
        return Ok(&d.district_id);
    }
    // "Karlsruhe" alone names two districts once they are labelled by type.
    let stem: Vec<_> = bundle
        .districts
        .iter()
        .filter(|d| {
            d.name
                .to_lowercase()
                .strip_prefix(&wanted)
                .is_some_and(|rest| rest.starts_with(" ("))
        })
        .collect();
    match stem.as_slice() {
        [] => Err(DistrictLookupError::Unknown(key.to_string())),
        [d] => Ok(&d.district_id),
        many => Err(DistrictLookupError::Ambiguous(
            key.to_string(),
            many.iter()
                .map(|d| format!("{} {}", d.district_id, d.name))
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

fn district_kind(urban: bool, state: &str) -> &'static str {
    match (urban, state) {
        (true, "BW") => "Stadtkreis",
        (true, _) => "kreisfreie Stadt",
        (false, _) => "Landkreis",
    }
}

/// The unit's value of a measure, or why it has none.
fn measure_of(m: &Measures, id: &str) -> (Option<f64>, Option<String>) {
    match m.values.iter().find(|v| v.unit_id == id) {
        Some(v) => (Some(v.value), None),
        None => (
            None,
            m.excluded
                .iter()
                .find(|e| e.unit == id)
                .map(|e| e.reason.clone()),
        ),
    }
}

impl DistrictView {
    /// The detail of district `district_id` under `choices`; `None` for an unknown id.
    pub fn build(bundle: &Bundle, choices: &Choices, district_id: &str) -> Option<DistrictView> {
        let d = bundle
            .districts
            .iter()
            .find(|d| d.district_id == district_id)?;
        let rules = choices.rules(bundle);
        let in_programme = d.state == TREATED_STATE;
        let start = district_starts(bundle, &rules)
            .into_iter()
            .find(|s| s.district_id == district_id);
        let outcome = trend_outcome(choices.outcome);

        let membership = match assign_groups(bundle, choices.comparison, Level::District, &rules) {
            Err(e) => Membership::Excluded {
                reason: e.to_string(),
            },
            Ok(groups) => {
                let (treated_name, control_name) = choices.comparison.group_labels();
                if let Some(a) = groups.assigned.get(district_id) {
                    if a.treated {
                        Membership::Treated {
                            group: treated_name.to_string(),
                        }
                    } else {
                        Membership::Control {
                            group: control_name.to_string(),
                        }
                    }
                } else if let Some(e) = groups.excluded.iter().find(|e| e.unit == district_id) {
                    Membership::Excluded {
                        reason: e.reason.clone(),
                    }
                } else {
                    Membership::NotAUnit {
                        reason: format!(
                            "only districts of {TREATED_STATE} are units of the {} comparison",
                            choices.comparison.id()
                        ),
                    }
                }
            }
        };
        let in_group = matches!(
            membership,
            Membership::Treated { .. } | Membership::Control { .. }
        );

        // The estimate's panel at district level with the chosen controls: a unit with a group
        // can still be dropped (no outcome, a missing control value).
        let dropped_from_estimate = if in_group {
            let spec = PanelSpec {
                level: Level::District,
                controls: match choices.level {
                    Level::District => choices.control_selection(bundle),
                    // Municipality controls do not apply to a district's row.
                    Level::Municipality => ControlSelection::All,
                },
                ..choices.spec(bundle)
            };
            match derive::panel(bundle, &spec) {
                Ok(p) => p
                    .excluded
                    .iter()
                    .find(|e| e.unit == district_id)
                    .map(|e| e.reason.clone()),
                Err(e) => Some(e.to_string()),
            }
        } else {
            None
        };

        let series: Vec<(Month, f64)> = Employed::for_outcome(outcome)
            .map(|which| {
                EmploymentData::new(bundle)
                    .district_series(district_id, which)
                    .into_iter()
                    .map(|(m, r)| (m, r.rate_pct))
                    .collect()
            })
            .unwrap_or_default();
        let (group_series, group_legend) = match &membership {
            Membership::Treated { group } | Membership::Control { group } => {
                let which = if matches!(membership, Membership::Treated { .. }) {
                    Group::Treated
                } else {
                    Group::Control
                };
                let spec = PanelSpec {
                    outcome,
                    comparison: choices.comparison,
                    level: Level::District,
                    controls: ControlSelection::None,
                    rules: rules.clone(),
                };
                match derive::trends(bundle, &spec) {
                    Ok(t) => (
                        t.points
                            .iter()
                            .filter(|p| p.group == which)
                            .map(|p| (p.month, p.rate))
                            .collect(),
                        Some(format!("{group} (its group)")),
                    ),
                    Err(_) => (Vec::new(), None),
                }
            }
            _ => (Vec::new(), None),
        };

        let start_months = municipality_start_months(bundle, &rules);
        let staffing_of: BTreeMap<&str, &crate::core::bundle::Staffing> = bundle
            .staffing
            .iter()
            .rev()
            .map(|s| (s.municipality_id.as_str(), s))
            .collect();
        let mut municipalities: Vec<MunicipalityRow> = bundle
            .municipalities
            .iter()
            .filter(|m| m.district_id == district_id)
            .map(|m| {
                let s = staffing_of.get(m.municipality_id.as_str());
                MunicipalityRow {
                    municipality_id: m.municipality_id.clone(),
                    name: m.name.clone(),
                    funded: m.funded,
                    start_month: start_months.get(&m.municipality_id).copied(),
                    fte_before: s.and_then(|s| s.fte_before),
                    fte_after: s.and_then(|s| s.fte_after),
                }
            })
            .collect();
        municipalities.sort_by(|a, b| a.municipality_id.cmp(&b.municipality_id));

        let staffing = in_programme.then(|| {
            let funded: Vec<&MunicipalityRow> =
                municipalities.iter().filter(|m| m.funded).collect();
            let both: Vec<(f64, f64)> = funded
                .iter()
                .filter_map(|m| Some((m.fte_before?, m.fte_after?)))
                .collect();
            let (capacity_change, capacity_excluded) =
                measure_of(&capacity::district_capacity_change(bundle), district_id);
            StaffingSummary {
                funded: funded.len(),
                reporting_both: both.len(),
                fte_before: both.iter().map(|b| b.0).sum(),
                fte_after: both.iter().map(|b| b.1).sum(),
                capacity_change,
                capacity_excluded,
            }
        });
        let talks = if in_programme {
            [Topic::Labour, Topic::Housing]
                .into_iter()
                .map(|topic| {
                    let (share, excluded) =
                        measure_of(&topics::district_topic_shares(bundle, topic), district_id);
                    TalkShare {
                        topic: topic.label(),
                        share,
                        excluded,
                    }
                })
                .collect()
        } else {
            Vec::new()
        };

        Some(DistrictView {
            district_id: d.district_id.clone(),
            name: d.name.clone(),
            state: d.state.clone(),
            region: d.region.clone(),
            kind: district_kind(d.urban, &d.state),
            comparison: choices.comparison,
            outcome,
            cutoff: choices.cutoff,
            start: start.as_ref().map(|s| s.start),
            early: start.as_ref().map(|s| s.early),
            membership,
            dropped_from_estimate,
            series,
            group_series,
            group_legend,
            municipalities,
            staffing,
            talks,
            topics_until: bundle.manifest.periods.topics_until,
        })
    }

    /// `Karlsruhe (Stadtkreis) · 08212 · BW, Karlsruhe`.
    pub fn title(&self) -> String {
        let region = self
            .region
            .as_ref()
            .map(|r| format!(", {r}"))
            .unwrap_or_default();
        format!(
            "{} · {} · {} {}{region}",
            self.name, self.district_id, self.kind, self.state
        )
    }

    /// The start date and its side of the cutoff, in words.
    pub fn start_line(&self) -> String {
        match (self.start, self.early) {
            (Some(s), Some(true)) => {
                format!("Start {s}: early (on or before the cutoff {})", self.cutoff)
            }
            (Some(s), _) => format!("Start {s}: late (after the cutoff {})", self.cutoff),
            (None, _) if self.state != TREATED_STATE => {
                "Start: none (no integration management outside BW)".into()
            }
            (None, _) => "Start: none (no grant issued by the start rule's date)".into(),
        }
    }

    /// Its group in the comparison, or why it has none.
    pub fn membership_line(&self) -> String {
        let c = self.comparison.id();
        match &self.membership {
            Membership::Treated { group } => format!("{c}: treated ({group})"),
            Membership::Control { group } => format!("{c}: control ({group})"),
            Membership::Excluded { reason } => format!("{c}: excluded, {reason}"),
            Membership::NotAUnit { reason } => format!("{c}: not a unit, {reason}"),
        }
    }

    /// Whether it is in the estimate, or why not.
    pub fn estimate_line(&self) -> Option<String> {
        match (&self.membership, &self.dropped_from_estimate) {
            (Membership::Treated { .. } | Membership::Control { .. }, None) => Some(format!(
                "In the estimate's panel ({}, district level)",
                self.outcome_of_estimate()
            )),
            (_, Some(reason)) => Some(format!("Dropped from the estimate: {reason}")),
            _ => None,
        }
    }

    fn outcome_of_estimate(&self) -> &'static str {
        self.outcome.id()
    }

    /// Staffing before and after, and the capacity change or why it has none.
    pub fn staffing_line(&self) -> String {
        let Some(s) = &self.staffing else {
            return "Staffing: none (no integration management outside BW)".into();
        };
        let capacity = match (s.capacity_change, &s.capacity_excluded) {
            (Some(v), _) => format!(
                "capacity change {} FTE per 100 target persons",
                format::signed(v, 2)
            ),
            (None, Some(why)) => format!("no capacity change: {why}"),
            (None, None) => "no capacity change".into(),
        };
        if s.reporting_both == 0 {
            return format!(
                "Staffing: no funded municipality reports FTE before and after ({} funded); {capacity}",
                s.funded
            );
        }
        format!(
            "Staffing: {} FTE before, {} after ({} of {} funded municipalities report both); {capacity}",
            format::fixed(s.fte_before, 2),
            format::fixed(s.fte_after, 2),
            s.reporting_both,
            s.funded
        )
    }

    /// Labour-market and housing talk shares, or why there are none.
    pub fn talks_line(&self) -> String {
        if self.talks.is_empty() {
            return "Talks: none (no integration management outside BW)".into();
        }
        let parts: Vec<String> = self
            .talks
            .iter()
            .map(|t| match (t.share, &t.excluded) {
                (Some(s), _) => format!("{} {}", t.topic, format::share_percent(s)),
                (None, Some(why)) => format!("{}: {why}", t.topic),
                (None, None) => format!("{}: none", t.topic),
            })
            .collect();
        format!(
            "Talk shares (until {}): {}",
            self.topics_until,
            parts.join(", ")
        )
    }

    /// `12 municipalities, 9 funded`.
    pub fn municipalities_heading(&self) -> String {
        let funded = self.municipalities.iter().filter(|m| m.funded).count();
        format!(
            "{} municipalities, {} funded",
            format::count(self.municipalities.len()),
            format::count(funded)
        )
    }

    /// One municipality as a line: `08111000 Stuttgart  funded, start 2017-09, FTE 3.00 → 5.50`.
    pub fn municipality_line(m: &MunicipalityRow) -> String {
        let mut parts = vec![if m.funded { "funded" } else { "not funded" }.to_string()];
        if let Some(s) = m.start_month {
            parts.push(format!("start {s}"));
        }
        let fte = |v: Option<f64>| v.map(|v| format::fixed(v, 2)).unwrap_or_else(|| "–".into());
        if m.fte_before.is_some() || m.fte_after.is_some() {
            parts.push(format!("FTE {} → {}", fte(m.fte_before), fte(m.fte_after)));
        }
        format!("{} {}: {}", m.municipality_id, m.name, parts.join(", "))
    }

    /// The series' last month with both the district and its group, for a one-line summary.
    pub fn latest(&self) -> Option<(Month, f64, Option<f64>)> {
        let (m, v) = *self.series.last()?;
        let g = self
            .group_series
            .iter()
            .find(|(gm, _)| *gm == m)
            .map(|p| p.1);
        Some((m, v, g))
    }

    /// The series heading: `Employment rate (SV + marginal), %: 2019-12 34.1 (group 31.0)`.
    pub fn series_line(&self) -> String {
        match self.latest() {
            Some((m, v, g)) => {
                let group = g
                    .map(|g| format!(", its group {}", format::fixed(g, 1)))
                    .unwrap_or_default();
                format!(
                    "{}: {m} {}{group}",
                    self.outcome.label(),
                    format::fixed(v, 1)
                )
            }
            None => format!(
                "{}: no monthly rate for this district",
                self.outcome.label()
            ),
        }
    }

    /// The whole detail as text (`wirkung district --format text`).
    pub fn text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.title());
        out.push('\n');
        out.push_str(&format!(
            "Choices: comparison {}, outcome {}, cutoff {}\n\n",
            self.comparison.id(),
            self.outcome.id(),
            self.cutoff
        ));
        for line in [
            Some(self.start_line()),
            Some(self.membership_line()),
            self.estimate_line(),
            Some(self.staffing_line()),
            Some(self.talks_line()),
        ]
        .into_iter()
        .flatten()
        {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!("\n{}\n", self.series_line()));
        if !self.series.is_empty() {
            let legend = self.group_legend.as_deref().unwrap_or("its group");
            out.push_str(&format!("  month     district  {legend}\n"));
            let group: BTreeMap<Month, f64> = self.group_series.iter().copied().collect();
            for (m, v) in &self.series {
                let g = group
                    .get(m)
                    .map(|g| format::fixed(*g, 2))
                    .unwrap_or_else(|| "–".into());
                out.push_str(&format!("  {m}  {:>8}  {g:>8}\n", format::fixed(*v, 2)));
            }
        }
        out.push_str(&format!("\n{}\n", self.municipalities_heading()));
        for m in &self.municipalities {
            out.push_str("  ");
            out.push_str(&DistrictView::municipality_line(m));
            out.push('\n');
        }
        out
    }

    /// The detail as pretty-printed JSON (full precision).
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
