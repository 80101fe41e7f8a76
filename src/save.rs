//! Saving a summary with `--output`: atomically, readable by its owner
//! only, and never over an existing file unless asked.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Whether `path` may be saved to: [`Error::CannotCreate`] (exit 73) when it
/// exists and is not an ordinary file, exists without `force`, or its folder
/// is missing. [`save`] checks this again when it writes; the interview
/// checks it before the first question, so nobody answers every question
/// only to be told the summary cannot be saved.
pub fn check_target(path: &Path, force: bool) -> Result<(), Error> {
    let cannot_create = |source| Error::CannotCreate {
        path: path.to_owned(),
        source,
    };
    // `symlink_metadata`: a symbolic link is judged as itself, not by what
    // it points to.
    match std::fs::symlink_metadata(path) {
        Ok(found) if !found.file_type().is_file() => Err(cannot_create(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "it is {}, not an ordinary file, so it is never replaced (not even with --force)",
                crate::limits::kind_of(found.file_type())
            ),
        ))),
        Ok(_) if !force => Err(cannot_create(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file exists; add --force to replace it",
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match folder_of(path).metadata() {
            Ok(folder) if folder.is_dir() => can_write_in(folder_of(path)).map_err(cannot_create),
            Ok(_) => Err(cannot_create(io::Error::new(
                io::ErrorKind::NotADirectory,
                "its folder is not a folder",
            ))),
            Err(e) => Err(cannot_create(e)),
        },
        Err(e) => Err(cannot_create(e)),
    }
}

/// Makes sure `folder` (`--output-dir`) can take summaries: it is made,
/// owner-only (0700 on Unix), when it does not exist; its parent must.
/// [`Error::CannotCreate`] (exit 73) when it exists and is not a folder, or
/// cannot be made.
pub fn prepare_folder(folder: &Path) -> Result<(), Error> {
    let cannot_create = |source| Error::CannotCreate {
        path: folder.to_owned(),
        source,
    };
    match std::fs::metadata(folder) {
        Ok(found) if found.is_dir() => can_write_in(folder).map_err(cannot_create),
        Ok(found) => Err(cannot_create(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!(
                "it is {}, not a folder",
                crate::limits::kind_of(found.file_type())
            ),
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(folder).map_err(cannot_create)
        }
        Err(e) => Err(cannot_create(e)),
    }
}

/// Saves `contents` in `folder` as a new file named by `stamp` (when it
/// was made) and a number, `candidacy-{stamp}-{number:03}.{extension}`:
/// the first number from `*next` on whose file does not exist yet, so two
/// runs in the same second never replace each other's files. `*next` is
/// left after the number used. Nothing the person said is in the name.
/// Errors as [`save`].
pub fn save_numbered(
    folder: &Path,
    stamp: &str,
    next: &mut u32,
    extension: &str,
    contents: &[u8],
) -> Result<PathBuf, Error> {
    loop {
        let path = folder.join(format!("candidacy-{stamp}-{:03}.{extension}", *next));
        *next = next.saturating_add(1);
        match save(&path, contents, false) {
            // Taken (by an earlier run, or another one now): the next number.
            Err(Error::CannotCreate { source, .. })
                if source.kind() == io::ErrorKind::AlreadyExists && *next < u32::MAX => {}
            other => return other.map(|()| path),
        }
    }
}

/// Whether a file can be made in `folder`: a temporary file is made there
/// (owner-only, as [`save`] makes them) and removed at once. Asked before
/// the first question, so nobody answers every question only to learn that
/// the folder is read-only or not theirs.
fn can_write_in(folder: &Path) -> io::Result<()> {
    tempfile::Builder::new()
        .prefix(".candidacy-")
        .suffix(".part")
        .tempfile_in(folder)
        .map(drop)
        // The error names the temporary file, which means nothing to the
        // person: keep its kind and a plain reason.
        .map_err(|e| {
            let kind = e.kind();
            io::Error::new(kind, format!("no file can be made in its folder ({kind})"))
        })
}

/// The folder a file is saved in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

/// Writes `contents` to `path`: into a temporary file in the same folder
/// (created owner-only, 0600 on Unix), flushed and synced, then renamed over
/// `path`. Without `force` an existing `path` is left alone and the save
/// fails. Whatever `force` says, only an ordinary file is ever replaced: a
/// folder, a symbolic link (wherever it points), a FIFO, a device or a
/// socket at `path` is refused. A failure at any step removes the temporary
/// file, so no partial file is left, and no message names it.
///
/// Errors: [`Error::CannotCreate`] (exit 73) when the file cannot be
/// created there (it exists, it is not an ordinary file, its folder is
/// missing or not writable); [`Error::Save`] (exit 74) when writing fails.
pub fn save(path: &Path, contents: &[u8], force: bool) -> Result<(), Error> {
    let cannot_create = |source| Error::CannotCreate {
        path: path.to_owned(),
        source,
    };
    check_target(path, force)?;
    let folder = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".candidacy-").suffix(".part");
    // The file is opened here rather than by `tempfile_in`, whose errors
    // (like those of writing through `NamedTempFile`) name the temporary
    // file, which means nothing to the person and must not be shown.
    let mut temporary = builder
        .make_in(folder, |name| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(name)
        })
        .map_err(cannot_create)?;
    let file = temporary.as_file_mut();
    file.write_all(contents)
        .and_then(|()| file.flush())
        .and_then(|()| file.sync_all())
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
    // deletes it; the error is the rename's own, without its name.
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

    /// The error as the binary shows it: the message and every cause.
    fn shown(err: &Error) -> String {
        let mut shown = err.to_string();
        let mut cause = std::error::Error::source(err);
        while let Some(e) = cause {
            shown = format!("{shown}: {e}");
            cause = e.source();
        }
        shown
    }

    #[cfg(unix)]
    #[test]
    fn only_an_ordinary_file_is_replaced_even_with_force() {
        use std::os::unix::fs::{FileTypeExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        std::fs::create_dir(at("folder")).unwrap();
        std::fs::write(at("target.txt"), b"kept").unwrap();
        symlink(at("target.txt"), at("link-to-file")).unwrap();
        symlink("/dev/null", at("link-to-device")).unwrap();
        symlink(at("nowhere"), at("dangling-link")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(at("fifo"))
            .status()
            .unwrap();
        assert!(fifo.success(), "mkfifo");
        let mut cases = vec![
            ("folder", "a folder"),
            ("link-to-file", "a symbolic link"),
            ("link-to-device", "a symbolic link"),
            ("dangling-link", "a symbolic link"),
            ("fifo", "a FIFO"),
        ];
        // A device node of our own (root can make one): a failing test
        // then replaces nothing outside the temporary folder.
        let device = std::process::Command::new("mknod")
            .arg(at("null"))
            .args(["c", "1", "3"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if device {
            cases.push(("null", "a device"));
        }
        let kind = |name: &str| std::fs::symlink_metadata(at(name)).unwrap().file_type();
        for (name, words) in cases {
            let before = kind(name);
            for force in [false, true] {
                let err = save(&at(name), b"summary", force).unwrap_err();
                assert!(matches!(err, Error::CannotCreate { .. }), "{name}: {err}");
                assert_eq!(err.exit_code(), 73);
                let message = shown(&err);
                assert!(message.contains(words), "{name}: {message}");
                assert!(message.contains("not an ordinary file"), "{message}");
                assert_eq!(kind(name), before, "{name} left as it was");
            }
        }
        assert!(kind("fifo").is_fifo());
        assert_eq!(std::fs::read(at("target.txt")).unwrap(), b"kept");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".candidacy-"))
            .collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");
    }

    #[cfg(unix)]
    #[test]
    fn dev_null_is_refused_as_a_device() {
        // Without --force nothing can be replaced even if the check were
        // missing, so this is safe on any machine.
        let err = save(Path::new("/dev/null"), b"summary", false).unwrap_err();
        assert!(shown(&err).contains("it is a device"), "{}", shown(&err));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn errors_do_not_name_the_temporary_file() {
        // Nothing can be created in /proc, even by root.
        let err = save(Path::new("/proc/candidacy-summary.txt"), b"x", true).unwrap_err();
        let message = shown(&err);
        assert!(matches!(err, Error::CannotCreate { .. }), "{message}");
        assert!(
            !message.contains(".candidacy-") && !message.contains(".part"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_folder_cannot_be_created_in() {
        let dir = tempfile::tempdir().unwrap();
        let err = save(&dir.path().join("no/such/file"), b"x", false).unwrap_err();
        assert!(matches!(err, Error::CannotCreate { .. }), "{err}");
    }
}
