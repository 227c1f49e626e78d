//! A plan's reporting cycle: the periods its leads report in, each with the
//! cut-off its updates are due by. Periods follow one another without gaps, so
//! every day falls in exactly one, and each has a key people can write:
//! `2026-11` (monthly), `2026-Q4` (quarterly), `2026-autumn` (termly), or the
//! last day of the period (`2026-12-15`) for a plan that lists its dates.

use chrono::{Datelike, Duration, NaiveDate};

use super::when::last_day_of_month;

text_enum! {
    /// How often a plan's leads report.
    ReportingCadence {
        Monthly = "monthly",
        Quarterly = "quarterly",
        /// Autumn (August to December), spring (January to March), summer (April to July).
        Termly = "termly",
        /// The periods end on the plan's listed dates.
        Dates = "dates",
    }
}

/// A plan's reporting cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub cadence: ReportingCadence,
    /// For `Dates`: the last day of each period, ascending.
    pub dates: Vec<NaiveDate>,
    /// The day of a period's last month its updates are due by; `None`: its last day.
    pub cutoff_day: Option<u32>,
    /// Where the first of listed dates' periods starts (the plan's start), if known.
    pub start: Option<NaiveDate>,
}

/// One reporting period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub key: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The day its updates are due by: within the period, at its end at the latest.
    pub cutoff: NaiveDate,
}

impl Cycle {
    /// The period holding `day`; `None` for listed dates that do not reach it.
    pub fn period_of(&self, day: NaiveDate) -> Option<Period> {
        let (start, end, key) = match self.cadence {
            ReportingCadence::Monthly => {
                let start = day.with_day(1)?;
                (
                    start,
                    last_day_of_month(start),
                    start.format("%Y-%m").to_string(),
                )
            }
            ReportingCadence::Quarterly => {
                let quarter = (day.month() - 1) / 3;
                let start = NaiveDate::from_ymd_opt(day.year(), quarter * 3 + 1, 1)?;
                let last = NaiveDate::from_ymd_opt(day.year(), quarter * 3 + 3, 1)?;
                let key = format!("{}-Q{}", day.year(), quarter + 1);
                (start, last_day_of_month(last), key)
            }
            ReportingCadence::Termly => {
                let (name, first, last) = match day.month() {
                    1..=3 => ("spring", 1, 3),
                    4..=7 => ("summer", 4, 7),
                    _ => ("autumn", 8, 12),
                };
                let start = NaiveDate::from_ymd_opt(day.year(), first, 1)?;
                let last = NaiveDate::from_ymd_opt(day.year(), last, 1)?;
                (
                    start,
                    last_day_of_month(last),
                    format!("{}-{name}", day.year()),
                )
            }
            ReportingCadence::Dates => {
                let index = self.dates.iter().position(|end| *end >= day)?;
                let start = match index {
                    0 => self.first_start()?,
                    i => self.dates[i - 1] + Duration::days(1),
                };
                if day < start {
                    return None;
                }
                let end = self.dates[index];
                (start, end, end.to_string())
            }
        };
        Some(Period {
            cutoff: self.cutoff(start, end),
            key,
            start,
            end,
        })
    }

    /// The period a key names, if it is one of this cycle's.
    pub fn period_named(&self, key: &str) -> Option<Period> {
        let day = match self.cadence {
            ReportingCadence::Monthly => {
                NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").ok()?
            }
            ReportingCadence::Quarterly => {
                let (year, quarter) = key.split_once("-Q")?;
                let quarter: u32 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(year.parse().ok()?, quarter * 3 - 2, 1)?
            }
            ReportingCadence::Termly => {
                let (year, term) = key.split_once('-')?;
                let month = match term {
                    "spring" => 1,
                    "summer" => 4,
                    "autumn" => 8,
                    _ => return None,
                };
                NaiveDate::from_ymd_opt(year.parse().ok()?, month, 1)?
            }
            ReportingCadence::Dates => NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()?,
        };
        self.period_of(day).filter(|period| period.key == key)
    }

    /// The periods that overlap `from..=to`, oldest first, at most `limit`.
    pub fn periods_between(&self, from: NaiveDate, to: NaiveDate, limit: usize) -> Vec<Period> {
        let mut periods = Vec::new();
        let mut day = match self.cadence {
            ReportingCadence::Dates => from.max(self.first_start().unwrap_or(from)),
            _ => from,
        };
        while day <= to && periods.len() < limit {
            let Some(period) = self.period_of(day) else {
                break;
            };
            day = period.end + Duration::days(1);
            periods.push(period);
        }
        periods
    }

    /// The first listed period starts on the plan's start when that comes
    /// before it, else on the first day of its end's month.
    fn first_start(&self) -> Option<NaiveDate> {
        let first = *self.dates.first()?;
        Some(match self.start {
            Some(start) if start <= first => start,
            _ => first.with_day(1)?,
        })
    }

    fn cutoff(&self, start: NaiveDate, end: NaiveDate) -> NaiveDate {
        let Some(day) = self.cutoff_day else {
            return end;
        };
        let last = last_day_of_month(end.with_day(1).unwrap_or(end));
        let wanted = end.with_day(day.min(last.day())).unwrap_or(end);
        wanted.clamp(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cycle(cadence: ReportingCadence, cutoff_day: Option<u32>) -> Cycle {
        Cycle {
            cadence,
            dates: Vec::new(),
            cutoff_day,
            start: None,
        }
    }

    #[test]
    fn calendar_cadences_name_their_periods_and_cut_off_on_the_day_given() {
        let quarterly = cycle(ReportingCadence::Quarterly, Some(15));
        let q4 = quarterly.period_of(day(2026, 11, 30)).unwrap();
        assert_eq!(
            q4,
            Period {
                key: "2026-Q4".into(),
                start: day(2026, 10, 1),
                end: day(2026, 12, 31),
                cutoff: day(2026, 12, 15),
            }
        );
        assert_eq!(quarterly.period_named("2026-Q4"), Some(q4));
        assert_eq!(quarterly.period_named("2026-Q5"), None);

        let monthly = cycle(ReportingCadence::Monthly, Some(31));
        let february = monthly.period_named("2027-02").unwrap();
        assert_eq!(
            (february.end, february.cutoff),
            (day(2027, 2, 28), day(2027, 2, 28))
        );

        let termly = cycle(ReportingCadence::Termly, None);
        let autumn = termly.period_of(day(2026, 8, 3)).unwrap();
        assert_eq!(
            (autumn.key.as_str(), autumn.start, autumn.end),
            ("2026-autumn", day(2026, 8, 1), day(2026, 12, 31))
        );
        assert_eq!(
            termly.period_named("2027-spring").unwrap().end,
            day(2027, 3, 31)
        );
    }

    #[test]
    fn listed_dates_make_periods_that_follow_one_another() {
        let listed = Cycle {
            cadence: ReportingCadence::Dates,
            dates: vec![day(2026, 3, 10), day(2026, 6, 9), day(2026, 9, 15)],
            cutoff_day: Some(1),
            start: Some(day(2026, 1, 1)),
        };
        let periods = listed.periods_between(day(2025, 1, 1), day(2027, 1, 1), 10);
        let spans: Vec<_> = periods
            .iter()
            .map(|p| (p.key.as_str(), p.start, p.end, p.cutoff))
            .collect();
        assert_eq!(
            spans,
            vec![
                (
                    "2026-03-10",
                    day(2026, 1, 1),
                    day(2026, 3, 10),
                    day(2026, 3, 1)
                ),
                (
                    "2026-06-09",
                    day(2026, 3, 11),
                    day(2026, 6, 9),
                    day(2026, 6, 1)
                ),
                (
                    "2026-09-15",
                    day(2026, 6, 10),
                    day(2026, 9, 15),
                    day(2026, 9, 1)
                ),
            ]
        );
        assert_eq!(
            listed.period_of(day(2026, 10, 1)),
            None,
            "after the last date"
        );
        assert_eq!(listed.period_of(day(2025, 12, 31)), None, "before the plan");
        assert_eq!(
            listed.period_named("2026-06-09").unwrap().start,
            day(2026, 3, 11)
        );
        assert_eq!(listed.period_named("2026-06-10"), None);
    }

    #[test]
    fn periods_between_two_days_cover_them_without_gaps() {
        let periods = cycle(ReportingCadence::Quarterly, None).periods_between(
            day(2025, 2, 1),
            day(2026, 1, 1),
            100,
        );
        let keys: Vec<_> = periods.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
        );
        for pair in periods.windows(2) {
            assert_eq!(pair[0].end + Duration::days(1), pair[1].start);
        }
    }
}
