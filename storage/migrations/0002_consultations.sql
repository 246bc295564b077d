-- 0002: remote consultations. Specialists' availability, concrete slots, bookings.
-- Times of slots and bookings are UTC ISO 8601 text (text order is time order); weekly
-- rules hold Riga wall-clock times, turned into UTC per date so DST never shifts a lesson.

-- Weekly hours: e.g. Tuesday 14:00-16:00 in 45-minute slots. weekday 1 = Monday (ISO).
-- materialised_until is the last date whose slots were made from the rule: making slots
-- again only looks at later dates, so browsing stays cheap.
CREATE TABLE availability_rules (
    id                 INTEGER PRIMARY KEY,
    specialist_id      INTEGER NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
    weekday            INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time         TEXT NOT NULL,
    end_time           TEXT NOT NULL,
    slot_minutes       INTEGER NOT NULL CHECK (slot_minutes BETWEEN 10 AND 240),
    valid_from         TEXT NOT NULL,
    valid_until        TEXT,
    materialised_until TEXT,
    CHECK (start_time < end_time),
    UNIQUE (specialist_id, weekday, start_time, valid_from)
);

CREATE TABLE days_off (
    specialist_id INTEGER NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    PRIMARY KEY (specialist_id, day)
) WITHOUT ROWID;

-- One bookable period of one specialist. A withdrawn slot is kept (not deleted) so that
-- making slots from the weekly rule again does not bring it back.
CREATE TABLE slots (
    id            INTEGER PRIMARY KEY,
    specialist_id INTEGER NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
    rule_id       INTEGER REFERENCES availability_rules(id) ON DELETE SET NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'free' CHECK (state IN ('free', 'booked', 'withdrawn')),
    CHECK (starts_at < ends_at),
    UNIQUE (specialist_id, starts_at)
);
CREATE INDEX slots_free ON slots(state, starts_at);

-- Per specialist: requests confirmed at once (1) or waiting for acceptance (0).
CREATE TABLE specialist_settings (
    specialist_id INTEGER PRIMARY KEY REFERENCES specialists(id) ON DELETE CASCADE,
    auto_confirm  INTEGER NOT NULL CHECK (auto_confirm IN (0, 1))
);

-- starts_at/ends_at/minutes are copied from the slot so the "my consultations", "today"
-- and "hours used" queries need no join; a move updates them with slot_id.
-- 'proposed': the specialist offered another time and holds that slot until the pupil answers.
CREATE TABLE bookings (
    id            INTEGER PRIMARY KEY,
    slot_id       INTEGER NOT NULL REFERENCES slots(id),
    pupil_id      INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    specialist_id INTEGER NOT NULL REFERENCES specialists(id),
    plan_id       INTEGER NOT NULL REFERENCES plans(id),
    kind          TEXT NOT NULL CHECK (kind IN ('subject_consultation', 'emotional_support')),
    subject       TEXT NOT NULL DEFAULT '',
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    booked_by     INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('requested', 'proposed', 'confirmed',
                      'declined', 'cancelled', 'held', 'missed')),
    note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    call_link     TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    evidence      TEXT CHECK (evidence IN ('yes', 'no')),
    evidence_at   TEXT,
    evidence_by   INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- The last word on double booking: at most one open booking per slot, whatever arrives.
CREATE UNIQUE INDEX bookings_one_per_slot ON bookings(slot_id)
    WHERE state IN ('requested', 'proposed', 'confirmed');
CREATE INDEX bookings_pupil ON bookings(pupil_id, starts_at);
CREATE INDEX bookings_specialist ON bookings(specialist_id, starts_at);
CREATE INDEX bookings_plan ON bookings(plan_id, kind, subject, state);
