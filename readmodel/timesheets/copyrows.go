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
	"github.com/jackc/pgx/v5/pgtype"

	"backoffice/projections"
)

// New rows go to the server as PostgreSQL's binary COPY format, encoded
// here rather than by pgx's CopyFrom: pgx asks the server for the column
// types on every COPY (a round trip per batch) and plans the encoding of
// every value anew, boxing each array element (a third of a rebuild's
// serial Go work, BENCHMARKS.md §5). The columns' Go values are few and
// fixed (sheetValues); copyValue encodes exactly those, and a test holds
// the result to pgx's own encoding of the same rows.

// copySQL is the COPY of new rows, the columns in sheetColumns' order.
var copySQL = "COPY ts_timesheets (" + strings.Join(sheetColumns, ", ") + ") FROM STDIN WITH (FORMAT binary)"

// copyKinds says, per column of sheetColumns, how a string or time.Time
// value is stored where the Go type alone does not tell.
var copyKinds = func() []copyKind {
	out := make([]copyKind, len(sheetColumns))
	for i, c := range sheetColumns {
		switch c {
		case "week_start":
			out[i] = kindDate
		case "hour_totals":
			out[i] = kindJSONB
		}
	}
	return out
}()

type copyKind uint8

const (
	kindPlain copyKind = iota // text, timestamptz: by the Go type
	kindDate                  // a time.Time stored as date
	kindJSONB                 // a string stored as jsonb
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
	parts, err := encodeTuples(fresh)
	if err != nil {
		return err
	}
	r := make([]io.Reader, 0, 2+len(parts)+len(ahead))
	r = append(r, strings.NewReader(copyHeader))
	for _, p := range append(ahead, parts...) {
		r = append(r, bytes.NewReader(p))
	}
	r = append(r, strings.NewReader(copyTrailer))
	_, err = tx.Conn().PgConn().CopyFrom(ctx, io.MultiReader(r...), copySQL)
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
func encodeTuples(rows []*sheet) ([][]byte, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	workers := min(runtime.GOMAXPROCS(0), (len(rows)+copyRowsParallel-1)/copyRowsParallel)
	if workers <= 1 {
		buf, err := encodeRows(make([]byte, 0, tupleSize*len(rows)), rows)
		return [][]byte{buf}, err
	}
	parts := make([][]byte, workers)
	errs := make([]error, workers)
	per := (len(rows) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*per, len(rows)), min((w+1)*per, len(rows))
		wg.Go(func() { parts[w], errs[w] = encodeRows(make([]byte, 0, tupleSize*(hi-lo)), rows[lo:hi]) })
	}
	wg.Wait()
	return parts, errors.Join(errs...)
}

// encodeRows appends the rows as binary COPY tuples.
func encodeRows(buf []byte, rows []*sheet) ([]byte, error) {
	var err error
	for _, s := range rows {
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(sheetColumns)))
		buf = appendText(buf, s.stream)
		i := 1
		for _, g := range sheetGroups {
			for _, c := range g.cols {
				if c.copy != nil {
					buf = c.copy(buf, s)
				} else if buf, err = copyValue(buf, copyKinds[i], c.value(s)); err != nil {
					return nil, fmt.Errorf("timesheets: %s: column %s: %w", s.stream, c.name, err)
				}
				i++
			}
		}
	}
	return buf, nil
}

// copyValue appends one field: its length (-1: NULL) and its binary form.
func copyValue(buf []byte, k copyKind, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return appendNull(buf), nil
	case string:
		if k == kindJSONB {
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)+1))
			return append(append(buf, 1), v...), nil
		}
		return appendText(buf, v), nil
	case *string:
		if v == nil {
			return appendNull(buf), nil
		}
		return appendText(buf, *v), nil
	case bool:
		return appendBool(buf, v), nil
	case int32:
		return appendInt4(buf, v), nil
	case int64:
		return appendInt8(buf, v), nil
	case time.Time:
		if k == kindDate {
			return appendDate(buf, v), nil
		}
		return appendTimestamptz(buf, v), nil
	case []string:
		return appendArray(buf, oidText, v, func(b []byte, x string) []byte { return appendText(b, x) }), nil
	case []int32:
		return appendArray(buf, oidInt4, v, appendInt4), nil
	case []int64:
		return appendArray(buf, oidInt8, v, appendInt8), nil
	case []bool:
		return appendArray(buf, oidBool, v, appendBool), nil
	case []time.Time:
		return appendArray(buf, oidTimestamptz, v, appendTimestamptz), nil
	case []pgtype.Timestamptz:
		return appendArray(buf, oidTimestamptz, v, func(b []byte, t pgtype.Timestamptz) []byte {
			if !t.Valid {
				return appendNull(b)
			}
			return appendTimestamptz(b, t.Time)
		}), nil
	}
	return nil, fmt.Errorf("no binary COPY encoding for %T", v)
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

// appendArray is a one-dimensional array (lower bound 1) of elements of
// type oid; a nil slice is NULL (as each makes an empty part).
func appendArray[T any](buf []byte, oid uint32, xs []T, elem func([]byte, T) []byte) []byte {
	if xs == nil {
		return appendNull(buf)
	}
	return appendArrayN(buf, oid, len(xs), func(b []byte) []byte {
		for _, x := range xs {
			b = elem(b, x)
		}
		return b
	})
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
