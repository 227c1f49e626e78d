//! A batch of readings written set-based: the measures and the readings the
//! batch names are read once, every item is applied in memory in order (judged
//! against its target), each measure's headline is recomputed once at the end
//! from its readings as they will be, and what changed is written in a few
//! statements. Row by row, a batch of 1,000
//! readings was some 18 round trips per reading, and judging the measure after
//! each one read and sorted all its readings a thousand times.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    measures::{self, Measure},
    on_backend,
    prepared::Prepared,
    readings::{check_value, ReadingFields, ReadingRow},
    schema::{measures as measure_table, readings},
    DbConnection, StoreError, WriteTx,
};
use crate::domain::plan::{ReadingStatus, TargetStatus};

/// What a batch writes of a reading, new or changed, beside its key and
/// creation.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = readings, treat_none_as_null = true)]
struct Stored<'a> {
    value: Option<f64>,
    text_value: Option<&'a str>,
    status: ReadingStatus,
    comment: Option<&'a str>,
    source_system: Option<&'a str>,
    target_status: TargetStatus,
    version: i64,
    updated_at: NaiveDateTime,
    updated_by: &'a str,
}

impl<'a> Stored<'a> {
    fn of(r: &'a ReadingRow) -> Self {
        Stored {
            value: r.value,
            text_value: r.text_value.as_deref(),
            status: r.status,
            comment: r.comment.as_deref(),
            source_system: r.source_system.as_deref(),
            target_status: r.target_status,
            version: r.version,
            updated_at: r.updated_at,
            updated_by: &r.updated_by,
        }
    }
}

fn key_of(row: &ReadingRow) -> Key {
    (
        row.measure_id.clone(),
        row.period.clone(),
        row.cohort.clone(),
    )
}

/// Rows per INSERT, and values per IN list, within both backends' limits on
/// bound parameters.
const ROWS_PER_INSERT: usize = 1000;

/// A reading's key within its measure's readings: (measure, period, cohort).
type Key = (String, String, String);

pub struct Batch {
    measures: HashMap<String, Measure>,
    /// The readings the batch names, as stored or as the items so far made them.
    readings: HashMap<Key, ReadingRow>,
    created: HashSet<String>,
    changed: HashSet<String>,
    /// Measures with a reading written, to be judged again.
    touched: HashSet<String>,
    /// Measures whose headline moved: a new version each.
    moved: HashSet<String>,
}

impl Batch {
    /// Reads the measures named (those that exist) and their readings of the
    /// periods and cohorts named: `keys` are (measure, period, cohort).
    pub fn load(conn: &mut DbConnection, keys: &[(&str, &str, &str)]) -> Result<Self, StoreError> {
        let mut measure_ids: Vec<&str> = keys.iter().map(|k| k.0).collect();
        measure_ids.sort_unstable();
        measure_ids.dedup();
        let mut periods: Vec<&str> = keys.iter().map(|k| k.1).collect();
        periods.sort_unstable();
        periods.dedup();
        super::locks::rows(conn, crate::domain::ResourceType::Measure, &measure_ids)?;
        let measures = measures::get_many(conn, &measure_ids)?;
        let wanted: HashSet<(&str, &str, &str)> = keys.iter().copied().collect();
        let mut readings = HashMap::new();
        for chunk in periods.chunks(ROWS_PER_INSERT) {
            for row in readings::table
                .filter(readings::measure_id.eq_any(&measure_ids))
                .filter(readings::period.eq_any(chunk))
                .select(ReadingRow::as_select())
                .load(conn)?
            {
                if wanted.contains(&(
                    row.measure_id.as_str(),
                    row.period.as_str(),
                    row.cohort.as_str(),
                )) {
                    readings.insert(key_of(&row), row);
                }
            }
        }
        Ok(Batch {
            measures,
            readings,
            created: HashSet::new(),
            changed: HashSet::new(),
            touched: HashSet::new(),
            moved: HashSet::new(),
        })
    }

    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.get(id)
    }

    /// The measure's reading for the period and cohort, as the batch stands.
    pub fn find(&self, measure: &str, period: &str, cohort: &str) -> Option<&ReadingRow> {
        self.readings
            .get(&(measure.to_string(), period.to_string(), cohort.to_string()))
    }

    /// A new reading of `measure` (which has none for the period and cohort).
    pub fn insert(
        &mut self,
        tx: &WriteTx<'_>,
        measure: &str,
        fields: ReadingFields,
    ) -> Result<ReadingRow, StoreError> {
        let m = self.measures.get(measure).ok_or(StoreError::NotFound)?;
        check_value(m.row.kind, &fields)?;
        let row = ReadingRow {
            id: super::new_id(),
            measure_id: measure.to_string(),
            target_status: measures::judge(m, &fields.cohort, &fields.period, fields.value),
            period: fields.period,
            cohort: fields.cohort,
            value: fields.value,
            text_value: fields.text_value,
            status: fields.status,
            comment: fields.comment,
            source_system: fields.source_system,
            version: 1,
            created_at: tx.now,
            created_by: tx.actor.to_string(),
            updated_at: tx.now,
            updated_by: tx.actor.to_string(),
        };
        self.created.insert(row.id.clone());
        self.touched.insert(measure.to_string());
        self.readings.insert(key_of(&row), row.clone());
        Ok(row)
    }

    /// New fields for the reading of `measure` their period and cohort name,
    /// found with `find`.
    pub fn update(
        &mut self,
        tx: &WriteTx<'_>,
        measure: &str,
        fields: ReadingFields,
    ) -> Result<ReadingRow, StoreError> {
        let m = self.measures.get(measure).ok_or(StoreError::NotFound)?;
        check_value(m.row.kind, &fields)?;
        let target_status = measures::judge(m, &fields.cohort, &fields.period, fields.value);
        let key = (measure.to_string(), fields.period, fields.cohort);
        let row = self.readings.get_mut(&key).ok_or(StoreError::NotFound)?;
        row.value = fields.value;
        row.text_value = fields.text_value;
        row.status = fields.status;
        row.comment = fields.comment;
        row.source_system = fields.source_system;
        row.target_status = target_status;
        row.version += 1;
        row.updated_at = tx.now;
        row.updated_by = tx.actor.to_string();
        if !self.created.contains(&row.id) {
            self.changed.insert(row.id.clone());
        }
        self.touched.insert(measure.to_string());
        Ok(row.clone())
    }

    /// Judges each measure a reading was written to by its readings as they
    /// will be: those whose status or trend moved are a new version, returned
    /// to be recorded. The batch moves a measure once, however many of its
    /// readings it holds.
    pub fn judge_measures(&mut self, tx: &mut WriteTx<'_>) -> Result<Vec<Measure>, StoreError> {
        let mut moved = Vec::new();
        for id in std::mem::take(&mut self.touched) {
            let Some(m) = self.measures.get(&id) else {
                continue;
            };
            let written: Vec<&ReadingRow> = self
                .readings
                .values()
                .filter(|r| r.measure_id == id)
                .collect();
            let headline =
                measures::headline_with(tx.conn, m, &written, |id| !self.created.contains(id))?;
            let Some(m) = self.measures.get_mut(&id) else {
                continue;
            };
            if headline == (m.row.target_status, m.row.trend) {
                continue;
            }
            (m.row.target_status, m.row.trend) = headline;
            m.row.version += 1;
            m.row.updated_at = tx.now;
            m.row.updated_by = tx.actor.to_string();
            moved.push(m.clone());
            self.moved.insert(id);
        }
        Ok(moved)
    }

    /// Writes what the items changed: new readings in multi-row INSERTs, then
    /// each changed reading and each moved measure as it finally stands.
    pub fn store(self, conn: &mut DbConnection) -> Result<(), StoreError> {
        let rows = self.readings.values();
        let created: Vec<&ReadingRow> = rows
            .clone()
            .filter(|r| self.created.contains(&r.id))
            .collect();
        for chunk in created.chunks(ROWS_PER_INSERT) {
            let values = || -> Vec<_> {
                chunk
                    .iter()
                    .map(|r| {
                        (
                            readings::id.eq(&r.id),
                            readings::measure_id.eq(&r.measure_id),
                            readings::period.eq(&r.period),
                            readings::cohort.eq(&r.cohort),
                            Stored::of(r),
                            readings::created_at.eq(r.created_at),
                            readings::created_by.eq(&r.created_by),
                        )
                    })
                    .collect()
            };
            on_backend!(&mut *conn, |c| diesel::insert_into(readings::table)
                .values(values())
                .execute(c))?;
        }
        for r in rows.filter(|r| self.changed.contains(&r.id)) {
            let update = diesel::update(readings::table.find(&r.id)).set(Stored::of(r));
            on_backend!(&mut *conn, |c| Prepared(update).execute(c))?;
        }
        for id in &self.moved {
            let Some(m) = self.measures.get(id) else {
                continue;
            };
            let update = diesel::update(measure_table::table.find(id)).set((
                measure_table::target_status.eq(m.row.target_status),
                measure_table::trend.eq(m.row.trend),
                measure_table::version.eq(m.row.version),
                measure_table::updated_at.eq(m.row.updated_at),
                measure_table::updated_by.eq(&m.row.updated_by),
            ));
            on_backend!(&mut *conn, |c| Prepared(update).execute(c))?;
        }
        Ok(())
    }
}
