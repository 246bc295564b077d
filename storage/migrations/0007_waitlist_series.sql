-- 0007: a place in line when nothing is free, and sessions booked as a weekly series.

-- A free slot offered to a pupil from the waiting list is held for them (their pupil id)
-- until the offer ends: only they can take it, and lists of free times leave it out.
ALTER TABLE slots ADD COLUMN held_for INTEGER;

-- A place in line for one measure of a plan: any suitable specialist of the pupil's
-- school (specialist_id NULL) or one named; weekdays and day_parts are bit masks of what
-- suits (bit 0 = Monday; bit 0 = morning, 1 = afternoon, 2 = evening), 0 = any.
-- queued_at is the place: first in line is the earliest. ends_on is the plan's last day.
-- 'offered': a slot is held for them now (one offer at a time per place).
CREATE TABLE waitlist (
    id            INTEGER PRIMARY KEY,
    pupil_id      INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    measure_id    INTEGER NOT NULL REFERENCES plan_measures(id) ON DELETE CASCADE,
    school_id     TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('subject_consultation', 'emotional_support')),
    subject       TEXT NOT NULL DEFAULT '',
    specialist_id INTEGER REFERENCES specialists(id) ON DELETE CASCADE,
    weekdays      INTEGER NOT NULL DEFAULT 0 CHECK (weekdays BETWEEN 0 AND 127),
    day_parts     INTEGER NOT NULL DEFAULT 0 CHECK (day_parts BETWEEN 0 AND 7),
    ends_on       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'booked', 'left',
                      'ended')),
    queued_at     TEXT NOT NULL,
    joined_by     INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    end_reason    TEXT
);
CREATE UNIQUE INDEX waitlist_one_place ON waitlist(pupil_id, measure_id)
    WHERE state IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist(school_id, state, queued_at);

-- One slot offered to one place in line. At most one open offer per slot; an entry is
-- never offered the same slot twice. expires_at is counted outside quiet hours; the
-- minute job ends offers past it (and those whose slot went meanwhile).
CREATE TABLE waitlist_offers (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES waitlist(id) ON DELETE CASCADE,
    slot_id    INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
    pupil_id   INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'booked', 'declined', 'expired',
                   'void')),
    offered_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    closed_at  TEXT,
    booking_id INTEGER REFERENCES bookings(id),
    UNIQUE (entry_id, slot_id)
);
CREATE UNIQUE INDEX waitlist_offer_open ON waitlist_offers(slot_id) WHERE state = 'open';
CREATE INDEX waitlist_offers_due ON waitlist_offers(expires_at) WHERE state = 'open';

-- Sessions booked together, every week or every other week at the same time with the
-- same specialist; each session is a normal booking with series_id set.
CREATE TABLE series (
    id            INTEGER PRIMARY KEY,
    pupil_id      INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    specialist_id INTEGER NOT NULL REFERENCES specialists(id),
    plan_id       INTEGER NOT NULL REFERENCES plans(id),
    kind          TEXT NOT NULL CHECK (kind IN ('subject_consultation', 'emotional_support')),
    subject       TEXT NOT NULL DEFAULT '',
    every_weeks   INTEGER NOT NULL CHECK (every_weeks IN (1, 2)),
    booked_by     INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX series_pupil ON series(pupil_id);
ALTER TABLE bookings ADD COLUMN series_id INTEGER REFERENCES series(id);
CREATE INDEX bookings_series ON bookings(series_id, starts_at) WHERE series_id IS NOT NULL;
