//! The report as an Excel workbook: a sheet per section, each a table with a
//! bold, frozen header row and a filter, dates as dates and numbers as numbers,
//! so a reader can sort and sum without retyping. The same report gives the
//! same bytes: the workbook's creation time is the instant the report reads the
//! plan at, not the time of rendering.

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::document::Document;
use super::model::{ActionLine, BragCounts, JudgementCounts};
use super::words;

/// Excel refuses longer text in a cell; a longer narrative is cut, not lost
/// from the whole workbook.
const MAX_CELL: usize = 32_767;

struct Formats {
    header: Format,
    date: Format,
    instant: Format,
    wrap: Format,
    label: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold().set_background_color(0xE8E8E8),
            date: Format::new()
                .set_num_format("d mmm yyyy")
                .set_align(FormatAlign::Left),
            instant: Format::new()
                .set_num_format("d mmm yyyy hh:mm")
                .set_align(FormatAlign::Left),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
        }
    }
}

/// A table sheet: its header row bold and frozen, column widths set.
fn table<'w>(
    book: &'w mut Workbook,
    name: &str,
    columns: &[(&str, f64)],
    f: &Formats,
) -> Result<&'w mut Worksheet, XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, (title, width)) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *title, &f.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// Filters the table's columns over the rows written (at least the header).
fn filter(sheet: &mut Worksheet, rows: u32, columns: usize) -> Result<(), XlsxError> {
    sheet.autofilter(0, 0, rows.max(1) - 1, columns.saturating_sub(1) as u16)?;
    Ok(())
}

fn text(sheet: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    if value.is_empty() {
        return Ok(());
    }
    let value = match value.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => &value[..cut],
        None => value,
    };
    sheet.write_string(row, col, value)?;
    Ok(())
}

fn wrapped(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let value = match value.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => &value[..cut],
        None => value,
    };
    sheet.write_string_with_format(row, col, value, &f.wrap)?;
    Ok(())
}

fn date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    day: Option<NaiveDate>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(day) = day {
        sheet.write_datetime_with_format(row, col, day, &f.date)?;
    }
    Ok(())
}

fn instant(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    at: Option<DateTime<Utc>>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(at) = at {
        sheet.write_datetime_with_format(row, col, at.naive_utc(), &f.instant)?;
    }
    Ok(())
}

const ACTION_COLUMNS: [(&str, f64); 8] = [
    ("Ref", 12.0),
    ("Action", 60.0),
    ("BRAG", 10.0),
    ("Due", 16.0),
    ("Due date", 13.0),
    ("Leads", 36.0),
    ("Latest update", 80.0),
    ("Updated at (UTC)", 18.0),
];

fn actions_sheet(
    book: &mut Workbook,
    name: &str,
    actions: &[ActionLine],
    f: &Formats,
) -> Result<(), XlsxError> {
    let sheet = table(book, name, &ACTION_COLUMNS, f)?;
    let mut row = 1;
    for a in actions {
        text(sheet, row, 0, &a.r#ref)?;
        wrapped(sheet, row, 1, &a.description, f)?;
        text(sheet, row, 2, words::brag_label(a.brag))?;
        text(sheet, row, 3, a.due.as_deref().unwrap_or(""))?;
        date(sheet, row, 4, a.due_date, f)?;
        wrapped(sheet, row, 5, &a.leads.join("; "), f)?;
        wrapped(sheet, row, 6, a.narrative.as_deref().unwrap_or(""), f)?;
        instant(sheet, row, 7, a.updated_at, f)?;
        row += 1;
    }
    filter(sheet, row, ACTION_COLUMNS.len())
}

fn brag_rows(c: &BragCounts) -> [(&'static str, u32); 10] {
    [
        ("Actions", c.total),
        ("Blue", c.blue),
        ("Green", c.green),
        ("Amber", c.amber),
        ("Red", c.red),
        ("Grey", c.grey),
        ("No status", c.no_status),
        ("Overdue", c.overdue),
        ("Completed", c.completed),
        ("Updated in the period", c.updated),
    ]
}

fn judgement_rows(c: &JudgementCounts) -> [(&'static str, u32); 5] {
    [
        ("Measures", c.total),
        ("On track", c.on_track),
        ("Within tolerance", c.within_tolerance),
        ("Off track", c.off_track),
        ("No target", c.no_target),
    ]
}

fn summary_sheet(book: &mut Workbook, doc: &Document, f: &Formats) -> Result<(), XlsxError> {
    let c = doc.content;
    let sheet = table(book, "Summary", &[("Item", 28.0), ("Value", 100.0)], f)?;
    let mut row = 1;
    let mut line = |sheet: &mut Worksheet, label: &str| -> Result<u32, XlsxError> {
        sheet.write_string_with_format(row, 0, label, &f.label)?;
        row += 1;
        Ok(row - 1)
    };
    let r = line(sheet, "Body")?;
    text(sheet, r, 1, &c.meeting.body)?;
    let r = line(sheet, "Meeting date")?;
    date(sheet, r, 1, Some(c.meeting.date), f)?;
    if let Some(title) = &c.meeting.title {
        let r = line(sheet, "Meeting")?;
        text(sheet, r, 1, title)?;
    }
    let r = line(sheet, "Papers closed (UTC)")?;
    instant(sheet, r, 1, Some(c.meeting.papers_cutoff), f)?;
    let r = line(sheet, "Plan ref")?;
    text(sheet, r, 1, &c.plan.r#ref)?;
    let r = line(sheet, "Plan")?;
    text(sheet, r, 1, &c.plan.title)?;
    if let Some(lead) = &c.plan.lead_body {
        let r = line(sheet, "Lead body")?;
        text(sheet, r, 1, lead)?;
    }
    let r = line(sheet, "Plan as it stood at (UTC)")?;
    instant(sheet, r, 1, Some(c.as_of), f)?;
    if let Some(period) = &c.reporting_period {
        let r = line(sheet, "Reporting period")?;
        text(sheet, r, 1, period)?;
    }
    let r = line(sheet, "Status")?;
    text(
        sheet,
        r,
        1,
        if doc.published { "Published" } else { "Draft" },
    )?;
    if doc.published {
        let r = line(sheet, "Published at (UTC)")?;
        instant(sheet, r, 1, doc.published_at, f)?;
    }
    for (label, n) in brag_rows(&c.actions)
        .into_iter()
        .chain(judgement_rows(&c.measures))
    {
        let r = line(sheet, label)?;
        sheet.write_number(r, 1, n)?;
    }
    if let Some(s) = &c.since_last {
        let r = line(sheet, "Previous meeting")?;
        date(sheet, r, 1, Some(s.previous_meeting_date), f)?;
        for (label, n) in [
            ("Actions added since", s.added),
            ("Actions removed since", s.removed),
            ("Items changed since", s.changed),
            ("Status updates since", s.status_updates),
            ("Readings since", s.readings),
        ] {
            let r = line(sheet, label)?;
            sheet.write_number(r, 1, n)?;
        }
    }
    for (label, written) in [
        ("Officer's summary", &doc.sections.summary),
        ("Achievements", &doc.sections.achievements),
        ("Risks and issues", &doc.sections.risks_and_issues),
        ("Asked of the board", &doc.sections.asks),
    ] {
        let r = line(sheet, label)?;
        wrapped(sheet, r, 1, written.as_deref().unwrap_or(""), f)?;
    }
    Ok(())
}

/// The report as an `.xlsx` file's bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let c = doc.content;
    let f = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}: highlight report to {}, {}",
                c.plan.r#ref,
                c.meeting.body,
                words::date(c.meeting.date)
            ))
            .set_subject(&c.plan.title)
            .set_author(&c.meeting.body)
            .set_creation_datetime(&c.as_of),
    );

    summary_sheet(&mut book, doc, &f)?;

    let columns = [
        ("Ref", 10.0),
        ("Area", 50.0),
        ("Total", 8.0),
        ("Blue", 8.0),
        ("Green", 8.0),
        ("Amber", 8.0),
        ("Red", 8.0),
        ("Grey", 8.0),
        ("No status", 10.0),
        ("Overdue", 10.0),
        ("Completed", 11.0),
        ("Updated", 10.0),
    ];
    let sheet = table(&mut book, "Areas", &columns, &f)?;
    let mut row = 1;
    for a in &c.areas {
        text(sheet, row, 0, &a.r#ref)?;
        text(sheet, row, 1, &a.title)?;
        let n = &a.actions;
        for (i, v) in [
            n.total,
            n.blue,
            n.green,
            n.amber,
            n.red,
            n.grey,
            n.no_status,
            n.overdue,
            n.completed,
            n.updated,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_number(row, 2 + i as u16, v)?;
        }
        row += 1;
    }
    filter(sheet, row, columns.len())?;

    actions_sheet(&mut book, "Exceptions", &c.exceptions, &f)?;
    actions_sheet(&mut book, "Overdue", &c.overdue, &f)?;
    actions_sheet(&mut book, "Not updated", &c.not_updated, &f)?;

    let columns = [
        ("Ref", 10.0),
        ("Measure", 50.0),
        ("Cohort", 14.0),
        ("Period", 12.0),
        ("Period ends", 13.0),
        ("Kind", 10.0),
        ("Value", 10.0),
        ("Unit", 10.0),
        ("Judgement", 16.0),
        ("Trend", 12.0),
    ];
    let sheet = table(&mut book, "Measures", &columns, &f)?;
    let mut row = 1;
    for m in &c.measure_lines {
        let points = m
            .readings
            .iter()
            .map(|p| ("reading", p))
            .chain(m.targets.iter().map(|p| ("target", p)));
        for (kind, p) in points {
            text(sheet, row, 0, &m.r#ref)?;
            text(sheet, row, 1, &m.title)?;
            text(sheet, row, 2, &m.cohort)?;
            text(sheet, row, 3, &p.period)?;
            date(sheet, row, 4, p.ends, &f)?;
            text(sheet, row, 5, kind)?;
            if p.value.is_finite() {
                sheet.write_number(row, 6, p.value)?;
            }
            text(sheet, row, 7, m.unit.as_deref().unwrap_or(""))?;
            text(sheet, row, 8, words::status_label(m.target_status))?;
            text(sheet, row, 9, m.trend.map_or("", |t| t.as_str()))?;
            row += 1;
        }
    }
    filter(sheet, row, columns.len())?;

    let columns = [
        ("Ref", 10.0),
        ("Risk", 50.0),
        ("Likelihood", 11.0),
        ("Impact", 9.0),
        ("Score", 8.0),
        ("Mitigation", 70.0),
    ];
    let sheet = table(&mut book, "Risks", &columns, &f)?;
    let mut row = 1;
    for r in &c.top_risks {
        text(sheet, row, 0, r.r#ref.as_deref().unwrap_or(""))?;
        wrapped(sheet, row, 1, &r.title, &f)?;
        sheet.write_number(row, 2, r.likelihood)?;
        sheet.write_number(row, 3, r.impact)?;
        sheet.write_number(row, 4, r.score)?;
        wrapped(sheet, row, 5, r.mitigation.as_deref().unwrap_or(""), &f)?;
        row += 1;
    }
    filter(sheet, row, columns.len())?;

    let columns = [
        ("Change", 14.0),
        ("Ref", 10.0),
        ("Title", 60.0),
        ("Was", 16.0),
        ("Now", 16.0),
    ];
    let sheet = table(&mut book, "Since last meeting", &columns, &f)?;
    let mut row = 1;
    match &c.since_last {
        None => text(sheet, row, 2, "First report of this plan to this board")?,
        Some(s) => {
            for m in &s.brag_moves {
                text(sheet, row, 0, "BRAG")?;
                text(sheet, row, 1, &m.r#ref)?;
                wrapped(sheet, row, 2, &m.description, &f)?;
                text(sheet, row, 3, words::brag_label(m.before))?;
                text(sheet, row, 4, words::brag_label(m.after))?;
                row += 1;
            }
            for m in &s.judgement_moves {
                text(sheet, row, 0, "Judgement")?;
                text(sheet, row, 1, &m.r#ref)?;
                wrapped(sheet, row, 2, &m.title, &f)?;
                text(sheet, row, 3, words::status_label(m.before))?;
                text(sheet, row, 4, words::status_label(m.after))?;
                row += 1;
            }
            for r in &s.completed {
                text(sheet, row, 0, "Completed")?;
                text(sheet, row, 1, r)?;
                row += 1;
            }
        }
    }
    filter(sheet, row, columns.len())?;

    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample::Sample;

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let data = Sample::new(60);
        let first = render(&data.document()).unwrap();
        // Past a second boundary, so a clock in the file would show.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = render(&data.document()).unwrap();
        assert!(first.starts_with(b"PK"), "a zip file");
        assert!(first == second, "renders differ");
    }

    #[test]
    fn a_first_report_with_empty_sections_still_renders() {
        let mut data = Sample::new(0);
        data.content.since_last = None;
        data.content.measure_lines.clear();
        data.content.top_risks.clear();
        data.content.areas.clear();
        assert!(render(&data.document()).unwrap().starts_with(b"PK"));
    }
}
