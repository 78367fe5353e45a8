//! Writing the new table safely: the bundle's lock, a temporary file beside the target
//! written as a stream, the old file kept as a backup, then a rename into place.

use super::ImportError;
use crate::core::export::WriteError;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Temporary files of imports live in the bundle directory under this prefix.
const TEMP_PREFIX: &str = ".wirkung-import-";

/// An I/O error of the import: what it was doing to which path.
fn io(path: &Path, doing: &'static str) -> impl FnOnce(std::io::Error) -> ImportError {
    let path = path.to_path_buf();
    move |source| {
        ImportError::Write(WriteError::Io {
            path,
            doing,
            source,
        })
    }
}

pub(super) fn lock_bundle(dir: &Path) -> Result<File, ImportError> {
    let handle = File::open(dir).map_err(io(dir, "cannot open the bundle to lock it"))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(std::fs::TryLockError::WouldBlock) => Err(ImportError::Locked {
            dir: dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io(dir, "cannot lock the bundle")(e)),
    }
}

/// Leftovers of an import that was killed (the lock is held, so none is in use).
pub(super) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file && name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Where the replaced file is kept until the next successful import.
pub fn backup_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".before-import");
    target.with_file_name(name)
}

/// The temporary file as the Parquet writer sees it. With the test hook `limit`, only the
/// first `limit` bytes reach the file (an import killed part way) and the rest is counted.
pub(super) struct Sink<'a> {
    out: BufWriter<&'a mut File>,
    limit: Option<usize>,
    written: usize,
    /// The file's own error, kept so that it is reported as the write that failed rather
    /// than as the encoder's.
    error: Option<std::io::Error>,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let keep = self
            .limit
            .map_or(buf.len(), |l| buf.len().min(l.saturating_sub(self.written)));
        if keep > 0
            && let Err(e) = self.out.write_all(&buf[..keep])
        {
            let told = std::io::Error::new(e.kind(), e.to_string());
            self.error = Some(e);
            return Err(told);
        }
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes the new table (`fill` streams it into the sink) beside the target, with the
/// permissions of the file it replaces (else of bundle.toml), keeps the replaced file as
/// the backup, then renames the new one into place. Every error path removes the
/// temporary files (dropping them deletes them).
pub(super) fn write_table(
    dir: &Path,
    target: &Path,
    fail_after: Option<usize>,
    fill: impl FnOnce(&mut Sink) -> Result<(), ImportError>,
) -> Result<Option<PathBuf>, ImportError> {
    let temp = || {
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir, "cannot create a temporary file"))
    };
    let mut tmp = temp()?;
    let path = tmp.path().to_path_buf();
    {
        let mut sink = Sink {
            out: BufWriter::new(tmp.as_file_mut()),
            limit: fail_after,
            written: 0,
            error: None,
        };
        let filled = fill(&mut sink);
        if let Some(e) = sink.error.take() {
            return Err(io(&path, "cannot write")(e));
        }
        filled?;
        sink.out.flush().map_err(io(&path, "cannot write"))?;
        if let Some(n) = fail_after {
            return Err(ImportError::Write(WriteError::Interrupted {
                written: n.min(sink.written),
                total: sink.written,
            }));
        }
    }
    tmp.as_file()
        .sync_all()
        .map_err(io(tmp.path(), "cannot write"))?;
    let old = std::fs::metadata(target).ok().filter(|m| m.is_file());
    let mode = old.as_ref().map(|m| m.permissions()).or_else(|| {
        std::fs::metadata(dir.join("bundle.toml"))
            .ok()
            .map(|m| m.permissions())
    });
    if let Some(mode) = mode {
        std::fs::set_permissions(tmp.path(), mode)
            .map_err(io(tmp.path(), "cannot set permissions"))?;
    }
    let mut backup = None;
    if old.is_some() {
        let keep = backup_path(target);
        let copy = temp()?;
        std::fs::copy(target, copy.path()).map_err(io(target, "cannot keep a backup"))?;
        copy.persist(&keep)
            .map_err(|e| io(&keep, "cannot keep a backup")(e.error))?;
        backup = Some(keep);
    }
    tmp.persist(target)
        .map_err(|e| io(target, "cannot move into place")(e.error))?;
    Ok(backup)
}
