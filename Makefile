# livecode: the two set-up commands are `make run` and `make test`.
GO      ?= go
BIN     := bin/livecode
RELEASE := $(shell sed -n 's/^const Release = "\(.*\)"/\1/p' internal/cli/version.go)
VERSION ?= $(RELEASE)+$(shell git describe --always --dirty 2>/dev/null || echo unknown)
LDFLAGS := -X livecode/internal/cli.Version=$(VERSION)
APT     := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends
SQLC    := $(shell go env GOPATH)/bin/sqlc
# staticcheck at a pinned version, installed by make into bin/ (a new pin installs anew)
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/tools/staticcheck-$(STATICCHECK_VERSION)

.PHONY: help run build test test-cgroup2 check lint staticcheck bench generate web deps gvisor toolchains verify-deploy bench-api clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: deps build ## run the service (embedded: SQLite, in-process queue) on PORT (default 3000)
	./$(BIN) serve

build: ## build bin/livecode
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/livecode

test: deps gvisor toolchains ## run every test with the race detector (installs every language toolchain first; with LANGUAGES=…, only those, and the other languages' tests skip)
	LIVECODE_ALL_LANGUAGES=$(if $(LANGUAGES),0,1) $(GO) test -race -count=1 -timeout 50m ./...

test-cgroup2: deps ## run the sandbox tests, attack corpus and e2e limits on cgroup v2, in a user-mode-linux kernel
	@command -v linux >/dev/null || $(APT) user-mode-linux || (apt-get update -qq && $(APT) user-mode-linux)
	.ci/cgroup2/run

check: staticcheck ## fast tier, no root or services: go vet, staticcheck, go test -short -race (under a minute with a warm build cache)
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) test -short -race -count=1 ./...

lint: staticcheck ## go vet, gofmt and staticcheck, failing on any finding
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(STATICCHECK) ./...

staticcheck: $(STATICCHECK)
$(STATICCHECK):
	mkdir -p bin/tools
	cd /tmp && GOBIN=$(CURDIR)/bin/tools $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/tools/staticcheck $@

bench: deps ## run the Go benchmarks, then the API beside its floor (bench-api)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	bench/api.sh

bench-api: deps ## API throughput (autosave, execution read) next to a minimal server on the same database (wrk)
	bench/api.sh

generate: ## regenerate the sqlc query code
	test -x $(SQLC) || (cd /tmp && $(GO) install github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1)
	$(SQLC) generate

web: ## rebuild the JavaScript client (clients/js/dist) and the playground's bundle (internal/web/dist/js) with npm's locked packages
	@command -v npm >/dev/null || $(APT) npm || (apt-get update -qq && $(APT) npm)
	cd clients/js && npm ci --no-fund --no-audit && rm -rf dist && npm run build
	cd web && npm ci --no-fund --no-audit && rm -rf ../internal/web/dist/js && npm run build

deps: ## install the sandbox (bubblewrap) and the base toolchains when missing
	@command -v bwrap >/dev/null || $(APT) bubblewrap || (apt-get update -qq && $(APT) bubblewrap)
	@test -x /usr/bin/python3 || ($(APT) python3)
	@test -x /usr/bin/node || ($(APT) nodejs)

gvisor: ## install runsc, for SANDBOX=gvisor (the tests run the attack corpus under it too)
	@command -v runsc >/dev/null || $(APT) runsc || (apt-get update -qq && $(APT) runsc)

toolchains: deps build ## install the language toolchains and libraries (LANGUAGES=python,c,go for some; all by default) and, for all, Chromium for the playground's browser test; then report them
	@command -v npm >/dev/null || $(APT) npm || (apt-get update -qq && $(APT) npm)
	./$(BIN) toolchains install $(LANGUAGES)
	@test -n "$(LANGUAGES)" || command -v chromium >/dev/null || $(APT) chromium || (apt-get update -qq && $(APT) chromium)

verify-deploy: build ## check the packaging: compose file, systemd unit, Kubernetes manifests (no engine or cluster needed)
	@command -v docker-compose >/dev/null || $(APT) docker-compose || (apt-get update -qq && $(APT) docker-compose)
	@command -v systemd-analyze >/dev/null || $(APT) systemd
	docker-compose -f compose.yaml config -q
	@unit=$$(mktemp -d) && sed "s#/usr/local/bin/livecode#$(CURDIR)/$(BIN)#g" deploy/livecode.service > $$unit/livecode.service && \
		systemd-analyze verify $$unit/livecode.service; rc=$$?; rm -rf $$unit; exit $$rc
	cd deploy/kubernetes/validate && $(GO) run . ../*.yaml

clean: ## remove build output
	rm -rf bin
