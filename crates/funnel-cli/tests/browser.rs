//! The HTML review of the example in a real browser: headless Chromium
//! loads the page (as a reader would, from a file) and must log nothing to
//! its console, make no network request, hold the charts and numbers in
//! its DOM after load, draw a screenshot that is not blank, and print to
//! an A4 PDF of at most 6 pages.
//!
//! How, with Chromium's own switches (no driver, no protocol client):
//! - `--dump-dom` prints the DOM after load; with `--enable-logging=stderr
//!   --v=0`, every console message of the page is a `:CONSOLE` line on
//!   standard error (a page without script logs only the browser's
//!   complaints: a blocked load, a bad style), and `--log-net-log=FILE`
//!   writes every request the browser made. The browser's own background
//!   requests are there too; the page's are those whose
//!   `site_for_cookies` is the page's `file://` site, and the test allows
//!   none but the page itself. A proxy that does not exist stops anything
//!   from leaving the machine.
//! - `--screenshot` writes a PNG; a blank page's PNG of the same size is
//!   taken as the baseline, and the page's must be several times larger
//!   (flat colour compresses to almost nothing; charts and text do not).
//! - `--print-to-pdf` writes the print; its pages are its `/Type /Page`
//!   objects (Chromium writes them uncompressed).
//!
//! Skipped, with a note, when no Chromium is installed (`.ci/run`
//! installs the Debian package `chromium`). About 5 seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::html_cli::review_html;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
}

/// Runs the browser headless on `page` with `switches`, in a fresh
/// profile under `dir`, and returns its standard output and error.
fn browse(browser: &Path, dir: &Path, switches: &[String], page: &Path) -> (String, String) {
    let profile = tempfile::tempdir_in(dir).unwrap();
    // Output goes to files: a pipe nobody reads while waiting would fill
    // up with the DOM and stop the browser.
    let (out_path, err_path) = (profile.path().join("out"), profile.path().join("err"));
    let mut child = Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(switches)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("the browser starts");
    // A hung browser fails the test rather than CI.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the browser did not finish within 60 s: {switches:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let (stdout, stderr) = (read(&out_path), read(&err_path));
    assert!(
        status.success(),
        "the browser failed ({switches:?}): {stderr}"
    );
    (stdout, stderr)
}

/// The URLs the page itself asked for (other than the page), from a net
/// log.
fn page_requests(net_log: &Path, page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("the net log is written");
    // A log cut short at exit lacks its closing brackets.
    let value: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .expect("the net log is JSON");
    let own = format!("file://{}", page.display());
    let mut urls: Vec<String> = value["events"]
        .as_array()
        .expect("net log events")
        .iter()
        .filter_map(|event| {
            let params = &event["params"];
            let site = params["site_for_cookies"].as_str()?;
            let url = params["url"].as_str()?;
            (site.contains("site=file://") && url != own).then(|| url.to_owned())
        })
        .collect();
    urls.dedup();
    urls
}

#[test]
fn the_review_in_a_browser() {
    let Some(browser) = chromium() else {
        eprintln!(
            "note: Chromium is not installed: the browser test of the HTML review is skipped"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let page = dir.join("review.html");
    std::fs::write(&page, review_html()).unwrap();

    // The DOM after load, the console and the requests.
    let net_log = dir.join("net.json");
    let (dom, log) = browse(
        &browser,
        &dir,
        &[
            "--enable-logging=stderr".to_owned(),
            "--v=0".to_owned(),
            format!("--log-net-log={}", net_log.display()),
            "--dump-dom".to_owned(),
        ],
        &page,
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "the console says:\n{}",
        console.join("\n")
    );
    assert_eq!(page_requests(&net_log, &page), Vec::<String>::new());
    assert!(
        dom.contains("<h1>Review of the last 12 months</h1>"),
        "{dom}"
    );
    let charts = dom.matches("<svg class=\"chart\"").count();
    assert!(charts >= 10, "{charts} charts in the DOM");
    for expected in [
        "Channels by net per hour",
        "Your balance over the coming months",
        "The numbers behind the chart",
        "38 leads → 35 contacted",
    ] {
        assert!(dom.contains(expected), "`{expected}` is not in the DOM");
    }

    // A screenshot that is not blank: far larger than a blank page's.
    let blank = dir.join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let size = |page: &Path, png: &Path| {
        browse(
            &browser,
            &dir,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1200,3000".to_owned(),
            ],
            page,
        );
        let bytes = std::fs::read(png).expect("a screenshot");
        assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
        bytes.len()
    };
    let blank_size = size(&blank, &dir.join("blank.png"));
    let page_size = size(&page, &dir.join("review.png"));
    assert!(
        page_size > 10 * blank_size,
        "the screenshot looks blank: {page_size} bytes, a blank page {blank_size}"
    );

    // The print: A4, at most 6 pages.
    let pdf = dir.join("review.pdf");
    browse(
        &browser,
        &dir,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_owned(),
        ],
        &page,
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let pages = count_pages(&bytes);
    assert!((2..=6).contains(&pages), "{pages} pages");
    // A4 is 595 × 842 points.
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("/MediaBox [0 0 594.95996 841.91998]")
            || text.contains("/MediaBox [0 0 595 842]"),
        "not A4"
    );
}

/// The `/Type /Page` objects of a PDF (not `/Pages`, the tree above them).
fn count_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}

#[test]
fn pages_are_counted_without_the_page_tree() {
    assert_eq!(
        count_pages(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type /Page\n>>"),
        2
    );
}
