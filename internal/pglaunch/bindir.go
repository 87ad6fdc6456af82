package pglaunch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrBinariesNotFound is returned (wrapped) when no PostgreSQL server
// binaries are on the machine. Its text tells the user what to install.
var ErrBinariesNotFound = errors.New("PostgreSQL server binaries not found: install them with `apt-get install -y postgresql` (Debian/Ubuntu)")

// defaultSearchGlob is where Debian and Ubuntu put versioned server binaries.
const defaultSearchGlob = "/usr/lib/postgresql/*/bin"

// FindBinDir returns the directory holding initdb and postgres: the one
// `pg_config --bindir` names, else the highest version under
// /usr/lib/postgresql/*/bin. The error wraps ErrBinariesNotFound.
func FindBinDir() (string, error) {
	return findBinDir("pg_config", defaultSearchGlob)
}

// findBinDir is FindBinDir with an injectable pg_config command and search
// glob, so tests can simulate a machine without PostgreSQL.
func findBinDir(pgConfig, searchGlob string) (string, error) {
	if dir, ok := binDirFromPGConfig(pgConfig); ok {
		return dir, nil
	}
	candidates, _ := filepath.Glob(searchGlob)
	// Highest major version first: "15" > "9.6", so compare numerically.
	sort.SliceStable(candidates, func(i, j int) bool {
		return versionOf(candidates[i]) > versionOf(candidates[j])
	})
	for _, dir := range candidates {
		if hasServerBinaries(dir) == nil {
			return dir, nil
		}
	}
	return "", ErrBinariesNotFound
}

// binDirFromPGConfig asks pg_config where the binaries are. pg_config may
// belong to a client-only install (libpq-dev), hence the check for initdb.
func binDirFromPGConfig(pgConfig string) (string, bool) {
	path, err := exec.LookPath(pgConfig)
	if err != nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--bindir").Output()
	if err != nil {
		return "", false
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" || hasServerBinaries(dir) != nil {
		return "", false
	}
	return dir, true
}

// hasServerBinaries reports whether dir contains executable initdb and postgres.
func hasServerBinaries(dir string) error {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("%w (%s has no %s)", ErrBinariesNotFound, dir, name)
		}
		if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return fmt.Errorf("%w (%s/%s is not executable)", ErrBinariesNotFound, dir, name)
		}
	}
	return nil
}

// versionOf extracts the version from .../postgresql/<version>/bin as a
// float, 0 when it does not parse.
func versionOf(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return 0
	}
	return v
}
