//! The remembered bundle and choices, in the user's config directory
//! (`~/.config/wirkung/state.toml` on Linux, via `directories::ProjectDirs`).

use crate::core::bundle::Level;
use crate::core::derive::{Comparison, Outcome};
use crate::core::estimate::VarianceType;
use crate::tui::theme::ThemeArg;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the dashboard restores on the next start. Every field is optional, so a state file
/// written by an older version still reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub bundle: Option<PathBuf>,
    pub page: Option<usize>,
    pub comparison: Option<Comparison>,
    pub outcome: Option<Outcome>,
    pub level: Option<Level>,
    pub variance: Option<VarianceType>,
    pub weighted: Option<bool>,
    #[serde(default)]
    pub disabled_controls: Vec<String>,
    /// Early-start cutoff `YYYY-MM-DD`; restored only for the same bundle.
    pub cutoff: Option<String>,
    /// The last `--theme` given; `auto` or none: picked from the terminal.
    pub theme: Option<ThemeArg>,
}

/// `state.toml` in the platform's config directory; `None` when the platform has no home.
pub fn state_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "wirkung").map(|d| d.config_dir().join("state.toml"))
}

/// Reads the remembered state; a missing or unreadable file is a fresh start (the file is
/// ours, and a broken one must not keep the dashboard from opening).
pub fn load(path: &Path) -> Remembered {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| toml::from_str(&s).ok())
        .unwrap_or_default()
}

/// Forgets the remembered state (`--reset`).
pub fn forget(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes the state, creating the config directory if needed.
pub fn save(path: &Path, state: &Remembered) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = toml::to_string(state).map_err(std::io::Error::other)?;
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_reset_forgets_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("state.toml");
        let state = Remembered {
            bundle: Some("/data/b".into()),
            comparison: Some(Comparison::PlanB),
            outcome: Some(Outcome::EmploymentSv),
            level: Some(Level::District),
            variance: Some(VarianceType::Hc3),
            weighted: Some(false),
            disabled_controls: vec!["urban".into()],
            cutoff: Some("2018-03-01".into()),
            page: Some(5),
            theme: Some(ThemeArg::HighContrast),
        };
        save(&path, &state).unwrap();
        assert_eq!(load(&path), state);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("theme = \"high-contrast\""),
        );
        forget(&path).unwrap();
        assert_eq!(load(&path), Remembered::default());
        forget(&path).unwrap();
    }

    #[test]
    fn a_broken_state_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.toml");
        std::fs::write(&path, "comparison = 17\n[[[").unwrap();
        assert_eq!(load(&path), Remembered::default());
    }
}
