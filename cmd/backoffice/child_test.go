package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// childArgsEnv makes the test binary run the command in it (TestMain),
// its arguments separated by \x1f.
const childArgsEnv = "BACKOFFICE_TEST_CHILD_ARGS"

// child is the command running in a child process, as main runs it.
type child struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	seen   chan struct{} // closed when stderr first holds the awaited text
	await  string
	once   sync.Once
}

func (c *child) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stderr.Write(p)
	if strings.Contains(c.stderr.String(), c.await) {
		c.once.Do(func() { close(c.seen) })
	}
	return len(p), nil
}

func (c *child) errText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

// startChild runs `backoffice args...` with env in a child process; its
// stderr is collected and await is signalled on c.seen.
func startChild(t *testing.T, env map[string]string, await string, args ...string) *child {
	t.Helper()
	c := &child{seen: make(chan struct{}), await: await}
	c.cmd = exec.Command(os.Args[0])
	c.cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(args, "\x1f"))
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stderr = c
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// waitSeen waits for the awaited text (or the child's end).
func (c *child) waitSeen(t *testing.T) {
	t.Helper()
	select {
	case <-c.seen:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the child never wrote %q:\n%s", c.await, c.errText())
	}
}

// exitCode waits for the child and returns its exit code (-1: killed).
func (c *child) exitCode(t *testing.T) int {
	t.Helper()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return c.cmd.ProcessState.ExitCode()
}
