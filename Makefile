# PayDesk: `make run` opens the console on an embedded store, `make test` runs every test.
# Both install the Debian packages PayDesk needs when they are missing (apt-get, as root or via sudo).

SWIFT      ?= swift
DEB_PKGS   := libncursesw5-dev libsqlite3-dev libssl-dev libmicrohttpd-dev libqrencode-dev libcurl4-openssl-dev zbar-tools sqlite3 python3-venv tmux prometheus nginx-light openssl curl
DB         ?= paydesk.db
# why a scratch folder of its own: a release build never invalidates the debug build `make test` uses.
RELEASE_SCRATCH := .build/rel
RELEASE    := $(RELEASE_SCRATCH)/release/paydesk
# PyPI tools the tests drive against the live server, in a virtual environment under the build folder.
VENV       := .build/venv
SCHEMATHESIS_VERSION := 3.39.16
# why pinned: newer hypothesis releases break schemathesis 3.39 ('many' object has no attribute 'more').
HYPOTHESIS_VERSION   := 6.112.0
# The channels' official client libraries the interop tests drive against the sandbox (tools/interop).
WECHATPAYV3_VERSION  := 2.0.4
ALIPAY_SDK_VERSION   := 3.4.0
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release release-build test-build unit-tests e2e-tests run test bench clean venv

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
	$(MAKE) --no-print-directory release-build

release-build:
	$(SWIFT) build -c release --product paydesk --scratch-path $(RELEASE_SCRATCH)

test-build:
	$(SWIFT) build --build-tests

run: release
	$(RELEASE) --db $(DB)

$(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q "schemathesis==$(SCHEMATHESIS_VERSION)" "hypothesis==$(HYPOTHESIS_VERSION)"
	touch $@

$(VENV)/.channel-sdks-$(WECHATPAYV3_VERSION)-$(ALIPAY_SDK_VERSION): $(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION)
	$(VENV)/bin/pip install -q "wechatpayv3==$(WECHATPAYV3_VERSION)" "python-alipay-sdk==$(ALIPAY_SDK_VERSION)"
	touch $@

venv: $(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION) $(VENV)/.channel-sdks-$(WECHATPAYV3_VERSION)-$(ALIPAY_SDK_VERSION)

# The end-to-end tests drive the built binary, as a script or a cashier would; schemathesis
# (PyPI, in $(VENV)) checks the live server against docs/openapi.yaml, and the channels' official
# SDKs check the sandbox (tools/interop).
# why the debug binary, not a release build: the debug build of the tests builds it anyway, the
# end-to-end tests take as long with it (342 s against 320 s), and a release build beside it cost
# 814 s of a 1,173 s run. `make run` and `make bench` use the release build.
# why in parallel: the tests that drive the binary (E2E: their suites' names say EndToEnd, and
# RouteRiskCommandTests) spend most of their time waiting on the processes they start.
E2E := EndToEnd|RouteRiskCommandTests
test: deps
	$(MAKE) --no-print-directory -j4 e2e-tests unit-tests

unit-tests: test-build venv
	PAYDESK_VENV=$(CURDIR)/$(VENV) $(SWIFT) test --skip-build --skip '$(E2E)'

# why the test bundle run directly: a second `swift test` on the same build folder waits for the
# first one's lock, and the two groups would run one after the other.
e2e-tests: test-build venv
	PAYDESK_BIN=$(CURDIR)/.build/debug/paydesk PAYDESK_VENV=$(CURDIR)/$(VENV) \
	  .build/debug/PayDeskPackageTests.xctest --testing-library swift-testing --filter '$(E2E)'

bench: release
	$(RELEASE) bench pay
	$(RELEASE) bench browse

clean:
	rm -rf .build
