use super::common::{CliError, CliResult, choices, open, supported};
use crate::core::bundle::Level;
use crate::core::derive::{Comparison, ControlSelection, Outcome};
use crate::core::estimate::VarianceType;
use crate::core::export::{self, ExportFormat, ExportRequest, Page};
use crate::core::view::map::MapColouring;
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub bundle: PathBuf,
    /// The page (the checks of `robustness` run with `wirkung robustness`'s defaults: 9,999
    /// draws, seed 20171211).
    #[arg(long, value_enum)]
    pub page: Page,
    #[arg(long, value_enum, default_value_t = Outcome::Employment)]
    pub outcome: Outcome,
    #[arg(long, value_enum, default_value_t = Comparison::BwVsNeighbours)]
    pub comparison: Comparison,
    #[arg(long, value_enum, default_value_t = Level::District)]
    pub level: Level,
    /// all, none, or a comma-separated list of control columns.
    #[arg(long, default_value = "all", value_parser = |s: &str| s.parse::<ControlSelection>())]
    pub controls: ControlSelection,
    /// Early-start cutoff (default: the bundle's rule).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = VarianceType::Hc1)]
    pub se: VarianceType,
    #[arg(long)]
    pub unweighted: bool,
    /// With `--page robustness`: the event-time view (TWFE, Callaway–Sant'Anna, Sun–Abraham
    /// and imputation by months since start; overall ATT by estimator) instead of the checks.
    #[arg(long)]
    pub event_time: bool,
    /// With `--page robustness`: one check's full table and its own chart (the
    /// Goodman-Bacon scatter, the synthetic DiD's trends) instead of the page.
    #[arg(long, value_enum)]
    pub check: Option<crate::core::robust::Check>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// PNG pixel multiplier: 1 writes 1920×1080, 2 writes 3840×2160 for high-DPI screens,
    /// 0.6667 writes 1280×720 (0.25 to 4; SVG and PDF are vector and ignore it).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// With `--page start-times`: the district map instead of the bar chart, coloured by
    /// start quarter or by the comparison's district measure (`--format svg` or `csv`).
    #[arg(long, value_enum, value_name = "COLOURING")]
    pub map: Option<MapColouring>,
    /// File to write (never overwritten: -1, -2 ... is added), a directory, or `-` for
    /// standard output.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: ExportArgs) -> CliResult {
    supported(args.outcome, args.comparison, args.level)?;
    if args.check.is_some() && args.page != Page::Robustness {
        return Err(super::common::CliError::usage(
            "--check needs --page robustness",
        ));
    }
    if args.map.is_some() && args.page != Page::StartTimes {
        return Err(CliError::usage(
            "--map draws the Start times page's district map: use it with --page start-times",
        ));
    }
    if args.map.is_some() && !(args.format.is_chart() || args.format == ExportFormat::Csv) {
        return Err(CliError::usage(
            "the district map exports as --format svg, png or pdf (the map) or csv (its districts)",
        ));
    }
    if !(export::chart::MIN_SCALE..=export::chart::MAX_SCALE).contains(&args.scale) {
        return Err(CliError::usage(format!(
            "--scale must be between {} and {} (a PNG of 1920×1080 pixels times the scale), not {}",
            export::chart::MIN_SCALE,
            export::chart::MAX_SCALE,
            args.scale
        )));
    }
    let bundle = open(&args.bundle)?;
    let mut choices = choices(
        &bundle,
        (args.outcome, args.comparison, args.level),
        &args.controls,
        args.cutoff,
    )?;
    choices.variance = args.se;
    choices.weighted = !args.unweighted;
    let req = ExportRequest {
        page: args.page,
        choices,
        format: args.format,
        date: chrono::Local::now().date_naive(),
        scale: args.scale,
    };
    if args.event_time {
        if args.page != Page::Robustness {
            return Err(super::common::CliError::usage(
                "--event-time is a view of --page robustness",
            ));
        }
        let suite = crate::core::robust::RobustSuite::compute(
            &bundle,
            &req.choices.spec(&bundle),
            &req.choices.robust_options(),
        );
        let shown = crate::core::view::event_time::Estimator::ALL;
        if args.out.as_os_str() == "-" {
            let bytes = export::event_time::render_event_time(&bundle, &req, &suite, &shown)?;
            return super::common::emit_bytes(&bytes);
        }
        let path =
            export::event_time::export_event_time_to(&bundle, &req, &suite, &shown, &args.out)?;
        super::common::emit(&format!("{}\n", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(check) = args.check {
        return export_check(&bundle, &req, check, &args.out);
    }
    if let Some(colouring) = args.map {
        return export_map(&bundle, &req, colouring, &args.out);
    }
    if args.out.as_os_str() == "-" {
        // Standard output, as Unix tools read `-`; a file literally named `-` is never meant.
        let bytes = export::render(&bundle, &req)?;
        return super::common::emit_bytes(&bytes);
    }
    let path = export::export_to(&bundle, &req, &args.out)?;
    super::common::emit(&format!("{}\n", path.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// One robustness check's table or chart, computed with `wirkung robustness`'s defaults.
fn export_check(
    bundle: &crate::core::bundle::Bundle,
    req: &ExportRequest,
    check: crate::core::robust::Check,
    out: &std::path::Path,
) -> CliResult {
    let result = crate::core::robust::run(
        check,
        bundle,
        &req.choices.spec(bundle),
        &req.choices.robust_options(),
    );
    let to = (out.as_os_str() != "-").then_some(out);
    let (bytes, written) =
        export::robustness::export_check(bundle, req, check, result.as_ref(), to)?;
    match written {
        Some(path) => super::common::emit(&format!("{}\n", path.display())),
        None => super::common::emit_bytes(&bytes),
    }
}

/// The district map to `out` (`-` for standard output), named `map-<comparison>-<colouring>`
/// in a directory; never overwrites.
fn export_map(
    bundle: &crate::core::bundle::Bundle,
    req: &ExportRequest,
    colouring: MapColouring,
    out: &std::path::Path,
) -> CliResult {
    let bytes = export::map::render_map(bundle, req, colouring)
        .ok_or_else(|| CliError::usage("the district map exports as svg, png, pdf or csv"))??;
    if out.as_os_str() == "-" {
        return super::common::emit_bytes(&bytes);
    }
    let path = if out.is_dir() {
        let colouring = match colouring {
            MapColouring::StartDate => "start-date",
            MapColouring::Measure => "measure",
        };
        out.join(format!(
            "map-{}-{colouring}.{}",
            req.choices.comparison.id(),
            req.format.extension()
        ))
    } else {
        out.to_path_buf()
    };
    let written = export::write_new(&path, &bytes).map_err(export::ExportError::from)?;
    super::common::emit(&format!("{}\n", written.display()))?;
    Ok(ExitCode::SUCCESS)
}
