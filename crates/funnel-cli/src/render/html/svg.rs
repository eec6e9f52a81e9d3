//! Small SVG chart builders for the HTML view: horizontal bars, a funnel,
//! lines with reference levels, vertical bars and intervals. They know
//! nothing of reports: they take values to place (floats, drawing
//! coordinates only) and texts to write (already formatted by the caller
//! the way the table view formats them).
//!
//! Every chart is an inline `<svg role="img">` with a `<title>` and a
//! `<desc>` it is labelled by, a fixed `viewBox` that CSS scales to the
//! page, and coordinates written with one decimal, so the same input
//! always gives the same bytes. Colours come from CSS classes of the page
//! (light, dark and print), never from the SVG, and no meaning rests on
//! colour alone: a second line is dashed and labelled, markers differ in
//! shape, a thin sample is drawn hollow and says so in words.

use std::fmt::Write as _;

/// The width of a chart's `viewBox`, in user units (CSS scales it).
pub const WIDTH: f64 = 640.0;

/// The width of a small multiple's `viewBox`.
pub const SMALL_WIDTH: f64 = 340.0;

/// Text with `&`, `<`, `>`, `"` and `'` escaped, for HTML text and
/// attribute values alike (SVG inline in HTML is parsed the same way).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (`-0.0` written `0.0`).
fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let text = format!("{x:.1}");
    if text == "-0.0" {
        "0.0".to_owned()
    } else {
        text
    }
}

/// The approximate width of a text at the charts' 11-unit font: enough to
/// leave room for labels without measuring glyphs.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 6.2
}

/// What names a chart: an id unique in the page (for its title and
/// description), its title and a sentence describing it for screen
/// readers.
#[derive(Clone, Copy, Debug)]
pub struct Head<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// The start of a chart: the `<svg>` element with its title and
/// description.
fn open(svg: &mut String, head: Head<'_>, height: f64) {
    open_sized(svg, head, WIDTH, height);
}

/// [`open`] with another width (small multiples are narrower, so that
/// their text is as large as the others' when laid out side by side).
fn open_sized(svg: &mut String, head: Head<'_>, width: f64, height: f64) {
    let Head { id, title, desc } = head;
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {} {}\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        n(width),
        n(height),
        escape(title),
        escape(desc)
    );
}

fn text(svg: &mut String, x: f64, y: f64, class: &str, anchor: &str, content: &str) {
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" class=\"{class}\" text-anchor=\"{anchor}\">{}</text>",
        n(x),
        n(y),
        escape(content)
    );
}

fn line(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    let _ = write!(
        svg,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{class}\"/>",
        n(x1),
        n(y1),
        n(x2),
        n(y2)
    );
}

fn rect(svg: &mut String, x: f64, y: f64, width: f64, height: f64, class: &str) {
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{class}\"/>",
        n(x),
        n(y),
        n(width.max(0.0)),
        n(height.max(0.0)),
    );
}

/// A marker: `circle`, `square` or `diamond`, centred on (x, y).
fn marker(svg: &mut String, shape: Shape, x: f64, y: f64, class: &str) {
    match shape {
        Shape::Circle => {
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" class=\"{class}\"/>",
                n(x),
                n(y)
            );
        }
        Shape::Square => rect(svg, x - 3.0, y - 3.0, 6.0, 6.0, class),
        Shape::Diamond => {
            let _ = write!(
                svg,
                "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" class=\"{class}\"/>",
                n(x),
                n(y - 5.0),
                n(x + 5.0),
                n(y),
                n(x),
                n(y + 5.0),
                n(x - 5.0),
                n(y)
            );
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Diamond,
}

/// One bar of [`bars`].
pub struct Bar {
    pub label: String,
    /// `None`: no bar (the note says why).
    pub value: Option<f64>,
    /// The value as the table view writes it.
    pub value_text: String,
    /// Words after the value: the sample behind it.
    pub note: String,
    /// Drawn hollow: a value on too thin a sample to trust.
    pub thin: bool,
}

/// Horizontal bars from a zero line (negative values to its left), a row
/// each, with the label on the left and the value and its note on the
/// right; `unit` names the axis.
pub fn bars(head: Head<'_>, unit: &str, items: &[Bar]) -> String {
    const ROW: f64 = 34.0;
    const TOP: f64 = 14.0;
    let label_width = items
        .iter()
        .map(|b| text_width(&b.label))
        .fold(0.0, f64::max)
        .min(200.0);
    let notes_width = items
        .iter()
        .map(|b| text_width(&b.value_text).max(text_width(&b.note)))
        .fold(0.0, f64::max)
        .clamp(60.0, 330.0);
    let left = 8.0 + label_width + 10.0;
    let right = WIDTH - notes_width - 12.0;
    let values = || items.iter().filter_map(|b| b.value);
    let low = values().fold(0.0, f64::min);
    let high = values().fold(0.0, f64::max);
    let span = if high > low { high - low } else { 1.0 };
    let x = |v: f64| left + (v - low) / span * (right - left);
    let height = TOP + ROW * items.len() as f64 + 24.0;
    let mut svg = String::new();
    open(&mut svg, head, height);
    for (i, bar) in items.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        text(&mut svg, left - 10.0, y + 15.0, "label", "end", &bar.label);
        if let Some(value) = bar.value {
            let (from, to) = (x(0.0).min(x(value)), x(0.0).max(x(value)));
            let class = if bar.thin { "bar thin" } else { "bar" };
            rect(&mut svg, from, y + 4.0, (to - from).max(1.0), 16.0, class);
        }
        text(
            &mut svg,
            right + 10.0,
            y + 11.0,
            "value",
            "start",
            &bar.value_text,
        );
        text(&mut svg, right + 10.0, y + 24.0, "note", "start", &bar.note);
    }
    let bottom = TOP + ROW * items.len() as f64;
    line(&mut svg, (x(0.0), TOP - 4.0), (x(0.0), bottom), "axis");
    text(&mut svg, x(0.0), bottom + 14.0, "tick", "middle", "0");
    text(&mut svg, right, bottom + 14.0, "axis-label", "end", unit);
    svg.push_str("</svg>");
    svg
}

/// One stage of [`funnel`].
pub struct Stage {
    pub label: String,
    pub value: f64,
    /// The count as the table view writes it.
    pub value_text: String,
    /// The conversion from the stage before, in words.
    pub note: String,
}

/// A funnel: one bar per stage, centred, as wide as its count (the widest
/// stage fills the width), the count inside and the conversion beside.
/// `scale` is the count that fills the width (small multiples share one).
///
/// A small multiple (`small`) is [`SMALL_WIDTH`] wide and writes its title
/// above the stages, so each funnel says whose it is.
pub fn funnel(head: Head<'_>, stages: &[Stage], scale: f64, small: bool) -> String {
    const ROW: f64 = 30.0;
    let (width, top) = if small {
        (SMALL_WIDTH, 26.0)
    } else {
        (WIDTH, 4.0)
    };
    let left = 90.0;
    let note_width = stages
        .iter()
        .map(|s| text_width(&s.note))
        .fold(0.0, f64::max)
        .clamp(80.0, 280.0);
    let right = width - note_width - 16.0;
    let middle = (left + right) / 2.0;
    let full = right - left;
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let height = top + ROW * stages.len() as f64 + 4.0;
    let mut svg = String::new();
    open_sized(&mut svg, head, width, height);
    if small {
        text(&mut svg, 8.0, 16.0, "label", "start", head.title);
    }
    for (i, stage) in stages.iter().enumerate() {
        let y = top + ROW * i as f64;
        let width = (stage.value / scale * full).max(2.0);
        text(
            &mut svg,
            left - 10.0,
            y + 16.0,
            "label",
            "end",
            &stage.label,
        );
        rect(
            &mut svg,
            middle - width / 2.0,
            y + 2.0,
            width,
            ROW - 6.0,
            "bar",
        );
        text(
            &mut svg,
            middle,
            y + 16.0,
            "in-bar",
            "middle",
            &stage.value_text,
        );
        text(
            &mut svg,
            right + 12.0,
            y + 16.0,
            "note",
            "start",
            &stage.note,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One line of [`lines`].
pub struct Series {
    pub name: String,
    /// One value per x label; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
    pub dashed: bool,
    pub shape: Shape,
}

/// A horizontal reference line of [`lines`] (a buffer level).
pub struct Level {
    pub label: String,
    pub value: f64,
}

/// Lines over labelled points (months), with dotted reference levels, a
/// zero line when the values cross zero, y ticks written by `tick_text`
/// and a legend naming each line by its stroke and marker.
pub fn lines(
    head: Head<'_>,
    (x_unit, y_unit): (&str, &str),
    labels: &[String],
    series: &[Series],
    levels: &[Level],
    tick_text: &dyn Fn(f64) -> String,
) -> String {
    let known = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
            .chain(levels.iter().map(|l| l.value))
    };
    let (low, high) = (known().fold(0.0, f64::min), known().fold(0.0, f64::max));
    let (ticks, tick_width) = value_ticks(low, high, tick_text);
    let (low, high) = (ticks[0], ticks[ticks.len() - 1]);
    let (left, right, top, bottom) = (tick_width + 16.0, WIDTH - 150.0, 24.0, 246.0);
    let x = |i: usize| {
        let count = labels.len().max(2) - 1;
        left + (right - left) * i as f64 / count as f64
    };
    let y = |v: f64| bottom - (v - low) / (high - low) * (bottom - top);
    let mut svg = String::new();
    open(&mut svg, head, 300.0);
    y_axis(&mut svg, (y_unit, tick_text), &ticks, (left, right), y);
    let every = x_label_step(labels, right - left);
    for (i, label) in labels.iter().enumerate() {
        if i % every == 0 || i + 1 == labels.len() {
            text(&mut svg, x(i), bottom + 16.0, "tick", "middle", label);
        }
    }
    text(
        &mut svg,
        right + 8.0,
        bottom + 16.0,
        "axis-label",
        "start",
        x_unit,
    );
    for level in levels {
        line(
            &mut svg,
            (left, y(level.value)),
            (right, y(level.value)),
            "level",
        );
        text(
            &mut svg,
            right + 6.0,
            y(level.value) + 4.0,
            "note",
            "start",
            &level.label,
        );
    }
    for (k, s) in series.iter().enumerate() {
        let class = if s.dashed { "series s2" } else { "series s1" };
        let mut path = String::new();
        let mut pen_down = false;
        for (i, value) in s.values.iter().enumerate() {
            match value {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{} {}",
                        if pen_down { "L" } else { "M" },
                        n(x(i)),
                        n(y(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(svg, "<path d=\"{path}\" class=\"{class}\"/>");
        }
        let mark = if s.dashed { "mark s2" } else { "mark s1" };
        for (i, value) in s.values.iter().enumerate() {
            if let Some(v) = value {
                marker(&mut svg, s.shape, x(i), y(*v), mark);
            }
        }
        // The legend, under the chart: the line's stroke and marker, then
        // its name.
        let ly = bottom + 38.0;
        let lx = left
            + series[..k]
                .iter()
                .map(|s| text_width(&s.name) + 50.0)
                .sum::<f64>();
        line(&mut svg, (lx, ly - 4.0), (lx + 24.0, ly - 4.0), class);
        marker(&mut svg, s.shape, lx + 12.0, ly - 4.0, mark);
        text(&mut svg, lx + 30.0, ly, "note", "start", &s.name);
    }
    svg.push_str("</svg>");
    svg
}

/// Every how many x labels one is written, so that they do not overlap.
/// The ticks of a value axis from `low` to `high` (see [`nice_ticks`]),
/// and the width of the widest tick label `tick_text` writes.
fn value_ticks(low: f64, high: f64, tick_text: &dyn Fn(f64) -> String) -> (Vec<f64>, f64) {
    let ticks = nice_ticks(low, high);
    let width = ticks
        .iter()
        .map(|t| text_width(&tick_text(*t)))
        .fold(0.0, f64::max);
    (ticks, width)
}

/// The value axis of `lines` and `columns`: its unit at the top left, and
/// a grid line with its label at each tick (the zero line drawn as the
/// axis).
fn y_axis(
    svg: &mut String,
    (unit, tick_text): (&str, &dyn Fn(f64) -> String),
    ticks: &[f64],
    (left, right): (f64, f64),
    y: impl Fn(f64) -> f64,
) {
    text(svg, 4.0, 14.0, "axis-label", "start", unit);
    for &tick in ticks {
        let class = if tick == 0.0 { "axis" } else { "grid" };
        line(svg, (left, y(tick)), (right, y(tick)), class);
        text(
            svg,
            left - 6.0,
            y(tick) + 4.0,
            "tick",
            "end",
            &tick_text(tick),
        );
    }
}

fn x_label_step(labels: &[String], width: f64) -> usize {
    let widest = labels.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 8.0;
    let fit = (width / widest).floor().max(1.0) as usize;
    labels.len().div_ceil(fit).max(1)
}

/// Ticks at 1, 2 or 5 × a power of ten that cover `low..=high` in at most
/// about six steps (0 included).
pub fn nice_ticks(low: f64, high: f64) -> Vec<f64> {
    let (low, high) = if high > low {
        (low, high)
    } else {
        (low, low + 1.0)
    };
    let raw = (high - low) / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Vertical bars over labelled points (one column of `trends`); `whole`
/// values (counts) get whole ticks.
pub fn columns(
    head: Head<'_>,
    (x_unit, y_unit): (&str, &str),
    labels: &[String],
    values: &[Option<f64>],
    whole: bool,
    tick_text: &dyn Fn(f64) -> String,
) -> String {
    let known = || values.iter().flatten().copied();
    let (low, high) = (known().fold(0.0, f64::min), known().fold(0.0, f64::max));
    // Counts are whole: at least one between ticks.
    let high = if whole { high.max(low + 5.0) } else { high };
    let (ticks, tick_width) = value_ticks(low, high, tick_text);
    let (low, high) = (ticks[0], ticks[ticks.len() - 1]);
    let (left, right, top, bottom) = (tick_width + 16.0, SMALL_WIDTH - 10.0, 22.0, 140.0);
    let slot = (right - left) / labels.len().max(1) as f64;
    let y = |v: f64| bottom - (v - low) / (high - low) * (bottom - top);
    let mut svg = String::new();
    open_sized(&mut svg, head, SMALL_WIDTH, 184.0);
    y_axis(&mut svg, (y_unit, tick_text), &ticks, (left, right), y);
    let every = x_label_step(labels, right - left);
    for (i, label) in labels.iter().enumerate() {
        let centre = left + slot * (i as f64 + 0.5);
        if let Some(v) = values.get(i).copied().flatten() {
            let (a, b) = (y(0.0_f64.max(low)).max(y(v)), y(0.0_f64.max(low)).min(y(v)));
            rect(&mut svg, centre - slot * 0.35, b, slot * 0.7, a - b, "bar");
        }
        if i % every == 0 || i + 1 == labels.len() {
            text(&mut svg, centre, bottom + 16.0, "tick", "middle", label);
        }
    }
    text(&mut svg, right, bottom + 34.0, "axis-label", "end", x_unit);
    svg.push_str("</svg>");
    svg
}

/// One row of [`intervals`]: an observed value with its interval against
/// an assumed one, on the row's own scale.
pub struct Estimate {
    pub label: String,
    /// The scale: `low..high`, written `low_text` and `high_text`.
    pub scale: (f64, f64),
    pub scale_text: (String, String),
    pub observed: Option<f64>,
    pub observed_text: String,
    pub assumed: Option<f64>,
    pub assumed_text: String,
    pub interval: Option<(f64, f64)>,
    pub interval_text: String,
}

/// Rows of estimates: the interval as a band, the observed value as a
/// circle, the assumed (or reference) value as a diamond, each with its
/// number written above the row, and a legend naming the circle and the
/// diamond (`names`: "observed" and "assumed", or "expected" and "asked").
pub fn intervals(head: Head<'_>, names: (&str, &str), rows: &[Estimate]) -> String {
    const ROW: f64 = 56.0;
    const TOP: f64 = 26.0;
    let (left, right) = (24.0, WIDTH - 24.0);
    let height = TOP + ROW * rows.len() as f64 + 4.0;
    let mut svg = String::new();
    open(&mut svg, head, height);
    // The legend.
    marker(&mut svg, Shape::Circle, left + 4.0, 10.0, "mark s1");
    text(&mut svg, left + 14.0, 14.0, "note", "start", names.0);
    rect(&mut svg, left + 84.0, 6.0, 30.0, 8.0, "band");
    text(
        &mut svg,
        left + 120.0,
        14.0,
        "note",
        "start",
        "90% interval",
    );
    marker(&mut svg, Shape::Diamond, left + 218.0, 10.0, "mark assumed");
    text(&mut svg, left + 228.0, 14.0, "note", "start", names.1);
    for (i, row) in rows.iter().enumerate() {
        let top = TOP + ROW * i as f64;
        let axis = top + 24.0;
        let (low, high) = row.scale;
        let span = if high > low { high - low } else { 1.0 };
        let x = |v: f64| left + ((v - low) / span).clamp(0.0, 1.0) * (right - left);
        text(&mut svg, left, top + 12.0, "label", "start", &row.label);
        line(&mut svg, (left, axis), (right, axis), "axis");
        text(
            &mut svg,
            left,
            axis + 14.0,
            "tick",
            "start",
            &row.scale_text.0,
        );
        text(
            &mut svg,
            right,
            axis + 14.0,
            "tick",
            "end",
            &row.scale_text.1,
        );
        if let Some((a, b)) = row.interval {
            rect(&mut svg, x(a), axis - 5.0, x(b) - x(a), 10.0, "band");
        }
        if let Some(v) = row.assumed {
            marker(&mut svg, Shape::Diamond, x(v), axis, "mark assumed");
        }
        if let Some(v) = row.observed {
            marker(&mut svg, Shape::Circle, x(v), axis, "mark s1");
        }
        let mut said = vec![format!("{} {}", names.0, row.observed_text)];
        if !row.interval_text.is_empty() {
            said.push(format!("90%: {}", row.interval_text));
        }
        if !row.assumed_text.is_empty() {
            said.push(format!("{} {}", names.1, row.assumed_text));
        }
        text(
            &mut svg,
            (left + right) / 2.0,
            axis + 16.0,
            "note",
            "middle",
            &said.join(" · "),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One element a line, for readable snapshots.
    fn lines_of(svg: &str) -> String {
        svg.replace("><", ">\n<")
    }

    fn head(id: &str) -> Head<'_> {
        Head {
            id,
            title: "A <chart> & its title",
            desc: "what it shows",
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn coordinates_have_one_decimal() {
        assert_eq!(n(1.0 / 3.0), "0.3");
        assert_eq!(n(-0.01), "0.0");
        assert_eq!(n(f64::NAN), "0.0");
        assert_eq!(n(12.25), "12.2");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 10.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            nice_ticks(0.0, 43_000.0),
            [0.0, 10_000.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0]
        );
        assert_eq!(nice_ticks(-3.0, 7.0), [-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(
            nice_ticks(0.0, 0.0),
            [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
    }

    #[test]
    fn bars_structure() {
        let svg = bars(
            head("c1"),
            "EUR/h",
            &[
                Bar {
                    label: "referral".into(),
                    value: Some(100.0),
                    value_text: "100 EUR/h".into(),
                    note: "2 of 3 won".into(),
                    thin: false,
                },
                Bar {
                    label: "platform:upwork".into(),
                    value: Some(-50.0),
                    value_text: "-50 EUR/h".into(),
                    note: "thin: hours on 1 of 4 deals".into(),
                    thin: true,
                },
                Bar {
                    label: "<cold>".into(),
                    value: None,
                    value_text: "–".into(),
                    note: "no hours logged".into(),
                    thin: false,
                },
            ],
        );
        // A bar for each value (none for the missing one), the thin one
        // hollow, every text escaped.
        assert_eq!(svg.matches("<rect ").count(), 2);
        assert_eq!(svg.matches("class=\"bar thin\"").count(), 1);
        assert!(svg.contains("&lt;cold&gt;") && !svg.contains("<cold>"));
        assert!(svg.contains("<title id=\"c1-t\">A &lt;chart&gt; &amp; its title</title>"));
        insta::assert_snapshot!(lines_of(&svg));
    }

    #[test]
    fn funnel_structure() {
        let stage = |label: &str, value: f64, note: &str| Stage {
            label: label.into(),
            value,
            value_text: format!("{value}"),
            note: note.into(),
        };
        let svg = funnel(
            head("f"),
            &[
                stage("lead", 10.0, ""),
                stage("won", 4.0, "40.0% (4 of 10)"),
            ],
            10.0,
            false,
        );
        insta::assert_snapshot!(lines_of(&svg));
        // A small multiple is narrower and writes its title where it shows.
        let small = funnel(head("g"), &[stage("lead", 5.0, "")], 10.0, true);
        assert!(small.contains("viewBox=\"0 0 340.0 60.0\""), "{small}");
        assert!(
            small.contains(">A &lt;chart&gt; &amp; its title</text>"),
            "{small}"
        );
        // Half the scale: half the full width (340 - 80 - 16 - 90 = 154).
        assert!(small.contains("width=\"77.0\""), "{small}");
    }

    #[test]
    fn lines_structure() {
        let svg = lines(
            head("r"),
            ("month", "EUR"),
            &["2026-11".into(), "2026-12".into(), "2027-01".into()],
            &[
                Series {
                    name: "balance".into(),
                    values: vec![Some(10.0), Some(6.0), Some(2.0)],
                    dashed: false,
                    shape: Shape::Circle,
                },
                Series {
                    name: "if cancelled".into(),
                    values: vec![Some(10.0), None, Some(-2.0)],
                    dashed: true,
                    shape: Shape::Square,
                },
            ],
            &[Level {
                label: "3 months".into(),
                value: 9.0,
            }],
            &|v| format!("{v}"),
        );
        insta::assert_snapshot!(lines_of(&svg));
    }

    #[test]
    fn intervals_structure() {
        let svg = intervals(
            head("s"),
            ("observed", "assumed"),
            &[Estimate {
                label: "conversion lead->won 10%".into(),
                scale: (0.0, 1.0),
                scale_text: ("0%".into(), "100%".into()),
                observed: Some(0.25),
                observed_text: "25.0% (1 of 4)".into(),
                assumed: Some(0.1),
                assumed_text: "10.0%".into(),
                interval: Some((0.07, 0.6)),
                interval_text: "7.0% to 60.0%".into(),
            }],
        );
        insta::assert_snapshot!(lines_of(&svg));
    }
}
