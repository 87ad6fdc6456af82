-- +goose Up

-- As mail_deliveries_unsent (notify/mail migration 0103): the failed list
-- and the backlog metrics read the unsent texts only, not every text ever
-- sent.
CREATE INDEX sms_deliveries_unsent ON sms_deliveries (status, created_at) WHERE status <> 'sent';

-- +goose Down
DROP INDEX sms_deliveries_unsent;
