//! The report page and the plan's public progress page as HTML: one page each,
//! with no script and nothing fetched (styles inline, charts as inline SVG), so
//! they can be saved, emailed and printed as they are. The templates live in
//! `templates/`; these views hand them text already worded, so the templates
//! only lay it out.

use askama::Template;

use super::charts;
use super::document::Document;
use super::model::{ActionLine, AreaCounts, BragCounts, JudgementCounts, MeasureLine};
use super::progress::ProgressPage;
use super::words;
use crate::domain::plan::{Brag, TargetStatus};

/// A BRAG or a judgement as a badge: its word and its colour.
pub struct Badge {
    pub label: &'static str,
    pub key: &'static str,
}

impl Badge {
    fn brag(brag: Option<Brag>) -> Self {
        Badge {
            label: words::brag_label(brag),
            key: words::brag_key(brag),
        }
    }

    fn status(status: TargetStatus) -> Self {
        Badge {
            label: words::status_label(status),
            key: words::status_key(status),
        }
    }
}

pub struct ActionView {
    pub reference: String,
    pub description: String,
    pub brag: Badge,
    pub due: String,
    pub leads: String,
    pub narrative: Vec<String>,
    pub updated: String,
}

impl ActionView {
    fn new(a: &ActionLine) -> Self {
        let due = match (&a.due, a.due_date) {
            (Some(text), _) => text.clone(),
            (None, Some(day)) => words::date(day),
            (None, None) => String::from("Not set"),
        };
        ActionView {
            reference: a.r#ref.clone(),
            description: a.description.clone(),
            brag: Badge::brag(a.brag),
            due,
            leads: if a.leads.is_empty() {
                String::from("No lead named")
            } else {
                a.leads.join("; ")
            },
            narrative: words::paragraphs(a.narrative.as_deref()),
            updated: a
                .updated_at
                .map_or_else(|| String::from("Never"), words::instant),
        }
    }
}

pub struct AreaRow {
    pub reference: String,
    pub title: String,
    pub counts: BragCounts,
}

impl AreaRow {
    fn new(a: &AreaCounts) -> Self {
        AreaRow {
            reference: a.r#ref.clone(),
            title: a.title.clone(),
            counts: a.actions.clone(),
        }
    }
}

pub struct MeasureView {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub cohort: String,
    pub latest: String,
    pub target: String,
    pub status: Badge,
    pub trend: &'static str,
    pub summary: String,
    pub chart: String,
}

impl MeasureView {
    fn new(index: usize, m: &MeasureLine) -> Self {
        let unit = m.unit.as_deref();
        let id = format!("measure-{}", index + 1);
        MeasureView {
            reference: m.r#ref.clone(),
            title: m.title.clone(),
            cohort: m.cohort.clone(),
            latest: m.latest.as_ref().or(m.readings.last()).map_or_else(
                || String::from("No reading"),
                |p| format!("{} ({})", words::value(p.value, unit), p.period),
            ),
            target: m.targets.last().map_or_else(
                || String::from("None set"),
                |p| format!("{} by {}", words::value(p.value, unit), p.period),
            ),
            status: Badge::status(m.target_status),
            trend: words::trend_label(m.trend),
            summary: charts::measure_summary(m),
            chart: charts::measure(&format!("{id}-chart"), m),
            id,
        }
    }
}

pub struct RiskView {
    pub reference: String,
    pub title: String,
    pub likelihood: i32,
    pub impact: i32,
    pub score: i32,
    pub mitigation: String,
}

pub struct MoveView {
    pub reference: String,
    pub description: String,
    pub before: Badge,
    pub after: Badge,
}

pub struct SinceView {
    pub previous_meeting: String,
    pub from: String,
    pub added: u32,
    pub removed: u32,
    pub changed: u32,
    pub status_updates: u32,
    pub readings: u32,
    pub brag_moves: Vec<MoveView>,
    pub judgement_moves: Vec<MoveView>,
    pub completed: Vec<String>,
}

pub struct CommentView {
    pub by: String,
    pub at: String,
    pub text: Vec<String>,
}

/// A plan's area on the progress page.
pub struct AreaActions {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub actions: Vec<ActionView>,
}

pub struct ReportLinkView {
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    page_title: String,
    draft: bool,
    state: String,
    body: &'a str,
    meeting_date: String,
    meeting_title: Option<&'a str>,
    papers_cutoff: String,
    plan_ref: &'a str,
    plan_title: &'a str,
    lead_body: Option<&'a str>,
    as_of: String,
    reporting_period: Option<&'a str>,
    actions: &'a BragCounts,
    measures: &'a JudgementCounts,
    area_chart: String,
    areas: Vec<AreaRow>,
    summary: Vec<String>,
    achievements: Vec<String>,
    red: Vec<ActionView>,
    amber: Vec<ActionView>,
    overdue: Vec<ActionView>,
    not_updated: Vec<ActionView>,
    measure_lines: Vec<MeasureView>,
    risks: Vec<RiskView>,
    since: Option<SinceView>,
    risks_and_issues: Vec<String>,
    asks: Vec<String>,
    comments: Vec<CommentView>,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressTemplate<'a> {
    page_title: String,
    draft: bool,
    plan_ref: &'a str,
    plan_title: &'a str,
    lead_body: Option<&'a str>,
    summary: Vec<String>,
    as_at: String,
    actions: &'a BragCounts,
    measures: &'a JudgementCounts,
    area_chart: String,
    area_rows: Vec<AreaRow>,
    areas: Vec<AreaActions>,
    measure_lines: Vec<MeasureView>,
    reports: Vec<ReportLinkView>,
}

/// The report as one HTML page. Comments appear only while it is a draft.
pub fn render(doc: &Document) -> Result<String, askama::Error> {
    let c = doc.content;
    let meeting_date = words::date(c.meeting.date);
    let state = match (doc.published, doc.published_at) {
        (true, Some(at)) => format!("Published {}", words::date(at.date_naive())),
        (true, None) => String::from("Published"),
        (false, _) => String::from("Draft"),
    };
    let page_title = format!(
        "{}{}: {} highlight report to {}, {}",
        if doc.published { "" } else { "Draft – " },
        c.plan.r#ref,
        c.plan.title,
        c.meeting.body,
        meeting_date
    );
    let exceptions = |brag: Brag| {
        c.exceptions
            .iter()
            .filter(|a| a.brag == Some(brag))
            .map(ActionView::new)
            .collect()
    };
    let since = c.since_last.as_ref().map(|s| SinceView {
        previous_meeting: words::date(s.previous_meeting_date),
        from: words::instant(s.from),
        added: s.added,
        removed: s.removed,
        changed: s.changed,
        status_updates: s.status_updates,
        readings: s.readings,
        brag_moves: s
            .brag_moves
            .iter()
            .map(|m| MoveView {
                reference: m.r#ref.clone(),
                description: m.description.clone(),
                before: Badge::brag(m.before),
                after: Badge::brag(m.after),
            })
            .collect(),
        judgement_moves: s
            .judgement_moves
            .iter()
            .map(|m| MoveView {
                reference: m.r#ref.clone(),
                description: m.title.clone(),
                before: Badge::status(m.before),
                after: Badge::status(m.after),
            })
            .collect(),
        completed: s.completed.clone(),
    });
    let comments = if doc.published {
        Vec::new()
    } else {
        doc.comments
            .iter()
            .map(|m| CommentView {
                by: match &m.by_organisation {
                    Some(org) => format!("{} ({org})", m.by),
                    None => m.by.clone(),
                },
                at: words::instant(m.at),
                text: words::paragraphs(Some(&m.text)),
            })
            .collect()
    };
    ReportPage {
        page_title,
        draft: !doc.published,
        state,
        body: &c.meeting.body,
        meeting_date,
        meeting_title: c.meeting.title.as_deref(),
        papers_cutoff: words::instant(c.meeting.papers_cutoff),
        plan_ref: &c.plan.r#ref,
        plan_title: &c.plan.title,
        lead_body: c.plan.lead_body.as_deref(),
        as_of: words::instant(c.as_of),
        reporting_period: c.reporting_period.as_deref(),
        actions: &c.actions,
        measures: &c.measures,
        area_chart: charts::brag_by_area("areas-chart", &c.areas),
        areas: c.areas.iter().map(AreaRow::new).collect(),
        summary: words::paragraphs(doc.sections.summary.as_deref()),
        achievements: words::paragraphs(doc.sections.achievements.as_deref()),
        red: exceptions(Brag::Red),
        amber: exceptions(Brag::Amber),
        overdue: c.overdue.iter().map(ActionView::new).collect(),
        not_updated: c.not_updated.iter().map(ActionView::new).collect(),
        measure_lines: c
            .measure_lines
            .iter()
            .enumerate()
            .map(|(i, m)| MeasureView::new(i, m))
            .collect(),
        risks: c
            .top_risks
            .iter()
            .map(|r| RiskView {
                reference: r.r#ref.clone().unwrap_or_default(),
                title: r.title.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score: r.score,
                mitigation: r.mitigation.clone().unwrap_or_default(),
            })
            .collect(),
        since,
        risks_and_issues: words::paragraphs(doc.sections.risks_and_issues.as_deref()),
        asks: words::paragraphs(doc.sections.asks.as_deref()),
        comments,
    }
    .render()
}

/// A plan's public progress page.
pub fn render_progress(page: &ProgressPage) -> Result<String, askama::Error> {
    let counts: Vec<AreaCounts> = page.areas.iter().map(|a| a.counts()).collect();
    ProgressTemplate {
        page_title: format!("{}: {} – progress", page.plan.r#ref, page.plan.title),
        draft: false,
        plan_ref: &page.plan.r#ref,
        plan_title: &page.plan.title,
        lead_body: page.plan.lead_body.as_deref(),
        summary: words::paragraphs(page.summary.as_deref()),
        as_at: words::instant(page.as_at),
        actions: &page.actions,
        measures: &page.measures,
        area_chart: charts::brag_by_area("areas-chart", &counts),
        area_rows: counts.iter().map(AreaRow::new).collect(),
        areas: page
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| AreaActions {
                id: format!("area-{}", i + 1),
                reference: a.r#ref.clone(),
                title: a.title.clone(),
                actions: a.actions.iter().map(ActionView::new).collect(),
            })
            .collect(),
        measure_lines: page
            .measure_lines
            .iter()
            .enumerate()
            .map(|(i, m)| MeasureView::new(i, m))
            .collect(),
        reports: page
            .reports
            .iter()
            .map(|r| ReportLinkView {
                text: format!("{}, {}", r.body, words::date(r.meeting_date)),
                href: r.href.clone(),
            })
            .collect(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::sample::Sample;

    /// Heading levels in document order.
    fn headings(page: &str) -> Vec<u8> {
        page.match_indices("<h")
            .filter_map(|(i, _)| page.as_bytes().get(i + 2).copied())
            .filter(u8::is_ascii_digit)
            .map(|d| d - b'0')
            .collect()
    }

    fn well_formed(page: &str) {
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(!page.contains("<script"), "no script");
        assert!(
            !page.contains(" src=") && !page.contains("<link"),
            "nothing fetched"
        );
        let levels = headings(page);
        assert_eq!(levels.iter().filter(|l| **l == 1).count(), 1, "one h1");
        assert_eq!(levels[0], 1);
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "heading skips a level: {levels:?}");
        }
    }

    #[test]
    fn a_draft_says_so_and_shows_its_comments() {
        let data = Sample::new(60);
        let page = render(&data.document()).unwrap();
        well_formed(&page);
        assert!(page.contains(r#"<body class="draft">"#));
        assert!(page.contains(r#"<p class="state state-draft">Draft</p>"#));
        assert!(page.contains("<title>Draft – SEND-IP: "));
        assert!(page.contains("Comments on this draft") && page.contains("Priya Shah (NWL ICB)"));
        // Written text is escaped and split into paragraphs.
        assert!(page.contains("the &#60;trainee&#62; scheme"));
        assert!(page.contains("<p>2. Escalate the 2026/27 SALT funding gap"));
    }

    #[test]
    fn a_published_report_shows_its_date_and_no_comments() {
        let mut data = Sample::new(60);
        data.published = true;
        let page = render(&data.document()).unwrap();
        well_formed(&page);
        assert!(page.contains("Published 4 March 2026"));
        assert!(!page.contains("Comments on this draft"));
        assert!(!page.contains(r#"class="draft""#));
    }

    #[test]
    fn sections_keep_their_order() {
        let data = Sample::new(60);
        let page = render(&data.document()).unwrap();
        let order = [
            "id=\"headline\"",
            "id=\"by-area\"",
            "id=\"summary\"",
            "id=\"achievements\"",
            "id=\"exceptions\"",
            "id=\"overdue\"",
            "id=\"not-updated\"",
            "id=\"measures\"",
            "id=\"top-risks\"",
            "id=\"since-last\"",
            "id=\"risks-issues\"",
            "id=\"asks\"",
            "id=\"comments\"",
        ];
        let at: Vec<usize> = order.iter().map(|s| page.find(s).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    }

    #[test]
    fn an_empty_first_report_still_reads() {
        let mut data = Sample::new(0);
        data.content.since_last = None;
        data.content.measure_lines.clear();
        data.content.top_risks.clear();
        data.sections = Default::default();
        let page = render(&data.document()).unwrap();
        well_formed(&page);
        assert!(page.contains("First report of this plan to this board."));
        assert!(page.contains("No summary has been written."));
        assert!(page.contains("No action is red or amber."));
    }

    #[test]
    fn text_from_the_data_is_escaped() {
        let mut data = Sample::new(5);
        data.content.plan.title = "<script>alert(1)</script> & co".into();
        data.content.exceptions[0].narrative = Some("\"><img src=x>".into());
        let page = render(&data.document()).unwrap();
        assert!(!page.contains("<script>alert") && !page.contains("<img src=x>"));
    }

    #[test]
    fn the_progress_page_lists_every_action_by_area() {
        let data = Sample::new(60);
        let page = render_progress(&data.progress()).unwrap();
        well_formed(&page);
        assert_eq!(page.matches("<li class=\"item ").count(), 60);
        assert!(page.contains(r#"<a href="sample-published.html">"#));
        assert!(page.contains("Figures as at 2 March 2026, 17:00 UTC."));
    }
}
