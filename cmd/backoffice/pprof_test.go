package main

import (
	"net/http"
	"testing"
)

// TestServePprofOnlyOnItsListener: with BACKOFFICE_PPROF_ADDR the profiles
// answer there, and never on the portal's address.
func TestServePprofOnlyOnItsListener(t *testing.T) {
	t.Parallel()
	env := map[string]string{"BACKOFFICE_DATA_DIR": t.TempDir(), "BACKOFFICE_ADDR": "127.0.0.1:0",
		"BACKOFFICE_PPROF_ADDR": "127.0.0.1:0", "BACKOFFICE_DEMO": "false"}
	base, prof := startedWith(t, env, `pprof listener ([0-9.:]+)`)
	if prof == "" {
		t.Fatal("serve did not print the pprof listener")
	}
	if got := httpStatus(t, prof+"/debug/pprof/heap"); got != http.StatusOK {
		t.Errorf("pprof listener /debug/pprof/heap: %d, want 200", got)
	}
	if got := httpStatus(t, base+"/debug/pprof/heap"); got == http.StatusOK {
		t.Errorf("the portal's address serves the profiles")
	}
	if got := httpStatus(t, prof+"/inloggen"); got != http.StatusNotFound {
		t.Errorf("the pprof listener serves the portal: %d", got)
	}
}
