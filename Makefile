# The two commands the README opens with: `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps demo test build release clean

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Sets up and runs the whole pipeline on built-in sample data.
demo: release
	.build/release/ticketwatch demo --dir ticketwatch-demo

## Builds everything (the tests run the real binary) and runs the test suite.
test:
	./scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build ticketwatch-demo
