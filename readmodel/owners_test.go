package readmodel_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"backoffice/readmodel"
)

// repoRoot is the module's root, seen from this package's directory.
const repoRoot = ".."

// writeRE finds a statement that writes a table in SQL text. Keywords are
// upper case and tables lower case in this code base, so "DO UPDATE SET"
// and "FOR UPDATE SKIP LOCKED" do not match.
var writeRE = regexp.MustCompile(`\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?([a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)`)

// createRE finds a table a migration (or a Go string) creates.
var createRE = regexp.MustCompile(`\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)

// writtenTables are the tables the SQL text sql writes.
func writtenTables(sql string) []string {
	var out []string
	for _, m := range writeRE.FindAllStringSubmatch(sql, -1) {
		names := []string{m[2]}
		if strings.HasPrefix(m[1], "TRUNCATE") {
			names = strings.Split(m[2], ",")
		} else if i := strings.IndexAny(m[2], ", \t\n"); i >= 0 {
			names = []string{m[2][:i]}
		}
		for _, n := range names {
			out = append(out, strings.TrimSpace(n))
		}
	}
	return out
}

func TestWrittenTables(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want []string
	}{
		{`INSERT INTO credentials (account_id, email) VALUES ($1, $2)
			ON CONFLICT (account_id) DO UPDATE SET email = EXCLUDED.email`, []string{"credentials"}},
		{`UPDATE mail_deliveries SET status = 'sent' WHERE event_id = $1`, []string{"mail_deliveries"}},
		{`SELECT * FROM mail_deliveries FOR UPDATE SKIP LOCKED`, nil},
		{`DELETE FROM document_files f USING documents d WHERE d.document_id = f.document_id`, []string{"document_files"}},
		{`TRUNCATE ts_timesheets, ts_status_counts`, []string{"ts_timesheets", "ts_status_counts"}},
		{`TRUNCATE TABLE ONLY accounts`, []string{"accounts"}},
		{`SELECT email FROM credentials WHERE account_id = $1`, nil},
		{"unable to update the language", nil},
	} {
		if got := writtenTables(tc.sql); !slices.Equal(got, tc.want) {
			t.Errorf("writtenTables(%q) = %v, want %v", tc.sql, got, tc.want)
		}
	}
}

// goFiles calls fn with every non-test Go file of the module, parsed, and
// its package directory (relative, slash-separated).
func goFiles(t *testing.T, fn func(dir, file string, f *ast.File)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != repoRoot && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(repoRoot, path)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		fn(filepath.ToSlash(filepath.Dir(rel)), filepath.ToSlash(rel), f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// goStrings calls fn with every string literal of the non-test Go files of
// the module, and the package directory (relative, slash-separated). Test
// kits (internal/apptest, internal/notifytest, …) are packages like any
// other: they seed through events and the owners' Go functions, never by
// writing another package's table.
func goStrings(t *testing.T, fn func(dir, file, s string)) {
	t.Helper()
	goFiles(t, func(dir, file string, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					fn(dir, file, s)
				}
			}
			return true
		})
	})
}

// migrationDirs maps each package with a migrations directory to the
// tables its migrations create.
func migrationDirs(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != repoRoot && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".sql") || filepath.Base(filepath.Dir(path)) != "migrations" {
			return nil
		}
		rel, _ := filepath.Rel(repoRoot, filepath.Dir(filepath.Dir(path)))
		owner := filepath.ToSlash(rel)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, ok := out[owner]; !ok {
			out[owner] = nil
		}
		for _, m := range createRE.FindAllStringSubmatch(string(b), -1) {
			out[owner] = append(out[owner], m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ownership checks the SQL text s of file, in package dir: it returns the
// tables s creates or writes that dir does not own (readmodel.Owners), the
// tables it creates and the number of writes.
func ownership(dir, file, s string) (violations, creates []string, writes int) {
	for range engineWriteRE.FindAllString(s, -1) {
		writes++
		if dir != enginePkg {
			violations = append(violations, file+": writes {table}, the placeholder of the "+enginePkg+" engine")
		}
	}
	for _, m := range createRE.FindAllStringSubmatch(s, -1) {
		creates = append(creates, m[1])
		if o := readmodel.Owners[m[1]]; o != dir {
			violations = append(violations, file+": creates "+m[1]+", owned by "+strconv.Quote(o))
		}
	}
	for _, table := range writtenTables(s) {
		writes++
		owner, ok := readmodel.Owners[table]
		switch {
		case !ok:
			violations = append(violations, file+": writes "+table+", which is not in readmodel.Owners")
		case owner != dir:
			violations = append(violations, file+": writes "+table+", owned by "+owner+" (call the owner's Go function)")
		}
	}
	return violations, creates, writes
}

// enginePkg is the delivery-queue engine: it writes the table the calling
// package hands to queue.New, on that package's behalf. Its SQL names the
// table only as {table} (engineWriteRE), and handovers holds every caller
// to a table it owns, so the engine writes nothing its caller does not own.
const enginePkg = "notify/queue"

var engineWriteRE = regexp.MustCompile(`\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?\{table\}`)

// handovers returns the tables the file f (in package dir) hands to the
// engine's New, as "table by dir", and the violations: a table dir does
// not own, or one not given as a string literal (the check could not see it).
func handovers(dir, file string, f *ast.File) (tables, violations []string) {
	local := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "backoffice/"+enginePkg {
			local = path.Base(enginePkg)
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" {
		return nil, nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fun := call.Fun
		switch x := fun.(type) {
		case *ast.IndexExpr:
			fun = x.X
		case *ast.IndexListExpr:
			fun = x.X
		}
		sel, ok := fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "New" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != local {
			return true
		}
		var table string
		if len(call.Args) > 1 {
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				table, _ = strconv.Unquote(lit.Value)
			}
		}
		switch owner, ok := readmodel.Owners[table]; {
		case table == "":
			violations = append(violations, file+": hands "+enginePkg+" a table that is not a string literal")
		case !ok || owner != dir:
			violations = append(violations, file+": hands "+enginePkg+" "+table+", owned by "+strconv.Quote(owner))
		default:
			tables = append(tables, table+" by "+dir)
		}
		return true
	})
	return tables, violations
}

func TestEngineHandover(t *testing.T) {
	for _, tc := range []struct {
		dir, src string
		tables   []string
		want     []string
	}{
		{"notify/mail", `package mail; import "backoffice/notify/queue"; var q, _ = queue.New("mail", "mail_deliveries", c, d, k)`,
			[]string{"mail_deliveries by notify/mail"}, nil},
		{"notify/mail", `package mail; import "backoffice/notify/queue"; var q, _ = queue.New[S, M]("mail", "sms_deliveries", c, d, k)`,
			nil, []string{`f.go: hands notify/queue sms_deliveries, owned by "notify/sms"`}},
		{"notify/mail", `package mail; import dq "backoffice/notify/queue"; var q, _ = dq.New("mail", table, c, d, k)`,
			nil, []string{"f.go: hands notify/queue a table that is not a string literal"}},
		{"notify/mail", `package mail; import "other/queue"; var q, _ = queue.New("mail", "sms_deliveries", c, d, k)`, nil, nil},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "f.go", tc.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tables, got := handovers(tc.dir, "f.go", f); !slices.Equal(tables, tc.tables) || !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q, %q\nwant %q, %q", tc.src, tables, got, tc.tables, tc.want)
		}
	}
}

// TestOutsideWriteFails: a write to another package's table is a
// violation, from a test kit as from any package; the owner's own write is
// not.
func TestOutsideWriteFails(t *testing.T) {
	for _, tc := range []struct {
		dir, sql string
		want     []string
	}{
		{"internal/notifytest", `INSERT INTO ts_timesheets (stream, status) VALUES ($1, $2)`,
			[]string{"f.go: writes ts_timesheets, owned by readmodel/timesheets (call the owner's Go function)"}},
		{"internal/apptest", `UPDATE accounts SET disabled = true WHERE account_id = $1`,
			[]string{"f.go: writes accounts, owned by readmodel/identity (call the owner's Go function)"}},
		{"notify/reminders", `TRUNCATE notify_reminders, notify_settings`,
			[]string{"f.go: writes notify_settings, owned by notify/prefs (call the owner's Go function)"}},
		{"internal/pgtest", `INSERT INTO scratch (id) VALUES (1)`, []string{"f.go: writes scratch, which is not in readmodel.Owners"}},
		{"internal/notifytest", `CREATE TABLE IF NOT EXISTS notify_settings (account_id text)`,
			[]string{`f.go: creates notify_settings, owned by "notify/prefs"`}},
		{"readmodel/timesheets", `INSERT INTO ts_timesheets (stream, status) VALUES ($1, $2)`, nil},
		{"notify/prefs", `INSERT INTO notify_settings (account_id) VALUES ($1) ON CONFLICT (account_id) DO UPDATE SET reminders = false`, nil},
		{"internal/notifytest", `SELECT status FROM ts_timesheets WHERE placement_id = $1`, nil},
		{"notify/mail", `UPDATE {table} SET status = 'sent' WHERE event_id = $1`,
			[]string{"f.go: writes {table}, the placeholder of the notify/queue engine"}},
		{"notify/queue", `UPDATE {table} SET status = 'sent' WHERE event_id = $1`, nil},
		{"notify/queue", `UPDATE mail_deliveries SET status = 'sent' WHERE event_id = $1`,
			[]string{"f.go: writes mail_deliveries, owned by notify/mail (call the owner's Go function)"}},
	} {
		if got, _, _ := ownership(tc.dir, "f.go", tc.sql); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q:\n got %q\nwant %q", tc.dir, tc.sql, got, tc.want)
		}
	}
}

// TestTableOwners: every table is created by its owner's migrations, and
// no package outside the owner writes it (readmodel.Owners).
func TestTableOwners(t *testing.T) {
	created := map[string]bool{}
	dirs := migrationDirs(t)
	for owner, tables := range dirs {
		for _, table := range tables {
			created[table] = true
			if got, ok := readmodel.Owners[table]; !ok {
				t.Errorf("table %s (created in %s/migrations) is not in readmodel.Owners", table, owner)
			} else if got != owner {
				t.Errorf("table %s is created in %s/migrations but owned by %s", table, owner, got)
			}
		}
	}
	// Every set of readmodel.Sets is a migrations directory and every
	// migrations directory is run (the event store and ledger run their own).
	registered := map[string]bool{"eventstore/postgres": true, "eventstore/ledger": true}
	for _, s := range readmodel.Sets {
		registered[s.Owner] = true
		if _, ok := dirs[s.Owner]; !ok {
			t.Errorf("readmodel.Sets names %s, which has no migrations directory", s.Owner)
		}
	}
	for owner := range dirs {
		if !registered[owner] {
			t.Errorf("%s/migrations is not in readmodel.Sets: its migrations never run (a new migration goes into its owner's directory; readmodel/migrations is gone)", owner)
		}
	}

	var violations []string
	writes := 0
	scanned := map[string]bool{}
	engineWrites := 0
	goStrings(t, func(dir, file, s string) {
		scanned[dir] = true
		if dir == enginePkg {
			engineWrites += len(engineWriteRE.FindAllString(s, -1))
		}
		v, creates, n := ownership(dir, file, s)
		violations = append(violations, v...)
		for _, table := range creates {
			created[table] = true
		}
		writes += n
	})
	var handed []string
	goFiles(t, func(dir, file string, f *ast.File) {
		tables, v := handovers(dir, file, f)
		handed = append(handed, tables...)
		violations = append(violations, v...)
	})
	if engineWrites == 0 {
		t.Errorf("found no {table} writes in %s: the scan is broken", enginePkg)
	}
	sort.Strings(handed)
	if want := []string{"mail_deliveries by notify/mail", "sign_tan_records by notify/reactors", "sms_deliveries by notify/sms"}; !slices.Equal(handed, want) {
		t.Errorf("tables handed to %s: %q, want %q (the scan is broken, or update this list)", enginePkg, handed, want)
	}
	sort.Strings(violations)
	for _, v := range violations {
		t.Error(v)
	}
	if writes < 50 {
		t.Errorf("found only %d writes: the scan is broken", writes)
	}
	for _, kit := range []string{"internal/notifytest", "internal/apptest", "internal/apitest", "internal/pgtest"} {
		if !scanned[kit] {
			t.Errorf("the scan skipped the test kit %s", kit)
		}
	}
	for table, owner := range readmodel.Owners {
		if !created[table] {
			t.Errorf("readmodel.Owners lists %s (%s), which no migration creates", table, owner)
		}
	}
}
