-- +goose Up

-- Where the latest request's TAN went (document.tan_issued): 'sms' or
-- 'email' and the masked address ("+31 6 ••• ••78"), so the signing screen
-- can say where to look. Filled by the projector "documents" (a rebuild
-- fills it for requests issued before this migration).
ALTER TABLE documents
    ADD COLUMN tan_channel text NOT NULL DEFAULT '',
    ADD COLUMN tan_address text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE documents DROP COLUMN tan_address, DROP COLUMN tan_channel;
