-- +goose Up
-- Link requests ("wachtwoord vergeten", "nieuwe activatielink") accepted
-- but not yet handled: stored before the 202, deleted in the transaction
-- that issues the link and queues its mail (or at once for an address
-- without an account). A row left by a killed process is finished by the
-- next one (linkmail.Requests.Run). Rows live seconds; the address is not
-- kept after.
CREATE TABLE link_requests (
    id           uuid        PRIMARY KEY,
    email        text        NOT NULL,
    requested_at timestamptz NOT NULL
);
CREATE INDEX link_requests_requested_at ON link_requests (requested_at);

-- +goose Down
DROP TABLE link_requests;
