-- +goose Up

-- Document versions (manual ch. 4, "een nieuwe versie aanbieden"): one row
-- per version of a document, projected by "documents" with its table. The
-- documents row shows the latest version; its signature request names the
-- version and file it was made on.
CREATE TABLE document_versions (
    document_id   text        NOT NULL,
    version       int         NOT NULL,
    file_name     text        NOT NULL,
    content_type  text        NOT NULL,
    size          bigint      NOT NULL,
    sha256        text        NOT NULL,
    added_at      timestamptz NOT NULL,
    added_by_role text        NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, version)
);
CREATE INDEX document_versions_file ON document_versions (document_id, sha256);

ALTER TABLE documents
    ADD COLUMN version        int  NOT NULL DEFAULT 1,
    ADD COLUMN request_version int,
    ADD COLUMN request_sha256 text NOT NULL DEFAULT '';

-- Every document so far has one version: its upload.
INSERT INTO document_versions (document_id, version, file_name, content_type, size, sha256, added_at, added_by_role)
    SELECT document_id, 1, file_name, content_type, size, sha256, uploaded_at, uploaded_by_role FROM documents;
UPDATE documents SET request_version = 1, request_sha256 = sha256 WHERE request_id <> '';

-- +goose Down
ALTER TABLE documents DROP COLUMN version, DROP COLUMN request_version, DROP COLUMN request_sha256;
DROP TABLE document_versions;
