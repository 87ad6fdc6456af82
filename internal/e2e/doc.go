// Package e2e holds the end-to-end tests: the real application as
// `backoffice serve` builds it (app.New) on a fresh PostgreSQL database
// with the PostgreSQL event store, seeded with the demo data, served by an
// httptest.Server and driven through the portal, in chromium (chromedp)
// and over plain HTTP. See env_test.go for the harness.
package e2e
