use clap::Parser;

fn main() -> color_eyre::Result<std::process::ExitCode> {
    color_eyre::install()?;
    let args = wirkung::cli::Cli::parse();
    wirkung::cli::run(args)
}
