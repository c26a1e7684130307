# newsdigest — build, test and lint.
GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 20s

.PHONY: all build test test-deps vet lint fuzz bench clean

all: lint test build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/newsdigest ./cmd/newsdigest

# npm dependencies of the end-to-end suite (the telegram-test-api emulator),
# pinned by e2e/package-lock.json.
test-deps:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix e2e --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the end-to-end tests against telegram-test-api will be skipped"; fi

vet:
	$(GO) vet $(PKGS)

test: test-deps vet
	$(GO) test -race -count=1 $(PKGS)

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './e2e/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck $(PKGS)

# Short runs of every fuzz target (not part of `make test`).
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

clean:
	rm -rf bin
