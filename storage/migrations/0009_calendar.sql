-- 0009: the specialist's own calendar: calendar files kept right, days off undone.

-- The version of a booking's calendar event (RFC 5545 SEQUENCE): raised by every move,
-- proposal, confirmation, cancellation or new call details, so that an updated .ics
-- file replaces the one imported before (same UID, higher SEQUENCE).
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- Who was given a calendar file with a booking in it (the session's .ics, or the
-- specialist's feed of the weeks ahead): they, and only they, get the updated event.
-- Erasing the account forgets its rows.
CREATE TABLE calendar_copies (
    booking_id  INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    telegram_id INTEGER NOT NULL REFERENCES accounts(telegram_id) ON DELETE CASCADE,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (booking_id, telegram_id)
) WITHOUT ROWID;
CREATE INDEX calendar_copies_account ON calendar_copies(telegram_id);

-- A free slot withdrawn because its day became a day off (1): undoing the day off gives
-- these back, and only these (a time withdrawn on its own, or after a cancelled session,
-- stays withdrawn).
ALTER TABLE slots ADD COLUMN day_off INTEGER NOT NULL DEFAULT 0 CHECK (day_off IN (0, 1));
