# Leadtime: build, test and benchmark. `make test` is what CI runs (.ci/run); it installs what it
# needs (Debian packages, npm dev tools) first, so a clean clone on a fresh Debian 12 passes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test
# The steps of `test` run in the order written, whatever -j says.
.NOTPARALLEL:

GO ?= go
# Fuzz targets smoke-tested by `make test`, as PKGDIR:FuzzName. A target whose package does not
# define it yet is skipped with a warning.
FUZZ_TARGETS ?= ./delivery:FuzzParseSettings ./promise:FuzzParseItems ./promise:FuzzParseCartJS ./liquidsandbox:FuzzRenderTemplate ./liquidsandbox:FuzzAnalyze ./shopify:FuzzVerifyProxy ./shopify:FuzzVerifyWebhook ./health:FuzzDecodeFulfillment
# Budgets are execution counts, not durations: with a duration, go1.26's fuzz coordinator can
# fail a healthy target with "context deadline exceeded" when a loaded machine delays a worker
# at the deadline (golang/go#75804, fixed in go1.27). A count has no deadline to race.
FUZZTIME ?= 20000x
FUZZMINIMIZETIME ?= 2000x

# Redocly must not reach the network (CI has none but the package registries).
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

.PHONY: deps apt-deps npm-deps test fmt-check vet lint-openapi fuzz go-test run bench build clean

## deps: install the Debian packages and npm dev tools the tests need (only what is missing)
deps: apt-deps npm-deps

apt-deps:
	scripts/install-deps.sh

npm-deps: node_modules/.package-lock.json extensions/leadtime-checkout/node_modules/.package-lock.json extensions/leadtime-delivery-dates/node_modules/.package-lock.json

# npm writes node_modules/.package-lock.json on every install, so this reinstalls exactly when
# node_modules is missing or the lockfile (or package.json) is newer than the installed tree.
# The go.mod inside node_modules makes `./...` skip it, in case an npm package ships .go files.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	printf 'module ignore/node_modules\n' > node_modules/go.mod
	touch $@

# The checkout UI extension has its own package.json and lockfile, as the Shopify CLI builds it
# (`go test ./extensions/leadtime-checkout` type-checks it).
extensions/leadtime-checkout/node_modules/.package-lock.json: extensions/leadtime-checkout/package-lock.json extensions/leadtime-checkout/package.json
	cd extensions/leadtime-checkout && npm ci --no-audit --no-fund
	printf 'module ignore/node_modules\n' > extensions/leadtime-checkout/node_modules/go.mod
	touch $@

# The delivery customization function pins @shopify/shopify_function, which `shopify app deploy`
# builds it with; its tests (go test ./functionconfig) run its source in node without it.
extensions/leadtime-delivery-dates/node_modules/.package-lock.json: extensions/leadtime-delivery-dates/package-lock.json extensions/leadtime-delivery-dates/package.json
	cd extensions/leadtime-delivery-dates && npm ci --no-audit --no-fund
	printf 'module ignore/node_modules\n' > extensions/leadtime-delivery-dates/node_modules/go.mod
	touch $@

## test: everything CI checks; the go test summary comes last
test: deps fmt-check vet lint-openapi fuzz go-test

fmt-check:
	@echo "== gofmt -l"
	@files=$$(find . \( -path ./node_modules -o -path ./.git -o -path ./vendor \) -prune -o -name '*.go' -print); \
	bad=$$( [ -z "$$files" ] || gofmt -l $$files ); \
	if [ -n "$$bad" ]; then echo "gofmt would change these files (run gofmt -w):"; echo "$$bad"; exit 1; fi

vet:
	@echo "== go vet ./..."
	$(GO) vet ./...

lint-openapi: npm-deps
	@echo "== redocly lint openapi.yaml"
	npx --no-install redocly lint openapi.yaml

fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  dir=$${t%%:*}; name=$${t##*:}; \
	  if grep -qsE "^func $$name\(" $$dir/*_test.go; then \
	    echo "== fuzz $$dir $$name, $(FUZZTIME) executions"; \
	    $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$dir; \
	  else \
	    echo "fuzz target $$name is not defined in $$dir/*_test.go (see FUZZ_TARGETS in the Makefile)"; exit 1; \
	  fi; \
	done

go-test:
	@echo "== go test -race -count=1 ./..."
	$(GO) test -race -count=1 ./...

## run: serve the demo shop on PORT (default 8080)
run:
	$(GO) run .

## bench: delivery.Quote micro-benchmarks, the HTTP benchmark, then the scale benchmarks (DESIGN.md §8)
bench: apt-deps
	$(GO) test -run '^$$' -bench . -benchmem ./delivery/
	scripts/bench.sh
	scripts/bench-scale.sh

## build: a static binary in bin/leadtime
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/leadtime .

clean:
	rm -rf bin artifacts
