package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"golang.org/x/sync/errgroup"

	"backoffice/internal/config"
	"backoffice/internal/demo"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, log, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	// Listen first: a port in use ends the start at once, before a
	// database is started, migrated or seeded with demo logins that would
	// then not work.
	listeners, err := listenAll(cfg)
	if err != nil {
		return err
	}
	defer closeAll(listeners) // on an early return; Shutdown closes them otherwise
	asm, err := assemble(ctx, cfg, getenv, log)
	if err != nil {
		return err
	}
	defer asm.Close(ctx)
	a, es := asm.App, asm.es
	if cfg.Demo {
		if _, err := demo.Seed(ctx, a.Identity, time.Now(), stdout); err != nil {
			return err
		}
		if err := demo.SeedDocuments(ctx, a.Documents, a.Identity, time.Now()); err != nil {
			return err
		}
		if err := demo.SeedPayroll(ctx, a.Payroll, a.Timesheets, a.Identity, es.Store, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "A document waits for %s's signature: log in as back office to read the mail with the link and the TAN (Berichten (demo)).\n",
			demo.BakeryContactMail)
	}

	ln := listeners[0]
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	servers := []*http.Server{srv}
	next := 1
	if cfg.InternalAddr != "" {
		iln := listeners[next]
		next++
		isrv := &http.Server{Handler: a.Ops, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
		servers = append(servers, isrv)
		fmt.Fprintf(stdout, "Operations endpoints /healthz, /readyz, /metrics: internal on %s\n", iln.Addr())
	}
	if cfg.PprofAddr != "" {
		pln := listeners[next]
		psrv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}
		servers = append(servers, psrv)
		fmt.Fprintf(stdout, "Go profiles /debug/pprof/ on the pprof listener %s\n", pln.Addr())
	}
	fmt.Fprintf(stdout, "Backoffice portal: %s (listening on %s, event store: %s)\n", cfg.PublicURL, ln.Addr(), es.Kind)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.Run(gctx) })
	for i, s := range servers {
		g.Go(func() error {
			if err := s.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		<-gctx.Done()
		log.Info("shutting down")
		shCtx, cancel := context.WithTimeout(context.WithoutCancel(gctx), cfg.ShutdownTimeout)
		defer cancel()
		var errs []error
		for _, s := range servers {
			errs = append(errs, s.Shutdown(shCtx))
		}
		a.LinkMails.Wait() // link mails requested before the shutdown are queued, not lost
		return errors.Join(errs...)
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// listenAll opens the listeners serve needs, in this order: the portal's
// address, the internal one (if set), the pprof one (if set). On an error
// none stays open.
func listenAll(cfg config.Config) ([]net.Listener, error) {
	var listeners []net.Listener
	for _, addr := range []string{cfg.Addr, cfg.InternalAddr, cfg.PprofAddr} {
		if addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll(listeners)
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		listeners = append(listeners, ln)
	}
	return listeners, nil
}

func closeAll(listeners []net.Listener) {
	for _, l := range listeners {
		_ = l.Close()
	}
}

// pprofMux serves Go's profiles on a mux of its own, so they appear only on
// the pprof listener (BACKOFFICE_PPROF_ADDR), never on the portal's address.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
