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

diesel::table! {
    links (relation, parent_id, target_id) {
        relation -> Text,
        parent_id -> Text,
        target_id -> Text,
        position -> Integer,
        organisation_id -> Nullable<Text>,
    }
}

diesel::table! {
    governance_bodies (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        cadence -> Nullable<Text>,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    reporting_lines (body_id, parent_body_id) {
        body_id -> Text,
        parent_body_id -> Text,
        line -> Text,
        position -> Integer,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        #[sql_name = "ref"]
        ref_ -> Text,
        title -> Text,
        kind -> Text,
        summary -> Nullable<Text>,
        vision -> Nullable<Text>,
        period_label -> Nullable<Text>,
        period_start -> Nullable<Date>,
        period_end -> Nullable<Date>,
        status -> Text,
        lead_body_id -> Nullable<Text>,
        published -> Bool,
        source_document -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        reporting_cadence -> Nullable<Text>,
        reporting_dates -> Nullable<Text>,
        reporting_cutoff_day -> Nullable<Integer>,
        narrative_required -> Bool,
    }
}

diesel::table! {
    priorities (id) {
        id -> Text,
        plan_id -> Text,
        #[sql_name = "ref"]
        ref_ -> Text,
        kind -> Text,
        title -> Text,
        recommendation -> Nullable<Text>,
        description -> Nullable<Text>,
        position -> Integer,
        working_group_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    outcomes (id) {
        id -> Text,
        plan_id -> Text,
        priority_id -> Text,
        #[sql_name = "ref"]
        ref_ -> Text,
        statement -> Text,
        workstream -> Nullable<Text>,
        previous_refs -> Text,
        position -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    actions (id) {
        id -> Text,
        plan_id -> Text,
        priority_id -> Text,
        outcome_id -> Nullable<Text>,
        #[sql_name = "ref"]
        ref_ -> Text,
        description -> Text,
        start_text -> Nullable<Text>,
        start_date -> Nullable<Date>,
        due_text -> Nullable<Text>,
        due_date -> Nullable<Date>,
        recurring -> Bool,
        brag -> Nullable<Text>,
        monitored_in_type -> Nullable<Text>,
        monitored_in_id -> Nullable<Text>,
        completed_on -> Nullable<Date>,
        previous_refs -> Text,
        position -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        details_in_type -> Nullable<Text>,
        details_in_id -> Nullable<Text>,
    }
}

diesel::table! {
    measures (id) {
        id -> Text,
        plan_id -> Text,
        priority_id -> Nullable<Text>,
        #[sql_name = "ref"]
        ref_ -> Text,
        title -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        unit -> Nullable<Text>,
        direction -> Nullable<Text>,
        tolerance -> Nullable<Double>,
        frequency -> Nullable<Text>,
        approach -> Nullable<Text>,
        data_source -> Nullable<Text>,
        national_indicator -> Nullable<Text>,
        team_responsible_id -> Nullable<Text>,
        corporate_dashboard -> Bool,
        position -> Integer,
        target_status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        trend -> Nullable<Text>,
    }
}

diesel::table! {
    measure_values (measure_id, role, period, cohort) {
        measure_id -> Text,
        role -> Text,
        period -> Text,
        cohort -> Text,
        value -> Nullable<Double>,
        note -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::table! {
    readings (id) {
        id -> Text,
        measure_id -> Text,
        period -> Text,
        cohort -> Text,
        value -> Nullable<Double>,
        text_value -> Nullable<Text>,
        status -> Text,
        comment -> Nullable<Text>,
        source_system -> Nullable<Text>,
        target_status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    risks (id) {
        id -> Text,
        plan_id -> Text,
        #[sql_name = "ref"]
        ref_ -> Nullable<Text>,
        title -> Text,
        description -> Nullable<Text>,
        likelihood -> Integer,
        impact -> Integer,
        owner_id -> Nullable<Text>,
        mitigation -> Nullable<Text>,
        status -> Text,
        review_date -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::joinable!(owners -> organisations (organisation_id));
diesel::joinable!(owner_holders -> owners (owner_id));
diesel::joinable!(priorities -> plans (plan_id));
diesel::joinable!(outcomes -> priorities (priority_id));
diesel::joinable!(actions -> priorities (priority_id));
diesel::joinable!(readings -> measures (measure_id));
diesel::allow_tables_to_appear_in_same_query!(
    write_lock,
    organisations,
    owners,
    owner_holders,
    links,
    governance_bodies,
    reporting_lines,
    plans,
    priorities,
    outcomes,
    actions,
    measures,
    measure_values,
    readings,
    risks,
    status_updates,
);

diesel::table! {
    revisions (resource_type, resource_id, version) {
        resource_type -> Text,
        resource_id -> Text,
        version -> BigInt,
        operation -> Text,
        actor -> Text,
        at -> Timestamp,
        seq -> BigInt,
        snapshot -> Text,
        actor_organisation -> Nullable<Text>,
    }
}

diesel::table! {
    events (seq) {
        seq -> BigInt,
        resource_type -> Text,
        resource_id -> Text,
        version -> BigInt,
        operation -> Text,
        actor -> Text,
        at -> Timestamp,
        plan_id -> Nullable<Text>,
        actor_organisation -> Nullable<Text>,
    }
}

diesel::table! {
    status_updates (id) {
        id -> Text,
        action_id -> Text,
        plan_id -> Text,
        brag -> Text,
        narrative -> Nullable<Text>,
        evidence -> Text,
        action_version -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        created_by_organisation -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    idempotency_keys (subject, idempotency_key) {
        subject -> Text,
        idempotency_key -> Text,
        fingerprint -> Text,
        state -> Text,
        status -> Nullable<Integer>,
        headers -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    external_refs (resource_type, system, external_id) {
        resource_type -> Text,
        system -> Text,
        external_id -> Text,
        resource_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Text,
        plan_id -> Nullable<Text>,
        organisation_id -> Nullable<Text>,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        last_seq -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        seq -> BigInt,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        retry_until -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        lease_token -> Nullable<Text>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Text,
        attempt -> Integer,
        at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_subscriptions);

diesel::table! {
    meetings (id) {
        id -> Text,
        body_id -> Text,
        title -> Nullable<Text>,
        date -> Date,
        papers_cutoff -> Timestamp,
        status -> Text,
        plan_ids -> Text,
        decisions -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    highlight_reports (id) {
        id -> Text,
        meeting_id -> Text,
        plan_id -> Text,
        status -> Text,
        sections -> Text,
        comments -> Text,
        content -> Text,
        frozen -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::joinable!(highlight_reports -> meetings (meeting_id));
diesel::allow_tables_to_appear_in_same_query!(meetings, highlight_reports);
diesel::allow_tables_to_appear_in_same_query!(highlight_reports, plans);
