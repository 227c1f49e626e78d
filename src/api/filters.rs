//! Query values as people type them: an enum filter takes one value or several,
//! comma-separated, in any case (`brag=red,amber`, `brag=Amber` as a
//! spreadsheet writes it); a time filter takes a date-time or a plain date.

use std::{fmt, marker::PhantomData};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{de, Deserialize, Deserializer};

use crate::domain::TextEnum;

/// One value or several of an enum; empty when the filter is not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many(Vec::new())
    }
}

impl<T: TextEnum> Many<T> {
    /// Reads `red,Amber`; names the first value that is none of `T`'s.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut values = Vec::new();
        for part in text.split(',') {
            let wanted = part.trim().to_lowercase();
            match T::from_text(&wanted) {
                Some(value) if !values.contains(&value) => values.push(value),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "{part:?} is not allowed; use one or more of {}, comma-separated",
                        T::all()
                            .iter()
                            .map(|v| v.as_text())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
        }
        Ok(Many(values))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values, when the filter was given.
    pub fn given(&self) -> Option<Vec<T>> {
        (!self.0.is_empty()).then(|| self.0.clone())
    }

    /// As the query writes them, for links that continue the same list.
    pub fn to_query(&self) -> String {
        self.0
            .iter()
            .map(|v| v.as_text())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl<'de, T: TextEnum> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);
        impl<T: TextEnum> de::Visitor<'_> for Visitor<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one or more values, comma-separated")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Many<T>, E> {
                Many::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor(PhantomData))
    }
}

/// A moment a time filter starts from: `2026-11-30T09:00:00Z` (any offset), or
/// `2026-11-30`, meaning that day's start in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(pub DateTime<Utc>);

pub const SINCE_FORMS: &str =
    "a date-time with its offset (2026-11-30T09:00:00Z) or a date (2026-11-30, from 00:00 UTC)";

impl Since {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Since(at.with_timezone(&Utc)));
        }
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Since(day.and_time(chrono::NaiveTime::MIN).and_utc()));
        }
        Err(format!("{text:?} is not {SINCE_FORMS}"))
    }

    pub fn naive_utc(self) -> NaiveDateTime {
        self.0.naive_utc()
    }
}

impl<'de> Deserialize<'de> for Since {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Since::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::Brag;

    #[test]
    fn several_values_in_any_case() {
        assert_eq!(
            Many::<Brag>::parse("red, Amber,RED").unwrap(),
            Many(vec![Brag::Red, Brag::Amber])
        );
        let refused = Many::<Brag>::parse("red,purple").unwrap_err();
        assert!(
            refused.starts_with("\"purple\" is not allowed"),
            "{refused}"
        );
        assert!(Many::<Brag>::parse("").is_err());
    }

    #[test]
    fn a_plain_date_starts_at_midnight_utc() {
        assert_eq!(
            Since::parse("2026-11-30").unwrap().0.to_rfc3339(),
            "2026-11-30T00:00:00+00:00"
        );
        assert_eq!(
            Since::parse("2026-11-30T10:00:00+01:00")
                .unwrap()
                .0
                .to_rfc3339(),
            "2026-11-30T09:00:00+00:00"
        );
        let refused = Since::parse("30/11/2026").unwrap_err();
        assert!(refused.contains("2026-11-30T09:00:00Z"), "{refused}");
    }
}
