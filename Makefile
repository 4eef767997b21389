# Persepsi. `make run` starts the server; `make test` runs every check.
GO      ?= go
BIN     := bin/persepsi
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X persepsi/app/cli.Version=$(VERSION)
export CGO_ENABLED := 1

.PHONY: build run test vet imports bench fuzz loadtest loadtest-postgres stats-sim clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN) serve

# -timeout: go test's default 10 minutes per package was exceeded by
# survey/evidence (charts drawn for every exported bundle, under -race) on a
# heavily loaded machine; a slow package must fail on its assertions, not the clock.
test: vet imports
	$(GO) test -race -timeout 30m ./...

# vet builds the packages it checks in the race configuration that `go test
# -race` uses, so a fresh checkout compiles every dependency (SQLite's C
# amalgamation included) once instead of twice: from an empty build cache
# vet + test compilation took 4 min 54 s of CPU, 3 min 28 s this way.
vet:
	$(GO) vet -race ./...

# imports enforces the layout of STYLE.md with go list: stats is pure;
# survey is the domain (no SQL, no GORM, no HTTP); only the composition
# root (app/cli, main) imports a store package; app knows no SQL and draws
# no plot (survey/chart returns bytes); evidence and chart take the survey
# interfaces, never a store.
STORES := persepsi/survey/(sqlstore|sqlite|postgres)
imports:
	@bad=$$($(GO) list -deps ./stats | grep -E 'gorm|gofiber|database/sql|mattn|pgx' || true); \
	  if [ -n "$$bad" ]; then echo "stats must not import: $$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./survey | grep -E 'gorm|gofiber|fasthttp|database/sql|mattn|pgx|^persepsi/survey/' || true); \
	  if [ -n "$$bad" ]; then echo "survey (the domain) must not import: $$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./survey/... | grep -E 'gofiber|fasthttp' || true); \
	  if [ -n "$$bad" ]; then echo "survey/... must not import: $$bad"; exit 1; fi
	@bad=$$($(GO) list -deps ./app ./survey/evidence ./survey/chart | grep -E '^($(STORES))$$' || true); \
	  if [ -n "$$bad" ]; then echo "only app/cli may import a store: $$bad"; exit 1; fi
	@bad=$$($(GO) list -f '{{join .Imports "\n"}}' ./app/... ./survey/evidence ./survey/chart | grep -E '^(gorm\.io|database/sql|github.com/mattn|github.com/jackc)' || true); \
	  if [ -n "$$bad" ]; then echo "app, evidence and chart must not import: $$bad"; exit 1; fi
	@bad=$$($(GO) list -f '{{join .Imports "\n"}}' ./app | grep -E 'gonum\.org/v1/plot' || true); \
	  if [ -n "$$bad" ]; then echo "app must not import: $$bad"; exit 1; fi
	@echo "import rules: ok"

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./stats/ ./survey/... ./app/...

# fuzz runs every fuzz target for FUZZTIME each (go test fuzzes one target
# per run). Findings land in testdata/fuzz and become regression tests.
FUZZTIME ?= 30s
FUZZ_TARGETS := ./stats/:FuzzAccumulatorUnmarshal ./stats/:FuzzAccumulate ./stats/:FuzzIntervals \
	./app/:FuzzParseSubmission ./survey/evidence/:FuzzReport
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

# stats-sim reruns the interval simulation of docs/STATISTICS.md (fixed
# seed, a few minutes on 2 cores) and prints its tables.
stats-sim:
	$(GO) run ./stats/internal/sim/cmd/stats-sim -cells

loadtest: build
	./$(BIN) loadtest

# loadtest-postgres runs the same phases on a PostgreSQL server (each on a
# fresh schema, dropped afterwards), and HTTP through one and three nodes.
POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
loadtest-postgres: build
	./$(BIN) loadtest --postgres '$(POSTGRES)'

clean:
	rm -rf bin
