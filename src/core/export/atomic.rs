//! Writing files the user will keep: a temp file in the target's directory, then a rename,
//! so a reader never sees half a file and an interrupted write leaves nothing behind.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be written; the target is then as it was.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: directory does not exist")]
    NoDirectory(PathBuf),
    #[error("{0}: file exists (never overwritten without --force)")]
    Exists(PathBuf),
    #[error("{path}: {doing}: {source}")]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: std::io::Error,
    },
    /// Tests only: the injected failure of `fail_after`.
    #[error("write interrupted after {written} of {total} bytes (injected failure)")]
    Interrupted { written: usize, total: usize },
    #[error("{0}: no free file name found")]
    NoFreeName(PathBuf),
}

fn io(path: &Path, doing: &'static str) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io {
        path,
        doing,
        source,
    }
}

/// Writes `bytes` to `path` atomically; an existing file is replaced only when `replace`.
/// `fail_after` (tests only) aborts after that many bytes have been written to the temp
/// file, to show that an interrupted write leaves the target as it was.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    replace: bool,
    fail_after: Option<usize>,
) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::NoDirectory(dir));
    }
    if !replace && path.exists() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    // A dot-prefixed temp name in the same directory: the rename stays on one file system.
    let mut tmp = tempfile::Builder::new()
        .prefix(".wirkung-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io(&dir, "cannot create a temporary file"))?;
    let written = match fail_after {
        Some(n) => {
            let part = &bytes[..n.min(bytes.len())];
            tmp.write_all(part)
                .map_err(io(tmp.path(), "cannot write"))?;
            // Dropping `tmp` deletes the partial file, as a crash-safe writer must.
            return Err(WriteError::Interrupted {
                written: part.len(),
                total: bytes.len(),
            });
        }
        None => tmp.write_all(bytes).and_then(|_| tmp.as_file().sync_all()),
    };
    written.map_err(io(tmp.path(), "cannot write"))?;
    let moved = if replace {
        tmp.persist(path)
    } else {
        // `persist_noclobber` fails instead of replacing a file that appeared meanwhile.
        tmp.persist_noclobber(path)
    };
    moved.map_err(|e| io(path, "cannot move into place")(e.error))?;
    Ok(())
}

/// `path`, or the first of `stem-1.ext`, `stem-2.ext` ... that does not exist yet.
pub fn free_name(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..)
        .map(|i| path.with_file_name(format!("{stem}-{i}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Writes `bytes` under a name that does not exist yet (never overwrites) and returns it.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    // Another process may take the free name between the check and the rename; then the
    // no-clobber rename fails and the next free name is tried.
    for _ in 0..100 {
        let target = free_name(path);
        match write_atomic(&target, bytes, false, None) {
            Ok(()) => return Ok(target),
            Err(_) if target.exists() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(WriteError::NoFreeName(path.to_path_buf()))
}
