# Installs winnow on a shared labeling box:  sudo make install PREFIX=/usr/local
#
# Builds the release binary, then puts under PREFIX (DESTDIR is prepended, for packagers):
#   bin/winnow                                      the binary (keymaps and the demo are built in)
#   share/winnow/keymaps/                           the shipped keymaps, to edit for everyone on the box
#   share/man/man1/winnow.1                         from swift-argument-parser's generate-manual
#   share/bash-completion/completions/winnow        from winnow --generate-completion-script
#   share/zsh/site-functions/_winnow
#   share/fish/vendor_completions.d/winnow.fish
#
# Make, not a script: `make install PREFIX=... DESTDIR=...` is what an administrator or a
# packager types without reading anything first, and `make -n install` shows every step.
#
# The binary is linked with --static-swift-stdlib: it needs only the system libraries (ncursesw,
# SQLite, PCRE2, zlib, libstdc++), not the Swift toolchain that built it, so removing or
# upgrading /opt/swift does not break it and it can be copied to a like machine. It is large
# (about 110 MB, ICU's data included). Measured on two cores: about 7 minutes for a first
# release build.
#
# The man page comes from swift-argument-parser's own generator, `generate-manual`, the tool its
# `swift package generate-manual` plugin runs. The plugin first builds every product in release
# without --static-swift-stdlib: a second full build (another ~7 minutes) that also relinks
# winnow without it. So this builds the tool (seconds) and runs it on the binary installed.
#
# `make install-files BIN=path/to/winnow MANPAGE=` installs an already built binary without
# building (the test suite does that with the debug build; an empty MANPAGE skips the man page).

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
JOBS ?= 2

bindir = $(DESTDIR)$(PREFIX)/bin
sharedir = $(DESTDIR)$(PREFIX)/share
keymapdir = $(sharedir)/winnow/keymaps
mandir = $(sharedir)/man/man1

# Evaluated only when used: the release binary.
BIN = $(shell $(SWIFT) build -c release --show-bin-path)/winnow
MANUALDIR = .build/manual

.PHONY: all release manual install install-files uninstall

all: release

release:
	$(SWIFT) build -c release -j $(JOBS) --static-swift-stdlib --product winnow

manual: release
	$(SWIFT) build -j $(JOBS) --product generate-manual
	mkdir -p $(MANUALDIR)
	"$$($(SWIFT) build --show-bin-path)/generate-manual" "$(BIN)" --output-directory $(MANUALDIR)

install: manual
	$(MAKE) install-files BIN="$(BIN)" MANPAGE="$(MANUALDIR)/winnow.1"

install-files:
	test -x "$(BIN)"
	install -d "$(bindir)" "$(keymapdir)" "$(sharedir)/bash-completion/completions" \
		"$(sharedir)/zsh/site-functions" "$(sharedir)/fish/vendor_completions.d"
	install -m 755 "$(BIN)" "$(bindir)/winnow"
	install -m 644 Keymaps/*.keymap Keymaps/README.md "$(keymapdir)/"
	"$(BIN)" --generate-completion-script bash > "$(sharedir)/bash-completion/completions/winnow"
	"$(BIN)" --generate-completion-script zsh > "$(sharedir)/zsh/site-functions/_winnow"
	"$(BIN)" --generate-completion-script fish > "$(sharedir)/fish/vendor_completions.d/winnow.fish"
	if [ -n "$(MANPAGE)" ]; then install -d "$(mandir)" && install -m 644 "$(MANPAGE)" "$(mandir)/winnow.1"; \
	else echo "make: no man page given (MANPAGE is empty): share/man/man1/winnow.1 not installed"; fi

uninstall:
	rm -f "$(bindir)/winnow" "$(mandir)/winnow.1" "$(sharedir)/bash-completion/completions/winnow" \
		"$(sharedir)/zsh/site-functions/_winnow" "$(sharedir)/fish/vendor_completions.d/winnow.fish"
	rm -f "$(keymapdir)"/*.keymap "$(keymapdir)/README.md"
	-rmdir "$(keymapdir)" "$(sharedir)/winnow"
