package main

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"backoffice/commands/identity"
	"backoffice/internal/app"
	"backoffice/internal/config"
	"backoffice/notify/mail"
	"backoffice/notify/sms"
)

// appOptions builds the application's options from the configuration:
// master key, mail transport and the opened stores.
func appOptions(cfg config.Config, db *database, es *openedStore, log *slog.Logger) (app.Options, error) {
	if cfg.MasterKey == "" && !cfg.Embedded() && !cfg.Demo {
		return app.Options{}, fmt.Errorf("%s is required with BACKOFFICE_DATABASE_URL: 32 random bytes, base64 (e.g. `openssl rand -base64 32`); "+
			"it protects the personal data of workers, so keep it safe and never lose it", identity.MasterKeyEnv)
	}
	key, err := identity.MasterKey(cfg.MasterKey, filepath.Join(cfg.DataDir, "master.key"))
	if err != nil {
		return app.Options{}, fmt.Errorf("master key: %w", err)
	}
	o := app.Options{
		Pool: db.Pool, Store: es.Store, Log: log, StoreCheck: es.Check,
		WaitTimeout: cfg.ReadYourWritesTimeout, MasterKey: key, PublicURL: cfg.PublicURL, Demo: cfg.Demo, Reminders: cfg.Reminders,
		PrivateOps: cfg.InternalAddr != "", TrustedProxies: cfg.TrustedProxies,
		EventsInPool: es.Kind == "postgresql",
	}
	if cfg.SMSConfigured() {
		s, err := sms.NewSpryng(cfg.SMS())
		if err != nil {
			return app.Options{}, err
		}
		o.SMSSender = s
	}
	if cfg.SMTPURL != "" {
		s, err := mail.NewSMTPSender(mail.SMTPConfig{URL: cfg.SMTPURL, From: cfg.MailFrom})
		if err != nil {
			return app.Options{}, err
		}
		o.MailSender = s
		return o, nil
	}
	outbox, err := mail.NewFileOutbox(filepath.Join(cfg.DataDir, "outbox"), cfg.MailFrom, nil)
	if err != nil {
		return app.Options{}, errors.Join(errors.New("mail outbox"), err)
	}
	o.MailSender, o.Outbox = outbox, outbox
	if o.SMSSender == nil {
		// Mail goes to a local outbox: so do the SMS (shown next to it).
		texts, err := sms.NewFileOutbox(filepath.Join(cfg.DataDir, "outbox-sms"), nil)
		if err != nil {
			return app.Options{}, err
		}
		o.SMSSender, o.SMSOutbox = texts, texts
	}
	return o, nil
}
