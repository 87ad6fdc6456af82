-- +goose Up
-- 'withdrawn': a link mail not sent yet whose link a newer one revoked
-- (notify/linkmail): sending it would only deliver a dead link. Kept, bodies
-- emptied, so the per-address cap still counts it.
ALTER TABLE mail_deliveries DROP CONSTRAINT mail_deliveries_status_check;
ALTER TABLE mail_deliveries ADD CONSTRAINT mail_deliveries_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'withdrawn'));

-- +goose Down
UPDATE mail_deliveries SET status = 'failed', last_error = 'withdrawn' WHERE status = 'withdrawn';
ALTER TABLE mail_deliveries DROP CONSTRAINT mail_deliveries_status_check;
ALTER TABLE mail_deliveries ADD CONSTRAINT mail_deliveries_status_check
    CHECK (status IN ('pending', 'sent', 'failed'));
