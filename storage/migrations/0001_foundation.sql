-- 0001: the foundation. Schools, people, plans, accounts, link codes, audit, reminders.
-- Never edit a landed migration: add the next number instead.

CREATE TABLE regions (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE schools (
    id                    TEXT PRIMARY KEY,
    region_id             TEXT NOT NULL REFERENCES regions(id),
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('general', 'vocational')),
    caterer_delivers_home INTEGER NOT NULL DEFAULT 0 CHECK (caterer_delivers_home IN (0, 1))
);
CREATE INDEX schools_region ON schools(region_id);

-- A pupil is known by the school's own id and a display name: never a personal code.
CREATE TABLE pupils (
    id           INTEGER PRIMARY KEY,
    school_id    TEXT NOT NULL REFERENCES schools(id),
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    grade        INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    UNIQUE (school_id, external_id)
);

CREATE TABLE guardians (
    id           INTEGER PRIMARY KEY,
    school_id    TEXT NOT NULL REFERENCES schools(id),
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    UNIQUE (school_id, external_id)
);

CREATE TABLE guardian_pupils (
    guardian_id INTEGER NOT NULL REFERENCES guardians(id) ON DELETE CASCADE,
    pupil_id    INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    PRIMARY KEY (guardian_id, pupil_id)
) WITHOUT ROWID;
CREATE INDEX guardian_pupils_pupil ON guardian_pupils(pupil_id);

CREATE TABLE specialists (
    id           INTEGER PRIMARY KEY,
    school_id    TEXT NOT NULL REFERENCES schools(id),
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('teacher', 'psychologist', 'social_pedagogue')),
    on_duty      INTEGER NOT NULL DEFAULT 0 CHECK (on_duty IN (0, 1)),
    UNIQUE (school_id, external_id)
);

CREATE TABLE specialist_subjects (
    specialist_id INTEGER NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    PRIMARY KEY (specialist_id, subject)
) WITHOUT ROWID;

-- A school coordinator has a school; a regional coordinator has a region.
CREATE TABLE coordinators (
    id           INTEGER PRIMARY KEY,
    school_id    TEXT REFERENCES schools(id),
    region_id    TEXT REFERENCES regions(id),
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    CHECK ((school_id IS NULL) <> (region_id IS NULL))
);
-- NULLs are distinct in a UNIQUE constraint, so the key is an expression index.
CREATE UNIQUE INDEX coordinators_key
    ON coordinators(coalesce(school_id, ''), coalesce(region_id, ''), external_id);

CREATE TABLE plans (
    id           INTEGER PRIMARY KEY,
    school_id    TEXT NOT NULL REFERENCES schools(id),
    external_id  TEXT NOT NULL,
    pupil_id     INTEGER NOT NULL REFERENCES pupils(id),
    school_year  TEXT NOT NULL,
    semester     INTEGER NOT NULL CHECK (semester IN (1, 2)),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    created_on   TEXT,
    CHECK (starts_on <= ends_on),
    UNIQUE (school_id, external_id)
);
CREATE INDEX plans_pupil ON plans(pupil_id, starts_on);

CREATE TABLE plan_measures (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('subject_consultation', 'emotional_support',
                      'meals', 'transport', 'accommodation', 'internship_meals')),
    subject       TEXT NOT NULL DEFAULT '',
    hours_granted REAL,
    UNIQUE (plan_id, kind, subject)
);

-- Every Telegram user who ever wrote to the bot; private data only through account_links.
CREATE TABLE accounts (
    telegram_id         INTEGER PRIMARY KEY,
    language            TEXT,
    telegram_language   TEXT,
    active              INTEGER NOT NULL DEFAULT 1,
    failed_link_attempts INTEGER NOT NULL DEFAULT 0,
    link_locked_until   TEXT,
    created_at          TEXT NOT NULL
);

CREATE TABLE account_links (
    telegram_id INTEGER NOT NULL REFERENCES accounts(telegram_id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('pupil', 'guardian', 'specialist', 'coordinator',
                    'caterer')),
    person_id   INTEGER NOT NULL,
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (telegram_id, role, person_id)
) WITHOUT ROWID;
CREATE INDEX account_links_person ON account_links(role, person_id);

-- Only a hash of each code is kept: a copy of the database does not leak usable codes.
CREATE TABLE link_codes (
    code_hash  TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL,
    role       TEXT NOT NULL,
    person_id  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER
);

CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    actor_telegram_id INTEGER,
    action            TEXT NOT NULL,
    subject           TEXT NOT NULL,
    detail            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subject ON audit_log(subject);

-- Per-account preferences (reminder offsets, optional reminders off), name -> JSON value.
CREATE TABLE account_settings (
    telegram_id INTEGER NOT NULL REFERENCES accounts(telegram_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (telegram_id, name)
) WITHOUT ROWID;

-- Words of crisis seen in a message. Only which list matched is kept, never the text.
CREATE TABLE crisis_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    telegram_id INTEGER NOT NULL,
    pupil_id    INTEGER REFERENCES pupils(id) ON DELETE SET NULL,
    school_id   TEXT,
    category    TEXT NOT NULL,
    language    TEXT NOT NULL,
    alerted     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crisis_events_pupil ON crisis_events(pupil_id, at);

-- Every scheduled message is a row here; the scheduler only wakes the dispatcher.
-- role is the recipient's (quiet hours apply to pupils and guardians); event_at is the
-- time of what the reminder is about (a session's start), so moving offsets can re-plan.
CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    role       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    event_at   TEXT,
    not_after  TEXT,
    payload    TEXT NOT NULL DEFAULT '{}',
    state      TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled',
                                    'expired')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    sent_at    TEXT,
    last_error TEXT,
    UNIQUE (chat_id, kind, ref)
);
CREATE INDEX reminders_due ON reminders(state, due_at);
CREATE INDEX reminders_ref ON reminders(ref);
