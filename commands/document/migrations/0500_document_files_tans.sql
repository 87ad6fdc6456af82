-- +goose Up
-- Split from the single set's 0500_documents.sql (same version, own version
-- table): the document commands' files and TANs.

-- The files of documents (manual ch. 4): never in events. Written by the
-- upload command before document.uploaded is appended; sha256 (hex) is the
-- one the event records. At most 2 MB each (checked before storing).
CREATE TABLE document_files (
    document_id  text        PRIMARY KEY,
    content_type text        NOT NULL,
    size         bigint      NOT NULL CHECK (size > 0 AND size <= 2097152),
    sha256       text        NOT NULL,
    content      bytea       NOT NULL,
    created_at   timestamptz NOT NULL
);

-- The TAN of each signature request (manual ch. 5): only an HMAC-SHA256 of
-- it, keyed with a key derived from the master key. Issued once by the
-- side-effect projector "documents.sign_mail" (keyed by the event ID, so a
-- rebuild never issues a second TAN); never emptied by a rebuild. attempts
-- counts wrong TANs: at 5 the request is blocked.
CREATE TABLE document_tans (
    request_id        text        PRIMARY KEY,
    document_id       text        NOT NULL,
    signer_account_id text        NOT NULL,
    event_id          uuid        NOT NULL UNIQUE,
    tan_hash          bytea       NOT NULL,
    attempts          int         NOT NULL DEFAULT 0,
    expires_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    used_at           timestamptz
);
CREATE INDEX document_tans_document ON document_tans (document_id);

-- +goose Down
DROP TABLE document_tans;
DROP TABLE document_files;
