-- +goose Up

-- The liveness lock (internal/liveness, class notify/queue.LeaseLockClass)
-- of the process that leased a pending text message for its send; NULL when no
-- send is under way, or the lease names no holder. Another process takes
-- the lease over at once when that lock is free (the holder died), instead
-- of waiting for next_attempt_at (send timeout plus 30 s).
ALTER TABLE sms_deliveries ADD COLUMN lease_holder int;

-- +goose Down
ALTER TABLE sms_deliveries DROP COLUMN lease_holder;
