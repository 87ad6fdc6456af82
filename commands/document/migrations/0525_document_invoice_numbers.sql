-- +goose Up

-- An invoice number is used once per client (Dutch bookkeeping: unique per
-- issuer). The upload of an invoice claims its number here (primary key,
-- committed at once) before it appends document.uploaded, so two uploads
-- with one number cannot both succeed. number_key is the number lower-cased
-- (commands/document invoiceNumberKey). Invoices uploaded before this table
-- are found in the documents read model (the claim checks both); their
-- duplicates, if any, stay as they are (events are forever).
CREATE TABLE document_invoice_numbers (
    client_id   text        NOT NULL,
    number_key  text        NOT NULL,
    document_id text        NOT NULL,
    claimed_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, number_key)
);

-- +goose Down
DROP TABLE document_invoice_numbers;
