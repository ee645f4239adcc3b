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
test: fmt-check vet unit interop

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

# Reads a sandbox Parquet export with DuckDB (an independent reader) and
# checks column types and row counts against the manifest.
interop:
	rm -rf .ci/interop/out
	$(GO) run ./cmd/fitexport --source sandbox --from 2026-10-20 --to 2026-11-05 --format parquet --out .ci/interop/out --quiet
	bash .ci/interop/check.sh .ci/interop/out

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin $(DEMO_OUT) .ci/interop/out
