package pglaunch

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is the user the server runs as. Zero value: the current user.
type account struct {
	name     string
	uid, gid uint32
	switched bool // true when we are root and run the server as uid/gid
}

// serverUser picks the server's user: ourselves, or when we are root (which
// PostgreSQL refuses) the "postgres" account, else "nobody".
func serverUser(log *slog.Logger) (*account, error) {
	if os.Geteuid() != 0 {
		return &account{}, nil
	}
	var lastErr error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			lastErr = err
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			lastErr = fmt.Errorf("unusable account %q (uid %s)", name, u.Uid)
			continue
		}
		log.Info("running as root: postgres will run as an unprivileged user", "user", name)
		return &account{name: name, uid: uint32(uid), gid: uint32(gid), switched: true}, nil
	}
	return nil, fmt.Errorf("running as root and no unprivileged account (postgres or nobody) to run PostgreSQL as: %w", lastErr)
}

// credential is the SysProcAttr credential for the server's processes.
func (a *account) credential() *syscall.Credential {
	if !a.switched {
		return nil
	}
	return &syscall.Credential{Uid: a.uid, Gid: a.gid}
}

// own makes dir and everything in it belong to the account, and makes sure
// the account can reach dir through its ancestors.
func (a *account) own(dir string, log *slog.Logger) error {
	if !a.switched {
		return nil
	}
	if st, ok := statOwner(dir); !ok || st.Uid != a.uid {
		err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, int(a.uid), int(a.gid))
		})
		if err != nil {
			return fmt.Errorf("pglaunch: chown %s to %s: %w", dir, a.name, err)
		}
	}
	return a.makeTraversable(filepath.Dir(dir), log)
}

// makeTraversable adds o+x to each ancestor (up to /) that the account could
// not search otherwise: e.g. os.MkdirTemp and t.TempDir create 0700 dirs.
// Only the search bit is added, never read: others can enter, not list.
func (a *account) makeTraversable(dir string, log *slog.Logger) error {
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pglaunch: %w", err)
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode()
		can := mode&0o001 != 0 ||
			(st != nil && st.Uid == a.uid && mode&0o100 != 0) ||
			(st != nil && st.Gid == a.gid && mode&0o010 != 0)
		if !can {
			log.Info("chmod o+x so the postgres user can reach its directory", "dir", dir)
			if err := os.Chmod(dir, mode.Perm()|0o001|(mode&(fs.ModeSticky|fs.ModeSetgid|fs.ModeSetuid))); err != nil {
				return fmt.Errorf("pglaunch: make %s traversable for %s: %w", dir, a.name, err)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func statOwner(path string) (*syscall.Stat_t, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return st, ok
}
