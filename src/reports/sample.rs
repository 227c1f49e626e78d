//! A realistic report and progress page for tests, the sample binary and the
//! browser check: a SEND inspection plan with five areas for improvement.
//! Deterministic, so renders can be compared byte for byte.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use super::document::Document;
use super::model::*;
use super::progress::{ProgressArea, ProgressPage, PublishedReportLink};
use crate::domain::plan::{Brag, TargetStatus, Trend};

pub struct Sample {
    pub content: ReportContent,
    pub sections: Sections,
    pub comments: Vec<Comment>,
    pub published: bool,
    /// Every action, by area, for the progress page.
    pub by_area: Vec<ProgressArea>,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

fn point(period: &str, value: f64) -> Point {
    // School and financial years end in August or March; calendar years in December.
    let ends = match period.split_once('/') {
        Some((start, _)) => start.parse::<i32>().ok().map(|y| day(y + 1, 8, 31)),
        None => period.parse::<i32>().ok().map(|y| day(y, 12, 31)),
    };
    Point {
        period: period.into(),
        value,
        ends,
    }
}

const AREAS: [&str; 5] = [
    "Area for improvement 1: Waiting times for neurodevelopmental assessment",
    "Area for improvement 2: Timeliness and quality of EHC plans",
    "Area for improvement 3: Emotional wellbeing and mental health support",
    "Area for improvement 4: Preparation for adulthood",
    "Area for improvement 5: Co-production with families & young people",
];

const LEADS: [&str; 8] = [
    "CAMHS Transformation lead (CNWL)",
    "Head of SEND Services (LBH)",
    "Designated Clinical Officer (NWL ICB)",
    "Principal Educational Psychologist (LBH)",
    "Parent Carer Forum chair (HPCF)",
    "Head of Inclusion (LBH)",
    "Transitions Service manager (LBH)",
    "Children's Community Nursing lead (CLCH)",
];

const VERBS: [&str; 6] = [
    "Review and publish",
    "Recruit to",
    "Commission",
    "Pilot",
    "Embed",
    "Audit",
];

const OBJECTS: [&str; 6] = [
    "the neurodevelopmental pathway with a single point of access",
    "two additional speech and language therapist posts",
    "a post-16 supported internship offer with local employers",
    "termly multi-agency EHC plan quality assurance panels",
    "mental health support teams in a further 12 schools",
    "the Local Offer website with families as co-authors",
];

const NARRATIVES: [&str; 4] = [
    "Recruitment completed in January; both posts start in April.\n\nWaiting list reduced from 412 to 365 children since the last report.",
    "Delayed by the provider's estates work. A revised start date of June has been agreed with the ICB.",
    "On track. Pilot running in 4 of 6 schools; evaluation framework agreed with the Parent Carer Forum.",
    "Funding for 2026/27 not yet confirmed — escalated to the Joint Commissioning Board (see asks).",
];

impl Sample {
    /// A plan of `actions` actions spread over five areas.
    pub fn new(actions: usize) -> Self {
        let as_of = at(2026, 3, 2, 17);
        let period_start = at(2025, 12, 1, 0);
        let brags = [
            Some(Brag::Green),
            Some(Brag::Amber),
            Some(Brag::Blue),
            Some(Brag::Amber),
            Some(Brag::Red),
            Some(Brag::Green),
            Some(Brag::Grey),
            Some(Brag::Amber),
            None,
            Some(Brag::Green),
        ];
        let mut by_area: Vec<ProgressArea> = AREAS
            .iter()
            .enumerate()
            .map(|(i, title)| ProgressArea {
                r#ref: format!("Afl{}", i + 1),
                title: (*title).into(),
                actions: Vec::new(),
            })
            .collect();
        for i in 0..actions {
            let area = i % 5;
            let n = i / 5;
            let brag = brags[(i * 7 + i / 4 + i / 13) % brags.len()];
            let due_date = day(2025, 1, 31) + Duration::days(((i * 37) % 730) as i64);
            let updated_at = match i % 6 {
                0 => None,
                1 => Some(at(2025, 10, 14, 9)),
                _ => Some(as_of - Duration::days(((i * 5) % 80) as i64 + 1)),
            };
            let mut leads = vec![LEADS[(i * 3) % LEADS.len()].to_string()];
            if i % 4 == 0 {
                leads.push(LEADS[(i + 5) % LEADS.len()].to_string());
            }
            by_area[area].actions.push(ActionLine {
                r#ref: format!("Afl{}.{}/{}", area + 1, n % 3 + 1, n / 3 + 1),
                description: format!(
                    "{} {}",
                    VERBS[i % VERBS.len()],
                    OBJECTS[(i / 2) % OBJECTS.len()]
                ),
                brag,
                due: Some(due_date.format("%B %Y").to_string()),
                due_date: Some(due_date),
                leads,
                narrative: updated_at.map(|_| NARRATIVES[i % NARRATIVES.len()].to_string()),
                updated_at,
            });
        }

        let all: Vec<&ActionLine> = by_area.iter().flat_map(|a| &a.actions).collect();
        let count = |list: &[&ActionLine]| {
            let mut c = BragCounts::default();
            for a in list {
                c.total += 1;
                match a.brag {
                    Some(Brag::Blue) => c.blue += 1,
                    Some(Brag::Green) => c.green += 1,
                    Some(Brag::Amber) => c.amber += 1,
                    Some(Brag::Red) => c.red += 1,
                    Some(Brag::Grey) => c.grey += 1,
                    None => c.no_status += 1,
                }
                let complete = matches!(a.brag, Some(Brag::Blue | Brag::Green));
                if complete {
                    c.completed += 1;
                } else if a.due_date.is_some_and(|d| d < as_of.date_naive()) {
                    c.overdue += 1;
                }
                if a.updated_at.is_some_and(|t| t >= period_start) {
                    c.updated += 1;
                }
            }
            c
        };
        let areas = by_area
            .iter()
            .map(|a| AreaCounts {
                r#ref: a.r#ref.clone(),
                title: a.title.clone(),
                actions: count(&a.actions.iter().collect::<Vec<_>>()),
            })
            .collect();
        let pick = |test: &dyn Fn(&ActionLine) -> bool| -> Vec<ActionLine> {
            all.iter()
                .filter(|a| test(a))
                .map(|a| (*a).clone())
                .collect()
        };
        let mut exceptions = pick(&|a| a.brag == Some(Brag::Red));
        exceptions.extend(pick(&|a| a.brag == Some(Brag::Amber)));
        let overdue = pick(&|a| {
            !matches!(a.brag, Some(Brag::Blue | Brag::Green))
                && a.due_date.is_some_and(|d| d < as_of.date_naive())
        });
        let not_updated = pick(&|a| a.updated_at.is_none_or(|t| t < period_start));

        let measure_lines = vec![
            MeasureLine {
                r#ref: "GLD".into(),
                title: "Children with SEN support reaching a good level of development".into(),
                cohort: "All".into(),
                unit: Some("percent".into()),
                direction: Some("higher_is_better".into()),
                target_status: TargetStatus::OnTrack,
                trend: Some(Trend::Improving),
                latest: Some(point("2024/25", 73.0)),
                readings: vec![
                    point("2022/23", 68.2),
                    point("2023/24", 70.1),
                    point("2024/25", 73.0),
                ],
                targets: vec![point("2025/26", 74.5), point("2027/28", 77.4)],
            },
            MeasureLine {
                r#ref: "EHCP20".into(),
                title: "New EHC plans issued within 20 weeks".into(),
                cohort: "All".into(),
                unit: Some("percent".into()),
                direction: Some("higher_is_better".into()),
                target_status: TargetStatus::OffTrack,
                trend: Some(Trend::Worsening),
                latest: Some(point("2025", 38.5)),
                readings: vec![
                    point("2023", 51.3),
                    point("2024", 42.0),
                    point("2025", 38.5),
                ],
                targets: vec![point("2025", 60.0), point("2026", 70.0)],
            },
            MeasureLine {
                r#ref: "ASD-WAIT".into(),
                title: "Median wait from referral to autism assessment".into(),
                cohort: "Under 18".into(),
                unit: Some("weeks".into()),
                direction: Some("lower_is_better".into()),
                target_status: TargetStatus::WithinTolerance,
                trend: Some(Trend::Improving),
                latest: Some(point("2025/26", 41.0)),
                readings: vec![
                    point("2022/23", 58.0),
                    point("2023/24", 52.0),
                    point("2024/25", 47.0),
                    point("2025/26", 41.0),
                ],
                targets: vec![point("2025/26", 39.0), point("2026/27", 26.0)],
            },
            MeasureLine {
                r#ref: "SUSP".into(),
                title: "Suspensions of pupils with an EHC plan".into(),
                cohort: "Secondary".into(),
                unit: Some("rate_per_1000".into()),
                direction: Some("lower_is_better".into()),
                target_status: TargetStatus::NoTarget,
                trend: None,
                latest: Some(point("2024/25", 12.4)),
                readings: vec![point("2024/25", 12.4)],
                targets: vec![],
            },
            MeasureLine {
                r#ref: "PFA-EMP".into(),
                title: "Young people with an EHC plan in paid employment at 19".into(),
                cohort: "All".into(),
                unit: Some("percent".into()),
                direction: Some("higher_is_better".into()),
                target_status: TargetStatus::NoTarget,
                trend: None,
                latest: None,
                readings: vec![],
                targets: vec![point("2027/28", 10.0)],
            },
        ];
        let measures = JudgementCounts {
            total: 5,
            on_track: 1,
            within_tolerance: 1,
            off_track: 1,
            no_target: 2,
        };
        let risk = |r: &str, title: &str, l: i32, i: i32, m: &str| RiskLine {
            r#ref: Some(r.into()),
            title: title.into(),
            likelihood: l,
            impact: i,
            score: l * i,
            mitigation: Some(m.into()),
        };
        let top_risks = vec![
            risk(
                "R1",
                "Educational psychology capacity falls short of statutory demand",
                5,
                4,
                "Locum cover agreed to July; trainee EP scheme expanded from 2 to 4 places.",
            ),
            risk(
                "R4",
                "High-needs block deficit limits new provision",
                4,
                5,
                "Safety Valve plan reviewed quarterly with the DfE.",
            ),
            risk(
                "R2",
                "CAMHS workforce vacancies delay the neurodevelopmental pathway",
                4,
                4,
                "Shared recruitment campaign with CNWL; agency cover for two posts.",
            ),
            risk(
                "R7",
                "Families lose trust if co-production is tokenistic",
                3,
                4,
                "Parent Carer Forum co-chairs the SEND board's co-production group.",
            ),
            risk(
                "R3",
                "Data from health partners not shared in time for the report",
                3,
                3,
                "Data sharing agreement signed; monthly extract scheduled.",
            ),
        ];
        let since_last = SinceLast {
            previous_report_id: "rep-2025-12".into(),
            previous_meeting_date: day(2025, 12, 8),
            from: at(2025, 11, 28, 17),
            added: 3,
            removed: 1,
            changed: 14,
            status_updates: 37,
            readings: 4,
            brag_moves: all
                .iter()
                .take(24)
                .step_by(6)
                .map(|a| BragMove {
                    r#ref: a.r#ref.clone(),
                    description: a.description.clone(),
                    before: if a.brag == Some(Brag::Grey) {
                        None
                    } else {
                        Some(Brag::Grey)
                    },
                    after: a.brag,
                })
                .collect(),
            judgement_moves: vec![JudgementMove {
                r#ref: "EHCP20".into(),
                title: "New EHC plans issued within 20 weeks".into(),
                before: TargetStatus::WithinTolerance,
                after: TargetStatus::OffTrack,
            }],
            completed: pick(&|a| a.brag == Some(Brag::Blue))
                .into_iter()
                .take(3)
                .map(|a| a.r#ref)
                .collect(),
        };
        let content = ReportContent {
            meeting: MeetingHeading {
                id: "mtg-2026-03".into(),
                body_id: "send-board".into(),
                body: "SEND Strategic Partnership Board".into(),
                date: day(2026, 3, 9),
                title: Some("Spring meeting".into()),
                papers_cutoff: as_of,
            },
            plan: PlanHeading {
                id: "plan-send".into(),
                r#ref: "SEND-IP".into(),
                title: "SEND inspection improvement plan 2025–2028".into(),
                lead_body: Some("Local area SEND partnership".into()),
            },
            as_of,
            reporting_period: Some("2025-Q4".into()),
            actions: count(&all),
            measures,
            areas,
            exceptions,
            overdue,
            not_updated,
            measure_lines,
            top_risks,
            since_last: Some(since_last),
        };
        let sections = Sections {
            summary: Some("The partnership has made steady progress since December. Two of the five areas for improvement now have most actions complete, and the waiting list for autism assessment has fallen for the third quarter running.\n\nThe timeliness of new EHC plans remains the main concern: 38.5% were issued within 20 weeks in 2025, against a target of 60%. A recovery plan is set out under \"Risks and issues\".".into()),
            achievements: Some("Mental health support teams are now in 28 schools (target 30).\nThe new Local Offer website launched on 2 February, co-written with 14 parents & carers.\n\nSupported internships: 11 young people placed with 6 employers, up from 4 last year.".into()),
            risks_and_issues: Some("EHC plan timeliness: educational psychology capacity is the constraint. Locum cover is agreed to July and the <trainee> scheme doubles in September.\n\nFunding for the speech and language therapy posts beyond March 2027 is not yet confirmed.".into()),
            asks: Some("1. Agree the EHC plan recovery trajectory (appendix A) as the measure the board will hold the partnership to.\n\n2. Escalate the 2026/27 SALT funding gap to the Joint Commissioning Board.".into()),
        };
        let comments = vec![
            Comment {
                text: "Can we add the number of children waiting, not just the median wait?".into(),
                by: "Priya Shah".into(),
                by_organisation: Some("NWL ICB".into()),
                at: at(2026, 3, 3, 10),
            },
            Comment {
                text: "Agreed. Added to the summary.\n\nAlso checked the GLD figure against the DfE release: 73% is right.".into(),
                by: "Tom Ellis".into(),
                by_organisation: None,
                at: at(2026, 3, 3, 14),
            },
        ];
        Sample {
            content,
            sections,
            comments,
            published: false,
            by_area,
        }
    }

    pub fn document(&self) -> Document<'_> {
        Document {
            id: "rep-2026-03",
            published: self.published,
            published_at: self.published.then(|| at(2026, 3, 4, 9)),
            sections: &self.sections,
            comments: &self.comments,
            content: &self.content,
        }
    }

    pub fn progress(&self) -> ProgressPage {
        ProgressPage {
            plan: self.content.plan.clone(),
            summary: Some("The local area's plan to address the five areas for improvement found by the joint SEND inspection in 2024.\n\nUpdated by action leads every month; reported to the SEND Strategic Partnership Board each quarter.".into()),
            as_at: self.content.as_of,
            actions: self.content.actions.clone(),
            measures: self.content.measures.clone(),
            areas: self.by_area.clone(),
            measure_lines: self.content.measure_lines.clone(),
            reports: vec![
                PublishedReportLink {
                    meeting_date: day(2025, 12, 8),
                    body: "SEND Strategic Partnership Board".into(),
                    href: "sample-published.html".into(),
                },
                PublishedReportLink {
                    meeting_date: day(2025, 9, 15),
                    body: "SEND Strategic Partnership Board".into(),
                    href: "sample-published.html#main".into(),
                },
            ],
        }
    }
}
