-- +goose Up

-- The liveness lock (internal/liveness, class notify/queue.LeaseLockClass)
-- of the process that leased a pending record for its append; NULL when no
-- send is under way, or the lease names no holder. Another process takes
-- the lease over at once when that lock is free (the holder died), instead
-- of waiting for next_attempt_at (send timeout plus 30 s).
ALTER TABLE sign_tan_records ADD COLUMN lease_holder int;

-- +goose Down
ALTER TABLE sign_tan_records DROP COLUMN lease_holder;
