//! A batch of readings written set-based: the measures and their readings are
//! read once, every item is applied in memory in order (judged against its
//! target), each measure's headline is recomputed once at the end, and what
//! changed is written in a few statements. Row by row, a batch of 1,000
//! readings was some 18 round trips per reading, and judging the measure after
//! each one read and sorted all its readings a thousand times.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::{
    measures::{self, Measure},
    on_backend,
    readings::{check_value, ReadingFields, ReadingRow},
    schema::{measures as measure_table, readings},
    DbConnection, StoreError, WriteTx,
};

/// Rows per INSERT, within both backends' limits on bound parameters.
const ROWS_PER_INSERT: usize = 1000;

pub struct Batch {
    measures: HashMap<String, Measure>,
    /// Every reading of the batch's measures, as it stands after the items so far.
    readings: HashMap<String, Vec<ReadingRow>>,
    created: HashSet<String>,
    changed: HashSet<String>,
    /// Measures with a reading written, to be judged again.
    touched: HashSet<String>,
    /// Measures whose headline moved: a new version each.
    moved: HashSet<String>,
}

impl Batch {
    /// Reads the measures named (those that exist) and all their readings.
    pub fn load(conn: &mut DbConnection, measure_ids: &[&str]) -> Result<Self, StoreError> {
        let measures = measures::get_many(conn, measure_ids)?;
        let known: Vec<&str> = measures.keys().map(String::as_str).collect();
        let mut by_measure: HashMap<String, Vec<ReadingRow>> = HashMap::new();
        for row in readings::table
            .filter(readings::measure_id.eq_any(&known))
            .select(ReadingRow::as_select())
            .load(conn)?
        {
            by_measure
                .entry(row.measure_id.clone())
                .or_default()
                .push(row);
        }
        Ok(Batch {
            measures,
            readings: by_measure,
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
            .get(measure)?
            .iter()
            .find(|r| r.period == period && r.cohort == cohort)
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
        self.readings
            .entry(measure.to_string())
            .or_default()
            .push(row.clone());
        Ok(row)
    }

    /// New fields for the reading `id` of `measure`, found with `find`.
    pub fn update(
        &mut self,
        tx: &WriteTx<'_>,
        measure: &str,
        id: &str,
        fields: ReadingFields,
    ) -> Result<ReadingRow, StoreError> {
        let m = self.measures.get(measure).ok_or(StoreError::NotFound)?;
        check_value(m.row.kind, &fields)?;
        let target_status = measures::judge(m, &fields.cohort, &fields.period, fields.value);
        let row = self
            .readings
            .get_mut(measure)
            .and_then(|rows| rows.iter_mut().find(|r| r.id == id))
            .ok_or(StoreError::NotFound)?;
        row.period = fields.period;
        row.cohort = fields.cohort;
        row.value = fields.value;
        row.text_value = fields.text_value;
        row.status = fields.status;
        row.comment = fields.comment;
        row.source_system = fields.source_system;
        row.target_status = target_status;
        row.version += 1;
        row.updated_at = tx.now;
        row.updated_by = tx.actor.to_string();
        let row = row.clone();
        if !self.created.contains(id) {
            self.changed.insert(id.to_string());
        }
        self.touched.insert(measure.to_string());
        Ok(row)
    }

    /// Judges each measure a reading was written to by all its readings now:
    /// those whose status or trend moved are a new version, returned to be
    /// recorded. The batch moves a measure once, however many of its readings
    /// it holds.
    pub fn judge_measures(&mut self, tx: &WriteTx<'_>) -> Vec<Measure> {
        let mut moved = Vec::new();
        for id in std::mem::take(&mut self.touched) {
            let Some(m) = self.measures.get_mut(&id) else {
                continue;
            };
            let series = self.readings.get(&id).map_or(&[][..], Vec::as_slice);
            let headline = measures::headline_of(m, series);
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
        moved
    }

    /// Writes what the items changed: new readings in multi-row INSERTs, then
    /// each changed reading and each moved measure as it finally stands.
    pub fn store(self, conn: &mut DbConnection) -> Result<(), StoreError> {
        let rows = self.readings.values().flatten();
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
                            readings::value.eq(r.value),
                            readings::text_value.eq(r.text_value.as_deref()),
                            readings::status.eq(r.status),
                            readings::comment.eq(r.comment.as_deref()),
                            readings::source_system.eq(r.source_system.as_deref()),
                            (
                                readings::target_status.eq(r.target_status),
                                readings::version.eq(r.version),
                                readings::created_at.eq(r.created_at),
                                readings::created_by.eq(&r.created_by),
                                readings::updated_at.eq(r.updated_at),
                                readings::updated_by.eq(&r.updated_by),
                            ),
                        )
                    })
                    .collect()
            };
            on_backend!(&mut *conn, |c| diesel::insert_into(readings::table)
                .values(values())
                .execute(c))?;
        }
        for r in rows.filter(|r| self.changed.contains(&r.id)) {
            diesel::update(readings::table.find(&r.id))
                .set((
                    readings::value.eq(r.value),
                    readings::text_value.eq(r.text_value.as_deref()),
                    readings::status.eq(r.status),
                    readings::comment.eq(r.comment.as_deref()),
                    readings::source_system.eq(r.source_system.as_deref()),
                    readings::target_status.eq(r.target_status),
                    readings::version.eq(r.version),
                    readings::updated_at.eq(r.updated_at),
                    readings::updated_by.eq(&r.updated_by),
                ))
                .execute(conn)?;
        }
        for id in &self.moved {
            let Some(m) = self.measures.get(id) else {
                continue;
            };
            diesel::update(measure_table::table.find(id))
                .set((
                    measure_table::target_status.eq(m.row.target_status),
                    measure_table::trend.eq(m.row.trend),
                    measure_table::version.eq(m.row.version),
                    measure_table::updated_at.eq(m.row.updated_at),
                    measure_table::updated_by.eq(&m.row.updated_by),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}
