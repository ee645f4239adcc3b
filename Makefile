# fitexport — the two commands a newcomer needs are `make demo` and `make test`.
GO ?= go
DEMO_OUT ?= ./demo-out

.PHONY: all build demo test unit vet fmt-check interop fuzz-smoke bench clean

all: build

build:
	$(GO) build -o bin/fitexport ./cmd/fitexport

# A sandbox export: no account, no network (the simulator runs in-process).
demo:
	$(GO) run ./cmd/fitexport --source sandbox --from 2026-10-01 --to 2026-11-14 --format parquet --out $(DEMO_OUT)

# The whole test suite, as CI runs it (.ci/run calls exactly this).
test: fmt-check vet unit interop fuzz-smoke

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 30m ./...

# Reads a sandbox Parquet export with DuckDB (an independent reader) and
# checks column types and row counts against the manifest.
interop:
	rm -rf .ci/interop/out
	$(GO) run ./cmd/fitexport --source sandbox --from 2026-10-20 --to 2026-11-05 --format parquet --out .ci/interop/out --quiet
	bash .ci/interop/check.sh .ci/interop/out

# Benchmarks with targets (issue 8): the Go micro-benchmarks, then the
# driver (bench/), which measures quota use, rebuild throughput and memory,
# the pandas baseline and start-up, prints a table and writes
# docs/benchmarks.md. The baseline needs Debian's python3-pandas (a pyenv
# python3 on PATH may lack pandas, so /usr/bin/python3 is used).
bench:
	@/usr/bin/python3 -c 'import pandas' 2>/dev/null || (apt-get update && apt-get install -y python3-pandas)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench -doc docs/benchmarks.md

# Every fuzz target briefly (FUZZTIME each), from the seeds in f.Add and
# testdata/fuzz/<Target>/, so that a regression in a parser of API answers,
# the raw cache, the manifest, the token file, dates or flags surfaces.
# A longer hunt: make fuzz-smoke FUZZTIME=60s. The default is a count, not a
# duration: go1.26's fuzz coordinator can fail a duration run with a bare
# "context deadline exceeded" at the deadline (golang/go#75804, fixed in
# go1.27), which must not fail CI; a count has no deadline to race.
FUZZTIME ?= 500x
FUZZ_TARGETS = \
	./transform:FuzzScanIntraday \
	./dataset:FuzzFitbitTransform \
	./dataset:FuzzGoogleTransform \
	./takeout:FuzzArchiveFile \
	./config:FuzzStoreLoad \
	./load:FuzzReadManifest \
	./extract:FuzzCacheGet \
	./extract:FuzzCacheJournal \
	./dates:FuzzParse \
	./cmd/fitexport:FuzzExportDates

fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name in $$pkg ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

clean:
	rm -rf bin $(DEMO_OUT) .ci/interop/out
