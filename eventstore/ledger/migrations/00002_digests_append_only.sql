-- +goose Up

-- The digests are what an auditor compares against: the application role
-- may add them (INSERT) and move the stream heads on (INSERT ... ON
-- CONFLICT DO UPDATE), never change or remove a recorded digest nor drop
-- heads (docs/audit.md §2). The role set-up of docs/audit.md before this
-- migration granted every privilege on every table and revoked only the
-- event table's: take UPDATE, DELETE and TRUNCATE on ledger_digests, and
-- DELETE and TRUNCATE on ledger_heads, back from every role but the
-- owner, whatever the application role is called.
--
-- Only the owner (or a superuser) can revoke what the owner granted; run
-- as another role the revocations would be silently skipped and the
-- migration recorded as done, so refuse instead ("run backoffice migrate
-- as the owner").
-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'ledger_digests'::regclass), 'USAGE') THEN
        RAISE EXCEPTION 'ledger migration 2 must run as the owner of ledger_digests, not as %', current_user
            USING HINT = 'run backoffice migrate as the owner (docs/audit.md §2), then start serve';
    END IF;
    REVOKE UPDATE, DELETE, TRUNCATE ON ledger_digests FROM PUBLIC;
    REVOKE DELETE, TRUNCATE ON ledger_heads FROM PUBLIC;
    FOR r IN
        SELECT DISTINCT c.relname, a.grantee::regrole::text AS grantee
        FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
        WHERE c.oid IN ('ledger_digests'::regclass, 'ledger_heads'::regclass)
          AND a.grantee <> 0 AND a.grantee <> c.relowner
    LOOP
        IF r.relname = 'ledger_digests' THEN
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ledger_digests FROM %s', r.grantee);
        ELSE
            EXECUTE format('REVOKE DELETE, TRUNCATE ON ledger_heads FROM %s', r.grantee);
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Privileges are the operator's: nothing to give back.
SELECT 1;
