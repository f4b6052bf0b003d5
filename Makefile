# PayDesk: `make run` opens the console on an embedded store, `make test` runs every test.
# Both install the Debian packages PayDesk needs when they are missing (apt-get, as root or via sudo).

SWIFT      ?= swift
DEB_PKGS   := libncursesw5-dev libsqlite3-dev libssl-dev libmicrohttpd-dev tmux prometheus nginx-light openssl curl
DB         ?= paydesk.db
RELEASE    := .build/release/paydesk
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release run test bench clean

all: build

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product paydesk

run: release
	$(RELEASE) --db $(DB)

# The end-to-end tests drive the release binary, as a script or a cashier would.
test: release
	PAYDESK_BIN=$(CURDIR)/$(RELEASE) $(SWIFT) test

bench: release
	$(RELEASE) bench pay
	$(RELEASE) bench browse

clean:
	rm -rf .build
