package timesheets

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5/pgxpool"
)

// LegacyDocs are the stored rows as the detail documents the projector
// wrote before migration 0312 (ts_timesheets.doc), by stream: what the
// migration's test converts back.
func LegacyDocs(ctx context.Context, pool *pgxpool.Pool) (map[string]string, error) {
	sheets, err := loadStored(ctx, pool, "true")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range sheets {
		b, err := json.Marshal(s)
		if err != nil {
			return nil, err
		}
		out[s.stream] = string(b)
	}
	return out, nil
}
