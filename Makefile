# Every target creates .venv and installs what it needs on first use.
# Torch: when the venv has none, the pinned CPU build is installed first (a local wheel on the
# course machines, a small download elsewhere); set TORCH_SPEC to choose another build, with pip options
# if it needs them: make test TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cu124"
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test bench lint clean print-tools

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q $(TORCH_SPEC)
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dlcourse run bath-a2 --profile quick
	$(BIN)/dlcourse report bath-a2

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python bench/train_speed.py

# dlcourse report --pdf and the printed-output tests: headless Chromium, poppler, Arial's metric twin (Debian/Ubuntu).
print-tools:
	command -v chromium >/dev/null && command -v pdftoppm >/dev/null && test -d /usr/share/fonts/truetype/liberation || \
	  ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	   apt-get install -y -q chromium poppler-utils fonts-liberation)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) runs .pytest_cache
