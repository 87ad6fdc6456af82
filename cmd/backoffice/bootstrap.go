package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// bootstrap creates the first back-office account in a new installation.
// The password is read from standard input (one line), never from the
// command line, where other users could read it in the process list.
func bootstrap(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: backoffice bootstrap EMAIL  (the password is read from standard input)")
	}
	email, rest := args[0], args[1:]
	cfg, log, err := loadConfig(rest, getenv, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Password for %s (8 to 64 characters): ", email)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	fmt.Fprintln(stderr)
	password := strings.TrimRight(line, "\r\n")

	asm, err := assemble(ctx, cfg, getenv, log)
	if err != nil {
		return err
	}
	defer asm.Close(ctx)
	a := asm.App
	_, created, err := a.Identity.Activation.BootstrapBackoffice(ctx, email, password)
	if err != nil {
		return err
	}
	if !created {
		fmt.Fprintf(stdout, "%s already exists; nothing changed\n", email)
		return nil
	}
	fmt.Fprintf(stdout, "back-office account %s created; log in at %s\n", email, cfg.PublicURL)
	return nil
}

var stdin io.Reader = os.Stdin
