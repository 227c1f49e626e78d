//! Both migration sets must give the same tables and columns, so one `schema.rs`
//! serves both backends.

use std::collections::BTreeSet;

use diesel::{sql_query, sql_types::Text, QueryableByName, RunQueryDsl};
use waymark::{config::Config, db::DbConnection, startup::prepare_database};

use crate::helpers::{TestDatabase, PG_ENV};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    nullable: String,
}

type Shape = BTreeSet<(String, String, String, bool)>;

fn migrated(db: &TestDatabase) -> DbConnection {
    let env = [("DATABASE_URL".to_string(), db.url())]
        .into_iter()
        .collect();
    let config = Config::from_map(&env).unwrap();
    let pool = prepare_database(&config).expect("migrations apply");
    drop(pool);
    config.database.connect(config.db_timeout).unwrap()
}

fn family(data_type: &str) -> String {
    match data_type.to_ascii_lowercase().as_str() {
        "timestamp without time zone" | "timestamp" => "timestamp".into(),
        "character varying" | "text" => "text".into(),
        other => other.into(),
    }
}

fn shape(conn: &mut DbConnection) -> Shape {
    let query = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
        DbConnection::Postgres(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             data_type::text AS data_type, is_nullable::text AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
        }
    };
    sql_query(query)
        .load::<Column>(conn)
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.table_name,
                c.column_name,
                family(&c.data_type),
                c.nullable == "YES",
            )
        })
        .collect()
}

#[test]
fn both_migration_sets_give_the_same_tables_and_columns() {
    let postgres = TestDatabase::create();
    if !postgres.is_postgres() {
        eprintln!("skipped: needs {PG_ENV} to compare with PostgreSQL");
        return;
    }
    let sqlite = TestDatabase::Sqlite(tempfile::tempdir().unwrap());

    let sqlite_shape = shape(&mut migrated(&sqlite));
    let postgres_shape = shape(&mut migrated(&postgres));

    assert!(
        sqlite_shape.len() >= 20,
        "the tables have columns: {sqlite_shape:?}"
    );
    let only_sqlite: Vec<_> = sqlite_shape.difference(&postgres_shape).collect();
    let only_postgres: Vec<_> = postgres_shape.difference(&sqlite_shape).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}

#[test]
fn migrating_twice_applies_nothing_the_second_time() {
    let db = TestDatabase::create();
    let mut conn = migrated(&db);
    let again = waymark::db::migrations::run(&mut conn).unwrap();
    assert!(again.is_empty(), "nothing pending: {again:?}");
}
