//! Charts as inline SVG text, so a page needs no script, no image request and
//! prints as it shows. Each chart is sized in its `viewBox` only and scales to
//! its container; each names itself for screen readers (`role="img"`, a
//! `<title>` and a `<desc>` holding the figures) and writes its numbers as text,
//! so colour never carries meaning alone.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::model::{AreaCounts, BragCounts, MeasureLine, Point};
use super::words;

/// Text for an SVG (XML) text node or attribute.
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

/// An id safe in `id` and `aria-labelledby`, whatever the caller passed.
fn clean_id(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) {
        cleaned
    } else {
        format!("c-{cleaned}")
    }
}

/// Opens an `<svg>` with its accessible name and description.
fn open(out: &mut String, id: &str, width: f64, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet" font-family="Arial, Helvetica, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// The BRAG segments of an area in the order a board reads them.
fn segments(counts: &BragCounts) -> [(&'static str, &'static str, u32); 6] {
    [
        ("blue", "Blue", counts.blue),
        ("green", "Green", counts.green),
        ("amber", "Amber", counts.amber),
        ("red", "Red", counts.red),
        ("grey", "Grey", counts.grey),
        ("none", "No status", counts.no_status),
    ]
}

/// `Blue 2, Green 5, Amber 3` (the non-zero ones), or `no actions`.
pub fn brag_breakdown(counts: &BragCounts) -> String {
    let parts: Vec<String> = segments(counts)
        .iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|(_, label, n)| format!("{label} {n}"))
        .collect();
    if parts.is_empty() {
        String::from("no actions")
    } else {
        parts.join(", ")
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const AREA_WIDTH: f64 = 720.0;
const AREA_LABEL: f64 = 8.0;
const AREA_BAR_X: f64 = 8.0;
const AREA_BAR_W: f64 = 600.0;
const AREA_ROW: f64 = 64.0;
const AREA_TOP: f64 = 40.0;

/// One stacked bar per area, its length the area's number of actions against
/// the largest area's, with the breakdown written under it.
pub fn brag_by_area(id: &str, areas: &[AreaCounts]) -> String {
    let id = clean_id(id);
    let height = AREA_TOP + AREA_ROW * areas.len().max(1) as f64 + 8.0;
    let total: u32 = areas.iter().map(|a| a.actions.total).sum();
    let title = format!(
        "Actions by BRAG status in each area: {} in {}",
        plural(total, "action", "actions"),
        plural(areas.len() as u32, "area", "areas")
    );
    let desc = if areas.is_empty() {
        String::from("The plan has no areas.")
    } else {
        areas
            .iter()
            .map(|a| {
                format!(
                    "{} {}: {}, {}.",
                    a.r#ref,
                    a.title,
                    plural(a.actions.total, "action", "actions"),
                    brag_breakdown(&a.actions)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::with_capacity(2048 + areas.len() * 1024);
    open(&mut out, &id, AREA_WIDTH, height, &title, &desc);

    // The legend: a swatch and its word for each status.
    let mut x = AREA_LABEL;
    for (key, label, _) in segments(&BragCounts::default()) {
        let (fill, _) = words::colours(key);
        let _ = write!(
            out,
            r##"<rect x="{x}" y="10" width="14" height="14" fill="{fill}" stroke="#1a1a1a" stroke-width="1"/><text x="{}" y="21.5" font-size="13" fill="#1a1a1a">{label}</text>"##,
            x + 19.0
        );
        x += 19.0 + 8.0 * label.len() as f64 + 22.0;
    }

    let widest = areas.iter().map(|a| a.actions.total).max().unwrap_or(0);
    for (row, area) in areas.iter().enumerate() {
        let y = AREA_TOP + AREA_ROW * row as f64;
        let _ = write!(
            out,
            r##"<text x="{AREA_LABEL}" y="{}" font-size="14" font-weight="bold" fill="#1a1a1a">{}: {} <tspan font-weight="normal">({})</tspan></text>"##,
            y + 12.0,
            escape(&area.r#ref),
            escape(&area.title),
            plural(area.actions.total, "action", "actions")
        );
        let bar_y = y + 18.0;
        // Segments are counted from the BRAG numbers, which may not add up to
        // `total` if the plan counts some action twice; scale by what is drawn.
        let drawn: u32 = segments(&area.actions).iter().map(|s| s.2).sum();
        let scale = if widest == 0 {
            0.0
        } else {
            AREA_BAR_W / f64::from(widest.max(drawn))
        };
        let mut x = AREA_BAR_X;
        if drawn == 0 {
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{bar_y}" width="{AREA_BAR_W}" height="22" fill="none" stroke="#767676" stroke-dasharray="4 3"/>"##
            );
        }
        for (key, label, n) in segments(&area.actions) {
            if n == 0 {
                continue;
            }
            let w = f64::from(n) * scale;
            let (fill, ink) = words::colours(key);
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{bar_y}" width="{w:.1}" height="22" fill="{fill}" stroke="#1a1a1a" stroke-width="0.75"><title>{label}: {n}</title></rect>"##
            );
            // A count goes inside its segment where it fits; the line below the
            // bar has every count in any case.
            if w >= 9.0 * n.to_string().len() as f64 + 6.0 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{}" font-size="13" text-anchor="middle" fill="{ink}">{n}</text>"#,
                    x + w / 2.0,
                    bar_y + 15.5
                );
            }
            x += w;
        }
        let _ = write!(
            out,
            r##"<text x="{AREA_LABEL}" y="{}" font-size="12.5" fill="#1a1a1a">{}</text>"##,
            bar_y + 37.0,
            escape(&brag_breakdown(&area.actions))
        );
    }
    if areas.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{AREA_LABEL}" y="{}" font-size="14" fill="#1a1a1a">No areas to show.</text>"##,
            AREA_TOP + 20.0
        );
    }
    out.push_str("</svg>");
    out
}

/// A period on the x axis: a reading's or a target's, in time order.
#[derive(Debug, Clone, PartialEq)]
struct Slot<'a> {
    period: &'a str,
    ends: Option<NaiveDate>,
}

/// Readings and targets on one time axis: by the day each period ends, then by
/// label; periods without an end day go last (their labels still sort years).
fn slots<'a>(readings: &'a [Point], targets: &'a [Point]) -> Vec<Slot<'a>> {
    let mut slots: Vec<Slot<'a>> = Vec::with_capacity(readings.len() + targets.len());
    for p in readings.iter().chain(targets) {
        match slots.iter_mut().find(|s| s.period == p.period) {
            Some(slot) => slot.ends = slot.ends.or(p.ends),
            None => slots.push(Slot {
                period: &p.period,
                ends: p.ends,
            }),
        }
    }
    slots.sort_by(|a, b| {
        (a.ends.is_none(), a.ends, a.period).cmp(&(b.ends.is_none(), b.ends, b.period))
    });
    slots
}

/// Rounded bounds and tick step for values `lo..=hi`: 3 to 6 ticks.
fn scale(lo: f64, hi: f64, percent: bool) -> (f64, f64, f64) {
    let (mut lo, mut hi) = (lo, hi);
    if (hi - lo).abs() < f64::EPSILON {
        // All values equal: give the line some room around it.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let mut lo = (lo / step).floor() * step;
    let mut hi = (hi / step).ceil() * step;
    if percent {
        // A percentage axis never runs past its natural bounds when the data doesn't.
        if lo < 0.0 && lo > -step {
            lo = 0.0;
        }
        if hi > 100.0 && hi < 100.0 + step {
            hi = 100.0;
        }
    }
    if hi <= lo {
        hi = lo + step;
    }
    (lo, hi, step)
}

const M_WIDTH: f64 = 640.0;
const M_HEIGHT: f64 = 280.0;
const M_LEFT: f64 = 70.0;
const M_RIGHT: f64 = 24.0;
const M_TOP: f64 = 40.0;
const M_BOTTOM: f64 = 48.0;

/// The sentence that names a measure chart: `GLD: latest 73% (2024/25) against
/// target 77.4% by 2028, on track`.
pub fn measure_summary(m: &MeasureLine) -> String {
    let unit = m.unit.as_deref();
    let latest = m.latest.as_ref().or(m.readings.last());
    let status = words::status_label(m.target_status).to_lowercase();
    match (latest, m.targets.last()) {
        (Some(l), Some(t)) => format!(
            "{}: latest {} ({}) against target {} by {}, {}",
            m.r#ref,
            words::value(l.value, unit),
            l.period,
            words::value(t.value, unit),
            t.period,
            status
        ),
        (Some(l), None) => format!(
            "{}: latest {} ({}), no target set",
            m.r#ref,
            words::value(l.value, unit),
            l.period
        ),
        (None, Some(t)) => format!(
            "{}: no readings yet, target {} by {}",
            m.r#ref,
            words::value(t.value, unit),
            t.period
        ),
        (None, None) => format!("{}: no readings and no target yet", m.r#ref),
    }
}

/// A y-axis tick: percent keeps its sign; other units are named once above
/// the axis instead, so long ones (`per 100,000`) are not cut off.
fn tick(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("percent") => words::value(value, unit),
        Some("currency") => words::value(value, unit),
        _ => words::number(value),
    }
}

fn list(points: &[Point], unit: Option<&str>) -> String {
    points
        .iter()
        .map(|p| format!("{} {}", p.period, words::value(p.value, unit)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A measure's readings (solid line, filled circles, values above) against its
/// targets (dashed line, hollow diamonds, values below) on one time axis.
pub fn measure(id: &str, m: &MeasureLine) -> String {
    let id = clean_id(id);
    let unit = m.unit.as_deref();
    let title = measure_summary(m);
    let mut desc = format!("{} ({}).", m.title, m.cohort);
    if !m.readings.is_empty() {
        let _ = write!(desc, " Readings: {}.", list(&m.readings, unit));
    }
    if !m.targets.is_empty() {
        let _ = write!(desc, " Targets: {}.", list(&m.targets, unit));
    }
    let mut out = String::with_capacity(4096);
    open(&mut out, &id, M_WIDTH, M_HEIGHT, &title, &desc);

    // Legend, drawn as the marks themselves so it reads without colour.
    out.push_str(concat!(
        r##"<line x1="70" y1="16" x2="100" y2="16" stroke="#1d4f91" stroke-width="2.5"/><circle cx="85" cy="16" r="4.5" fill="#1d4f91"/><text x="106" y="20.5" font-size="13" fill="#1a1a1a">Reading</text>"##,
        r##"<line x1="190" y1="16" x2="220" y2="16" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"/><path d="M205 10.5 L210.5 16 L205 21.5 L199.5 16 Z" fill="#ffffff" stroke="#1a1a1a" stroke-width="1.75"/><text x="226" y="20.5" font-size="13" fill="#1a1a1a">Target</text>"##
    ));

    let axis = slots(&m.readings, &m.targets);
    let values = m.readings.iter().chain(&m.targets).map(|p| p.value);
    let finite: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    let plot_w = M_WIDTH - M_LEFT - M_RIGHT;
    let plot_h = M_HEIGHT - M_TOP - M_BOTTOM;
    let bottom = M_TOP + plot_h;
    if axis.is_empty() || finite.is_empty() {
        let _ = write!(
            out,
            r##"<rect x="{M_LEFT}" y="{M_TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#767676" stroke-dasharray="4 3"/><text x="{}" y="{}" font-size="15" text-anchor="middle" fill="#1a1a1a">No readings or targets yet</text></svg>"##,
            M_LEFT + plot_w / 2.0,
            M_TOP + plot_h / 2.0
        );
        return out;
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Room above and below the outermost points for their labels.
    let pad = (hi - lo) * 0.12;
    let (lo, hi, step) = scale(lo - pad, hi + pad, unit == Some("percent"));
    let y_of = |v: f64| bottom - (v - lo) / (hi - lo) * plot_h;
    let band = plot_w / axis.len() as f64;
    let x_of = |period: &str| {
        let i = axis.iter().position(|s| s.period == period).unwrap_or(0);
        M_LEFT + band * (i as f64 + 0.5)
    };

    // Y axis: gridlines and tick labels.
    let ticks = ((hi - lo) / step).round() as usize;
    for i in 0..=ticks {
        let v = lo + step * i as f64;
        let y = y_of(v);
        let _ = write!(
            out,
            r##"<line x1="{M_LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d0d0d0" stroke-width="1"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#1a1a1a">{}</text>"##,
            M_LEFT + plot_w,
            M_LEFT - 6.0,
            y + 4.0,
            escape(&tick(v, unit))
        );
    }
    if let Some(name) = words::unit_name(unit) {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="12" text-anchor="end" fill="#1a1a1a">{name}</text>"##,
            M_LEFT - 6.0,
            M_TOP - 12.0
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{M_LEFT}" y1="{M_TOP}" x2="{M_LEFT}" y2="{bottom}" stroke="#1a1a1a" stroke-width="1"/><line x1="{M_LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#1a1a1a" stroke-width="1"/>"##,
        M_LEFT + plot_w
    );
    // X axis: every period's label; smaller when many share the width.
    let font = if band < 48.0 { 10 } else { 12 };
    for slot in &axis {
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{}" font-size="{font}" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
            x_of(slot.period),
            bottom + 18.0,
            escape(slot.period)
        );
    }

    let path = |points: &[Point]| -> String {
        points
            .iter()
            .filter(|p| p.value.is_finite())
            .map(|p| format!("{:.1},{:.1}", x_of(&p.period), y_of(p.value)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut targets: Vec<Point> = m.targets.clone();
    targets.sort_by_key(|p| axis.iter().position(|s| s.period == p.period));
    let mut readings: Vec<Point> = m.readings.clone();
    readings.sort_by_key(|p| axis.iter().position(|s| s.period == p.period));
    if targets.len() > 1 {
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="#1a1a1a" stroke-width="2" stroke-dasharray="6 4"/>"##,
            path(&targets)
        );
    }
    if readings.len() > 1 {
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="#1d4f91" stroke-width="2.5"/>"##,
            path(&readings)
        );
    }
    for p in targets.iter().filter(|p| p.value.is_finite()) {
        let (x, y) = (x_of(&p.period), y_of(p.value));
        let _ = write!(
            out,
            r##"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="#ffffff" stroke="#1a1a1a" stroke-width="1.75"/><text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
            y - 6.0,
            x + 6.0,
            y + 6.0,
            x - 6.0,
            y + 20.0,
            escape(&format!("Target {}", words::value(p.value, unit)))
        );
    }
    for p in readings.iter().filter(|p| p.value.is_finite()) {
        let (x, y) = (x_of(&p.period), y_of(p.value));
        let _ = write!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#1d4f91"/><text x="{x:.1}" y="{:.1}" font-size="13" font-weight="bold" text-anchor="middle" fill="#1a1a1a">{}</text>"##,
            y - 10.0,
            escape(&words::value(p.value, unit))
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::TargetStatus;

    fn point(period: &str, value: f64, ends: Option<(i32, u32, u32)>) -> Point {
        Point {
            period: period.into(),
            value,
            ends: ends.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        }
    }

    fn line(readings: Vec<Point>, targets: Vec<Point>) -> MeasureLine {
        MeasureLine {
            r#ref: "GLD".into(),
            title: "Good level of development".into(),
            cohort: "All".into(),
            unit: Some("percent".into()),
            direction: Some("higher_is_better".into()),
            target_status: TargetStatus::OnTrack,
            trend: None,
            latest: readings.last().cloned(),
            readings,
            targets,
        }
    }

    fn well_formed(svg: &str) {
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(r#"role="img""#));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let opens = svg.matches("<text").count();
        assert_eq!(opens, svg.matches("</text>").count());
    }

    #[test]
    fn the_summary_reads_as_a_board_would_say_it() {
        let m = line(
            vec![point("2023/24", 71.0, None), point("2024/25", 73.0, None)],
            vec![point("2028", 77.4, None)],
        );
        assert_eq!(
            measure_summary(&m),
            "GLD: latest 73% (2024/25) against target 77.4% by 2028, on track"
        );
        let svg = measure("m-gld", &m);
        well_formed(&svg);
        assert!(svg.contains(r#"aria-labelledby="m-gld-title m-gld-desc""#));
        assert!(svg.contains(">73%</text>") && svg.contains(">Target 77.4%</text>"));
    }

    #[test]
    fn a_measure_with_nothing_says_so() {
        let m = line(vec![], vec![]);
        let svg = measure("m1", &m);
        well_formed(&svg);
        assert!(svg.contains("No readings or targets yet"));
        assert!(svg.contains("GLD: no readings and no target yet"));
    }

    #[test]
    fn one_reading_and_no_target_draws_a_point_without_a_line() {
        let m = line(vec![point("2024/25", 73.0, None)], vec![]);
        let svg = measure("m1", &m);
        well_formed(&svg);
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "legend and the one point"
        );
        assert!(!svg.contains("<polyline"));
        assert!(svg.contains("no target set"));
    }

    #[test]
    fn equal_zero_and_negative_values_still_give_an_axis() {
        for values in [[0.0, 0.0], [5.0, 5.0], [-3.0, 2.0], [-10.0, -10.0]] {
            let mut m = line(
                vec![
                    point("2023", values[0], None),
                    point("2024", values[1], None),
                ],
                vec![],
            );
            m.unit = Some("count".into());
            let svg = measure("m1", &m);
            well_formed(&svg);
            assert!(svg.matches("<line").count() >= 5, "ticks for {values:?}");
        }
    }

    #[test]
    fn scale_covers_the_values_in_a_few_ticks() {
        for (lo, hi) in [
            (0.0, 0.0),
            (68.0, 77.4),
            (-3.0, 2.0),
            (0.001, 0.004),
            (1e6, 3e6),
        ] {
            let (a, b, step) = scale(lo, hi, false);
            assert!(a <= lo && b >= hi, "{lo}..{hi} in {a}..{b}");
            let ticks = ((b - a) / step).round();
            assert!((2.0..=8.0).contains(&ticks), "{lo}..{hi}: {ticks} ticks");
        }
    }

    #[test]
    fn periods_are_ordered_by_their_end_then_label() {
        let readings = vec![
            point("2024/25", 73.0, Some((2025, 8, 31))),
            point("2022/23", 68.0, Some((2023, 8, 31))),
        ];
        let targets = vec![
            point("2027/28", 77.4, Some((2028, 8, 31))),
            point("2024/25", 72.0, Some((2025, 8, 31))),
        ];
        let order: Vec<&str> = slots(&readings, &targets)
            .iter()
            .map(|s| s.period)
            .collect();
        assert_eq!(order, ["2022/23", "2024/25", "2027/28"]);
    }

    #[test]
    fn titles_are_escaped() {
        let mut m = line(vec![point("<2024>", 1.0, None)], vec![]);
        m.r#ref = r#"A<&">"#.into();
        let svg = measure("x\"><script>", &m);
        well_formed(&svg);
        assert!(svg.contains("A&lt;&amp;&quot;&gt;: latest 1% (&lt;2024&gt;)"));
        assert!(!svg.contains("<script>") && !svg.contains("<2024>"));

        let area = AreaCounts {
            r#ref: "<b>".into(),
            title: "Tom & \"Jerry\"".into(),
            actions: BragCounts {
                total: 3,
                red: 1,
                amber: 2,
                ..BragCounts::default()
            },
        };
        let svg = brag_by_area("areas", &[area]);
        well_formed(&svg);
        assert!(svg.contains("&lt;b&gt;: Tom &amp; &quot;Jerry&quot;"));
        assert!(svg.contains("Amber 2, Red 1"));
    }

    #[test]
    fn areas_without_actions_or_at_all_still_draw() {
        well_formed(&brag_by_area("a", &[]));
        let empty = AreaCounts {
            r#ref: "Afl1".into(),
            title: "Area".into(),
            actions: BragCounts::default(),
        };
        let svg = brag_by_area("a", &[empty]);
        well_formed(&svg);
        assert!(svg.contains("no actions"));
    }
}
