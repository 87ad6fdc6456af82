-- +goose Up

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

-- The declines "documents.sign_mail" has mailed to the back office, by event
-- ID: a rebuild must not mail a back-office account created since.
CREATE TABLE document_decline_mails (
    event_id  uuid        PRIMARY KEY,
    mailed_at timestamptz NOT NULL
);

-- Read model of the projector "documents": one row per document stream with
-- its latest signature request. Every row carries the tenant IDs its
-- visibility depends on.
CREATE TABLE documents (
    document_id       text        PRIMARY KEY,
    client_id         text        NOT NULL,
    intermediary_id   text        NOT NULL,
    worker_id         text        NOT NULL DEFAULT '',
    kind              text        NOT NULL,
    category          text        NOT NULL,
    title             text        NOT NULL,
    file_name         text        NOT NULL,
    content_type      text        NOT NULL,
    size              bigint      NOT NULL,
    sha256            text        NOT NULL,
    uploaded_at       timestamptz NOT NULL,
    uploaded_by_role  text        NOT NULL DEFAULT '',
    invoice_number    text,
    invoice_date      date,
    amount_cents      bigint,
    -- the latest signature request ('' status: none)
    request_id        text        NOT NULL DEFAULT '',
    signer_account_id text        NOT NULL DEFAULT '',
    requested_at      timestamptz,
    expires_at        timestamptz,
    signature_status  text        NOT NULL DEFAULT '',
    decided_at        timestamptz,
    remark            text        NOT NULL DEFAULT '',
    revision          bigint      NOT NULL -- last applied revision of document-<id>
);
CREATE INDEX documents_client ON documents (client_id, uploaded_at);
CREATE INDEX documents_intermediary ON documents (intermediary_id, uploaded_at);
CREATE INDEX documents_worker ON documents (worker_id, uploaded_at) WHERE worker_id <> '';
CREATE INDEX documents_all ON documents (uploaded_at);

-- +goose Down
DROP TABLE documents;
DROP TABLE document_decline_mails;
DROP TABLE document_tans;
DROP TABLE document_files;
