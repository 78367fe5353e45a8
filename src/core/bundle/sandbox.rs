//! The bundle is a sandbox: table files are read, and written by `import`, only inside the
//! bundle directory (after symlinks), only when they are regular files, and only up to a
//! size, so that a hostile `bundle.toml` can neither reach another project's data nor make
//! a read block (a named pipe), never end (`/dev/zero`) or eat all memory.

use std::path::{Component, Path, PathBuf};

/// `bundle.toml` larger than this is refused before it is read (a manifest is a few kB).
pub const MANIFEST_MAX_BYTES: u64 = 1 << 20;

/// Tables larger than this are refused unless `WIRKUNG_MAX_TABLE_MB` raises the limit.
pub const DEFAULT_TABLE_MAX_MB: u64 = 1024;

/// The environment variable that sets the table size limit in MB (for .xlsx tables: the
/// sheet's uncompressed size).
pub const TABLE_LIMIT_VAR: &str = "WIRKUNG_MAX_TABLE_MB";

/// The table size limit in bytes: `WIRKUNG_MAX_TABLE_MB` when it is a whole number, else
/// the default.
pub fn table_max_bytes() -> u64 {
    std::env::var(TABLE_LIMIT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_TABLE_MAX_MB)
        .saturating_mul(1 << 20)
}

/// Why a path of the bundle cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    #[error(
        "this table's file lies outside the bundle ({0}); only files inside the bundle directory are read or written"
    )]
    Outside(String),
    #[error("does not exist")]
    Missing,
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("is {size} bytes, more than the limit of {limit} bytes{how}")]
    TooLarge {
        size: u64,
        limit: u64,
        how: &'static str,
    },
}

/// Where `entry` (a `[tables]` value, relative to the bundle) lies, when it is inside the
/// bundle directory once every symlink is followed. A file that does not exist yet is
/// judged by its directory, so that writers can use the same rule.
pub fn resolve_inside(dir: &Path, entry: &str) -> Result<PathBuf, PathProblem> {
    let rel = Path::new(entry);
    let shown = || format!("{entry:?}");
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Err(PathProblem::Outside(format!(
            "{}: an absolute path",
            shown()
        )));
    }
    let root = dir
        .canonicalize()
        .map_err(|_| PathProblem::Outside(shown()))?;
    let joined = dir.join(rel);
    let resolved = match joined.canonicalize() {
        Ok(p) => p,
        // Not there (yet): its directory must be inside, and the name must not climb out.
        Err(_) => {
            let parent = joined.parent().unwrap_or(dir);
            let name = joined.file_name().ok_or(PathProblem::Outside(shown()))?;
            match parent.canonicalize() {
                Ok(p) => p.join(name),
                Err(_) if rel.components().any(|c| c == Component::ParentDir) => {
                    return Err(PathProblem::Outside(shown()));
                }
                Err(_) => return Err(PathProblem::Missing),
            }
        }
    };
    if resolved.starts_with(&root) && resolved != root {
        Ok(joined)
    } else {
        Err(PathProblem::Outside(format!(
            "{} resolves to {}",
            shown(),
            resolved.display()
        )))
    }
}

/// What kind of file `path` is, following symlinks, without opening it (opening a named
/// pipe for reading blocks until a writer comes).
pub fn regular_file_size(path: &Path) -> Result<u64, PathProblem> {
    let meta = std::fs::metadata(path).map_err(|_| PathProblem::Missing)?;
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(meta.len());
    }
    Err(PathProblem::NotRegular(kind_name(&ft)))
}

#[cfg(unix)]
fn kind_name(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a named pipe"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind_name(ft: &std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Checks a table file before it is opened: regular, and within the size limit.
pub fn check_table_file(path: &Path) -> Result<u64, PathProblem> {
    let size = regular_file_size(path)?;
    let limit = table_max_bytes();
    if size > limit {
        return Err(PathProblem::TooLarge {
            size,
            limit,
            how: " (set WIRKUNG_MAX_TABLE_MB to read larger tables)",
        });
    }
    Ok(size)
}

/// Reads a regular file of at most `limit` bytes; the read itself is bounded too, in case
/// the file grows while it is read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let size = regular_file_size(path).map_err(|e| e.to_string())?;
    if size > limit {
        return Err(format!(
            "is {size} bytes, more than the limit of {limit} bytes"
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("grew beyond the limit of {limit} bytes while read"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_out_or_are_absolute_are_outside() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("b");
        std::fs::create_dir(&bundle).unwrap();
        std::fs::write(bundle.join("x.csv"), "a\n1\n").unwrap();
        std::fs::write(dir.path().join("y.csv"), "a\n1\n").unwrap();
        assert!(resolve_inside(&bundle, "x.csv").is_ok());
        assert!(resolve_inside(&bundle, "new.parquet").is_ok());
        for bad in ["../y.csv", "/etc/passwd", "../nowhere/z.csv", "."] {
            assert!(
                matches!(resolve_inside(&bundle, bad), Err(PathProblem::Outside(_))),
                "{bad}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("y.csv"), bundle.join("link.csv")).unwrap();
            assert!(matches!(
                resolve_inside(&bundle, "link.csv"),
                Err(PathProblem::Outside(_))
            ));
        }
    }

    #[test]
    fn directories_are_not_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            regular_file_size(dir.path()),
            Err(PathProblem::NotRegular("a directory"))
        );
    }
}
