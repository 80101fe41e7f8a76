//! Saving a summary with `--output`: atomically, readable by its owner
//! only, and never over an existing file unless asked.

use std::io::Write;
use std::path::Path;

use crate::error::Error;

/// Writes `contents` to `path`: into a temporary file in the same folder
/// (created owner-only, 0600 on Unix), flushed and synced, then renamed over
/// `path`. Without `force` an existing `path` is left alone and the save
/// fails. A failure at any step removes the temporary file, so no partial
/// file is left.
///
/// Errors: [`Error::CannotCreate`] (exit 73) when the file cannot be
/// created there (it exists, its folder is missing or not writable, it is a
/// folder); [`Error::Save`] (exit 74) when writing fails.
pub fn save(path: &Path, contents: &[u8], force: bool) -> Result<(), Error> {
    let cannot_create = |source| Error::CannotCreate {
        path: path.to_owned(),
        source,
    };
    if !force && (path.exists() || path.is_symlink()) {
        return Err(cannot_create(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the file exists; add --force to replace it",
        )));
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".candidacy-").suffix(".part");
    // tempfile creates files owner-only already; say so rather than rely on it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    let mut temporary = builder.tempfile_in(folder).map_err(cannot_create)?;
    temporary
        .write_all(contents)
        .and_then(|()| temporary.flush())
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|source| Error::Save {
            path: path.to_owned(),
            source,
        })?;
    let persisted = if force {
        temporary.persist(path)
    } else {
        temporary.persist_noclobber(path)
    };
    // On failure the temporary file is dropped with the error, which
    // deletes it.
    persisted.map_err(|e| cannot_create(e.error))?;
    sync_folder(folder);
    Ok(())
}

/// Makes the rename durable where the platform allows it; best effort, as
/// the file itself is already complete.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_owner_only_and_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.txt");
        save(&path, b"first", false).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = save(&path, b"second", false).unwrap_err();
        assert!(matches!(err, Error::CannotCreate { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"first", "left alone");
        save(&path, b"second", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn a_missing_folder_cannot_be_created_in() {
        let dir = tempfile::tempdir().unwrap();
        let err = save(&dir.path().join("no/such/file"), b"x", false).unwrap_err();
        assert!(matches!(err, Error::CannotCreate { .. }), "{err}");
    }
}
