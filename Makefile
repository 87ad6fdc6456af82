# Entry points: `make run` starts the portal with an embedded PostgreSQL,
# `make test` runs everything CI runs. Both install the system packages they
# need when run as root (see internal/tools/ensure.sh).

GO        ?= go
# Benchmarks: which ones and for how long each (go test -bench/-benchtime).
BENCH     ?= .
BENCHTIME ?= 1s
# Extra flags for go test, e.g. TESTFLAGS='-run TestFoo -v'.
TESTFLAGS ?=
# The browser tests write screenshots of the main screens (desktop and phone
# width) here.
SCREENSHOTS ?= $(CURDIR)/test-artifacts/screenshots

ENSURE := bash internal/tools/ensure.sh
# The pinned axe-core the browser walk injects (ensure.sh axe fetches it).
AXE       := $(CURDIR)/.cache/axe-core/axe.min.js

.PHONY: run test bench bench-load bench-load-binary bench-statements reliability vet fmt lint ensure-postgres ensure-chromium ensure-axe

run: ensure-postgres
	$(GO) run ./cmd/backoffice serve -demo

# The portal's tests that drive a real browser (the walks over every screen:
# axe, keyboard, semantics and both languages; and the flows in Chromium)
# check what the pages show and do; they run beside the rest, without the
# race detector: their handlers run under -race in the package's HTTP tests,
# and under -race the browser tests were two thirds of the portal's run, the
# longest package of the suite. A new browser test belongs in this list
# (tests named here exist only in ./http/portal/; the race step skips them).
BROWSER := ^(TestBrowser(Walk|Keyboard|LanguagesComplete)|TestAdminInBrowser|TestBadHoursValueInBrowser|TestInBrowser|TestLongNamesFitThePhone|TestMailInBrowser|TestNotifyScreensInBrowser|TestOtherInBrowser|TestPagedListsInBrowser|TestPasswordChangeInBrowser|TestPayrollInBrowser|TestProfileInBrowser|TestRegisterFormFitsInBrowser|TestSheetFixesInBrowser|TestSheetOnAPhone|TestSignScreenLongFileNameFitsPhone|TestTimesheetByKeyboard|TestWeek53InBrowser|TestWeekDatesOnTap)$$
BROWSERLOG := $(CURDIR)/test-artifacts/browser.log

test: ensure-postgres ensure-chromium ensure-axe
	$(GO) vet ./...
	@mkdir -p $(dir $(BROWSERLOG))
	@echo "go test -timeout 30m -run '$(BROWSER)' $(TESTFLAGS) ./http/portal/ (beside the rest; its output follows theirs)"
	@BACKOFFICE_SCREENSHOTS=$(SCREENSHOTS) BACKOFFICE_AXE=$(AXE) $(GO) test -timeout 30m -run '$(BROWSER)' $(TESTFLAGS) ./http/portal/ > $(BROWSERLOG) 2>&1 & walks=$$!; \
	BACKOFFICE_SCREENSHOTS=$(SCREENSHOTS) BACKOFFICE_AXE=$(AXE) $(GO) test -race -timeout 20m -skip '$(BROWSER)' $(TESTFLAGS) ./...; rc=$$?; \
	wait $$walks; wrc=$$?; echo "--- the portal's browser tests:"; cat $(BROWSERLOG); \
	[ $$rc -eq 0 ] && [ $$wrc -eq 0 ]
	@echo "Screenshots of the portal: $(SCREENSHOTS)"

bench: ensure-postgres
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem -timeout 30m ./...

# The kill -9 loops at full length (docs/reliability.md); make test runs
# short ones (timesheets: 5 kill points each; every other write: 5).
reliability: ensure-postgres
	BACKOFFICE_KILL_SERVE=50 BACKOFFICE_KILL_POSTMASTER=16 BACKOFFICE_KILL_WRITES=48 $(GO) test -count=1 -v -run '^TestKillLoop(EveryWrite)?$$' -timeout 45m ./internal/reliability/

# One command on the path a real request takes, in process: the whole
# application with every projector, a real login, Idempotency-Keys, fsync on;
# commands/s, p50/p99, visibility lag, PostgreSQL transactions and WAL per
# command (docs/BENCHMARKS.md §9).
bench-load: ensure-postgres
	$(GO) test ./internal/app/ -run '^$$' -bench BenchmarkCommandPath -benchtime 300x -timeout 20m

# The same load against the real binary (serve -demo, embedded PostgreSQL,
# fsync on) over HTTP, with the server's RSS (docs/BENCHMARKS.md §9.3).
LOADBENCH_DIR ?= /tmp/backoffice-loadbench
bench-load-binary: ensure-postgres
	$(GO) build -o $(LOADBENCH_DIR)/backoffice ./cmd/backoffice
	$(GO) build -o $(LOADBENCH_DIR)/loadbench ./internal/tools/loadbench
	rm -rf $(LOADBENCH_DIR)/data
	BACKOFFICE_DATA_DIR=$(LOADBENCH_DIR)/data $(LOADBENCH_DIR)/backoffice serve -demo -addr 127.0.0.1:18083 \
		>$(LOADBENCH_DIR)/serve.log 2>&1 & pid=$$!; \
	for i in $$(seq 120); do curl -sf -o /dev/null http://127.0.0.1:18083/healthz && break; sleep 1; done; \
	$(LOADBENCH_DIR)/loadbench -url http://127.0.0.1:18083 -data $(LOADBENCH_DIR)/data -pid $$pid; rc=$$?; \
	kill $$pid; wait $$pid; exit $$rc

# Every statement of one command, with its calls per command (docs/BENCHMARKS.md §9.1).
bench-statements: ensure-postgres
	BENCH_STATEMENTS=1 $(GO) test ./internal/app/ -v -run '^$$' -bench BenchmarkCommandPath -benchtime 50x -timeout 20m

vet:
	$(GO) vet ./...

fmt:
	gofmt -w .

# lint fails when a file is not gofmt'ed or go vet complains.
lint: vet
	@out="$$(gofmt -l .)"; \
	if [ -n "$$out" ]; then echo "not gofmt'ed:"; echo "$$out"; exit 1; fi

ensure-postgres:
	@$(ENSURE) postgres

ensure-chromium:
	@$(ENSURE) chromium

ensure-axe:
	@$(ENSURE) axe
