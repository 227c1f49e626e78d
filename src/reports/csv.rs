//! The report as one CSV table: every item each section lists, a row each, for
//! people who sort and filter in a spreadsheet. Rows are written as the service's
//! other CSV is (`api::csv::push_row`): RFC 4180 quoting, CRLF, formulas defused.

use super::charts::brag_breakdown;
use super::document::Document;
use super::model::ActionLine;
use super::words;
use crate::api::csv::push_row;

const HEADER: [&str; 9] = [
    "section",
    "ref",
    "title",
    "brag_or_status",
    "due",
    "leads",
    "narrative_or_value",
    "period",
    "updated_at",
];

fn push_action(out: &mut String, section: &str, a: &ActionLine) {
    let due = a
        .due
        .clone()
        .or_else(|| a.due_date.map(|d| d.to_string()))
        .unwrap_or_default();
    push_row(
        out,
        &[
            section,
            &a.r#ref,
            &a.description,
            words::brag_label(a.brag),
            &due,
            &a.leads.join("; "),
            a.narrative.as_deref().unwrap_or(""),
            "",
            &a.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ],
    );
}

/// Every listed item of the report, section by section in the page's order.
pub fn render(doc: &Document) -> String {
    let c = doc.content;
    let mut out = String::with_capacity(256 * (c.exceptions.len() + c.not_updated.len() + 16));
    push_row(&mut out, &HEADER);
    for area in &c.areas {
        push_row(
            &mut out,
            &[
                "areas",
                &area.r#ref,
                &area.title,
                &brag_breakdown(&area.actions),
                "",
                "",
                &area.actions.total.to_string(),
                "",
                "",
            ],
        );
    }
    for a in &c.exceptions {
        push_action(&mut out, "exceptions", a);
    }
    for a in &c.overdue {
        push_action(&mut out, "overdue", a);
    }
    for a in &c.not_updated {
        push_action(&mut out, "not_updated", a);
    }
    for m in &c.measure_lines {
        let title = format!("{} ({})", m.title, m.cohort);
        let status = words::status_label(m.target_status);
        if m.readings.is_empty() {
            push_row(
                &mut out,
                &["measures", &m.r#ref, &title, status, "", "", "", "", ""],
            );
        }
        for r in &m.readings {
            push_row(
                &mut out,
                &[
                    "measures",
                    &m.r#ref,
                    &title,
                    status,
                    "",
                    "",
                    &r.value.to_string(),
                    &r.period,
                    "",
                ],
            );
        }
    }
    for r in &c.top_risks {
        push_row(
            &mut out,
            &[
                "risks",
                r.r#ref.as_deref().unwrap_or(""),
                &r.title,
                &format!(
                    "Score {} (likelihood {}, impact {})",
                    r.score, r.likelihood, r.impact
                ),
                "",
                "",
                r.mitigation.as_deref().unwrap_or(""),
                "",
                "",
            ],
        );
    }
    if let Some(s) = &c.since_last {
        for m in &s.brag_moves {
            push_row(
                &mut out,
                &[
                    "since_last",
                    &m.r#ref,
                    &m.description,
                    &format!(
                        "{} to {}",
                        words::brag_label(m.before),
                        words::brag_label(m.after)
                    ),
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        push_row(
            &mut out,
            &[
                "Afl1.1/1",
                "a, b",
                "say \"hi\"",
                "=SUM(A1)",
                "line\nbreak",
                "@x",
            ],
        );
        assert_eq!(
            out,
            "Afl1.1/1,\"a, b\",\"say \"\"hi\"\"\",'=SUM(A1),\"line\nbreak\",'@x\r\n"
        );
    }

    #[test]
    fn every_section_has_its_rows_under_one_header() {
        let data = sample::Sample::new(60);
        let csv = render(&data.document());
        let c = &data.content;
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], HEADER.join(","));
        let count = |section: &str| {
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("{section},")))
                .count()
        };
        assert_eq!(count("areas"), c.areas.len());
        assert_eq!(count("exceptions"), c.exceptions.len());
        assert_eq!(count("overdue"), c.overdue.len());
        assert_eq!(count("not_updated"), c.not_updated.len());
        let readings: usize = c
            .measure_lines
            .iter()
            .map(|m| m.readings.len().max(1))
            .sum();
        assert_eq!(count("measures"), readings);
        assert_eq!(count("risks"), c.top_risks.len());
        assert!(count("since_last") > 0);
        assert!(csv.ends_with("\r\n"));
    }
}
