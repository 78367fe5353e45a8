//! `wirkung power`: what a comparison could have detected, and how many units a pilot would
//! need to detect a given effect, at district and at municipality level, from the spread of the
//! outcome change in the data (the report recommends randomised local pilots).

use super::common::{CliError, CliResult, choices, emit, open};
use crate::core::bundle::{Bundle, Level};
use crate::core::derive::{self, Comparison, ControlSelection, Outcome};
use crate::core::estimate::power::{
    ALPHA, DESIGN_WHAT_IT_TESTS, DesignPower, DesignUnit, POWER, design_power,
};
use crate::core::report::to_json;
use crate::core::view::format::count;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PowerArgs {
    pub bundle: PathBuf,
    #[arg(long, value_enum)]
    pub outcome: Outcome,
    #[arg(long, value_enum)]
    pub comparison: Comparison,
    /// The effect a pilot should detect, in percentage points (e.g. 1.5).
    #[arg(long, allow_negative_numbers = true)]
    pub effect: Option<f64>,
    /// Give every unit the same weight (default: the estimation weights).
    #[arg(long)]
    pub unweighted: bool,
    /// Early-start cutoff (default: the bundle's rule); it decides the early-start groups.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = PowerFormat::Text)]
    pub format: PowerFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PowerFormat {
    Text,
    Json,
}

/// The answer at one level: the design power, or why the level has none.
#[derive(Debug, Serialize)]
struct LevelPower {
    level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    design: Option<DesignPower>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_available: Option<String>,
}

#[derive(Debug, Serialize)]
struct PowerReport {
    outcome: Outcome,
    comparison: Comparison,
    weighted: bool,
    alpha: f64,
    power: f64,
    effect: Option<f64>,
    what_it_tests: &'static str,
    levels: Vec<LevelPower>,
}

pub fn run(args: PowerArgs) -> CliResult {
    if let Some(e) = args.effect
        && !(e.is_finite() && e != 0.0)
    {
        return Err(CliError::usage(format!(
            "--effect must be a non-zero number of percentage points; got {e}"
        )));
    }
    let bundle = open(&args.bundle)?;
    let levels = [Level::District, Level::Municipality]
        .into_iter()
        .map(|level| level_power(&bundle, &args, level))
        .collect::<Result<Vec<_>, CliError>>()?;
    if levels.iter().all(|l| l.design.is_none()) {
        let reasons: Vec<String> = levels
            .iter()
            .filter_map(|l| Some(format!("{}: {}", l.level, l.not_available.as_ref()?)))
            .collect();
        return Err(CliError::failure(format!(
            "no level supports a power calculation for {} with {}: {}",
            args.outcome,
            args.comparison,
            reasons.join("; ")
        )));
    }
    let report = PowerReport {
        outcome: args.outcome,
        comparison: args.comparison,
        weighted: !args.unweighted,
        alpha: ALPHA,
        power: POWER,
        effect: args.effect,
        what_it_tests: DESIGN_WHAT_IT_TESTS,
        levels,
    };
    emit(&match args.format {
        PowerFormat::Text => text(&report),
        PowerFormat::Json => to_json(&report) + "\n",
    })
}

/// The design power at `level`; a level the data cannot support is a reason, not an error.
fn level_power(bundle: &Bundle, args: &PowerArgs, level: Level) -> Result<LevelPower, CliError> {
    let unavailable = |reason: String| LevelPower {
        level,
        design: None,
        not_available: Some(reason),
    };
    if let Err(e) = derive::check_supported(args.outcome, args.comparison, level) {
        return Ok(unavailable(e.to_string()));
    }
    let choices = choices(
        bundle,
        (args.outcome, args.comparison, level),
        &ControlSelection::None,
        args.cutoff,
    )?;
    let panel = match derive::panel(bundle, &choices.spec(bundle)) {
        Ok(p) => p,
        Err(e) => return Ok(unavailable(e.to_string())),
    };
    let units = DesignUnit::from_panel(&panel, !args.unweighted);
    Ok(match design_power(&units, args.effect, ALPHA, POWER) {
        Ok(design) => LevelPower {
            level,
            design: Some(design),
            not_available: None,
        },
        Err(e) => unavailable(e.to_string()),
    })
}

fn text(r: &PowerReport) -> String {
    let mut out = String::new();
    let (treated, control) = r.comparison.group_labels();
    let _ = writeln!(
        out,
        "Power: {} – {} ({treated} vs {control})",
        r.outcome.label(),
        r.comparison.label()
    );
    let _ = writeln!(
        out,
        "Two-sample t test on the outcome change (pooled variance), {:.0}% two-sided, {:.0}% power; \
         spread of the change around the group means from the data ({}).",
        r.alpha * 100.0,
        r.power * 100.0,
        if r.weighted { "weighted" } else { "unweighted" }
    );
    for l in &r.levels {
        let _ = writeln!(out);
        let level = match l.level {
            Level::District => "Districts",
            Level::Municipality => "Municipalities",
        };
        let Some(d) = &l.design else {
            let _ = writeln!(
                out,
                "{level}: not available: {}",
                l.not_available.as_deref().unwrap_or("")
            );
            continue;
        };
        let _ = writeln!(
            out,
            "{level}: {} units ({} treated, {} control), residual SD {:.2} pp",
            count(d.units),
            count(d.treated),
            count(d.control),
            d.residual_sd
        );
        let _ = writeln!(
            out,
            "  smallest effect these units detect with {:.0}% power: {:.2} pp",
            d.power * 100.0,
            d.mde_current
        );
        if let (Some(e), Some(n)) = (d.effect, &d.units_needed) {
            let _ = writeln!(
                out,
                "  to detect {e} pp: {} units ({} treated, {} control, at the current treated share of {:.0}%)",
                count(n.total),
                count(n.treated),
                count(n.control),
                d.treated_share * 100.0
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Controls are not used: a pilot's power rests on the raw spread of the change, so this is \
         conservative where controls explain part of it."
    );
    out
}
