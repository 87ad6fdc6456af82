package mailtest

import "testing"

// A test that fails before it sends anything closes the server right after
// starting it, often before the Serve goroutine has registered the listener
// with go-smtp; Close must return then too (it used to wait forever).
func TestCloseRightAfterStart(t *testing.T) {
	for range 200 {
		s, err := Start()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}
