# One command per chore. Everything the project needs is installed by `make setup`.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus

.PHONY: setup run serve test lint format bench bench-scale eval browser clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU build of torch first (a local file here); otherwise pip pulls GBs of CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	@$(MAKE) --no-print-directory browser
	@touch $(STAMP)

# Headless Chromium for the widget tests (Debian package; Playwright drives it, no download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null || \
	    (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) || \
	    echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium missing (sudo apt-get install chromium); browser tests will be skipped"; fi; }

run: setup
	@if [ -d "$(CORPUS)" ]; then $(BIN)/kb ingest "$(CORPUS)"; else echo "no sample corpus at $(CORPUS)"; fi
	$(BIN)/kb serve

serve: setup
	$(BIN)/kb serve

test: setup
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	 if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: setup
	$(BIN)/kb eval

bench: setup
	$(BIN)/python bench/run.py

# ×1, ×10, ×100 the sample corpus (about 45 min on 2 cores); SCALES=1,10 for a quick run.
SCALES ?= 1,10,100
bench-scale: setup
	$(BIN)/python -m bench.scale.run --scales $(SCALES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
