# NineRouter — the README's two commands: `make run` and `make test`.
# Each installs what it is missing (Debian packages included), so a fresh Debian machine
# with only the Swift toolchain needs nothing else.

SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift
DATA_DIR ?= ./data
VENV := .venv
# Release builds link Swift's runtime and Foundation statically: measured (BENCHMARKS.md,
# 2026-12-02) 4 MB less idle RSS and a quarter less CPU per translated call than linking
# them as shared libraries.
RELEASE := $(SWIFT) build -c release --static-swift-stdlib

RUN_PACKAGES := libcurl4-openssl-dev libargon2-dev libsqlite3-dev pkg-config
TEST_PACKAGES := $(RUN_PACKAGES) tinyproxy-bin microsocks python3 python3-venv chromium chromium-driver postgresql nginx-light

.PHONY: run build test test-swift test-e2e deps test-deps bench soak clean

# Installs the Debian packages in $(1) that are not installed yet.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(RUN_PACKAGES))

build: deps
	$(RELEASE) --product ninerouter

run: build
	@echo "Starting NineRouter on port $${ROUTER_PORT:-20128}; data in $(DATA_DIR)."
	@if [ -z "$$INITIAL_PASSWORD" ]; then echo "Admin password: $(DATA_DIR)/initial-password (written on first start), unless already changed."; \
	else echo "Admin password: the value of INITIAL_PASSWORD (until changed in the dashboard)."; fi
	DATA_DIR="$(DATA_DIR)" ./.build/release/ninerouter serve

test-deps:
	$(call apt_install,$(TEST_PACKAGES))
	@if [ ! -x $(VENV)/bin/python ]; then python3 -m venv $(VENV) || /usr/bin/python3 -m venv $(VENV); fi
	@$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt

# Both suites run beside a throw-away PostgreSQL cluster of their own (scripts/test-postgres).
test-swift: test-deps
	$(SWIFT) build --build-tests
	scripts/with-test-postgres $(SWIFT) test --skip-build

# The end-to-end suite runs the release build (what `make run` starts); the fake providers
# come from the debug build.
test-e2e: test-deps
	$(SWIFT) build --product fake-upstream
	$(RELEASE) --product ninerouter
	NINEROUTER_BIN=$$($(RELEASE) --show-bin-path)/ninerouter \
	FAKE_UPSTREAM_BIN=$$($(SWIFT) build --show-bin-path)/fake-upstream \
	scripts/with-test-postgres $(VENV)/bin/python -m pytest -q Tests/e2e

test: test-swift test-e2e

clean:
	rm -rf .build $(VENV)

BENCH_PACKAGES := nginx-light wrk curl postgresql python3 python3-venv

# BENCH_QUICK=1 for a short run (2 s cells, one round); the LiteLLM peer row installs
# litellm[proxy] from PyPI into .build/bench-litellm on first use (BENCH_PEER=0 skips it).
bench: deps
	$(call apt_install,$(BENCH_PACKAGES))
	$(RELEASE) --product ninerouter
	$(RELEASE) --product fake-upstream
	scripts/with-test-postgres python3 bench/bench.py

# The soak run: SOAK_MINUTES (default 10) of mixed traffic, 10,000 calls that end badly, and
# 1,000 streams open at once. Not part of `make test`; results go in RELIABILITY.md.
SOAK_MINUTES ?= 10
soak: deps
	$(call apt_install,$(BENCH_PACKAGES))
	$(RELEASE) --product ninerouter
	SOAK_MINUTES=$(SOAK_MINUTES) python3 bench/soak.py
