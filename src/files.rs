//! The files jamtui writes (exports, grade sheets, the log file) hold students' addresses and
//! grades: they are created readable by their owner only, never written through a symbolic link
//! someone planted (README.md's platform table says how each treats one), and an export or a
//! sheet appears whole or not at all.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Opens `path` to append to it, creating it owner-only if it is new. A symbolic link at `path`
/// is refused, not followed. An existing file that others may read is made owner-only first
/// (the mode it had is returned, to be told), or refused if that cannot be done.
pub fn open_append(path: &Path) -> io::Result<(File, Option<u32>)> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    private(&mut options);
    let file = options
        .open(path)
        .map_err(|error| refused_link(path, error))?;
    let loosened = make_owner_only(&file)?;
    Ok((file, loosened))
}

/// Takes group and others' access away from `file`; returns the mode it had, if it had any.
#[cfg(unix)]
fn make_owner_only(file: &File) -> io::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file.metadata()?.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))
        .map_err(|error| {
            io::Error::other(format!(
                "others may read it (mode {mode:o}) and it cannot be made owner-only ({error}): chmod 600 it, or name a new file"
            ))
        })?;
    Ok(Some(mode))
}

#[cfg(not(unix))]
fn make_owner_only(_file: &File) -> io::Result<Option<u32>> {
    Ok(None)
}

/// Writes the whole file at `path`: into a new owner-only file beside it, then renamed into
/// place, so a reader never sees half a file and a symbolic link at `path` is replaced rather
/// than written through.
pub fn write_whole(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = OpenOptions::new();
    // A new file only: an existing one (or a link in its place) is an error.
    options.write(true).create_new(true);
    private(&mut options);
    let written = options.open(&temporary).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            Err(error)
        }
    }
}

/// Whether a file can be written at `path` by `write_whole`: its directory exists and takes a
/// new file (one is made there and removed).
pub fn check_writable(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(io::Error::other(format!(
            "the directory {} does not exist",
            dir.display()
        )));
    }
    let probe = dir.join(format!(".jamtui-probe.{}.tmp", std::process::id()));
    let made = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|error| io::Error::other(format!("cannot write in {}: {error}", dir.display())));
    let _ = std::fs::remove_file(&probe);
    made.map(drop)
}

/// `path` if nothing is there, else the first free `name-2.csv`, `name-3.csv`, ...
pub fn free_path(path: &Path) -> PathBuf {
    let taken = |path: &Path| path.symlink_metadata().is_ok();
    if !taken(path) {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let extension = path
        .extension()
        .map(|extension| format!(".{}", extension.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|number| path.with_file_name(format!("{stem}-{number}{extension}")))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| path.to_path_buf())
}

#[cfg(unix)]
fn private(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn private(_options: &mut OpenOptions) {}

fn refused_link(path: &Path, error: io::Error) -> io::Error {
    let is_link = path
        .symlink_metadata()
        .is_ok_and(|metadata| metadata.file_type().is_symlink());
    if is_link {
        io::Error::other(format!(
            "{} is a symbolic link, which jamtui does not follow",
            path.display()
        ))
    } else {
        error
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jamtui-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        path.metadata().unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_whole_file_is_owner_only_and_replaces_a_planted_link() {
        let dir = scratch("whole");
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let export = dir.join("export.csv");
        std::os::unix::fs::symlink(&victim, &export).unwrap();
        write_whole(&export, |file| file.write_all(b"a,b\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!export.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&export).unwrap(), "a,b\n");
        assert_eq!(mode(&export), 0o600);
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 2, "no temporary file is left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_place_that_cannot_be_written_is_known_before_writing() {
        let dir = scratch("writable");
        assert!(check_writable(&dir.join("export.csv")).is_ok());
        assert!(
            std::fs::read_dir(&dir).unwrap().next().is_none(),
            "nothing left"
        );
        let missing = check_writable(&dir.join("nowhere/export.csv")).unwrap_err();
        assert!(missing.to_string().contains("does not exist"), "{missing}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_file_is_owner_only_and_a_planted_link_is_refused() {
        let dir = scratch("append");
        let log = dir.join("server.log");
        open_append(&log).unwrap().0.write_all(b"line\n").unwrap();
        assert_eq!(mode(&log), 0o600);
        // Made readable by all beforehand: made owner-only before a line is written.
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o666)).unwrap();
        let (mut file, had) = open_append(&log).unwrap();
        assert_eq!((mode(&log), had), (0o600, Some(0o666)));
        file.write_all(b"line\n").unwrap();
        assert_eq!(open_append(&log).unwrap().1, None);
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let planted = dir.join("planted.log");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let error = open_append(&planted).unwrap_err().to_string();
        assert!(error.contains("symbolic link"), "{error}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = scratch("free");
        let first = dir.join("jamtui-clients-20261125-231950.csv");
        assert_eq!(free_path(&first), first);
        std::fs::write(&first, "").unwrap();
        let second = free_path(&first);
        assert_eq!(
            second.file_name().unwrap(),
            "jamtui-clients-20261125-231950-2.csv"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
