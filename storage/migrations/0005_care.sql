-- 0005: care that always lands. An alert is a row that climbs from the school's on-duty
-- specialists to its coordinators to the region's until someone takes it ("I'm on it");
-- a text conversation is relayed by the bot, and none of its messages is stored.

-- One alert about one message (words of crisis, or a request to be contacted) and the
-- pupils it is about. level: 0 the on-duty specialists, 1 the school's coordinators,
-- 2 the region's. escalate_at: when it goes one level up if nobody has taken it.
CREATE TABLE care_alerts (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('crisis', 'contact')),
    telegram_id INTEGER NOT NULL,
    writer_role TEXT NOT NULL CHECK (writer_role IN ('pupil', 'guardian')),
    school_id   TEXT NOT NULL REFERENCES schools(id),
    pupil_ids   TEXT NOT NULL DEFAULT '[]',
    about       TEXT NOT NULL DEFAULT 'self' CHECK (about IN ('self', 'other')),
    category    TEXT NOT NULL DEFAULT '',
    level       INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 2),
    created_at  TEXT NOT NULL,
    escalate_at TEXT,
    taken_by    INTEGER,
    taken_name  TEXT NOT NULL DEFAULT '',
    taken_at    TEXT
);
CREATE INDEX care_alerts_to_escalate ON care_alerts(escalate_at) WHERE taken_at IS NULL;
CREATE INDEX care_alerts_writer ON care_alerts(telegram_id, created_at);

-- A conversation the bot relays between a pupil (or parent) and a member of staff, for a
-- session held "in this chat" or after "I'm on it". Only who and when: never the texts.
CREATE TABLE relay_sessions (
    id          INTEGER PRIMARY KEY,
    person_chat INTEGER NOT NULL,
    person_role TEXT NOT NULL CHECK (person_role IN ('pupil', 'guardian')),
    person_name TEXT NOT NULL,
    staff_chat  INTEGER NOT NULL,
    staff_name  TEXT NOT NULL,
    booking_id  INTEGER REFERENCES bookings(id),
    alert_id    INTEGER REFERENCES care_alerts(id),
    opened_at   TEXT NOT NULL,
    closes_at   TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    INTEGER
);
CREATE INDEX relay_sessions_person ON relay_sessions(person_chat) WHERE ended_at IS NULL;
CREATE INDEX relay_sessions_staff ON relay_sessions(staff_chat) WHERE ended_at IS NULL;

-- A message that must not wait for the morning (an alert, a conversation that opened):
-- quiet hours do not hold it, whoever gets it.
ALTER TABLE reminders ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1));

-- How a consultation is held: a video call (the link) or a text conversation in this chat.
ALTER TABLE bookings ADD COLUMN channel TEXT NOT NULL DEFAULT 'call'
    CHECK (channel IN ('call', 'chat'));
