-- +goose Up
-- Split from the single set's 0500_documents.sql (same version, own version
-- table): the documents read model.

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
