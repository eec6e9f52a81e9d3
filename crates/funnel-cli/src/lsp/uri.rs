//! `file://` URIs and paths. lsp-types' `Uri` is a plain URI with no notion
//! of files, so the two conversions are here: percent-encoding of the bytes
//! outside the unreserved set and `/`, and its decoding.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path of a `file:` URI; `None` for another scheme (an editor's
/// unsaved `untitled:` buffer), a remote host or a malformed encoding.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = strip_prefix_ignore_case(text, "file://")?;
    // The authority: empty, or `localhost`.
    let (host, path) = rest.split_at(rest.find('/')?);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    path_from_bytes(bytes)
}

/// The `file:` URI of an absolute path; a relative path is taken from the
/// current directory.
pub fn from_path(path: &Path) -> Option<Uri> {
    let absolute;
    let path = if path.is_absolute() {
        path
    } else {
        absolute = std::env::current_dir().ok()?.join(path);
        &absolute
    };
    let mut uri = String::from("file://");
    let text = path.to_str()?;
    #[cfg(windows)]
    let text = {
        uri.push('/');
        text.replace('\\', "/")
    };
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || b"-._~/".contains(&byte)
            || (cfg!(windows) && byte == b':')
        {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    Some(bytes)
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

/// `/C:/x` is `C:\x`.
#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    let text = match text.strip_prefix('/') {
        Some(rest) if rest.get(1..2) == Some(":") => rest.to_owned(),
        _ => text,
    };
    Some(PathBuf::from(text.replace('/', "\\")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    fn paths_round_trip() {
        for path in [
            "/a/b.funnel",
            "/tmp/Müller & Co/pipeline 2026.funnel",
            "/x/%41",
        ] {
            let uri = from_path(Path::new(path)).unwrap();
            assert_eq!(
                to_path(&uri).as_deref(),
                Some(Path::new(path)),
                "{}",
                uri.as_str()
            );
        }
        assert_eq!(
            from_path(Path::new("/tmp/a b/ü.funnel")).unwrap().as_str(),
            "file:///tmp/a%20b/%C3%BC.funnel"
        );
    }

    #[test]
    fn other_uris_have_no_path() {
        assert_eq!(
            to_path(&uri("file:///a/b")).as_deref(),
            Some(Path::new("/a/b"))
        );
        assert_eq!(
            to_path(&uri("file://localhost/a")).as_deref(),
            Some(Path::new("/a"))
        );
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/a")), None);
        assert_eq!(percent_decode("/a%2"), None);
        assert_eq!(percent_decode("/a%zz"), None);
    }
}
