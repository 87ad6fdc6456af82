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

	"backoffice/internal/demo"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	asm, err := start(ctx, args, getenv, stderr)
	if err != nil {
		return err
	}
	defer asm.Close(ctx)
	a, es, cfg, log := asm.App, asm.es, asm.cfg, asm.log
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

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	servers := []*http.Server{srv}
	listeners := []net.Listener{ln}
	if cfg.InternalAddr != "" {
		iln, err := net.Listen("tcp", cfg.InternalAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s: %w", cfg.InternalAddr, err)
		}
		isrv := &http.Server{Handler: a.Ops, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
		servers, listeners = append(servers, isrv), append(listeners, iln)
		fmt.Fprintf(stdout, "Operations endpoints /healthz, /readyz, /metrics: internal on %s\n", iln.Addr())
	}
	if cfg.PprofAddr != "" {
		pln, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return fmt.Errorf("listen on %s: %w", cfg.PprofAddr, err)
		}
		psrv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}
		servers, listeners = append(servers, psrv), append(listeners, pln)
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
