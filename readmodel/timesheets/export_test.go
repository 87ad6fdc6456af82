package timesheets

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
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

// CopyBothWays folds events into rows in memory, takes copies of each
// under its own stream and placement, and writes them to ts_timesheets by
// the projector's binary COPY and to table (LIKE ts_timesheets) by pgx's
// CopyFrom of the same values; it returns the number of rows.
func CopyBothWays(ctx context.Context, pool *pgxpool.Pool, events []eventstore.RecordedEvent, copies int, table string) (int, error) {
	folded := map[string]*sheet{}
	var order []*sheet
	for _, rec := range events {
		s := folded[rec.Stream]
		if s == nil {
			s = &sheet{stream: rec.Stream, revision: -1, oldRevision: -1}
			folded[rec.Stream] = s
			order = append(order, s)
		}
		ev, err := ts.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return 0, err
		}
		if err := s.apply(ev, rec); err != nil {
			return 0, err
		}
		s.revision = int64(rec.Revision)
	}
	var rows []*sheet
	for k := range copies {
		for _, s := range order {
			c := *s
			c.stream, c.PlacementID = fmt.Sprintf("%s-%d", s.stream, k), fmt.Sprintf("%s-%d", s.PlacementID, k)
			rows = append(rows, &c)
		}
	}
	values := make([][]any, len(rows))
	for i, s := range rows {
		values[i] = sheetValues(s)
	}
	return len(rows), pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := copySheets(ctx, tx, rows, nil); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, sheetColumns, pgx.CopyFromRows(values))
		return err
	})
}

// sheetValues is a new row as values for pgx, in the order of sheetColumns:
// what the projector's binary COPY is held to.
func sheetValues(s *sheet) []any {
	out := make([]any, 0, len(sheetColumns))
	out = append(out, s.stream)
	for _, g := range sheetGroups {
		for _, c := range g.cols {
			out = append(out, c.value(s))
		}
	}
	return out
}
