//! `--format html` of `funnel review` and `funnel report` through the
//! binary: a self-contained page (no URL that could make a request), the
//! format picked from `-o FILE.html`, every number and finding as the
//! table view writes it, and every text from the ledger escaped. The page
//! in a real browser is `browser.rs`.

use std::path::Path;

use crate::support::{funnel, stderr, stdout, workspace};

pub const AS_OF: &str = "2026-11-26";

pub fn example() -> String {
    workspace()
        .join("examples/freelancer.funnel")
        .to_str()
        .expect("a UTF-8 path")
        .to_owned()
}

/// Runs `funnel ARGS` and expects exit 0; its standard output.
pub fn ok(args: &[&str]) -> String {
    let output = funnel().args(args).output().expect("funnel runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "funnel {args:?} failed:\n{}",
        stderr(&output)
    );
    stdout(&output)
}

/// The HTML review of the example.
pub fn review_html() -> String {
    ok(&[
        "review",
        "-f",
        &example(),
        "--as-of",
        AS_OF,
        "--format",
        "html",
    ])
}

fn report_html(analyses: &[&str]) -> String {
    let example = example();
    let mut args = vec!["report"];
    args.extend(analyses);
    args.extend([
        "-f",
        &example,
        "--as-of",
        AS_OF,
        "--period",
        "last 12 months",
        "--format",
        "html",
    ]);
    ok(&args)
}

/// Every URL-like value in `src`, `href`, `url(…)` and `@import` that has
/// a scheme (`https:`, `data:`, `file:`) or starts with `//`: what could
/// make a browser reach out. The page must have none.
fn urls_with_a_scheme(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for needle in ["src=", "href=", "url(", "@import", "xlink:href="] {
        for (at, _) in lower.match_indices(needle) {
            let rest = lower[at + needle.len()..].trim_start();
            let rest = rest.trim_start_matches(['"', '\'', '(', ' ']);
            let rest = rest
                .trim_start_matches("url(")
                .trim_start_matches(['"', '\'']);
            let value: String = rest
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>' | ';'))
                .collect();
            let scheme = value.split_once(':').is_some_and(|(s, _)| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            });
            if scheme || value.starts_with("//") {
                found.push(format!("{needle} {value}"));
            }
        }
    }
    found
}

#[test]
fn the_url_check_finds_urls() {
    // The check of the page below, shown to catch each form.
    assert_eq!(
        urls_with_a_scheme(
            "<img src=\"https://cdn.example/a.png\"><a href='//x.org'>x</a>\
             <style>@import \"http://f/a.css\"; b { background: url(data:image/png;base64,AA) }\
             i { background: url( '//cdn/x' ) }</style><a href=\"#top\">top</a><img src=\"a.png\">"
        ),
        [
            "src= https://cdn.example/a.png",
            "href= //x.org",
            "url( data:image/png",
            "url( //cdn/x",
            "@import http://f/a.css",
        ]
    );
}

#[test]
fn the_review_page_is_self_contained() {
    let html = review_html();
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{}", &html[..100]);
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(urls_with_a_scheme(&html), Vec::<String>::new());
    let lower = html.to_ascii_lowercase();
    for absent in [
        "<script",
        "<link",
        "<iframe",
        "<img",
        "<object",
        "@font-face",
        "http:",
        "https:",
    ] {
        assert!(!lower.contains(absent), "the page has `{absent}`");
    }
    // Styled inline, with a dark mode and an A4 print style.
    assert!(html.contains("<style>"));
    assert!(html.contains("@media (prefers-color-scheme: dark)"));
    assert!(html.contains("@media print"));
    assert!(html.contains("size: A4"));
    let report = report_html(&[]);
    assert_eq!(urls_with_a_scheme(&report), Vec::<String>::new());
    assert!(!report.to_ascii_lowercase().contains("<script"));
}

#[test]
fn the_review_page_has_every_chart() {
    let html = review_html();
    for title in [
        "The funnel of all channels",
        "Channels by net per hour",
        "Assumed against observed",
        "Your balance over the coming months",
        "What the open deals are likely worth",
        "Expected value by open deal",
        "won value by month",
    ] {
        assert!(
            html.contains(&format!("-t\">{title}</title>")),
            "no chart titled `{title}`"
        );
    }
    // Every chart is an image with a title and a description, and has the
    // numbers behind it as a table.
    let charts = html.matches("<svg class=\"chart\" role=\"img\"").count();
    assert!(charts >= 10, "{charts} charts");
    assert_eq!(html.matches("<desc id=").count(), charts);
    let figures = html.matches("<figure>").count();
    assert_eq!(
        html.matches("<caption>The numbers behind the chart</caption>")
            .count(),
        figures
    );
    // The runway has the scenario as a second line and the buffer levels.
    assert!(html.contains("if the largest contract ended"));
    assert!(html.contains("3 months: "));
    assert!(html.contains("6 months: "));
}

/// The table view of `funnel report ANALYSIS` on the example, wide enough
/// for every column: the cells of its rows (split at runs of two spaces).
fn table_cells(analysis: &str) -> Vec<Vec<String>> {
    let output = funnel()
        .env("COLUMNS", "400")
        .args([
            "report",
            analysis,
            "-f",
            &example(),
            "--as-of",
            AS_OF,
            "--period",
            "last 12 months",
        ])
        .output()
        .expect("funnel runs");
    let text = stdout(&output);
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with('─') {
            in_table = true;
            continue;
        }
        if !in_table || line.is_empty() {
            if in_table && line.is_empty() {
                break;
            }
            continue;
        }
        let cells: Vec<String> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        rows.push(cells);
    }
    rows
}

#[test]
fn the_numbers_are_the_table_views() {
    let html = review_html();
    // Each chart's table in the review holds the table view's cells.
    for analysis in ["runway", "pipeline"] {
        let rows = table_cells(analysis);
        assert!(!rows.is_empty(), "no rows in the {analysis} table");
        for row in rows {
            for cell in row {
                let escaped = funnel_cli_escape(&cell);
                assert!(
                    html.contains(&format!(">{escaped}</td>")),
                    "{analysis}: `{cell}` is not a cell of the review page"
                );
            }
        }
    }
    // The report page holds every cell of every table.
    let report = report_html(&["channels", "surprises", "runway", "pipeline", "negotiation"]);
    for analysis in ["channels", "surprises", "runway", "pipeline", "negotiation"] {
        let rows = table_cells(analysis);
        assert!(!rows.is_empty(), "no rows in the {analysis} table");
        for row in rows {
            for cell in row {
                assert!(
                    report.contains(&format!(">{}</td>", funnel_cli_escape(&cell))),
                    "{analysis}: `{cell}` is not a cell of the report page"
                );
            }
        }
    }
}

#[test]
fn the_review_says_what_the_text_review_says() {
    let example = example();
    let markdown = ok(&[
        "review", "-f", &example, "--as-of", AS_OF, "--format", "markdown",
    ]);
    let html = review_html();
    let mut checked = 0;
    for line in markdown.lines() {
        let Some(item) = line.strip_prefix("- ") else {
            continue;
        };
        let item = item.strip_prefix("**!** ").unwrap_or(item);
        assert!(
            html.contains(&funnel_cli_escape(item)),
            "`{item}` is not in the HTML review"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} items");
    // The key numbers of the year, as in the text review (which
    // `review_cli` checks against the reports).
    assert!(markdown.contains("- 38 leads → 35 contacted → 29 talked → 21 proposed → 10 won"));
    assert!(html.contains(
        "<p class=\"numbers\">38 leads → 35 contacted → 29 talked → 21 proposed → 10 won</p>"
    ));
}

/// The escape of the page, for comparing.
fn funnel_cli_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn the_format_follows_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.html");
    let example = example();
    ok(&[
        "review",
        "-f",
        &example,
        "--as-of",
        AS_OF,
        "-o",
        path.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("<!DOCTYPE html>"));
    assert_eq!(written, review_html());

    let report = dir.path().join("runway.HTM");
    ok(&[
        "report",
        "runway",
        "-f",
        &example,
        "--as-of",
        AS_OF,
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));

    // `--format` and the extension disagree: a usage error, nothing written.
    let md = dir.path().join("other.html");
    let output = funnel()
        .args([
            "review",
            "-f",
            &example,
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
            "-o",
            md.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("names an HTML file, but `--format markdown`"),
        "{}",
        stderr(&output)
    );
    assert!(!Path::new(&md).exists());
    // `export` has no HTML view.
    let output = funnel()
        .args(["export", "deals", "-f", &example, "-o", "deals.html"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

const HOSTILE: &str = r#"option currency EUR
channel referral "<script>alert('channel')</script> & co"
contact anna "Anna <b>Bold</b> & \"Sons\""
2026-01-01 balance 10000 EUR
2026-01-01 costs 2000 EUR/month
2026-01-05 lead acme "<script>alert(1)</script> & 'quotes'" via referral from anna
2026-01-10 proposed acme 12000 EUR at 800 EUR/day
2026-02-01 won acme 10000 EUR at 700 EUR/day until 2026-12-31
2026-01-06 lead beta "Beta" via referral from anna
2026-01-12 proposed beta 9000 EUR
2026-01-20 lost beta "<img src=x onerror=alert(2)> & 'too dear'"
  lesson: "ask <em>first</em> & \"listen\""
2026-01-06 assume conversion lead->won 50% via referral "<i>hunch</i>"
"#;

#[test]
fn texts_from_the_ledger_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("hostile.funnel");
    std::fs::write(&ledger, HOSTILE).unwrap();
    let ledger = ledger.to_str().unwrap();
    for args in [
        vec![
            "review",
            "-f",
            ledger,
            "--as-of",
            "2026-06-30",
            "--format",
            "html",
        ],
        vec![
            "report",
            "-f",
            ledger,
            "--as-of",
            "2026-06-30",
            "--format",
            "html",
        ],
    ] {
        let html = ok(&args);
        let lower = html.to_ascii_lowercase();
        for tag in ["<script", "<img", "<b>", "<em>", "<i>"] {
            assert!(
                !lower.contains(tag),
                "{args:?}: `{tag}` got through:\n{html}"
            );
        }
        assert_eq!(urls_with_a_scheme(&html), Vec::<String>::new());
        if args[0] == "report" {
            // The loss's reason and lesson, and the contact's name.
            assert!(
                html.contains("&lt;img src=x onerror=alert(2)&gt; &amp; &#39;too dear&#39;"),
                "{html}"
            );
            assert!(html.contains("ask &lt;em&gt;first&lt;/em&gt; &amp; &quot;listen&quot;"));
            assert!(html.contains("Anna &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Sons&quot;"));
        }
    }
}
