-- Sign-in without an account lockout, and API tokens that expire.
--
-- The per-account lockout (failed_logins, locked_until) let anyone who knew
-- a username lock its owner out for 15 minutes, and its counter was read
-- and written without a lock, so parallel guesses all ran. Sign-in is now
-- slowed per (username, network) in the server's memory; the only thing
-- stored is when an admin last cleared that throttle (persepsi user unlock,
-- reset-password), which the server reads before refusing an attempt.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users ADD COLUMN sign_in_reset_at TIMESTAMP;

-- A token now dies at expires_at. Tokens issued before this migration get
-- the default lifetime (90 days) from now, so no script breaks today, and
-- none lives forever. Tokens of users already deactivated are revoked:
-- reactivating a user no longer brings them back.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%S', 'now', '+90 days');
UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%d %H:%M:%S', 'now')
 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE NOT active);
