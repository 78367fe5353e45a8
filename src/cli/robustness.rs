//! `wirkung robustness`: the checks of core::robust, printed as text, JSON or CSV.

use super::common::{derive_failure, emit, fail, open, spec};
use super::{EXIT_FAILURE, EXIT_USAGE};
use crate::core::period::Month;
use crate::core::robust::{self, BootstrapWeights, Check, Frequency, RobustError, RobustOptions};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct RobustnessArgs {
    pub bundle: PathBuf,
    /// event-study, placebo, ri, wild, loo, dose or staggered.
    #[arg(long)]
    pub check: String,
    #[command(flatten)]
    pub choices: super::ChoiceArgs,
    /// Draw budget of randomization inference and the wild bootstrap.
    #[arg(long, default_value_t = RobustOptions::default().draws)]
    pub draws: usize,
    #[arg(long, default_value_t = RobustOptions::default().seed)]
    pub seed: u64,
    /// Wild bootstrap multipliers: auto (webb below 12 clusters), rademacher or webb.
    #[arg(long, default_value = "auto")]
    pub weights: String,
    /// Placebo base month (YYYY-MM).
    #[arg(long, default_value_t = RobustOptions::default().placebo_base.to_string())]
    pub placebo_base: String,
    /// Placebo end month (YYYY-MM).
    #[arg(long, default_value_t = RobustOptions::default().placebo_end.to_string())]
    pub placebo_end: String,
    /// Event study in quarters instead of months.
    #[arg(long)]
    pub quarterly: bool,
    #[arg(long)]
    pub unweighted: bool,
    #[arg(long, value_enum, default_value_t = RobustFormat::Text)]
    pub format: RobustFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RobustFormat {
    Text,
    Json,
    Csv,
}

/// Upper bound of --draws: beyond it the Monte Carlo error is far below anything the data can
/// tell, and the wild bootstrap keeps all multipliers in memory.
const MAX_DRAWS: usize = 1_000_000;

fn month(s: &str, flag: &str) -> Result<Month, ExitCode> {
    s.parse::<Month>()
        .map_err(|e| fail(EXIT_USAGE, format!("--{flag} '{s}': {e}")))
}

fn options(args: &RobustnessArgs) -> Result<RobustOptions, ExitCode> {
    let bootstrap_weights: BootstrapWeights =
        args.weights.parse().map_err(|e| fail(EXIT_USAGE, e))?;
    if !(1..=MAX_DRAWS).contains(&args.draws) {
        return Err(fail(
            EXIT_USAGE,
            format!(
                "--draws must be between 1 and {MAX_DRAWS} (got {})",
                args.draws
            ),
        ));
    }
    Ok(RobustOptions {
        weighted: !args.unweighted,
        draws: args.draws,
        seed: args.seed,
        bootstrap_weights,
        placebo_base: month(&args.placebo_base, "placebo-base")?,
        placebo_end: month(&args.placebo_end, "placebo-end")?,
        frequency: if args.quarterly {
            Frequency::Quarterly
        } else {
            Frequency::Monthly
        },
        pretrend_frequency: RobustOptions::default().pretrend_frequency,
    })
}

pub fn run(args: RobustnessArgs) -> color_eyre::Result<ExitCode> {
    let check: Check = match args.check.parse() {
        Ok(c) => c,
        Err(e) => return Ok(fail(EXIT_USAGE, e)),
    };
    let choices = match args.choices.parse() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let options = match options(&args) {
        Ok(o) => o,
        Err(code) => return Ok(code),
    };
    let bundle = match open(&args.bundle) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let spec = spec(&bundle, choices);
    let output = match check {
        Check::EventStudy => robust::event_study(&bundle, &spec, &options).map(|r| render(&r, args.format, event_study_text(&r), event_study_csv(&r))),
        Check::Placebo => robust::placebo(&bundle, &spec, &options).map(|r| {
            let text = format!(
                "Placebo DiD {} -> {} (n = {}): {:.3} (HC1 SE {:.3}, p = {:.3})\nActual DiD: {:.3} (HC1 SE {:.3}, p = {:.3})\n",
                r.placebo_base, r.placebo_end, r.n, r.placebo.estimate, r.placebo.std_error, r.placebo.p_value,
                r.actual.estimate, r.actual.std_error, r.actual.p_value
            );
            let csv = format!(
                "which,base,end,n,estimate,std_error,p_value\nplacebo,{},{},{},{},{},{}\n",
                r.placebo_base, r.placebo_end, r.n, r.placebo.estimate, r.placebo.std_error, r.placebo.p_value
            );
            render(&r, args.format, text, csv)
        }),
        Check::Ri => robust::randomization_inference(&bundle, &spec, &options).map(|r| {
            let how = if r.exact {
                format!("all {} assignments enumerated", r.assignments)
            } else {
                format!("{} seeded draws (seed {}) of {} assignments", r.draws, r.seed, r.assignments)
            };
            let text = format!(
                "Randomization inference (n = {}, {} treated): estimate {:.3}, HC1 t {:.3}\npermutation p = {:.4} ({how}; {} at least as extreme)\n",
                r.n, r.treated_units, r.estimate, r.t, r.p_value, r.at_least_as_extreme
            );
            let csv = format!(
                "n,treated,estimate,t,p_value,exact,draws,at_least_as_extreme\n{},{},{},{},{},{},{},{}\n",
                r.n, r.treated_units, r.estimate, r.t, r.p_value, r.exact, r.draws, r.at_least_as_extreme
            );
            render(&r, args.format, text, csv)
        }),
        Check::Wild => robust::wild_bootstrap(&bundle, &spec, &options).map(|r| {
            let bound = |b: Option<f64>| b.map_or("unbounded".to_string(), |v| format!("{v:.3}"));
            let text = format!(
                "Wild cluster bootstrap (WCR, {:?} weights, {} draws{}), {} clusters by {}: {}\nestimate {:.3}, CR1 SE {:.3}, t {:.3}, p (t, G-1 df) = {:.4}\nbootstrap p = {:.4}, 95% interval by test inversion [{}, {}]\n",
                r.weights, r.draws, if r.enumerated { ", all sign vectors" } else { "" },
                r.clusters.len(), r.cluster_by, r.clusters.join(", "),
                r.estimate, r.std_error_cr1, r.t_cr1, r.p_value_cr1, r.p_value, bound(r.ci_low), bound(r.ci_high)
            );
            let text = r.notes.iter().fold(text, |t, n| t + "note: " + n + "\n");
            let opt = |b: Option<f64>| b.map_or(String::new(), |v| v.to_string());
            let csv = format!(
                "clusters,draws,estimate,std_error_cr1,t_cr1,p_value,ci_low,ci_high\n{},{},{},{},{},{},{},{}\n",
                r.clusters.len(), r.draws, r.estimate, r.std_error_cr1, r.t_cr1, r.p_value, opt(r.ci_low), opt(r.ci_high)
            );
            render(&r, args.format, text, csv)
        }),
        Check::Loo => robust::leave_one_out(&bundle, &spec, &options).map(|r| {
            let mut text = format!(
                "Leave-one-out (n = {}): full estimate {:.3}; range without one unit [{:.3}, {:.3}]\nMost influential:\n",
                r.n, r.estimate, r.min, r.max
            );
            for d in &r.most_influential {
                let _ = writeln!(text, "  {} {:<30} {:+.3} -> {:.3}", d.unit_id, d.name, d.shift.unwrap_or(f64::NAN), d.estimate.unwrap_or(f64::NAN));
            }
            let mut csv = "unit_id,name,treated,estimate,std_error,shift\n".to_string();
            for d in &r.drops {
                let o = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
                let _ = writeln!(csv, "{},{},{},{},{},{}", d.unit_id, d.name, d.treated, o(d.estimate), o(d.std_error), o(d.shift));
            }
            render(&r, args.format, text, csv)
        }),
        Check::Dose => robust::dose(&bundle, &spec, &options).map(|r| {
            let text = format!(
                "Dose response (n = {}): slope {:.3} per {} (HC1 SE {:.3}, p = {:.3})\nMedian split: {:.3} (HC1 SE {:.3}, p = {:.3})\n",
                r.n, r.dose.estimate, r.measure_unit, r.dose.std_error, r.dose.p_value,
                r.median_split.estimate, r.median_split.std_error, r.median_split.p_value
            );
            let mut csv = "term,estimate,std_error,t,p_value,ci_low,ci_high\n".to_string();
            for c in &r.coefficients {
                let _ = writeln!(csv, "{},{},{},{},{},{},{}", c.term, c.estimate, c.std_error, c.t, c.p_value, c.ci_low, c.ci_high);
            }
            render(&r, args.format, text, csv)
        }),
        Check::Staggered => robust::staggered(&bundle, &spec, &options).map(|r| {
            let mut text = format!(
                "Callaway-Sant'Anna (not-yet-treated controls, unweighted), {} districts, months {} to {}\noverall ATT {:.3} (SE {:.3}, 95% [{:.3}, {:.3}])\nevent time  ATT      SE\n",
                r.units, r.first_month, r.last_month, r.overall.estimate, r.overall.std_error, r.overall.ci_low, r.overall.ci_high
            );
            for e in &r.event_time {
                let _ = writeln!(text, "{:>10}  {:>7.3}  {:.3}", e.event_time, e.aggregate.estimate, e.aggregate.std_error);
            }
            let mut csv = "cohort,month,base,event_time,att,std_error,cohort_units,control_units\n".to_string();
            for c in &r.group_time {
                let _ = writeln!(csv, "{},{},{},{},{},{},{},{}", c.cohort, c.month, c.base, c.event_time, c.att, c.std_error, c.cohort_units, c.control_units);
            }
            render(&r, args.format, text, csv)
        }),
        Check::PretrendPower => robust::pretrend_power(&bundle, &spec, &options).map(|r| render(&r, args.format, format!("{}\n", r.reading), r.power_against_linear.iter().fold("slope,power\n".to_string(), |csv, p| csv + &format!("{},{}\n", p.slope, p.power)))),
    };
    match output {
        Ok(text) => Ok(emit(&format!("{}{text}", check_header(check, args.format)))),
        Err(RobustError::Derive(e)) => Ok(derive_failure(e)),
        Err(e) if e.is_usage() => Ok(fail(
            EXIT_USAGE,
            format!(
                "{} with {} is not supported: {e}",
                check, args.choices.outcome
            ),
        )),
        Err(e) => Ok(fail(EXIT_FAILURE, format!("{check}: {e}"))),
    }
}

fn check_header(check: Check, format: RobustFormat) -> String {
    match format {
        RobustFormat::Text => format!(
            "{}\nHow to read: {}\n\n",
            check.what_it_tests(),
            check.how_to_read()
        ),
        _ => String::new(),
    }
}

fn render<T: Serialize>(result: &T, format: RobustFormat, text: String, csv: String) -> String {
    match format {
        RobustFormat::Text => text,
        RobustFormat::Csv => csv,
        RobustFormat::Json => {
            serde_json::to_string_pretty(result)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
                + "\n"
        }
    }
}

fn event_study_text(r: &robust::EventStudy) -> String {
    let mut text = format!(
        "Event study ({:?}, base {}), {} districts x {} periods, district and period fixed effects (they absorb the controls)\n",
        r.frequency, r.base_period, r.units, r.periods
    );
    let wald = |w: &Option<robust::event_study::WaldTest>| {
        w.as_ref().map_or(
            "not available (more pre-periods than clusters - 1)".to_string(),
            |w| {
                format!(
                    "F({}, {}) = {:.3}, p = {:.4}",
                    w.df_num, w.df_den, w.f, w.p_value
                )
            },
        )
    };
    let _ = writeln!(text, "pre-trend test, HC1: {}", wald(&r.pre_trend_hc1));
    let _ = writeln!(
        text,
        "pre-trend test, clustered by district: {}",
        wald(&r.pre_trend_cluster)
    );
    let _ = writeln!(text, "period     rel   estimate  SE(HC1)  SE(cluster)");
    for c in &r.coefficients {
        let _ = writeln!(
            text,
            "{:<9} {:>4} {:>10.3} {:>8.3} {:>12.3}",
            c.period, c.relative, c.estimate, c.std_error_hc1, c.std_error_cluster
        );
    }
    text
}

fn event_study_csv(r: &robust::EventStudy) -> String {
    let mut csv = "period,relative,estimate,std_error_hc1,ci_low_hc1,ci_high_hc1,std_error_cluster,ci_low_cluster,ci_high_cluster\n".to_string();
    for c in &r.coefficients {
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{}",
            c.period,
            c.relative,
            c.estimate,
            c.std_error_hc1,
            c.ci_low_hc1,
            c.ci_high_hc1,
            c.std_error_cluster,
            c.ci_low_cluster,
            c.ci_high_cluster
        );
    }
    csv
}
