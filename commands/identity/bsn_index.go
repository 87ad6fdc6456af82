package identity

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/worker"
)

// ErrBSNInUse: the BSN is registered for another worker.
var ErrBSNInUse = domain.Rule("bsn_in_use", "bsn",
	"This BSN is already registered for another worker.",
	"Dit BSN is al ingeschreven bij een andere werknemer.")

// bsnIndexKey derives the key of the BSN index from the master key, so the
// index cannot be brute-forced (a BSN has only 9 digits) without it.
func bsnIndexKey(master []byte) ([]byte, error) {
	k, err := hkdf.Key(sha256.New, master, nil, "backoffice personal_data_bsn v1", 32)
	if err != nil {
		return nil, fmt.Errorf("identity: derive the BSN index key: %w", err)
	}
	return k, nil
}

func (v *Vault) bsnMAC(bsn string) []byte {
	m := hmac.New(sha256.New, v.bsnKey)
	m.Write([]byte(bsn))
	return m.Sum(nil)
}

// ClaimBSN records bsn (normalised) as subject's: ErrBSNInUse when another
// subject has it. Claiming a subject's own BSN again is fine. The BSN is
// stored only as a keyed hash.
func (v *Vault) ClaimBSN(ctx context.Context, subject, bsn string) error {
	mac := v.bsnMAC(bsn)
	if _, err := v.pool.Exec(ctx, `INSERT INTO personal_data_bsn (bsn_hmac, subject_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, mac, subject); err != nil {
		return fmt.Errorf("identity: unable to claim the BSN: %w", err)
	}
	var owner string
	err := v.pool.QueryRow(ctx, `SELECT subject_id FROM personal_data_bsn WHERE bsn_hmac = $1`, mac).Scan(&owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		// The subject holds another BSN (a correction is not built).
		return fmt.Errorf("identity: %s already has another BSN in the index", subject)
	case err != nil:
		return fmt.Errorf("identity: unable to read the BSN claim: %w", err)
	case owner != subject:
		return ErrBSNInUse
	}
	return nil
}

// ReleaseBSN drops subject's claim (a registration that failed after it).
func (v *Vault) ReleaseBSN(ctx context.Context, subject string) error {
	if _, err := v.pool.Exec(ctx, `DELETE FROM personal_data_bsn WHERE subject_id = $1`, subject); err != nil {
		return fmt.Errorf("identity: unable to release the BSN claim: %w", err)
	}
	return nil
}

// BackfillBSNIndex indexes the BSN of every worker whose personal data is
// stored but not yet indexed (registered before the index existed). It
// runs at start-up and is cheap when nothing is missing. Erased or
// undecryptable data is skipped; a BSN already claimed by another worker
// is logged (worker subjects only, never the BSN) and left for the back
// office to resolve: both workers keep their data.
func (v *Vault) BackfillBSNIndex(ctx context.Context, log *slog.Logger) (indexed, duplicates int, err error) {
	rows, err := v.pool.Query(ctx, `SELECT p.subject_id FROM personal_data p
		WHERE p.subject_id LIKE 'worker-%' AND NOT EXISTS (SELECT 1 FROM personal_data_bsn b WHERE b.subject_id = p.subject_id)
		ORDER BY p.updated_at, p.subject_id`)
	if err != nil {
		return 0, 0, fmt.Errorf("identity: unable to list personal data to index: %w", err)
	}
	subjects, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, 0, fmt.Errorf("identity: unable to list personal data to index: %w", err)
	}
	for _, s := range subjects {
		var pd worker.PersonalData
		if err := v.Get(ctx, s, &pd); err != nil || strings.TrimSpace(pd.BSN) == "" {
			continue
		}
		switch err := v.ClaimBSN(ctx, s, pd.BSN); {
		case errors.Is(err, ErrBSNInUse):
			duplicates++
			if log != nil {
				log.WarnContext(ctx, "identity: two workers share a BSN; the later one is not indexed", "subject", s)
			}
		case err != nil:
			return indexed, duplicates, err
		default:
			indexed++
		}
	}
	return indexed, duplicates, nil
}
