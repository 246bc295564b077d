-- 0003: meals delivered home, caterers, and vocational internship support.

-- A caterer company. Its staff link with role 'caterer' and person_id = caterers.id.
-- delivery_days: ISO weekday digits, '12345' = Monday to Friday.
-- cutoff_time: Riga time on the day BEFORE a delivery day when its orders are fixed and
-- the list is sent to the caterer; delivery_time: when meals are at the door.
CREATE TABLE caterers (
    id            INTEGER PRIMARY KEY,
    external_id   TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    delivery_days TEXT NOT NULL DEFAULT '12345',
    cutoff_time   TEXT NOT NULL DEFAULT '14:00',
    delivery_time TEXT NOT NULL DEFAULT '12:00'
);

-- One home-delivery caterer per school, so every order has exactly one kitchen.
CREATE TABLE caterer_schools (
    caterer_id INTEGER NOT NULL REFERENCES caterers(id) ON DELETE CASCADE,
    school_id  TEXT NOT NULL UNIQUE REFERENCES schools(id),
    PRIMARY KEY (caterer_id, school_id)
) WITHOUT ROWID;

-- Lets link codes be issued per school for caterers like for any other person.
CREATE VIEW caterer_people AS
    SELECT c.id AS id, s.school_id AS school_id, c.external_id AS external_id,
           c.display_name AS display_name
    FROM caterers c JOIN caterer_schools s ON s.caterer_id = c.id;

-- What a parent (or the pupil) confirmed: one per pupil, kept when paused or stopped.
-- days: ISO weekday digits the family wants meals on.
CREATE TABLE meal_subscriptions (
    id           INTEGER PRIMARY KEY,
    pupil_id     INTEGER NOT NULL UNIQUE REFERENCES pupils(id) ON DELETE CASCADE,
    address      TEXT NOT NULL CHECK (length(address) BETWEEN 5 AND 300),
    phone        TEXT NOT NULL CHECK (length(phone) = 12 AND phone LIKE '+371%'),
    days         TEXT NOT NULL CHECK (length(days) BETWEEN 1 AND 7),
    dietary_note TEXT NOT NULL DEFAULT '' CHECK (length(dietary_note) <= 200),
    consent_at   TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'paused', 'stopped')),
    created_by   INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
);

-- One delivery of one day, fixed at the caterer's cut-off. The caterer marks state;
-- the family marks receipt: both ends confirm.
CREATE TABLE meal_deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES meal_subscriptions(id) ON DELETE CASCADE,
    caterer_id      INTEGER NOT NULL REFERENCES caterers(id),
    school_id       TEXT NOT NULL,
    day             TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'planned'
                        CHECK (state IN ('planned', 'delivered', 'failed')),
    fail_reason     TEXT NOT NULL DEFAULT '',
    marked_at       TEXT,
    marked_by       INTEGER,
    receipt         TEXT CHECK (receipt IN ('received', 'not_received')),
    receipt_at      TEXT,
    UNIQUE (subscription_id, day)
);
CREATE INDEX meal_deliveries_caterer_day ON meal_deliveries(caterer_id, day);
CREATE INDEX meal_deliveries_school_day ON meal_deliveries(school_id, day);

-- Days a vocational student confirmed being on the internship (for internship meals).
CREATE TABLE internship_days (
    pupil_id     INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (pupil_id, day)
) WITHOUT ROWID;

-- Transport compensation claims: amounts in euro cents; the ticket is a Telegram file id.
CREATE TABLE transport_claims (
    id            INTEGER PRIMARY KEY,
    pupil_id      INTEGER NOT NULL REFERENCES pupils(id) ON DELETE CASCADE,
    school_id     TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    ticket_file_id TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'submitted'
                      CHECK (state IN ('submitted', 'approved', 'returned')),
    reason        TEXT NOT NULL DEFAULT '',
    submitted_by  INTEGER NOT NULL,
    submitted_at  TEXT NOT NULL,
    decided_by    INTEGER,
    decided_at    TEXT,
    CHECK (first_day <= last_day)
);
CREATE INDEX transport_claims_school ON transport_claims(school_id, state);
