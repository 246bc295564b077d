-- 0008: figures, running a school from the chat, and internship support finished.

-- Who ended a booking (the role of the account that cancelled or declined it: pupil,
-- guardian, specialist or coordinator; NULL for bookings ended before this column) and
-- when the specialist first answered a request (accepted, declined or proposed a time).
ALTER TABLE bookings ADD COLUMN ended_by TEXT;
ALTER TABLE bookings ADD COLUMN answered_at TEXT;

-- A person the school marked as left: no more messages, their history stays.
ALTER TABLE pupils ADD COLUMN left_on TEXT;
ALTER TABLE guardians ADD COLUMN left_on TEXT;
ALTER TABLE specialists ADD COLUMN left_on TEXT;

-- One payment file of a school: the claims and allowance days in it are never paid again.
CREATE TABLE payment_exports (
    id          INTEGER PRIMARY KEY,
    school_id   TEXT NOT NULL REFERENCES schools(id),
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    total_cents INTEGER NOT NULL
);
CREATE INDEX payment_exports_school ON payment_exports(school_id, id);

-- Claims are for transport or accommodation; export_id is the payment file they went in.
ALTER TABLE transport_claims ADD COLUMN kind TEXT NOT NULL DEFAULT 'transport'
    CHECK (kind IN ('transport', 'accommodation'));
ALTER TABLE transport_claims ADD COLUMN export_id INTEGER REFERENCES payment_exports(id);
CREATE INDEX transport_claims_submitted ON transport_claims(school_id, submitted_at);

-- How an internship meal day is provided, as the programme rules said when it was
-- confirmed: by the school's caterer, or as an allowance of allowance_cents to be paid.
ALTER TABLE internship_days ADD COLUMN provided_as TEXT NOT NULL DEFAULT 'caterer'
    CHECK (provided_as IN ('caterer', 'allowance'));
ALTER TABLE internship_days ADD COLUMN allowance_cents INTEGER;
ALTER TABLE internship_days ADD COLUMN export_id INTEGER REFERENCES payment_exports(id);
CREATE INDEX internship_days_day ON internship_days(day);

-- A coordinator's message to the guardians or pupils of a school (or of one grade).
-- The text is kept for the reminders that carry it; count is how many were planned.
CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES schools(id),
    audience   TEXT NOT NULL CHECK (audience IN ('guardians', 'pupils')),
    grade      INTEGER CHECK (grade BETWEEN 1 AND 12),
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    sent_by    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    recipients INTEGER NOT NULL
);

-- Figures by school and period (bench/bench_figures.py): covering indexes, so a region's
-- semester reads its bookings and deliveries from the index alone, not the wide rows.
CREATE INDEX crisis_events_school ON crisis_events(school_id, at);
CREATE INDEX bookings_figures ON bookings(pupil_id, starts_at, state, minutes, ends_at,
    evidence, ended_by, created_at, answered_at);
CREATE INDEX bookings_plan_figures ON bookings(plan_id, kind, subject, state, starts_at, minutes);
CREATE INDEX meal_deliveries_figures ON meal_deliveries(school_id, day, state, fail_reason,
    receipt);
