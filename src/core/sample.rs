//! The shipped synthetic sample (`sample-data/bw-integration/`), compiled into the binary so
//! that `wirkung` opens it wherever the binary runs (a copied or `cargo install`ed binary has
//! no source tree beside it). It is under 2 MB; the files are exactly the directory's.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The sample's directory name, also the name it is unpacked under.
pub const NAME: &str = "bw-integration";

macro_rules! sample_file {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/sample-data/bw-integration/",
                $name
            )) as &[u8],
        )
    };
}

/// Every file of the sample bundle, by name (`tests/sample` checks the list against the
/// directory, so a file added to the sample cannot be left out here).
pub const FILES: &[(&str, &[u8])] = &[
    sample_file!("bundle.toml"),
    sample_file!("districts.csv"),
    sample_file!("municipalities.csv"),
    sample_file!("grants.csv"),
    sample_file!("staffing.csv"),
    sample_file!("target_group.csv"),
    sample_file!("employment.csv"),
    sample_file!("population.csv"),
    sample_file!("activity.parquet"),
    sample_file!("manager_survey.csv"),
];

/// Why the sample could not be written out.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("{path} already exists; the sample is written only where none of its files are")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes the sample's files into `dir` (created if missing). A file of the sample that is
/// already there stops it before anything is written: nothing the user owns is replaced.
pub fn write_to(dir: &Path) -> Result<(), SampleError> {
    if let Some((name, _)) = FILES.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(SampleError::Exists {
            path: dir.join(name),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| SampleError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, bytes) in FILES {
        let path = dir.join(name);
        // `create_new`: a file that appeared since the check above is not overwritten either.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|source| SampleError::Io { path, source })?;
    }
    Ok(())
}

/// The sample unpacked into a private temporary directory, removed when this is dropped
/// (the loader reads bundles from directories).
pub struct Unpacked {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Unpacked {
    /// The bundle directory (`…/bw-integration`).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Unpacks the sample into a new temporary directory.
pub fn unpack() -> Result<Unpacked, SampleError> {
    let dir = tempfile::Builder::new()
        .prefix("wirkung-sample-")
        .tempdir()
        .map_err(|source| SampleError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let path = dir.path().join(NAME);
    write_to(&path)?;
    Ok(Unpacked { _dir: dir, path })
}
