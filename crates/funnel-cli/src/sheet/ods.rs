//! `--format ods`: the sheets as an OpenDocument spreadsheet, written
//! directly. An `.ods` file is a zip of a few XML files (ODF 1.3 part 2):
//! `mimetype` (stored first, uncompressed), `META-INF/manifest.xml`,
//! `content.xml` (the cells and their styles) and `settings.xml` (the
//! frozen header row of each sheet).
//!
//! Written here rather than through a crate: the one maintained ODS
//! writer (`spreadsheet-ods`) brings a second `nom`, locale data and a
//! dozen crates for what is some 200 lines of XML, and the `zip` crate it
//! needs is already built for `rust_xlsxwriter`. Every cell carries its
//! type (`office:value-type`), so LibreOffice opens it in any locale
//! without an import dialog; a number is written with the decimal's own
//! digits (`office:value="11000.25"`), never through a binary float.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use anyhow::{Context as _, Result};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::{width, NumberFormat, Sheet, Value};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Writes the sheets as one `.ods` document to `out`.
pub fn write(out: &mut dyn Write, sheets: &[Sheet]) -> Result<()> {
    let bytes = package(sheets).context("cannot make the ods document")?;
    out.write_all(&bytes)?;
    Ok(())
}

fn package(sheets: &[Sheet]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // The mimetype comes first and uncompressed, so that a reader can
    // tell the file's type from its first bytes.
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(MIMETYPE.as_bytes())?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(MANIFEST.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content(sheets).as_bytes())?;
    zip.start_file("settings.xml", deflated)?;
    zip.write_all(settings(sheets).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

/// The number styles, and a cell style for each (named after the
/// [`NumberFormat`]), plus the bold header. Number styles name no
/// language, so the reader's locale decides the separators.
const STYLES: &str = r#"<number:number-style style:name="N-integer"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1"/></number:number-style>
<number:number-style style:name="N-money"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<number:number-style style:name="N-two"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style>
<number:percentage-style style:name="N-percent"><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
<number:date-style style:name="N-date"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<style:style style:name="integer" style:family="table-cell" style:data-style-name="N-integer"/>
<style:style style:name="money" style:family="table-cell" style:data-style-name="N-money"/>
<style:style style:name="two" style:family="table-cell" style:data-style-name="N-two"/>
<style:style style:name="percent" style:family="table-cell" style:data-style-name="N-percent"/>
<style:style style:name="date" style:family="table-cell" style:data-style-name="N-date"/>
<style:style style:name="header" style:family="table-cell"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"/></style:style>
"#;

/// The cell style of a number format; `None` for the default.
fn style_name(format: NumberFormat) -> Option<&'static str> {
    match format {
        NumberFormat::General => None,
        NumberFormat::Integer => Some("integer"),
        NumberFormat::Money => Some("money"),
        NumberFormat::TwoDecimals => Some("two"),
        NumberFormat::Percent => Some("percent"),
        NumberFormat::Date => Some("date"),
    }
}

/// `content.xml`: the automatic styles (the shared ones, and one column
/// style per column for its width), then one `table:table` per sheet.
fn content(sheets: &[Sheet]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
<office:automatic-styles>
"#,
    );
    xml.push_str(STYLES);
    for (s, sheet) in sheets.iter().enumerate() {
        for c in 0..sheet.columns.len() {
            // About 0.21 cm a character of the default 10 pt font.
            let cm = width(sheet, c) * 0.21;
            let _ = writeln!(
                xml,
                r#"<style:style style:name="co{s}-{c}" style:family="table-column"><style:table-column-properties style:column-width="{cm:.2}cm"/></style:style>"#
            );
        }
    }
    xml.push_str("</office:automatic-styles>\n<office:body>\n<office:spreadsheet>\n");
    for (s, sheet) in sheets.iter().enumerate() {
        let _ = writeln!(xml, r#"<table:table table:name="{}">"#, escape(&sheet.name));
        for c in 0..sheet.columns.len() {
            let _ = writeln!(xml, r#"<table:table-column table:style-name="co{s}-{c}"/>"#);
        }
        xml.push_str("<table:table-header-rows><table:table-row>");
        for column in &sheet.columns {
            xml.push_str(
                r#"<table:table-cell table:style-name="header" office:value-type="string">"#,
            );
            paragraphs(&mut xml, &column.header);
            xml.push_str("</table:table-cell>");
        }
        xml.push_str("</table:table-row></table:table-header-rows>\n");
        for row in &sheet.rows {
            xml.push_str("<table:table-row>");
            for (value, column) in row.iter().zip(&sheet.columns) {
                cell(&mut xml, value, column.format);
            }
            xml.push_str("</table:table-row>\n");
        }
        xml.push_str("</table:table>\n");
    }
    xml.push_str("</office:spreadsheet>\n</office:body>\n</office:document-content>\n");
    xml
}

/// One cell: its type and value as attributes (what a spreadsheet reads),
/// and the same as text (what a plain XML reader sees).
fn cell(xml: &mut String, value: &Value, format: NumberFormat) {
    let number = |xml: &mut String, digits: &str| {
        let (kind, style) = match format {
            NumberFormat::Percent => ("percentage", Some("percent")),
            // A date or text column holding a number shows it as it is.
            NumberFormat::Date => ("float", None),
            other => ("float", style_name(other)),
        };
        xml.push_str("<table:table-cell");
        if let Some(style) = style {
            let _ = write!(xml, r#" table:style-name="{style}""#);
        }
        let _ = write!(
            xml,
            r#" office:value-type="{kind}" office:value="{digits}"><text:p>{digits}</text:p></table:table-cell>"#
        );
    };
    match value {
        Value::Empty => xml.push_str("<table:table-cell/>"),
        Value::Text(text) => {
            xml.push_str(r#"<table:table-cell office:value-type="string">"#);
            paragraphs(xml, text);
            xml.push_str("</table:table-cell>");
        }
        // `Decimal`'s text has no exponent: a valid `xsd:double`, exact.
        Value::Decimal(d) => number(xml, &d.normalize().to_string()),
        Value::Float(x) if x.is_finite() => number(xml, &x.to_string()),
        Value::Float(_) => xml.push_str("<table:table-cell/>"),
        Value::Date(day) => {
            let _ = write!(
                xml,
                r#"<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{day}"><text:p>{day}</text:p></table:table-cell>"#
            );
        }
        Value::Bool(b) => {
            let _ = write!(
                xml,
                r#"<table:table-cell office:value-type="boolean" office:boolean-value="{b}"><text:p>{}</text:p></table:table-cell>"#,
                if *b { "TRUE" } else { "FALSE" }
            );
        }
    }
}

/// A text as paragraphs, one a line; runs of spaces and tabs as ODF's
/// `text:s` and `text:tab` (XML would collapse them).
fn paragraphs(xml: &mut String, text: &str) {
    for line in text.split('\n') {
        xml.push_str("<text:p>");
        let mut spaces = 0;
        let flush = |xml: &mut String, spaces: &mut usize| {
            match *spaces {
                0 => {}
                1 => xml.push(' '),
                n => {
                    let _ = write!(xml, r#" <text:s text:c="{}"/>"#, n - 1);
                }
            }
            *spaces = 0;
        };
        for (i, ch) in line.chars().enumerate() {
            match ch {
                // A leading space is dropped by XML readers too.
                ' ' if i == 0 => xml.push_str("<text:s/>"),
                ' ' => spaces += 1,
                _ => {
                    flush(xml, &mut spaces);
                    match ch {
                        '\t' => xml.push_str("<text:tab/>"),
                        '&' => xml.push_str("&amp;"),
                        '<' => xml.push_str("&lt;"),
                        '>' => xml.push_str("&gt;"),
                        // Not allowed in XML 1.0 at all.
                        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                        c => xml.push(c),
                    }
                }
            }
        }
        flush(xml, &mut spaces);
        xml.push_str("</text:p>");
    }
}

/// A text in an attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// `settings.xml`: for each sheet, the view split below the first row and
/// frozen there (LibreOffice's "Freeze First Row").
fn settings(sheets: &[Sheet]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3">
<office:settings>
<config:config-item-set config:name="ooo:view-settings">
<config:config-item-map-indexed config:name="Views">
<config:config-item-map-entry>
<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>
<config:config-item-map-named config:name="Tables">
"#,
    );
    for sheet in sheets {
        let _ = writeln!(
            xml,
            r#"<config:config-item-map-entry config:name="{}">
<config:config-item config:name="HorizontalSplitMode" config:type="short">0</config:config-item>
<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>
<config:config-item config:name="HorizontalSplitPosition" config:type="int">0</config:config-item>
<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>
<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>
<config:config-item config:name="PositionLeft" config:type="int">0</config:config-item>
<config:config-item config:name="PositionRight" config:type="int">0</config:config-item>
<config:config-item config:name="PositionTop" config:type="int">0</config:config-item>
<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>
</config:config-item-map-entry>"#,
            escape(&sheet.name)
        );
    }
    xml.push_str(
        "</config:config-item-map-named>\n</config:config-item-map-entry>\n</config:config-item-map-indexed>\n</config:config-item-set>\n</office:settings>\n</office:document-settings>\n",
    );
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> String {
        let mut xml = String::new();
        paragraphs(&mut xml, text);
        xml
    }

    #[test]
    fn text_keeps_spaces_lines_and_escapes() {
        assert_eq!(text("a<b & c"), "<text:p>a&lt;b &amp; c</text:p>");
        assert_eq!(text("a   b"), r#"<text:p>a <text:s text:c="2"/>b</text:p>"#);
        assert_eq!(text(" a"), "<text:p><text:s/>a</text:p>");
        assert_eq!(text("a\nb"), "<text:p>a</text:p><text:p>b</text:p>");
        assert_eq!(text("a\tb\u{1}"), "<text:p>a<text:tab/>b</text:p>");
    }

    #[test]
    fn numbers_keep_their_digits() {
        let mut xml = String::new();
        cell(
            &mut xml,
            &Value::Decimal(rust_decimal::Decimal::new(1_100_025, 2)),
            NumberFormat::Money,
        );
        assert_eq!(
            xml,
            r#"<table:table-cell table:style-name="money" office:value-type="float" office:value="11000.25"><text:p>11000.25</text:p></table:table-cell>"#
        );
        let mut xml = String::new();
        cell(&mut xml, &Value::Float(0.25), NumberFormat::Percent);
        assert!(
            xml.contains(r#"office:value-type="percentage" office:value="0.25""#),
            "{xml}"
        );
    }
}
