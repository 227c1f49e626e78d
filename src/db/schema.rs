//! Diesel table definitions shared by both backends. Only types that map the same
//! way on SQLite and PostgreSQL appear here (ids and JSON are Text).

diesel::table! {
    write_lock (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    organisations (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        website -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    owners (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        organisation_id -> Nullable<Text>,
        email -> Nullable<Text>,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    owner_holders (owner_id, position) {
        owner_id -> Text,
        position -> Integer,
        name -> Text,
        email -> Nullable<Text>,
        started_on -> Nullable<Date>,
        ended_on -> Nullable<Date>,
    }
}

diesel::joinable!(owners -> organisations (organisation_id));
diesel::joinable!(owner_holders -> owners (owner_id));
diesel::allow_tables_to_appear_in_same_query!(write_lock, organisations, owners, owner_holders);
