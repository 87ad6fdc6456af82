package timesheets

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/projections"
)

// New rows go to the server as PostgreSQL's binary COPY format, encoded
// here rather than by pgx's CopyFrom: pgx asks the server for the column
// types on every COPY (a round trip per batch) and plans the encoding of
// every value anew, boxing each array element (a third of a rebuild's
// serial Go work, BENCHMARKS.md §5). Each column appends its field
// straight from the sheet (column.copy in store.go), and a test holds the
// result to pgx's own encoding of the columns' values.

// copySQL is the COPY of new rows, the columns in sheetColumns' order;
// copyFreezeSQL the same in a rebuild's transaction after the TRUNCATE of
// Reset, which writes the rows frozen and their pages all-visible (no
// hint bits for the first readers to set, no VACUUM needed to mark them).
var (
	copySQL       = "COPY ts_timesheets (" + strings.Join(sheetColumns, ", ") + ") FROM STDIN WITH (FORMAT binary)"
	copyFreezeSQL = strings.TrimSuffix(copySQL, ")") + ", FREEZE)"
)

// Element type OIDs of the array columns.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt4        = 23
	oidText        = 25
	oidTimestamptz = 1184
)

// copyRowsParallel is the fewest rows worth encoding on more goroutines.
const copyRowsParallel = 256

// tupleSize is about the size of a row as a binary COPY tuple, to size
// buffers.
const tupleSize = 1024

// copySheets writes new rows by binary COPY in tx: fresh, encoded here on
// up to GOMAXPROCS goroutines (each row is independent of the others), and
// rows encoded before (Prepare), as tuples. A row that exists already
// fails the COPY with the primary key's unique violation; for rows encoded
// before, that is projections.ErrPreparedStale.
func copySheets(ctx context.Context, tx pgx.Tx, fresh []*sheet, ahead [][]byte) error {
	parts := encodeTuples(fresh)
	r := make([]io.Reader, 0, 2+len(parts)+len(ahead))
	r = append(r, strings.NewReader(copyHeader))
	for _, p := range ahead {
		r = append(r, bytes.NewReader(p))
	}
	for _, p := range parts {
		r = append(r, bytes.NewReader(p))
	}
	r = append(r, strings.NewReader(copyTrailer))
	sql := copySQL
	if projections.ResetInThisTransaction(ctx) {
		sql = copyFreezeSQL
	}
	_, err := tx.Conn().PgConn().CopyFrom(ctx, io.MultiReader(r...), sql)
	if err != nil {
		var pe *pgconn.PgError
		if len(ahead) > 0 && errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "ts_timesheets_pkey" {
			err = fmt.Errorf("%w: %w", projections.ErrPreparedStale, err)
		}
		return fmt.Errorf("timesheets: unable to write new rows: %w", err)
	}
	return nil
}

// The binary COPY stream's header (signature, flags, no extension) and
// trailer.
const (
	copyHeader  = "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	copyTrailer = "\xff\xff"
)

// encodeTuples encodes the rows as binary COPY tuples, in parts of
// consecutive rows encoded on up to GOMAXPROCS goroutines.
func encodeTuples(rows []*sheet) [][]byte {
	if len(rows) == 0 {
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+copyRowsParallel-1)/copyRowsParallel)
	if workers <= 1 {
		return [][]byte{encodeRows(make([]byte, 0, tupleSize*len(rows)), rows)}
	}
	parts := make([][]byte, workers)
	per := (len(rows) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*per, len(rows)), min((w+1)*per, len(rows))
		wg.Go(func() { parts[w] = encodeRows(make([]byte, 0, tupleSize*(hi-lo)), rows[lo:hi]) })
	}
	wg.Wait()
	return parts
}

// encodeRows appends the rows as binary COPY tuples.
func encodeRows(buf []byte, rows []*sheet) []byte {
	for _, s := range rows {
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(sheetColumns)))
		buf = appendText(buf, s.stream)
		for _, g := range sheetGroups {
			for _, c := range g.cols {
				buf = c.copy(buf, s)
			}
		}
	}
	return buf
}

func appendNull(buf []byte) []byte { return binary.BigEndian.AppendUint32(buf, 0xffffffff) }

func appendText(buf []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(buf, uint32(len(s))), s...)
}

func appendBool(buf []byte, v bool) []byte {
	buf = binary.BigEndian.AppendUint32(buf, 1)
	if v {
		return append(buf, 1)
	}
	return append(buf, 0)
}

func appendInt4(buf []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(buf, 4), uint32(v))
}

func appendInt8(buf []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(buf, 8), uint64(v))
}

// Seconds from the Unix epoch to PostgreSQL's, 2000-01-01 UTC.
const pgEpochUnix = 946684800

// appendTimestamptz is microseconds since 2000-01-01 UTC, the sub-
// microsecond part truncated (as pgx does).
func appendTimestamptz(buf []byte, t time.Time) []byte {
	us := (t.Unix()-pgEpochUnix)*1_000_000 + int64(t.Nanosecond())/1000
	return appendInt8(buf, us)
}

// appendDate is days since 2000-01-01 of t's calendar date (as pgx does).
func appendDate(buf []byte, t time.Time) []byte {
	days := (time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() - pgEpochUnix) / 86400
	return appendInt4(buf, int32(days))
}

// appendArrayN is a one-dimensional array (lower bound 1) of n elements of
// type oid, which elems appends (each a field: length, -1 for NULL, and
// bytes).
func appendArrayN(buf []byte, oid uint32, n int, elems func([]byte) []byte) []byte {
	at := len(buf)
	buf = binary.BigEndian.AppendUint32(buf, 0) // length, set below
	if n == 0 {
		buf = binary.BigEndian.AppendUint32(buf, 0) // no dimensions
		buf = binary.BigEndian.AppendUint32(buf, 0) // no NULL
		buf = binary.BigEndian.AppendUint32(buf, oid)
	} else {
		buf = binary.BigEndian.AppendUint32(buf, 1)
		flag := len(buf)
		buf = binary.BigEndian.AppendUint32(buf, 0)
		buf = binary.BigEndian.AppendUint32(buf, oid)
		buf = binary.BigEndian.AppendUint32(buf, uint32(n))
		buf = binary.BigEndian.AppendUint32(buf, 1)
		start := len(buf)
		buf = elems(buf)
		for el, i := start, 0; i < n; i++ { // any NULL element sets the flag
			size := binary.BigEndian.Uint32(buf[el:])
			if size == 0xffffffff {
				binary.BigEndian.PutUint32(buf[flag:], 1)
				break
			}
			el += 4 + int(size)
		}
	}
	binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	return buf
}
