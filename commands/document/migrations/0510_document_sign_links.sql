-- +goose Up

-- The signing link of each signature request (manual §5.1: "de email met de
-- unieke link"): a random token in the mail's URL, stored only as its
-- SHA-256. It opens the signing screen of that request, for that signer,
-- after login, and nothing else. Issued once with the TAN by
-- "documents.sign_mail" (keyed by the event ID, never emptied by a rebuild).
CREATE TABLE document_sign_links (
    token_hash        bytea       PRIMARY KEY,
    request_id        text        NOT NULL UNIQUE,
    document_id       text        NOT NULL,
    signer_account_id text        NOT NULL,
    event_id          uuid        NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL
);

-- +goose Down
DROP TABLE document_sign_links;
