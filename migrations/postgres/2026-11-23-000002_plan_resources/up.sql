-- Ordered many-to-many links (chairs, member organisations, senior responsible
-- owners, leads, partners, measure-outcome links) share one table. Every write
-- checks its targets exist and every delete checks what still links to it, both
-- inside the serialised write transaction.
CREATE TABLE links (
    relation TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (relation, parent_id, target_id)
);
CREATE INDEX links_target ON links (target_id, relation);

CREATE TABLE governance_bodies (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    cadence TEXT,
    description TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE reporting_lines (
    body_id TEXT NOT NULL REFERENCES governance_bodies (id) ON DELETE CASCADE,
    parent_body_id TEXT NOT NULL REFERENCES governance_bodies (id),
    line TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (body_id, parent_body_id)
);
CREATE INDEX reporting_lines_parent ON reporting_lines (parent_body_id);

CREATE INDEX governance_bodies_kind ON governance_bodies (kind, id);

CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    ref TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT,
    vision TEXT,
    period_label TEXT,
    period_start DATE,
    period_end DATE,
    status TEXT NOT NULL,
    lead_body_id TEXT REFERENCES governance_bodies (id),
    published BOOLEAN NOT NULL,
    source_document TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX plans_status ON plans (status, id);
CREATE INDEX plans_lead_body ON plans (lead_body_id);
CREATE INDEX plans_kind ON plans (kind, id);
CREATE INDEX plans_published ON plans (published, id);

CREATE TABLE priorities (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    recommendation TEXT,
    description TEXT,
    position INTEGER NOT NULL,
    working_group_id TEXT REFERENCES governance_bodies (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, ref)
);
CREATE INDEX priorities_working_group ON priorities (working_group_id);
CREATE INDEX priorities_plan ON priorities (plan_id, id);
CREATE INDEX priorities_kind ON priorities (kind, id);
CREATE INDEX priorities_ref ON priorities (ref);

CREATE TABLE outcomes (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    priority_id TEXT NOT NULL REFERENCES priorities (id),
    ref TEXT NOT NULL,
    statement TEXT NOT NULL,
    workstream TEXT,
    previous_refs TEXT NOT NULL,
    position INTEGER NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, ref)
);
CREATE INDEX outcomes_priority ON outcomes (priority_id);
CREATE INDEX outcomes_plan ON outcomes (plan_id, id);
CREATE INDEX outcomes_ref ON outcomes (ref);

CREATE TABLE actions (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    priority_id TEXT NOT NULL REFERENCES priorities (id),
    outcome_id TEXT REFERENCES outcomes (id),
    ref TEXT NOT NULL,
    description TEXT NOT NULL,
    start_text TEXT,
    start_date DATE,
    due_text TEXT,
    due_date DATE,
    recurring BOOLEAN NOT NULL,
    brag TEXT,
    monitored_in_type TEXT,
    monitored_in_id TEXT,
    completed_on DATE,
    previous_refs TEXT NOT NULL,
    position INTEGER NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, ref)
);
CREATE INDEX actions_plan ON actions (plan_id, id);
CREATE INDEX actions_priority ON actions (priority_id, id);
CREATE INDEX actions_outcome ON actions (outcome_id, id);
CREATE INDEX actions_brag ON actions (brag, id);
CREATE INDEX actions_due ON actions (due_date, id);
CREATE INDEX actions_updated ON actions (updated_at, id);
CREATE INDEX actions_monitored_in ON actions (monitored_in_id);
CREATE INDEX actions_ref ON actions (ref);

CREATE TABLE measures (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    priority_id TEXT REFERENCES priorities (id),
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    unit TEXT,
    direction TEXT,
    tolerance DOUBLE PRECISION,
    frequency TEXT,
    approach TEXT,
    data_source TEXT,
    national_indicator TEXT,
    team_responsible_id TEXT REFERENCES owners (id),
    corporate_dashboard BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    -- Where the latest reading of the main cohort stands against its target; kept
    -- up to date by every write to the measure or its readings, so lists can filter.
    target_status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, ref)
);
CREATE INDEX measures_priority ON measures (priority_id);
CREATE INDEX measures_team ON measures (team_responsible_id);
CREATE INDEX measures_plan ON measures (plan_id, id);
CREATE INDEX measures_status ON measures (target_status, id);
CREATE INDEX measures_kind ON measures (kind, id);
CREATE INDEX measures_dashboard ON measures (corporate_dashboard, id);
CREATE INDEX measures_ref ON measures (ref);

-- Baselines and targets of a measure, each for a period and a cohort.
CREATE TABLE measure_values (
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    period TEXT NOT NULL,
    cohort TEXT NOT NULL,
    value DOUBLE PRECISION,
    note TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (measure_id, role, period, cohort)
);

CREATE TABLE readings (
    id TEXT PRIMARY KEY NOT NULL,
    measure_id TEXT NOT NULL REFERENCES measures (id),
    period TEXT NOT NULL,
    cohort TEXT NOT NULL,
    value DOUBLE PRECISION,
    text_value TEXT,
    status TEXT NOT NULL,
    comment TEXT,
    source_system TEXT,
    target_status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (measure_id, period, cohort)
);

CREATE INDEX readings_period ON readings (period, cohort);
CREATE INDEX readings_status ON readings (target_status, id);
CREATE INDEX readings_updated ON readings (updated_at, id);

CREATE TABLE risks (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    ref TEXT,
    title TEXT NOT NULL,
    description TEXT,
    likelihood INTEGER NOT NULL,
    impact INTEGER NOT NULL,
    owner_id TEXT REFERENCES owners (id),
    mitigation TEXT,
    status TEXT NOT NULL,
    review_date DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX risks_plan ON risks (plan_id, id);
CREATE INDEX risks_owner ON risks (owner_id);
CREATE INDEX risks_status ON risks (status, id);
CREATE INDEX risks_review ON risks (review_date);
