-- +goose Up
-- Login throttling per (account, source) with an enforced delay: keys are
-- now 'acct:<email>', 'src:<address>' and 'pair:<address> <email>'.
-- last_failed_at is the latest failure; a counter is forgotten one window
-- after it. The old fixed-window counters are dropped (they only throttle).
DELETE FROM login_failures;
ALTER TABLE login_failures ADD COLUMN last_failed_at timestamptz NOT NULL;
DROP INDEX login_failures_window;
CREATE INDEX login_failures_last ON login_failures (last_failed_at);

-- +goose Down
DROP INDEX login_failures_last;
ALTER TABLE login_failures DROP COLUMN last_failed_at;
CREATE INDEX login_failures_window ON login_failures (window_start);
