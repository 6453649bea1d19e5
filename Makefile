# The two commands the README opens with: `make demo` and `make test`; `make install` for a machine that runs it.
SWIFT ?= swift

# Where `make install` puts things (GNU conventions): PREFIX for the files, DESTDIR to stage them for a package.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
UNITDIR ?= $(PREFIX)/lib/systemd/system
CONFDIR ?= /etc/ticketwatch

# The binary to install, and the one the man page and completions are generated from at install time (the tests
# pass the debug build they already have). The man page generator is swift-argument-parser's own (the tool of its
# GenerateManual plugin), built from the local package copy by `make release`: no network.
BINARY ?= .build/release/ticketwatch
MANUAL_TOOL ?= .build/release/generate-manual

.PHONY: deps demo test build release clean install uninstall

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release
	$(SWIFT) build -c release --product generate-manual

## Sets up and runs the whole pipeline on built-in sample data.
demo: release
	.build/release/ticketwatch demo --dir ticketwatch-demo

## Builds everything (the tests run the real binary, and `make install` with the generator) and runs the tests.
test:
	./scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	$(SWIFT) test --skip-build

clean:
	rm -rf .build ticketwatch-demo

# Built only when missing, so that `sudo make install` after `make release` builds nothing as root.
.build/release/ticketwatch .build/release/generate-manual:
	$(MAKE) release

# The man page and completions are generated from the binary's own command definitions, so they cannot fall behind
# the commands. The service's ExecStart names the installed binary; the example config goes only where none is.
install: $(BINARY) $(MANUAL_TOOL)
	install -D -m 0755 $(BINARY) $(DESTDIR)$(BINDIR)/ticketwatch
	install -d -m 0755 $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(MANUAL_TOOL) $(BINARY) --output-directory $(DESTDIR)$(MANDIR)
	# Blank lines of the commands' discussions make groff warn "Empty input line" on every `man`: paragraphs.
	sed -i 's/^$$/.Pp/' $(DESTDIR)$(MANDIR)/ticketwatch.1
	$(BINARY) --generate-completion-script bash > $(DESTDIR)$(BASHCOMPDIR)/ticketwatch
	$(BINARY) --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_ticketwatch
	$(BINARY) --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/ticketwatch.fish
	chmod 0644 $(DESTDIR)$(MANDIR)/ticketwatch.1 $(DESTDIR)$(BASHCOMPDIR)/ticketwatch \
		$(DESTDIR)$(ZSHCOMPDIR)/_ticketwatch $(DESTDIR)$(FISHCOMPDIR)/ticketwatch.fish
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/ticketwatch|$(BINDIR)/ticketwatch|g' systemd/ticketwatch.service \
		> $(DESTDIR)$(UNITDIR)/ticketwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ticketwatch.service
	install -m 0644 systemd/ticketwatch.timer $(DESTDIR)$(UNITDIR)/ticketwatch.timer
	install -d -m 0755 $(DESTDIR)$(CONFDIR)
	[ -e $(DESTDIR)$(CONFDIR)/config.toml ] || install -m 0644 config.example.toml $(DESTDIR)$(CONFDIR)/config.toml

# Removes what install put there; the config stays if the operator changed it (and credentials always stay).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ticketwatch $(DESTDIR)$(MANDIR)/ticketwatch.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/ticketwatch $(DESTDIR)$(ZSHCOMPDIR)/_ticketwatch
	rm -f $(DESTDIR)$(FISHCOMPDIR)/ticketwatch.fish
	rm -f $(DESTDIR)$(UNITDIR)/ticketwatch.service $(DESTDIR)$(UNITDIR)/ticketwatch.timer
	! cmp -s config.example.toml $(DESTDIR)$(CONFDIR)/config.toml || rm -f $(DESTDIR)$(CONFDIR)/config.toml
	! [ -d $(DESTDIR)$(CONFDIR) ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$(CONFDIR)
