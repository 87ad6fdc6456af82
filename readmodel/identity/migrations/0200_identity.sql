-- +goose Up
-- Split from the single set's 0200_identity.sql (same version, own version
-- table): the identity projectors' tables.
-- Read models of the identity projectors (readmodel/identity). Every row
-- carries the tenant IDs its visibility depends on.
CREATE TABLE intermediaries (
    intermediary_id text        PRIMARY KEY,
    name            text        NOT NULL,
    kvk             text        NOT NULL DEFAULT '',
    contact_name    text        NOT NULL,
    contact_email   text        NOT NULL,
    registered_at   timestamptz NOT NULL
);

CREATE TABLE clients (
    client_id       text        PRIMARY KEY,
    intermediary_id text        NOT NULL,
    name            text        NOT NULL,
    kvk             text        NOT NULL,
    address         jsonb       NOT NULL,
    contact_name    text        NOT NULL,
    contact_email   text        NOT NULL,
    registered_at   timestamptz NOT NULL
);
CREATE INDEX clients_intermediary ON clients (intermediary_id);

-- One row per date from which an agreement applies (a later change on the
-- same date replaces the row).
CREATE TABLE client_agreements (
    client_id      text  NOT NULL,
    effective_from date  NOT NULL,
    agreement      jsonb NOT NULL,
    PRIMARY KEY (client_id, effective_from)
);

CREATE TABLE workers (
    worker_id     text        PRIMARY KEY,
    client_id     text        NOT NULL, -- the client that registered the worker
    first_name    text        NOT NULL,
    infix         text        NOT NULL DEFAULT '',
    last_name     text        NOT NULL,
    full_name     text        NOT NULL,
    email         text        NOT NULL,
    function      text        NOT NULL,
    registered_at timestamptz NOT NULL
);

CREATE TABLE placements (
    placement_id    text        PRIMARY KEY,
    worker_id       text        NOT NULL,
    client_id       text        NOT NULL,
    intermediary_id text        NOT NULL,
    function        text        NOT NULL,
    start_date      date        NOT NULL,
    end_date        date,
    ended           boolean     NOT NULL DEFAULT false,
    end_reason      text        NOT NULL DEFAULT '',
    started_at      timestamptz NOT NULL
);
CREATE INDEX placements_worker ON placements (worker_id);
CREATE INDEX placements_client ON placements (client_id);
CREATE INDEX placements_intermediary ON placements (intermediary_id);

CREATE TABLE accounts (
    account_id      text        PRIMARY KEY,
    email           text        NOT NULL,
    role            text        NOT NULL,
    intermediary_id text        NOT NULL DEFAULT '',
    client_id       text        NOT NULL DEFAULT '',
    worker_id       text        NOT NULL DEFAULT '',
    language        text        NOT NULL DEFAULT 'nl',
    activated       boolean     NOT NULL DEFAULT false,
    disabled        boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL
);

-- +goose Down
DROP TABLE accounts;
DROP TABLE placements;
DROP TABLE workers;
DROP TABLE client_agreements;
DROP TABLE clients;
DROP TABLE intermediaries;
