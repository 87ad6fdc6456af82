-- +goose Up

-- document_files is keyed by document and checksum: two concurrent uploads
-- under one document ID (one Idempotency-Key) with different content each
-- write their own row, so the loser can never replace the bytes the
-- winning document.uploaded names. The file is read by both columns.
ALTER TABLE document_files DROP CONSTRAINT document_files_pkey;
ALTER TABLE document_files ADD PRIMARY KEY (document_id, sha256);

-- +goose Down
-- One row per document again: the one its event names, where known.
DELETE FROM document_files f USING documents d
    WHERE d.document_id = f.document_id AND d.sha256 <> f.sha256;
DELETE FROM document_files f USING document_files g
    WHERE f.document_id = g.document_id AND f.ctid < g.ctid;
ALTER TABLE document_files DROP CONSTRAINT document_files_pkey;
ALTER TABLE document_files ADD PRIMARY KEY (document_id);
