-- 0006: link codes under the server's key, a throttle that erasing an account cannot reset.

-- How a code's hash was made: 'sha256' (before this version: SHA-256 of the code) or
-- 'hmac' (HMAC-SHA-256 under the server's secret key of that SHA-256). The bot wraps the
-- old ones in the HMAC at its first start with a key (LinkingService.upgrade_stored_codes).
ALTER TABLE link_codes ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sha256'
    CHECK (scheme IN ('sha256', 'hmac'));

-- Every wrong code, for a few minutes: the throttles count these rows. ``who`` is an HMAC
-- of the Telegram id under the server's key (never the id itself), so erasing an account
-- neither resets the count nor leaves the id behind; school_id is the school the try
-- could be told apart for (the account's, or that of an expired or used code), if any.
-- Rows older than the longest throttle window are deleted as new ones come.
CREATE TABLE link_failures (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    who       TEXT NOT NULL,
    school_id TEXT
);
CREATE INDEX link_failures_who ON link_failures(who, at);
CREATE INDEX link_failures_at ON link_failures(at);
CREATE INDEX link_failures_school ON link_failures(school_id, at);

-- The lockout lived on the account row, so erasing the account reset it.
ALTER TABLE accounts DROP COLUMN failed_link_attempts;
ALTER TABLE accounts DROP COLUMN link_locked_until;
